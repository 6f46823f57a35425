"""OAuth client registration: POST /api/v1/apps, GET /api/v1/apps/verify_credentials."""

from __future__ import annotations

import msgspec
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute

from plerome.domain.errors import Unauthorized
from plerome.domain.usecases.oauth import create_app

from .entities import AppEntity, app_entity
from .json import Json
from .routing import Doc, RouteTable
from .web import Web


class CreateApp(msgspec.Struct):
    client_name: str
    redirect_uris: str
    scopes: str | list[str] | None = None
    website: str | None = None


def routes(web: Web) -> list[BaseRoute]:
    async def create(request: Request) -> Response:
        p = await web.params(request, CreateApp)
        app = await create_app(web.ctx, p.client_name, p.redirect_uris, p.scopes, p.website)
        return Json(app_entity(app, with_secrets=True))

    async def verify(request: Request) -> Response:
        creds = await web.auth.app(request)
        app = await web.ctx.stores.apps.get(creds.app_id or "")
        if app is None:
            raise Unauthorized()
        return Json(app_entity(app, with_secrets=False))

    table = RouteTable()
    table.add("/api/v1/apps", create, ["POST"], Doc("Register an OAuth app", CreateApp, AppEntity))
    table.add(
        "/api/v1/apps/verify_credentials",
        verify,
        ["GET"],
        Doc("The calling app", None, AppEntity, auth="app"),
    )
    return table.routes
