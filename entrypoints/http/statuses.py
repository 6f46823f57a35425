"""Mastodon status endpoints: post, show, delete, context, favourite, reblog, bookmark, who did so, and
the viewer's favourites and bookmarks."""

from __future__ import annotations

from typing import Any

import msgspec
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute

from plerome.domain.accounts import Account
from plerome.domain.errors import InvalidInput, NotFound
from plerome.domain.statuses import Draft
from plerome.domain.usecases.listing import Listed
from plerome.domain.usecases.statuses import (
    bookmark,
    delete_status,
    favourite,
    favourited_by,
    get_status,
    marked_statuses,
    post_status,
    reblog,
    reblogged_by,
    status_context,
    unbookmark,
    unfavourite,
    unreblog,
)

from .entities import AccountEntity
from .json import Json
from .pagination import PageParams, link_header, page_of
from .render import render_accounts, render_statuses, stats_for, view_account_ids
from .routing import Doc, RouteTable
from .status_entities import StatusEntity, status_entity
from .web import Web


class PostStatus(msgspec.Struct):
    """JSON (megalodon) or a form with `media_ids[]` (Mastodon.py). Absent visibility: the author's
    default. Features plerome does not have yet are refused when asked for, never dropped."""

    status: str | None = None
    visibility: str | None = None
    in_reply_to_id: str | None = None
    spoiler_text: str | None = None
    sensitive: bool | None = None
    media_ids: list[str] | None = None
    content_type: str | None = None
    language: str | None = None
    in_reply_to_conversation_id: str | None = None
    scheduled_at: str | None = None
    poll: dict[str, Any] | None = None
    expires_in: int | None = None
    quote_id: str | None = None
    preview: bool | None = None


_NOT_YET = {
    "scheduled_at": "Scheduled statuses are not supported yet",
    "poll": "Polls are not supported yet",
    "expires_in": "Expiring statuses are not supported yet",
    "quote_id": "Quote posts are not supported yet",
    "preview": "Status previews are not supported yet",
}


class ReblogParams(msgspec.Struct):
    visibility: str | None = None


class StatusContext(msgspec.Struct):
    ancestors: list[StatusEntity]
    descendants: list[StatusEntity]


def routes(web: Web) -> list[BaseRoute]:
    async def one(viewer: Account | None, status: Any) -> Response:
        entities = await render_statuses(web, viewer, [status])
        if not entities:  # its author is gone
            raise NotFound()
        return Json(entities[0])

    async def listed(request: Request, viewer: Account | None, page: Listed[Any]) -> Response:
        entities = await render_statuses(web, viewer, page.items)
        return Json(entities, headers=link_header(request, web.policy.base_url, page.ids))

    async def accounts_listed(request: Request, viewer: Account | None, page: Listed[Any]) -> Response:
        entities = await render_accounts(web, viewer, page.items)
        return Json(entities, headers=link_header(request, web.policy.base_url, page.ids))

    async def create(request: Request) -> Response:
        account, creds = await web.auth.user(request, "write:statuses")
        p = await web.params(request, PostStatus)
        for name, refusal in _NOT_YET.items():
            if getattr(p, name) not in (None, False):
                raise InvalidInput(refusal)
        draft = Draft(
            text=p.status or "",
            visibility=p.visibility or account.privacy,  # type: ignore[arg-type]  # check_draft checks it
            content_type=p.content_type or "text/plain",
            spoiler_text=p.spoiler_text or "",
            sensitive=bool(p.sensitive),
            language=p.language or None,
            in_reply_to_id=p.in_reply_to_id or None,
            media_ids=tuple(p.media_ids or ()),
        )
        status = await post_status(
            web.ctx,
            account,
            draft,
            idempotency_key=request.headers.get("idempotency-key") or None,
            app_id=creds.app_id,
            in_reply_to_conversation_id=p.in_reply_to_conversation_id or None,
        )
        return await one(account, status)

    async def show(request: Request) -> Response:
        viewer = await web.auth.optional(request, "read:statuses")
        status = await get_status(web.ctx, viewer.id if viewer else None, request.path_params["id"])
        return await one(viewer, status)

    async def delete(request: Request) -> Response:
        viewer = await web.auth.require(request, "write:statuses")
        view = await delete_status(web.ctx, viewer, request.path_params["id"])
        stats = await stats_for(web, view_account_ids([view]), viewer)
        return Json(status_entity(view, web.policy, viewer.id, stats))

    async def context(request: Request) -> Response:
        viewer = await web.auth.optional(request, "read:statuses")
        viewer_id = viewer.id if viewer else None
        ancestors, descendants = await status_context(web.ctx, viewer_id, request.path_params["id"])
        entities = await render_statuses(web, viewer, [*ancestors, *descendants])
        return Json(StatusContext(entities[: len(ancestors)], entities[len(ancestors) :]))

    def action(act: Any, scope: str) -> Any:
        async def run(request: Request) -> Response:
            viewer = await web.auth.require(request, scope)
            return await one(viewer, await act(web.ctx, viewer, request.path_params["id"]))

        return run

    async def do_reblog(request: Request) -> Response:
        viewer = await web.auth.require(request, "write:statuses")
        p = await web.params(request, ReblogParams)
        wrapper = await reblog(web.ctx, viewer, request.path_params["id"], p.visibility or None)
        return await one(viewer, wrapper)

    def who(find: Any) -> Any:
        async def run(request: Request) -> Response:
            viewer = await web.auth.optional(request, "read:accounts")
            page = page_of(await web.params(request, PageParams))
            found = await find(web.ctx, viewer.id if viewer else None, request.path_params["id"], page)
            return await accounts_listed(request, viewer, found)

        return run

    def marks(kind: str, scope: str) -> Any:
        async def run(request: Request) -> Response:
            viewer = await web.auth.require(request, scope)
            page = page_of(await web.params(request, PageParams))
            return await listed(request, viewer, await marked_statuses(web.ctx, viewer, kind, page))

        return run

    table = RouteTable()
    table.add(
        "/api/v1/statuses",
        create,
        ["POST"],
        Doc("Post a status", PostStatus, StatusEntity, auth="required", scopes=("write:statuses",)),
    )
    table.add(
        "/api/v1/statuses/{id}",
        show,
        ["GET"],
        Doc("A status the caller may see", None, StatusEntity, auth="optional", scopes=("read:statuses",)),
    )
    table.add(
        "/api/v1/statuses/{id}",
        delete,
        ["DELETE"],
        Doc(
            "Delete one's own status; the answer carries its `text` for a redraft",
            None,
            StatusEntity,
            auth="required",
            scopes=("write:statuses",),
        ),
    )
    table.add(
        "/api/v1/statuses/{id}/context",
        context,
        ["GET"],
        Doc(
            "The visible statuses above and below a status in its thread",
            None,
            StatusContext,
            auth="optional",
            scopes=("read:statuses",),
        ),
    )
    for name, act, scope, summary in (
        ("favourite", favourite, "write:favourites", "Favourite a status"),
        ("unfavourite", unfavourite, "write:favourites", "Take a favourite back"),
        ("unreblog", unreblog, "write:statuses", "Undo one's reblog; answers the reblogged status"),
        ("bookmark", bookmark, "write:bookmarks", "Bookmark a status"),
        ("unbookmark", unbookmark, "write:bookmarks", "Remove a bookmark"),
    ):
        table.add(
            f"/api/v1/statuses/{{id}}/{name}",
            action(act, scope),
            ["POST"],
            Doc(summary, None, StatusEntity, auth="required", scopes=(scope,)),
        )
    table.add(
        "/api/v1/statuses/{id}/reblog",
        do_reblog,
        ["POST"],
        Doc(
            "Reblog a status; answers the reblog, whose `reblog` is the status",
            ReblogParams,
            StatusEntity,
            auth="required",
            scopes=("write:statuses",),
        ),
    )
    for name, find, summary in (
        ("favourited_by", favourited_by, "Accounts that favourited a status, newest first"),
        ("reblogged_by", reblogged_by, "Accounts that reblogged a status, newest first"),
    ):
        table.add(
            f"/api/v1/statuses/{{id}}/{name}",
            who(find),
            ["GET"],
            Doc(summary, PageParams, list[AccountEntity], auth="optional", scopes=("read:accounts",)),
        )
    for kind, scope in (("favourites", "read:favourites"), ("bookmarks", "read:bookmarks")):
        table.add(
            f"/api/v1/{kind}",
            marks(kind, scope),
            ["GET"],
            Doc(
                f"The caller's {kind}, newest first; paged by the {kind[:-1]} ids in the Link header",
                PageParams,
                list[StatusEntity],
                auth="required",
                scopes=(scope,),
            ),
        )
    return table.routes
