"""Emoji reactions: Pleroma's react, unreact and reaction lists, and Akkoma's Mastodon-style spelling."""

from __future__ import annotations

from urllib.parse import unquote

import msgspec
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute

from plerome.domain.accounts import Account
from plerome.domain.errors import NotFound
from plerome.domain.statuses import Status
from plerome.domain.usecases.reactions import ReactionView, list_reactions, react, unreact

from ..services import Services
from .entities import AccountEntity
from .json import Json
from .render import render_accounts, render_statuses
from .routing import Doc, RouteTable
from .status_entities import StatusEntity
from .web import Web

READ = "read:statuses"
WRITE = "write:statuses"
PLEROMA_EMOJI_REACTIONS = "pleroma_emoji_reactions"
CUSTOM_EMOJI_REACTIONS = "custom_emoji_reactions"


def nodeinfo_features(svc: Services) -> list[str]:
    """Reactions always work; custom emoji ones when the app has emoji packs."""
    return [PLEROMA_EMOJI_REACTIONS] + ([CUSTOM_EMOJI_REACTIONS] if svc.ctx.emoji is not None else [])


class ReactionsQuery(msgspec.Struct):
    with_muted: bool = False  # also the reactions of accounts the viewer mutes


class EmojiReactionEntity(msgspec.Struct):
    name: str  # the emoji, or a custom emoji's shortcode
    count: int
    me: bool
    url: str | None  # a custom emoji's image
    accounts: list[AccountEntity]  # the first 40 reactors, oldest first
    account_ids: list[str]


def path_emoji(request: Request) -> str:
    """The `:emoji` path segment, raw or URL-encoded (the router has decoded it once already; a client
    that encoded it twice is understood too)."""
    raw: str = request.path_params["emoji"]
    if "%" in raw:
        try:
            return unquote(raw, errors="strict")
        except UnicodeDecodeError:
            return raw
    return raw


def routes(web: Web) -> list[BaseRoute]:
    async def answer(viewer: Account, status: Status) -> Response:
        rendered = await render_statuses(web, viewer, [status])
        if not rendered:  # its author is gone
            raise NotFound()
        return Json(rendered[0])

    async def put(request: Request) -> Response:
        viewer = await web.auth.require(request, WRITE)
        return await answer(
            viewer, await react(web.ctx, viewer, request.path_params["id"], path_emoji(request))
        )

    async def delete(request: Request) -> Response:
        viewer = await web.auth.require(request, WRITE)
        status = await unreact(web.ctx, viewer, request.path_params["id"], path_emoji(request))
        return await answer(viewer, status)

    async def index(request: Request) -> Response:
        viewer = await web.auth.optional(request, READ)
        q = await web.params(request, ReactionsQuery)
        emoji = path_emoji(request) if "emoji" in request.path_params else None
        views = await list_reactions(
            web.ctx, viewer.id if viewer else None, request.path_params["id"], emoji, with_muted=q.with_muted
        )
        return Json(await entities(viewer, views))

    async def entities(viewer: Account | None, views: list[ReactionView]) -> list[EmojiReactionEntity]:
        everyone = list({a.id: a for v in views for a in v.accounts}.values())
        rendered = {e.id: e for e in await render_accounts(web, viewer, everyone)}
        return [
            EmojiReactionEntity(
                name=v.name,
                count=v.count,
                me=v.me,
                url=v.url,
                accounts=[rendered[a.id] for a in v.accounts],
                account_ids=[a.id for a in v.accounts],
            )
            for v in views
        ]

    def writing(summary: str) -> Doc:
        return Doc(summary, None, StatusEntity, auth="required", scopes=(WRITE,), tags=("Emoji reactions",))

    def reading(summary: str) -> Doc:
        return Doc(
            summary,
            ReactionsQuery,
            list[EmojiReactionEntity],
            auth="optional",
            scopes=(READ,),
            tags=("Emoji reactions",),
        )

    react_doc = writing(
        "React to a status with one unicode emoji (any qualified form; stored fully-qualified), a regional"
        " indicator, or :shortcode: of a custom emoji; URL-encoded or raw. Idempotent. Answers the status"
    )
    unreact_doc = writing("Take back one's reaction with that emoji. Answers the status")
    table = RouteTable()
    table.pleroma("/statuses/{id}/reactions/{emoji}", put, ["PUT"], react_doc)
    table.pleroma("/statuses/{id}/reactions/{emoji}", delete, ["DELETE"], unreact_doc)
    table.pleroma(
        "/statuses/{id}/reactions",
        index,
        ["GET"],
        reading(
            "The reactions to a status, in the order each emoji was first used: count and first 40"
            " reactors (less those of accounts the viewer blocks, and mutes unless with_muted)"
        ),
    )
    table.pleroma(
        "/statuses/{id}/reactions/{emoji}",
        index,
        ["GET"],
        reading("The reactions to a status with one emoji: a list of one element, or none"),
    )
    table.add("/api/v1/statuses/{id}/emoji_reactions/{emoji}", put, ["PUT"], react_doc)
    table.add("/api/v1/statuses/{id}/emoji_reactions/{emoji}", delete, ["DELETE"], unreact_doc)
    return table.routes
