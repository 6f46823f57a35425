"""Notifications: the Mastodon list, show, dismiss and clear, and Pleroma's notifications/read."""

from __future__ import annotations

import msgspec
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute

from plerome.domain.accounts import Account
from plerome.domain.usecases.notifications import (
    NotificationFilter,
    NotificationView,
    clear_notifications,
    dismiss_notification,
    get_notification,
    list_notifications,
    mark_read,
)

from .json import Json
from .notification_entities import NotificationEntity, notification_entity
from .pagination import PageParams, link_header, page_of
from .render import stats_for, view_account_ids
from .routing import Doc, RouteTable
from .web import Web

READ = "read:notifications"
WRITE = "write:notifications"


class NotificationsQuery(PageParams):
    types: list[str] = msgspec.field(default_factory=list)
    exclude_types: list[str] = msgspec.field(default_factory=list)
    include_types: list[str] = msgspec.field(default_factory=list)  # Pleroma's older name for `types`
    account_id: str | None = None  # only those caused by this account
    with_muted: bool = False  # also those from accounts whose notifications are muted


class NotificationDismissBody(msgspec.Struct):
    id: str | int


class NotificationsReadBody(msgspec.Struct):
    """Exactly one of the two."""

    id: str | int | None = None
    max_id: str | int | None = None


def _text(value: str | int | None) -> str | None:
    return None if value is None or value == "" else str(value)


def routes(web: Web) -> list[BaseRoute]:
    async def entities(views: list[NotificationView], viewer: Account) -> list[NotificationEntity]:
        ids = [v.account.id for v in views] + [v.target.id for v in views if v.target is not None]
        ids += view_account_ids([v.status for v in views if v.status is not None])
        stats = await stats_for(web, ids, viewer)
        return [notification_entity(v, web.policy, viewer, stats) for v in views]

    async def index(request: Request) -> Response:
        viewer = await web.auth.require(request, READ)
        q = await web.params(request, NotificationsQuery)
        wanted = NotificationFilter(
            types=tuple(q.types or q.include_types),
            exclude_types=tuple(q.exclude_types),
            account_id=q.account_id or None,
            with_muted=q.with_muted,
        )
        views = await list_notifications(web.ctx, viewer, wanted, page_of(q))
        found = await entities(views, viewer)
        return Json(found, headers=link_header(request, web.svc.base_url, [n.id for n in found]))

    async def show(request: Request) -> Response:
        viewer = await web.auth.require(request, READ)
        view = await get_notification(web.ctx, viewer, request.path_params["id"])
        return Json((await entities([view], viewer))[0])

    async def clear(request: Request) -> Response:
        viewer = await web.auth.require(request, WRITE)
        await clear_notifications(web.ctx, viewer)
        return Json({})

    async def dismiss(request: Request) -> Response:
        viewer = await web.auth.require(request, WRITE)
        await dismiss_notification(web.ctx, viewer, request.path_params["id"])
        return Json({})

    async def dismiss_by_body(request: Request) -> Response:
        viewer = await web.auth.require(request, WRITE)
        p = await web.params(request, NotificationDismissBody)
        await dismiss_notification(web.ctx, viewer, str(p.id))
        return Json({})

    async def read(request: Request) -> Response:
        viewer = await web.auth.require(request, WRITE)
        p = await web.params(request, NotificationsReadBody)
        marked = await mark_read(web.ctx, viewer, _text(p.id), _text(p.max_id))
        if isinstance(marked, list):
            return Json(await entities(marked, viewer))
        return Json((await entities([marked], viewer))[0])

    def reading(summary: str, params: type | None, response: object) -> Doc:
        return Doc(summary, params, response, auth="required", scopes=(READ,))

    def writing(summary: str, params: type | None, response: object) -> Doc:
        return Doc(summary, params, response, auth="required", scopes=(WRITE,))

    table = RouteTable()
    table.add(
        "/api/v1/notifications",
        index,
        ["GET"],
        reading(
            "The logged-in account's notifications, newest first (Link header: next and prev pages)",
            NotificationsQuery,
            list[NotificationEntity],
        ),
    )
    table.add(
        "/api/v1/notifications/clear",
        clear,
        ["POST"],
        writing("Delete every notification", None, dict[str, str]),
    )
    table.add(
        "/api/v1/notifications/dismiss",
        dismiss_by_body,
        ["POST"],
        writing(
            "Delete one notification, its id in the body (Pleroma's older form)",
            NotificationDismissBody,
            dict[str, str],
        ),
    )
    table.add(
        "/api/v1/notifications/{id}", show, ["GET"], reading("One notification", None, NotificationEntity)
    )
    table.add(
        "/api/v1/notifications/{id}/dismiss",
        dismiss,
        ["POST"],
        writing("Delete one notification", None, dict[str, str]),
    )
    table.pleroma(
        "/notifications/read",
        read,
        ["POST"],
        writing(
            "Mark notifications seen: `id` one (answers it), or `max_id` all up to it (answers those it"
            " changed, newest first, at most 80)",
            NotificationsReadBody,
            NotificationEntity | list[NotificationEntity],
        ),
    )
    return table.routes
