"""GET /api/v2/search: accounts, statuses and hashtags in one answer (megalodon and Mastodon.py call it)."""

from __future__ import annotations

import msgspec
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute

from plerome.domain.errors import InvalidInput
from plerome.domain.usecases.search import KINDS, search

from .entities import AccountEntity
from .json import Json
from .render import render_accounts, render_statuses
from .routing import Doc, RouteTable
from .status_entities import StatusEntity
from .web import Web


class SearchQuery(msgspec.Struct):
    q: str
    type: str | None = None
    limit: int = 20
    offset: int = 0
    resolve: bool = False  # accepted and ignored: only local content is searched
    following: bool = False


class Hashtag(msgspec.Struct):
    name: str
    url: str
    history: list[dict[str, str]] = []


class SearchResultsEntity(msgspec.Struct):
    accounts: list[AccountEntity]
    statuses: list[StatusEntity]
    hashtags: list[Hashtag]


def routes(web: Web) -> list[BaseRoute]:
    async def search_v2(request: Request) -> Response:
        viewer = await web.auth.optional(request, "read:search")
        q = await web.params(request, SearchQuery)
        if q.type is not None and q.type not in KINDS:
            raise InvalidInput(f"type must be one of: {', '.join(KINDS)}.")
        found = await search(
            web.ctx,
            viewer,
            q.q,
            kind=q.type,
            limit=max(1, min(q.limit, 40)),
            offset=max(0, q.offset),
            following_only=q.following,
        )
        return Json(
            SearchResultsEntity(
                accounts=await render_accounts(web, viewer, found.accounts),
                statuses=await render_statuses(web, viewer, found.statuses),
                hashtags=[Hashtag(name=t, url=f"{web.policy.base_url}/tag/{t}") for t in found.hashtags],
            )
        )

    table = RouteTable()
    table.add(
        "/api/v2/search",
        search_v2,
        ["GET"],
        Doc(
            "Local accounts, visible statuses and hashtags matching a query",
            SearchQuery,
            SearchResultsEntity,
            auth="optional",
            scopes=("read:search",),
        ),
    )
    return table.routes
