"""The social graph over HTTP: follow, block, mute and subscribe, relationships, and the account lists.

Actions answer the Relationship entity. Bodies come as megalodon's JSON (`{"reblog": false}`,
`{"notify": true}`) or Mastodon.py's form (`reblogs=1&notify=0`); both spellings of reblogs work.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import msgspec
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute

from plerome.domain.accounts import Account
from plerome.domain.pagination import Page
from plerome.domain.social import Relationship
from plerome.domain.usecases import social
from plerome.domain.usecases.context import Context

from .entities import AccountEntity
from .json import Json
from .pagination import PageParams, link_header, page_of
from .render import render_accounts
from .routing import Doc, RouteTable
from .web import Web

Action = Callable[[Context, Account, str], Awaitable[Relationship]]

FOLLOW_SCOPES = ("follow", "write:follows")


class RelationshipEntity(msgspec.Struct):
    """Pleroma's Relationship; `notifying` is `subscribing` under Mastodon's name."""

    id: str
    following: bool
    followed_by: bool
    blocking: bool
    blocked_by: bool
    muting: bool
    muting_notifications: bool
    subscribing: bool
    notifying: bool
    requested: bool
    domain_blocking: bool
    showing_reblogs: bool
    endorsed: bool
    note: str


def relationship_entity(r: Relationship) -> RelationshipEntity:
    return RelationshipEntity(
        id=r.target_id,
        following=r.following,
        followed_by=r.followed_by,
        blocking=r.blocking,
        blocked_by=r.blocked_by,
        muting=r.muting,
        muting_notifications=r.muting_notifications,
        subscribing=r.subscribing,
        notifying=r.subscribing,
        requested=r.requested,
        domain_blocking=False,
        showing_reblogs=r.showing_reblogs,
        endorsed=r.endorsed,
        note=r.note,
    )


class FollowParams(msgspec.Struct):
    reblogs: bool | None = None  # show their reblogs in the home timeline
    reblog: bool | None = None  # megalodon's spelling of `reblogs`
    notify: bool | None = None  # be notified of their posts (the Pleroma subscription)


class MuteParams(msgspec.Struct):
    notifications: bool = True  # mute their notifications too
    expires_in: int | None = None  # seconds; absent or 0: for good
    duration: int | None = None  # Mastodon's name for expires_in


class RelationshipsQuery(msgspec.Struct):
    id: list[str] = []


class AccountSearchQuery(msgspec.Struct):
    q: str
    limit: int | None = None  # default 40, at most 40
    offset: int = 0
    resolve: bool = False  # accepted and ignored: only local accounts are searched
    following: bool = False  # only accounts the caller follows


async def listed_json(
    web: Web, request: Request, viewer: Account | None, listed: list[social.Listed]
) -> Response:
    """A page of accounts, with the Link header built from the ids of the edges that list them."""
    body = await render_accounts(web, viewer, [item.account for item in listed])
    return Json(body, headers=link_header(request, web.svc.base_url, [item.id for item in listed]))


def routes(web: Web) -> list[BaseRoute]:
    def action(use_case: Action, scopes: tuple[str, ...]) -> Callable[[Request], Awaitable[Response]]:
        async def run(request: Request) -> Response:
            viewer = await web.auth.require(request, *scopes)
            return Json(relationship_entity(await use_case(web.ctx, viewer, request.path_params["id"])))

        return run

    async def follow(request: Request) -> Response:
        viewer = await web.auth.require(request, *FOLLOW_SCOPES)
        p = await web.params(request, FollowParams)
        reblogs = p.reblogs if p.reblogs is not None else p.reblog
        rel = await social.follow(
            web.ctx, viewer, request.path_params["id"], reblogs=reblogs, notify_posts=p.notify
        )
        return Json(relationship_entity(rel))

    async def mute(request: Request) -> Response:
        viewer = await web.auth.require(request, "follow", "write:mutes")
        p = await web.params(request, MuteParams)
        rel = await social.mute(
            web.ctx,
            viewer,
            request.path_params["id"],
            notifications=p.notifications,
            expires_in=p.duration if p.duration is not None else p.expires_in,
        )
        return Json(relationship_entity(rel))

    async def relationships(request: Request) -> Response:
        viewer = await web.auth.require(request, "read:follows")
        q = await web.params(request, RelationshipsQuery)
        rels = await social.relationships(web.ctx, viewer, q.id)
        return Json([relationship_entity(r) for r in rels])

    async def search(request: Request) -> Response:
        viewer = await web.auth.optional(request, "read:search")
        q = await web.params(request, AccountSearchQuery)
        limit = max(1, min(q.limit if q.limit is not None else 40, 40))
        found = await social.search_accounts(
            web.ctx, viewer, q.q, limit=limit, offset=q.offset, following_only=q.following
        )
        return Json(await render_accounts(web, viewer, found))

    async def followers(request: Request) -> Response:
        viewer = await web.auth.optional(request, "read:accounts")
        page = page_of(await web.params(request, PageParams))
        listed = await social.followers(web.ctx, viewer, request.path_params["id"], page)
        return await listed_json(web, request, viewer, listed)

    async def following(request: Request) -> Response:
        viewer = await web.auth.optional(request, "read:accounts")
        page = page_of(await web.params(request, PageParams))
        listed = await social.following(web.ctx, viewer, request.path_params["id"], page)
        return await listed_json(web, request, viewer, listed)

    def own_list(
        use_case: Callable[[Context, Account, Page], Awaitable[list[social.Listed]]], scopes: tuple[str, ...]
    ) -> Callable[[Request], Awaitable[Response]]:
        async def run(request: Request) -> Response:
            viewer = await web.auth.require(request, *scopes)
            page = page_of(await web.params(request, PageParams))
            return await listed_json(web, request, viewer, await use_case(web.ctx, viewer, page))

        return run

    def rel_doc(summary: str, scopes: tuple[str, ...], params: type | None = None) -> Doc:
        return Doc(summary, params, RelationshipEntity, auth="required", scopes=scopes)

    accounts = list[AccountEntity]
    table = RouteTable()
    table.add(
        "/api/v1/accounts/relationships",
        relationships,
        ["GET"],
        Doc(
            "The caller's relationship to each account named by `id[]`, in that order (unknown ids left out)",
            RelationshipsQuery,
            list[RelationshipEntity],
            auth="required",
            scopes=("read:follows",),
        ),
    )
    table.add(
        "/api/v1/accounts/search",
        search,
        ["GET"],
        Doc(
            "Local accounts whose nickname or display name starts with `q`",
            AccountSearchQuery,
            accounts,
            auth="optional",
            scopes=("read:search",),
        ),
    )
    table.add(
        "/api/v1/accounts/{id}/follow",
        follow,
        ["POST"],
        rel_doc(
            "Follow an account (a follow request if it is locked); following again changes the options",
            FOLLOW_SCOPES,
            FollowParams,
        ),
    )
    for verb, act, scopes, summary in (
        ("unfollow", social.unfollow, FOLLOW_SCOPES, "Stop following, or withdraw a follow request"),
        ("block", social.block, ("follow", "write:blocks"), "Block an account: follows both ways end"),
        ("unblock", social.unblock, ("follow", "write:blocks"), "Unblock an account"),
        ("unmute", social.unmute, ("follow", "write:mutes"), "Unmute an account"),
    ):
        table.add(
            f"/api/v1/accounts/{{id}}/{verb}",
            action(act, scopes),
            ["POST"],
            rel_doc(summary, scopes),
        )
    table.add(
        "/api/v1/accounts/{id}/mute",
        mute,
        ["POST"],
        rel_doc(
            "Mute an account, its notifications too unless `notifications` is false, for good or for a while",
            ("follow", "write:mutes"),
            MuteParams,
        ),
    )
    for path, endpoint, summary in (
        ("/api/v1/accounts/{id}/followers", followers, "Who follows the account (empty if it hides them)"),
        ("/api/v1/accounts/{id}/following", following, "Whom the account follows (empty if it hides them)"),
    ):
        table.add(
            path,
            endpoint,
            ["GET"],
            Doc(summary, PageParams, accounts, auth="optional", scopes=("read:accounts",)),
        )
    for path, lister, scopes, summary in (
        (
            "/api/v1/follow_requests",
            social.follow_requests,
            ("follow", "read:follows"),
            "Pending follow requests",
        ),
        ("/api/v1/blocks", social.blocks, ("follow", "read:blocks"), "Accounts the caller blocks"),
        ("/api/v1/mutes", social.mutes, ("follow", "read:mutes"), "Accounts the caller mutes"),
    ):
        table.add(
            path,
            own_list(lister, scopes),
            ["GET"],
            Doc(summary, PageParams, accounts, auth="required", scopes=scopes),
        )
    for verb, decide, summary in (
        ("authorize", social.authorize_follow_request, "Accept a follow request"),
        ("reject", social.reject_follow_request, "Turn down a follow request"),
    ):
        table.add(
            f"/api/v1/follow_requests/{{id}}/{verb}",
            action(decide, FOLLOW_SCOPES),
            ["POST"],
            rel_doc(summary, FOLLOW_SCOPES),
        )
    for verb, door, summary in (
        ("subscribe", social.subscribe, "Be notified of the account's new posts"),
        ("unsubscribe", social.unsubscribe, "Stop being notified of the account's new posts"),
    ):
        table.pleroma(
            f"/accounts/{{id}}/{verb}",
            action(door, FOLLOW_SCOPES),
            ["POST"],
            rel_doc(summary, FOLLOW_SCOPES),
        )
    return table.routes
