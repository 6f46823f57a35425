"""Settings a client app keeps for its user: /api/v1/pleroma/settings/:app."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute

from plerome.domain.usecases import self_service

from .json import Json
from .params import raw_params
from .routing import Doc, RouteTable
from .web import Web


def routes(web: Web) -> list[BaseRoute]:
    async def show(request: Request) -> Response:
        account = await web.auth.require(request, "read:accounts")
        return Json(await self_service.app_settings(web.ctx, account.id, request.path_params["app"]))

    async def patch(request: Request) -> Response:
        account = await web.auth.require(request, "write:accounts")
        body = await raw_params(request, web.svc.settings.upload_limit)
        body.pop("access_token", None)
        merged = await self_service.patch_app_settings(web.ctx, account.id, request.path_params["app"], body)
        return Json(merged)

    table = RouteTable()
    table.pleroma(
        "/settings/{app}",
        show,
        ["GET"],
        Doc(
            "The app's settings for this user ({} when none)",
            None,
            dict[str, Any],
            auth="required",
            scopes=("read:accounts",),
        ),
    )
    table.pleroma(
        "/settings/{app}",
        patch,
        ["PATCH"],
        Doc(
            "Deep-merge the JSON object sent into the app's settings (null removes a key); the result",
            dict[str, Any],
            dict[str, Any],
            auth="required",
            scopes=("write:accounts",),
        ),
    )
    return table.routes
