"""GET /api/v1/pleroma/accounts/:id/favourites: what an account favourited, if it shows it."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute

from plerome.domain.usecases.account_favourites import account_favourites

from .json import Json
from .pagination import PageParams, link_header, page_of
from .render import render_statuses
from .routing import Doc, RouteTable
from .status_entities import StatusEntity
from .web import Web


def routes(web: Web) -> list[BaseRoute]:
    async def favourites(request: Request) -> Response:
        reader = await web.auth.optional(request, "read:favourites")
        q = await web.params(request, PageParams)
        statuses, ids = await account_favourites(
            web.ctx, reader.id if reader else None, request.path_params["id"], page_of(q)
        )
        return Json(
            await render_statuses(web, reader, statuses),
            headers=link_header(request, web.svc.base_url, ids),
        )

    table = RouteTable()
    table.pleroma(
        "/accounts/{id}/favourites",
        favourites,
        ["GET"],
        Doc(
            "The statuses an account favourited, newest favourite first, as far as the reader may see"
            " them (Link header: next and prev pages); 403 while the account hides its favourites",
            PageParams,
            list[StatusEntity],
            auth="optional",
            scopes=("read:favourites",),
        ),
    )
    return table.routes
