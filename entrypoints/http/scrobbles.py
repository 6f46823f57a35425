"""Scrobbles: POST /api/v1/pleroma/scrobble and GET /api/v1/pleroma/accounts/:id/scrobbles."""

from __future__ import annotations

import msgspec
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute

from plerome.domain.scrobbles import Scrobble
from plerome.domain.usecases.scrobbles import account_scrobbles, scrobble

from .entities import AccountEntity
from .json import Json, iso
from .pagination import PageParams, link_header, page_of
from .render import render_account
from .routing import Doc, RouteTable
from .web import Web


class ScrobbleParams(msgspec.Struct):
    title: str
    artist: str | None = None
    album: str | None = None
    length: int | None = None  # milliseconds
    externalLink: str | None = None  # Pleroma's spelling of external_link
    external_link: str | None = None
    visibility: str | None = None  # public (the default), unlisted, private or direct


class ScrobbleEntity(msgspec.Struct):
    id: str
    account: AccountEntity
    created_at: str
    title: str
    artist: str | None
    album: str | None
    length: int | None
    externalLink: str | None
    external_link: str | None
    visibility: str


def scrobble_entity(s: Scrobble, account: AccountEntity) -> ScrobbleEntity:
    return ScrobbleEntity(
        id=s.id,
        account=account,
        created_at=iso(s.created_at),
        title=s.title,
        artist=s.artist,
        album=s.album,
        length=s.length,
        externalLink=s.external_link,
        external_link=s.external_link,
        visibility=s.visibility,
    )


def routes(web: Web) -> list[BaseRoute]:
    async def create(request: Request) -> Response:
        viewer = await web.auth.require(request, "write")
        p = await web.params(request, ScrobbleParams)
        made = await scrobble(
            web.ctx,
            viewer,
            title=p.title,
            artist=p.artist,
            album=p.album,
            length=p.length,
            external_link=p.externalLink if p.externalLink is not None else p.external_link,
            visibility=p.visibility,
        )
        return Json(scrobble_entity(made, await render_account(web, viewer, viewer)))

    async def index(request: Request) -> Response:
        reader = await web.auth.optional(request, "read")
        q = await web.params(request, PageParams)
        account, found = await account_scrobbles(
            web.ctx, reader.id if reader else None, request.path_params["id"], page_of(q)
        )
        entity = await render_account(web, reader, account)
        return Json(
            [scrobble_entity(s, entity) for s in found],
            headers=link_header(request, web.svc.base_url, [s.id for s in found]),
        )

    table = RouteTable()
    table.pleroma(
        "/scrobble",
        create,
        ["POST"],
        Doc(
            "Record what the logged-in account is listening to (a Listen); never shown in timelines",
            ScrobbleParams,
            ScrobbleEntity,
            auth="required",
            scopes=("write",),
        ),
    )
    table.pleroma(
        "/accounts/{id}/scrobbles",
        index,
        ["GET"],
        Doc(
            "An account's scrobbles (by id or nickname), newest first, as far as the reader may see them"
            " (Link header: next and prev pages)",
            PageParams,
            list[ScrobbleEntity],
            auth="optional",
            scopes=("read",),
        ),
    )
    return table.routes
