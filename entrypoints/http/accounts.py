"""Mastodon account endpoints: verify_credentials, update_credentials and one account by id."""

from __future__ import annotations

from typing import Any

import msgspec
from msgspec import UNSET, UnsetType
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute

from plerome.domain.accounts import ProfileField
from plerome.domain.errors import TooLarge, Unprocessable
from plerome.domain.media import data_uri_bytes
from plerome.domain.usecases.accounts import IMAGE_SLOTS, ProfileChange, find_account, update_credentials

from .entities import AccountEntity
from .json import Json
from .params import convert
from .render import render_account
from .routing import Doc, RouteTable
from .web import Web


class VerifyQuery(msgspec.Struct):
    with_pleroma_settings: bool = False


class FieldParam(msgspec.Struct):
    name: str | None = None
    value: str | None = None


class SourceParams(msgspec.Struct):
    privacy: str | UnsetType = UNSET
    sensitive: bool | UnsetType = UNSET
    language: str | UnsetType | None = UNSET


class UpdateCredentials(msgspec.Struct):
    """Every field optional: absent leaves a value alone. Images are multipart uploads or base64
    `data:` URIs (JSON clients), or "" to clear."""

    display_name: str | UnsetType | None = UNSET
    note: str | UnsetType | None = UNSET
    locked: bool | UnsetType = UNSET
    bot: bool | UnsetType = UNSET
    discoverable: bool | UnsetType = UNSET
    avatar: Any = UNSET
    header: Any = UNSET
    pleroma_background_image: Any = UNSET
    fields_attributes: list[FieldParam] | dict[str, FieldParam] | UnsetType | None = UNSET
    source: dict[str, Any] | UnsetType | None = UNSET
    hide_favorites: bool | UnsetType = UNSET
    hide_followers: bool | UnsetType = UNSET
    hide_follows: bool | UnsetType = UNSET
    hide_followers_count: bool | UnsetType = UNSET
    hide_follows_count: bool | UnsetType = UNSET
    allow_following_move: bool | UnsetType = UNSET
    show_role: bool | UnsetType = UNSET
    no_rich_text: bool | UnsetType = UNSET
    skip_thread_containment: bool | UnsetType = UNSET
    actor_type: str | UnsetType = UNSET
    pleroma_settings_store: dict[str, Any] | UnsetType | None = UNSET


# Fields that map one to one onto ProfileChange.
_PLAIN = (
    "display_name",
    "note",
    "locked",
    "bot",
    "discoverable",
    "hide_favorites",
    "hide_followers",
    "hide_follows",
    "hide_followers_count",
    "hide_follows_count",
    "allow_following_move",
    "show_role",
    "no_rich_text",
    "skip_thread_containment",
    "actor_type",
)
_IMAGE_PARAMS = {"avatar": "avatar", "header": "header", "pleroma_background_image": "background_image"}


def _fields(value: list[FieldParam] | dict[str, FieldParam] | None) -> list[ProfileField]:
    if value is None:
        return []
    if isinstance(value, dict):  # a JSON {"0": {...}, "1": {...}}
        ordered = sorted(value.items(), key=lambda kv: (not kv[0].isdecimal(), len(kv[0]), kv[0]))
        value = [f for _, f in ordered]
    return [ProfileField(f.name or "", f.value or "") for f in value]


async def image_param(value: object, slot: str, limit: int) -> bytes | UnsetType | None:
    """An image parameter: the new image's bytes, None to clear, or UNSET when nothing was chosen."""
    if value is UNSET:
        return UNSET
    if value is None or value == "":
        return None
    if isinstance(value, UploadFile):
        if value.size is not None and value.size > limit:
            raise TooLarge("File is too large")
        data: bytes = await value.read()
        if not data and not value.filename:  # a browser form's empty file input
            return UNSET
        return data
    decoded = data_uri_bytes(value) if isinstance(value, str) else None
    if decoded is not None:
        if len(decoded) > limit:
            raise TooLarge("File is too large")
        return decoded
    raise Unprocessable(
        f"{IMAGE_SLOTS[slot][1]} must be an uploaded image, a base64 data: URI,"
        " or an empty string to remove it."
    )


def _change(p: UpdateCredentials) -> ProfileChange:
    values: dict[str, Any] = {name: getattr(p, name) for name in _PLAIN if getattr(p, name) is not UNSET}
    if p.fields_attributes is not UNSET:
        values["fields"] = _fields(p.fields_attributes)
    if isinstance(p.source, dict):
        source = convert(dict(p.source), SourceParams)
        for name in ("privacy", "sensitive", "language"):
            if getattr(source, name) is not UNSET:
                values[name] = getattr(source, name)
    if isinstance(p.pleroma_settings_store, dict):
        values["settings_store"] = p.pleroma_settings_store
    return ProfileChange(**values)


def routes(web: Web) -> list[BaseRoute]:
    limit = web.svc.settings.upload_limit

    async def verify_credentials(request: Request) -> Response:
        account = await web.auth.require(request, "read:accounts")
        q = await web.params(request, VerifyQuery)
        return Json(await render_account(web, account, account, with_settings=q.with_pleroma_settings))

    async def update(request: Request) -> Response:
        try:
            account = await web.auth.require(request, "write:accounts")
            p = await web.params(request, UpdateCredentials)
            images: dict[str, bytes | None] = {}
            for param, slot in _IMAGE_PARAMS.items():
                image = await image_param(getattr(p, param), slot, limit)
                if not isinstance(image, UnsetType):
                    images[slot] = image
            updated = await update_credentials(web.ctx, account.id, _change(p), images, limit)
            return Json(await render_account(web, updated, updated, with_settings=True))
        finally:
            await request.close()  # the uploads' temporary files

    async def show(request: Request) -> Response:
        viewer = await web.auth.optional(request, "read:accounts")
        account = await find_account(
            web.ctx, request.path_params["id"], include_deactivated=viewer is not None and viewer.is_admin
        )
        return Json(await render_account(web, viewer, account))

    table = RouteTable()
    table.add(
        "/api/v1/accounts/verify_credentials",
        verify_credentials,
        ["GET"],
        Doc("The logged-in account", VerifyQuery, AccountEntity, auth="required", scopes=("read:accounts",)),
    )
    table.add(
        "/api/v1/accounts/update_credentials",
        update,
        ["PATCH"],
        Doc(
            "Change the logged-in account's profile, images and settings",
            UpdateCredentials,
            AccountEntity,
            auth="required",
            scopes=("write:accounts",),
        ),
    )
    # After the fixed paths above: `{id}` would match `verify_credentials` too.
    table.add(
        "/api/v1/accounts/{id}",
        show,
        ["GET"],
        Doc("An account by id or nickname", None, AccountEntity, auth="optional", scopes=("read:accounts",)),
    )
    return table.routes
