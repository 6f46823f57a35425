"""Media uploads: POST /api/v1/media and /api/v2/media, GET and PUT /api/v1/media/:id.

Uploads are processed while the request waits, so v2 answers 200 with a `url` at once (Mastodon
answers 202 and a null `url` only while it is still processing).
"""

from __future__ import annotations

from typing import Any

import msgspec
from msgspec import UNSET, UnsetType
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute

from plerome.domain.errors import InvalidInput, MissingField, TooLarge
from plerome.domain.usecases.media import get_media, update_media, upload_media

from .json import Json
from .params import is_upload
from .routing import Doc, RouteTable
from .status_entities import AttachmentEntity, attachment_entity
from .web import Web


class UploadParams(msgspec.Struct):
    file: Any = UNSET  # a multipart upload
    description: str | None = None
    focus: str | None = None  # "x,y", each in -1.0…1.0


class UpdateParams(msgspec.Struct):
    """Absent leaves a value alone; "" or null clears it."""

    description: str | UnsetType | None = UNSET
    focus: str | UnsetType | None = UNSET


async def uploaded_file(value: Any, limit: int) -> bytes:
    """The bytes of the multipart upload in a `file` parameter."""
    if value is UNSET or value == "":  # "": how a browser sends an empty file input
        raise MissingField("file")
    if not is_upload(value):
        raise InvalidInput("Invalid value for file: expected an uploaded file")
    if value.size is not None and value.size > limit:
        raise TooLarge("File is too large")
    data: bytes = await value.read()
    return data


def _given(value: str | UnsetType | None) -> str | None:
    """UpdateParams' value as update_media takes it: None leaves alone, "" clears."""
    if isinstance(value, UnsetType):
        return None
    return value or ""


def routes(web: Web) -> list[BaseRoute]:
    limit = web.svc.settings.upload_limit

    async def upload(request: Request) -> Response:
        account = await web.auth.require(request, "write:media")
        p = await web.params(request, UploadParams)
        data = await uploaded_file(p.file, limit)
        attachment = await upload_media(web.ctx, account.id, data, limit, p.description, p.focus)
        return Json(attachment_entity(attachment, web.policy))

    async def show(request: Request) -> Response:
        account = await web.auth.require(request, "write:media")
        attachment = await get_media(web.ctx, account.id, request.path_params["id"])
        return Json(attachment_entity(attachment, web.policy))

    async def update(request: Request) -> Response:
        account = await web.auth.require(request, "write:media")
        p = await web.params(request, UpdateParams)
        attachment = await update_media(
            web.ctx, account.id, request.path_params["id"], _given(p.description), _given(p.focus)
        )
        return Json(attachment_entity(attachment, web.policy))

    def doc(summary: str, params: type | None = None) -> Doc:
        return Doc(summary, params, AttachmentEntity, auth="required", scopes=("write:media",))

    table = RouteTable()
    for version in ("v1", "v2"):
        table.add(
            f"/api/{version}/media",
            upload,
            ["POST"],
            doc("Upload a file (multipart `file`) to attach to a status", UploadParams),
        )
    table.add("/api/v1/media/{id}", show, ["GET"], doc("One of the caller's uploads"))
    table.add(
        "/api/v1/media/{id}", update, ["PUT"], doc("Change an upload's description or focus", UpdateParams)
    )
    return table.routes
