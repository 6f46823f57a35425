"""The user's sessions: GET /api/oauth_tokens and DELETE /api/oauth_tokens/:id."""

from __future__ import annotations

from datetime import UTC

import msgspec
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute

from plerome.domain.usecases import self_service

from .json import Json
from .routing import Doc, RouteTable
from .web import Web


class SessionEntity(msgspec.Struct):
    id: int
    app_name: str
    valid_until: str  # naive, with microseconds, as Pleroma writes it: 2121-11-24T15:51:08.234234


def routes(web: Web) -> list[BaseRoute]:
    async def list_tokens(request: Request) -> Response:
        account = await web.auth.require(request)
        listing = await self_service.sessions(web.ctx, account.id)
        return Json(
            [
                SessionEntity(
                    id=t.token.id,
                    app_name=t.app_name,
                    valid_until=t.token.valid_until.astimezone(UTC)
                    .replace(tzinfo=None)
                    .isoformat(timespec="microseconds"),
                )
                for t in listing
            ]
        )

    async def revoke(request: Request) -> Response:
        account = await web.auth.require(request)
        raw = request.path_params["id"]
        if raw.isascii() and raw.isdigit() and len(raw) < 19:
            await self_service.revoke_session(web.ctx, account.id, int(raw))
        # Like Pleroma: 201 whatever happened, so nobody learns which ids exist.
        return Response(status_code=201)

    table = RouteTable()
    table.add(
        "/api/oauth_tokens",
        list_tokens,
        ["GET"],
        Doc(
            "The account's tokens (every app, this one included)", None, list[SessionEntity], auth="required"
        ),
    )
    table.add(
        "/api/oauth_tokens/{id}",
        revoke,
        ["DELETE"],
        Doc(
            "Revoke one of the account's tokens; 201 also when the id is unknown or not the account's",
            None,
            None,
            auth="required",
            status=201,
        ),
    )
    return table.routes
