"""Pleroma's older image endpoints: update_avatar, update_banner and update_background.

Each sets or clears one image of the logged-in account through update_credentials, and answers its
new URL (`{"url": null}` once cleared).
"""

from __future__ import annotations

from typing import Any

import msgspec
from msgspec import UnsetType
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute

from plerome.domain.usecases.accounts import ProfileChange, update_credentials

from .accounts import image_param
from .entities import media_url
from .json import Json
from .routing import Doc, Endpoint, RouteTable
from .web import Web


class ImageParams(msgspec.Struct):
    """`img`: an uploaded image, a base64 `data:` URI, or "" to clear it."""

    img: Any


class BannerParams(msgspec.Struct):
    """`banner`: an uploaded image, a base64 `data:` URI, or "" to clear it."""

    banner: Any


class ImageUrl(msgspec.Struct):
    url: str | None


# path → (the account's image slot, its params, the default image shown when unset)
SLOTS: dict[str, tuple[str, type[ImageParams] | type[BannerParams], str]] = {
    "update_avatar": ("avatar", ImageParams, "/images/avi.png"),
    "update_banner": ("header", BannerParams, "/images/banner.png"),
    "update_background": ("background_image", ImageParams, ""),
}


def routes(web: Web) -> list[BaseRoute]:
    limit = web.svc.settings.upload_limit

    def updating(slot: str, struct: type[ImageParams] | type[BannerParams], fallback: str) -> Endpoint:
        async def run(request: Request) -> Response:
            viewer = await web.auth.require(request, "write:accounts")
            p = await web.params(request, struct)
            value = p.img if isinstance(p, ImageParams) else p.banner
            image = await image_param(value, slot, limit)
            data = None if isinstance(image, UnsetType) else image  # an empty file input clears too
            updated = await update_credentials(web.ctx, viewer.id, ProfileChange(), {slot: data}, limit)
            key = getattr(updated, slot)
            return Json(ImageUrl(media_url(web.policy, key, fallback) if key else None))

        return run

    table = RouteTable()
    for name, (slot, struct, fallback) in SLOTS.items():
        table.pleroma(
            f"/accounts/{name}",
            updating(slot, struct, fallback),
            ["PATCH"],
            Doc(
                f"Set or clear the logged-in account's {slot.replace('_', ' ')} (as update_credentials"
                " does); answers its URL, null once cleared",
                struct,
                ImageUrl,
                auth="required",
                scopes=("write:accounts",),
            ),
        )
    return table.routes
