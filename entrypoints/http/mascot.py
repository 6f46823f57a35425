"""GET/PUT /api/v1/pleroma/mascot (and /api/pleroma/mascot): the image Pleroma-FE shows beside the
post form. Stored like every upload; only images are taken, anything else is 415."""

from __future__ import annotations

from typing import Any

import msgspec
from msgspec import UNSET
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute

from plerome.domain.accounts import Account
from plerome.domain.errors import Unprocessable
from plerome.domain.instance import InstancePolicy
from plerome.domain.media import content_type_for, is_stored_key
from plerome.domain.usecases.mascot import set_mascot

from .entities import media_url
from .errors import ErrorPolicy
from .json import Json
from .media import DEFAULT_MASCOT
from .media_uploads import uploaded_file
from .routing import Doc, RouteTable
from .status_entities import AttachmentEntity, AttachmentPleroma
from .web import Web

# Pleroma answers an upload that is not an image with 415 Unsupported Media Type.
MASCOT_ERRORS = ErrorPolicy({Unprocessable: 415})


class MascotParams(msgspec.Struct):
    file: Any = UNSET  # a multipart image


def mascot_entity(account: Account, policy: InstancePolicy) -> AttachmentEntity:
    """The account's mascot as an attachment, or the instance's default one."""
    key = account.mascot if is_stored_key(account.mascot) else None
    url = media_url(policy, key, DEFAULT_MASCOT)
    if key is None:
        mascot_id, mime = "default-mascot", "image/png"
    else:
        mascot_id, mime = key.rsplit("/", 1)[-1].split(".", 1)[0], content_type_for(key)
    return AttachmentEntity(
        id=mascot_id,
        type="image",
        url=url,
        preview_url=url,
        remote_url=None,
        text_url=url,
        meta={},
        description=None,
        blurhash=None,
        pleroma=AttachmentPleroma(mime_type=mime),
    )


def routes(web: Web) -> list[BaseRoute]:
    limit = web.svc.settings.upload_limit

    async def show(request: Request) -> Response:
        account = await web.auth.require(request, "read:accounts")
        return Json(mascot_entity(account, web.policy))

    async def update(request: Request) -> Response:
        account = await web.auth.require(request, "write:accounts")
        p = await web.params(request, MascotParams)
        updated = await set_mascot(web.ctx, account.id, await uploaded_file(p.file, limit), limit)
        return Json(mascot_entity(updated, web.policy))

    table = RouteTable(policy=MASCOT_ERRORS)
    table.pleroma(
        "/mascot",
        show,
        ["GET"],
        Doc("The caller's mascot", None, AttachmentEntity, auth="required", scopes=("read:accounts",)),
    )
    table.pleroma(
        "/mascot",
        update,
        ["PUT"],
        Doc(
            "Set the caller's mascot (multipart `file`, an image)",
            MascotParams,
            AttachmentEntity,
            auth="required",
            scopes=("write:accounts",),
        ),
    )
    return table.routes
