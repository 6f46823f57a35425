"""Conversations: Mastodon's list, read and delete, and Pleroma's show, statuses, recipients and read-all.
A conversation id is the viewer's participation id."""

from __future__ import annotations

import msgspec
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute

from plerome.domain.accounts import Account
from plerome.domain.usecases.account_stats import NO_STATS
from plerome.domain.usecases.conversations import (
    ConversationView,
    conversation_statuses,
    delete_conversation,
    get_conversation,
    list_conversations,
    read_all_conversations,
    read_conversation,
    update_recipients,
)

from .entities import AccountEntity, account_entity
from .json import Json
from .pagination import PageParams, link_header, page_of
from .render import render_statuses, stats_for, view_account_ids
from .routing import Doc, RouteTable
from .status_entities import StatusEntity, status_entity
from .web import Web

READ = "read:statuses"
WRITE = "write:conversations"
TAGS = ("Conversations",)


class ConversationsQuery(PageParams):
    recipients: list[str] = msgspec.field(default_factory=list)  # only those with exactly these (and you)


class UpdateConversation(msgspec.Struct):
    recipients: list[str]  # the new set; you stay in it whatever is sent


class ConversationPleroma(msgspec.Struct):
    recipients: list[AccountEntity]  # everyone a reply reaches, you included


class ConversationEntity(msgspec.Struct):
    id: str
    accounts: list[AccountEntity]  # the recipients but you (you alone if nobody else is left)
    unread: bool
    last_status: StatusEntity | None
    pleroma: ConversationPleroma


def routes(web: Web) -> list[BaseRoute]:
    async def entities(viewer: Account, views: list[ConversationView]) -> list[ConversationEntity]:
        last = [v.last_status for v in views if v.last_status is not None]
        ids = [a.id for v in views for a in v.recipients] + view_account_ids(last)
        stats = await stats_for(web, ids, viewer)

        def account(a: Account) -> AccountEntity:
            return account_entity(a, web.policy, viewer=viewer, stats=stats.get(a.id, NO_STATS))

        return [
            ConversationEntity(
                id=v.participation.id,
                accounts=[account(a) for a in v.accounts],
                unread=v.participation.unread,
                last_status=status_entity(v.last_status, web.policy, viewer.id, stats)
                if v.last_status is not None
                else None,
                pleroma=ConversationPleroma(recipients=[account(a) for a in v.recipients]),
            )
            for v in views
        ]

    async def index(request: Request) -> Response:
        viewer = await web.auth.require(request, READ)
        q = await web.params(request, ConversationsQuery)
        views = await list_conversations(web.ctx, viewer, page_of(q), q.recipients)
        found = await entities(viewer, views)
        return Json(found, headers=link_header(request, web.svc.base_url, [c.id for c in found]))

    async def show(request: Request) -> Response:
        viewer = await web.auth.require(request, READ)
        view = await get_conversation(web.ctx, viewer, request.path_params["id"])
        return Json((await entities(viewer, [view]))[0])

    async def statuses(request: Request) -> Response:
        viewer = await web.auth.require(request, READ)
        q = await web.params(request, PageParams)
        found = await conversation_statuses(web.ctx, viewer, request.path_params["id"], page_of(q))
        rendered = await render_statuses(web, viewer, found)
        newest_first = [s.id for s in reversed(rendered)]
        return Json(rendered, headers=link_header(request, web.svc.base_url, newest_first))

    async def update(request: Request) -> Response:
        viewer = await web.auth.require(request, WRITE)
        p = await web.params(request, UpdateConversation)
        view = await update_recipients(web.ctx, viewer, request.path_params["id"], p.recipients)
        return Json((await entities(viewer, [view]))[0])

    async def read_one(request: Request) -> Response:
        viewer = await web.auth.require(request, WRITE)
        view = await read_conversation(web.ctx, viewer, request.path_params["id"])
        return Json((await entities(viewer, [view]))[0])

    async def read_all(request: Request) -> Response:
        viewer = await web.auth.require(request, WRITE)
        found = await entities(viewer, await read_all_conversations(web.ctx, viewer))
        return Json(found, headers=link_header(request, web.svc.base_url, [c.id for c in found]))

    async def delete(request: Request) -> Response:
        viewer = await web.auth.require(request, WRITE)
        await delete_conversation(web.ctx, viewer, request.path_params["id"])
        return Json({})

    def doc(summary: str, params: type | None, response: object, scope: str) -> Doc:
        return Doc(summary, params, response, auth="required", scopes=(scope,), tags=TAGS)

    table = RouteTable()
    listing = doc(
        "Your conversations, newest activity first (Link header: next and prev pages, by conversation id)",
        ConversationsQuery,
        list[ConversationEntity],
        READ,
    )
    for path in ("/api/v1/conversations", "/api/v1/conversations/"):  # Mastodon.py adds the slash
        table.add(path, index, ["GET"], listing)
    table.add(
        "/api/v1/conversations/{id}/read",
        read_one,
        ["POST"],
        doc("Mark one conversation read", None, ConversationEntity, WRITE),
    )
    table.add(
        "/api/v1/conversations/{id}",
        delete,
        ["DELETE"],
        doc(
            "Leave a conversation: gone from your list until a new direct status reaches you in it",
            None,
            dict[str, str],
            WRITE,
        ),
    )
    table.pleroma(
        "/conversations/read",
        read_all,
        ["POST"],
        doc(
            "Mark all your conversations read; answers those it marked (at most 80, newest first)",
            None,
            list[ConversationEntity],
            WRITE,
        ),
    )
    table.pleroma(
        "/conversations/{id}", show, ["GET"], doc("One conversation", None, ConversationEntity, READ)
    )
    table.pleroma(
        "/conversations/{id}",
        update,
        ["PATCH"],
        doc(
            "Replace the recipients of a conversation (you always stay one); unknown accounts are left out",
            UpdateConversation,
            ConversationEntity,
            WRITE,
        ),
    )
    table.pleroma(
        "/conversations/{id}/statuses",
        statuses,
        ["GET"],
        doc(
            "The statuses of the conversation's thread you may see, a page of them oldest first (paged"
            " newest first like any timeline; Link header)",
            PageParams,
            list[StatusEntity],
            READ,
        ),
    )
    return table.routes
