"""Notifications: creating them (every one goes through `notify`, which applies the rules) and reading,
dismissing and marking them as the recipient."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass

from plerome.domain.accounts import Account
from plerome.domain.errors import InvalidInput, NotFound
from plerome.domain.notifications import STATUS_TYPES, Notification, should_notify, shown_to_recipient
from plerome.domain.pagination import Page
from plerome.ports.notifications import NotificationQuery
from plerome.ports.repositories import Stores

from .context import Context
from .reaction_emoji import custom_for, emoji_url
from .status_views import StatusView, load_views
from .visibility import relationship_map, visible_statuses


async def notify(
    ctx: Context,
    stores: Stores,
    recipient_id: str,
    type_: str,
    from_account_id: str,
    *,
    status_id: str | None = None,
    emoji: str | None = None,
    target_id: str | None = None,
) -> Notification | None:
    """Notify `recipient_id` unless the rules say no (self, blocks, muted notifications, strangers).
    Pass the transaction's stores (`tx`) so the notification lands with the action that caused it."""
    recipient = await stores.accounts.get(recipient_id)
    if recipient is None or not recipient.is_active:
        return None
    towards = await stores.social.relationship(recipient_id, from_account_id, ctx.clock.now())
    if not should_notify(recipient, from_account_id, towards):
        return None
    notification = Notification(
        id=ctx.ids.new(),
        account_id=recipient_id,
        type=type_,
        from_account_id=from_account_id,
        created_at=ctx.clock.now(),
        status_id=status_id,
        emoji=emoji,
        target_id=target_id,
    )
    await stores.notifications.add(notification)
    return notification


# -- reading, as the recipient


@dataclass(frozen=True, slots=True)
class NotificationView:
    """A notification with everything its entity shows, loaded in batch for a page."""

    notification: Notification
    account: Account  # who caused it
    status: StatusView | None = None  # for STATUS_TYPES: the status it is about
    target: Account | None = None  # move: the new account
    muted: bool = False  # the recipient mutes the account that caused it
    emoji_url: str | None = None  # a custom emoji reaction's image (unicode reactions have none)


@dataclass(frozen=True, slots=True)
class NotificationFilter:
    types: tuple[str, ...] = ()  # only these (empty: every type)
    exclude_types: tuple[str, ...] = ()
    account_id: str | None = None  # only those caused by this account
    with_muted: bool = False  # also those from accounts whose notifications the recipient mutes


READ_MAX = 80  # notifications/read with max_id answers at most this many
BATCH_MAX = 400  # the most a page reads from the store at once while filling itself


def _id(view: NotificationView) -> str:
    return view.notification.id


async def notification_views(
    ctx: Context,
    viewer: Account,
    notifications: Sequence[Notification],
    *,
    filtered: bool = True,
    with_muted: bool = False,
) -> list[NotificationView]:
    """Views of `notifications` for their recipient `viewer`, in the same order, in a few batch loads.
    Left out: those whose actor (or moved-to account) is gone or deactivated, those about a status the
    viewer can no longer see and, when `filtered`, those a list does not show (blocks, muted
    notifications)."""
    if not notifications:
        return []
    s = ctx.stores
    actor_ids = [n.from_account_id for n in notifications]
    target_ids = [n.target_id for n in notifications if n.target_id]
    accounts = await s.accounts.get_many(list(dict.fromkeys(actor_ids + target_ids)))
    relations = await relationship_map(ctx, viewer.id, actor_ids)

    def kept(n: Notification) -> bool:
        actor = accounts.get(n.from_account_id)
        if actor is None or not actor.is_active:
            return False
        return not filtered or shown_to_recipient(relations.get(n.from_account_id), with_muted=with_muted)

    chosen = [n for n in notifications if kept(n)]
    status_ids = list(dict.fromkeys(n.status_id for n in chosen if n.type in STATUS_TYPES and n.status_id))
    statuses = await s.statuses.get_many(status_ids) if status_ids else {}
    visible = await visible_statuses(ctx, viewer.id, list(statuses.values()), for_list=False)
    status_views = {v.status.id: v for v in await load_views(ctx, viewer.id, visible)}
    custom = await custom_for(ctx, (n.emoji for n in chosen if n.emoji))

    views = []
    for n in chosen:
        status = None
        if n.type in STATUS_TYPES:
            status = status_views.get(n.status_id) if n.status_id else None
            if status is None:
                continue
        target = None
        if n.type == "move":
            target = accounts.get(n.target_id) if n.target_id else None
            if target is None or not target.is_active:
                continue
        towards = relations.get(n.from_account_id)
        views.append(
            NotificationView(
                notification=n,
                account=accounts[n.from_account_id],
                status=status,
                target=target,
                muted=towards is not None and towards.muting,
                emoji_url=emoji_url(ctx, n.emoji, custom) if n.emoji else None,
            )
        )
    return views


async def list_notifications(
    ctx: Context, viewer: Account, wanted: NotificationFilter, page: Page
) -> list[NotificationView]:
    """A page of the viewer's notifications, newest first. Those a list does not show are left out, and
    the page is filled from further along the list instead, so a full page means there may be more."""
    if wanted.account_id is not None and await ctx.stores.accounts.get(wanted.account_id) is None:
        raise NotFound("Account is not found")
    query = NotificationQuery(
        types=tuple(t for t in wanted.types if t),
        exclude_types=tuple(t for t in wanted.exclude_types if t),
        from_account_id=wanted.account_id,
    )
    shown: list[NotificationView] = []
    cursor = page
    while True:
        batch = await ctx.stores.notifications.list(viewer.id, query, cursor)
        shown += await notification_views(ctx, viewer, batch, with_muted=wanted.with_muted)
        if len(batch) < cursor.limit or len(shown) >= page.limit:
            break
        # The next batch continues past this one, the way the page runs (batches are newest first), and
        # is larger: many hidden in a row (a blocked spammer's) cost a few rounds, not thousands.
        limit = min(cursor.limit * 2, BATCH_MAX)
        if page.min_id is not None:
            cursor = dataclasses.replace(cursor, min_id=batch[0].id, limit=limit)
        else:
            cursor = dataclasses.replace(cursor, max_id=batch[-1].id, limit=limit)
    if page.min_id is not None:  # the oldest `limit` above min_id, newest first
        return sorted(shown, key=_id)[: page.limit][::-1]
    return shown[: page.limit]


async def get_notification(ctx: Context, viewer: Account, notification_id: str) -> NotificationView:
    """One of the viewer's notifications; NotFound for another's, an unknown id, or one about a status
    the viewer can no longer see."""
    n = await ctx.stores.notifications.get(viewer.id, notification_id)
    views = await notification_views(ctx, viewer, [n], filtered=False) if n is not None else []
    if not views:
        raise NotFound()
    return views[0]


async def dismiss_notification(ctx: Context, viewer: Account, notification_id: str) -> None:
    if not await ctx.stores.notifications.dismiss(viewer.id, notification_id):
        raise NotFound()


async def clear_notifications(ctx: Context, viewer: Account) -> None:
    await ctx.stores.notifications.clear(viewer.id)


async def read_notification(ctx: Context, viewer: Account, notification_id: str) -> NotificationView:
    """Mark one of the viewer's notifications seen and show it."""
    n = await ctx.stores.notifications.get(viewer.id, notification_id)
    views = await notification_views(ctx, viewer, [n], filtered=False) if n is not None else []
    if not views or not await ctx.stores.notifications.mark_one_seen(viewer.id, notification_id):
        raise InvalidInput("Cannot get notification")
    view = views[0]
    return dataclasses.replace(view, notification=dataclasses.replace(view.notification, seen=True))


async def read_notifications_up_to(ctx: Context, viewer: Account, max_id: str) -> list[NotificationView]:
    """Mark every notification of the viewer's up to `max_id` seen; show those this changed (the newest
    READ_MAX of them that a list shows), newest first."""
    async with ctx.stores.transaction() as tx:
        newly = await tx.notifications.unseen_up_to(viewer.id, max_id, READ_MAX)
        await tx.notifications.mark_seen(viewer.id, max_id)
    return await notification_views(ctx, viewer, [dataclasses.replace(n, seen=True) for n in newly])


async def unread_notification_count(ctx: Context, account_id: str) -> int:
    """The account's `pleroma.unread_notifications_count`."""
    return await ctx.stores.notifications.unread_count(account_id)


async def mark_read(
    ctx: Context, viewer: Account, notification_id: str | None, max_id: str | None
) -> NotificationView | list[NotificationView]:
    """Pleroma's notifications/read: one notification by `notification_id`, or all up to `max_id`."""
    if notification_id and max_id:
        raise InvalidInput("Pass either id or max_id, not both")
    if notification_id:
        return await read_notification(ctx, viewer, notification_id)
    if max_id:
        return await read_notifications_up_to(ctx, viewer, max_id)
    raise InvalidInput("You must pass an id or max_id")
