"""Timelines: home, public, a hashtag's, and an account's statuses."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute

from plerome.domain.accounts import Account
from plerome.domain.statuses import Status
from plerome.domain.usecases.listing import Listed
from plerome.domain.usecases.timelines import account_statuses, home_timeline, public_timeline, tag_timeline

from .json import Json
from .pagination import PageParams, link_header, page_of
from .render import render_statuses
from .routing import Doc, RouteTable
from .status_entities import StatusEntity
from .web import Web


class HomeParams(PageParams):
    local: bool = False  # every status here is local: with or without it, the same list
    only_media: bool = False
    exclude_replies: bool = False


class PublicParams(PageParams):
    local: bool = False
    remote: bool = False
    only_media: bool = False


class TagParams(PageParams):
    local: bool = False
    only_media: bool = False


class AccountStatusesParams(PageParams):
    exclude_reblogs: bool = False
    exclude_replies: bool = False
    only_media: bool = False
    pinned: bool = False


def routes(web: Web) -> list[BaseRoute]:
    async def listed(request: Request, viewer: Account | None, page: Listed[Status]) -> Response:
        entities = await render_statuses(web, viewer, page.items)
        return Json(entities, headers=link_header(request, web.policy.base_url, page.ids))

    async def home(request: Request) -> Response:
        viewer = await web.auth.require(request, "read:statuses")
        p = await web.params(request, HomeParams)
        page = await home_timeline(
            web.ctx, viewer, page_of(p), only_media=p.only_media, exclude_replies=p.exclude_replies
        )
        return await listed(request, viewer, page)

    async def public(request: Request) -> Response:
        viewer = await web.auth.optional(request, "read:statuses")
        viewer_id = viewer.id if viewer else None
        p = await web.params(request, PublicParams)
        page = await public_timeline(web.ctx, viewer_id, page_of(p), only_media=p.only_media, remote=p.remote)
        return await listed(request, viewer, page)

    async def tag(request: Request) -> Response:
        viewer = await web.auth.optional(request, "read:statuses")
        viewer_id = viewer.id if viewer else None
        p = await web.params(request, TagParams)
        hashtag = request.path_params["hashtag"]
        page = await tag_timeline(web.ctx, viewer_id, hashtag, page_of(p), only_media=p.only_media)
        return await listed(request, viewer, page)

    async def of_account(request: Request) -> Response:
        viewer = await web.auth.optional(request, "read:statuses")
        p = await web.params(request, AccountStatusesParams)
        page = await account_statuses(
            web.ctx,
            viewer,
            request.path_params["id"],
            page_of(p),
            exclude_reblogs=p.exclude_reblogs,
            exclude_replies=p.exclude_replies,
            only_media=p.only_media,
            pinned=p.pinned,
        )
        return await listed(request, viewer, page)

    table = RouteTable()
    table.add(
        "/api/v1/timelines/home",
        home,
        ["GET"],
        Doc(
            "Own statuses, those of followed accounts and those mentioning the caller, newest first",
            HomeParams,
            list[StatusEntity],
            auth="required",
            scopes=("read:statuses",),
        ),
    )
    table.add(
        "/api/v1/timelines/public",
        public,
        ["GET"],
        Doc(
            "Public statuses of this instance, newest first",
            PublicParams,
            list[StatusEntity],
            auth="optional",
            scopes=("read:statuses",),
        ),
    )
    table.add(
        "/api/v1/timelines/tag/{hashtag}",
        tag,
        ["GET"],
        Doc(
            "Public statuses with a hashtag, newest first",
            TagParams,
            list[StatusEntity],
            auth="optional",
            scopes=("read:statuses",),
        ),
    )
    table.add(
        "/api/v1/accounts/{id}/statuses",
        of_account,
        ["GET"],
        Doc(
            "An account's statuses the caller may see, newest first (nothing is pinned yet)",
            AccountStatusesParams,
            list[StatusEntity],
            auth="optional",
            scopes=("read:statuses",),
        ),
    )
    return table.routes
