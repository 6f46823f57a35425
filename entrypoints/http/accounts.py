"""Mastodon account endpoints: verify_credentials (and, below, update_credentials, lookup, sign-up)."""

from __future__ import annotations

import msgspec
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute

from .entities import AccountEntity, account_entity
from .json import Json
from .routing import Doc, RouteTable
from .web import Web


class VerifyQuery(msgspec.Struct):
    with_pleroma_settings: bool = False


def routes(web: Web) -> list[BaseRoute]:
    async def verify_credentials(request: Request) -> Response:
        account = await web.auth.require(request, "read:accounts")
        q = await web.params(request, VerifyQuery)
        return Json(
            account_entity(account, web.policy, viewer=account, with_settings=q.with_pleroma_settings)
        )

    table = RouteTable()
    table.add(
        "/api/v1/accounts/verify_credentials",
        verify_credentials,
        ["GET"],
        Doc("The logged-in account", VerifyQuery, AccountEntity, auth="required", scopes=("read:accounts",)),
    )
    return table.routes
