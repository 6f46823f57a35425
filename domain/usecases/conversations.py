"""Pleroma conversations: direct statuses recorded into them as they are posted, and reading, changing,
marking and leaving them as their participant."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass

from plerome.domain.accounts import Account
from plerome.domain.conversations import (
    Participation,
    bumps,
    in_a_conversation,
    members,
    order_key,
    owned,
    recipients_after_change,
    reply_recipients,
    shown_accounts,
    wanted_recipients,
)
from plerome.domain.pagination import Page
from plerome.domain.statuses import Status
from plerome.ports.conversations import ConversationQuery
from plerome.ports.repositories import Stores

from .context import Context
from .status_views import StatusView, load_views
from .visibility import visible_statuses

READ_MAX = 80  # conversations/read answers at most this many of those it marked
BATCH_MAX = 400  # the most a page reads from the store at once while filling itself
LAST_STATUS_SEARCH = 200  # statuses of a thread looked through for a last status the viewer may see


@dataclass(frozen=True, slots=True)
class ConversationView:
    """A participation with everything its entity shows."""

    participation: Participation
    accounts: tuple[Account, ...]  # the recipients but the viewer (the viewer alone if nobody else)
    recipients: tuple[Account, ...]  # every recipient, the viewer included
    last_status: StatusView | None


@dataclass(frozen=True, slots=True)
class ConversationTarget:
    """Where a status posted with `in_reply_to_conversation_id` goes."""

    context_id: str  # the thread it joins
    recipients: tuple[Account, ...]  # whom it addresses: the recipients but its author, active ones


# -- posting (called by the status use case)


async def record_direct_status(ctx: Context, stores: Stores, status: Status) -> None:
    """Start or continue the conversation of a direct status just added through `stores` (the posting
    transaction's): every account it reaches gets its participation created or bumped. Anything but a
    direct status is left alone."""
    if not in_a_conversation(status):
        return
    reached = members(status)
    now = ctx.clock.now()
    hiding = set()
    for account_id in reached[1:]:
        others = [a for a in reached if a != account_id]
        towards = await stores.social.relationships(account_id, others, now)
        if any(r.blocking for r in towards.values()):
            hiding.add(account_id)
    for bump in bumps(status, [ctx.ids.new() for _ in reached], hiding, now):
        await stores.conversations.bump(bump)


async def conversation_recipients(ctx: Context, viewer: Account, participation_id: str) -> ConversationTarget:
    """The thread and addressees of a status the viewer sends into one of their conversations; another's
    or an unknown one is NotFound ("Unknown conversation id")."""
    participation = owned(await ctx.stores.conversations.get(participation_id), viewer.id)
    wanted = reply_recipients(participation, viewer.id)
    found = await ctx.stores.accounts.get_many(wanted)
    active = tuple(found[a] for a in wanted if a in found and found[a].is_active)
    return ConversationTarget(context_id=participation.context_id, recipients=active)


# -- reading


async def _latest_visible_direct(ctx: Context, viewer: Account, context_id: str) -> Status | None:
    """The newest direct status of a thread the viewer may see from an author it neither blocks nor mutes
    (when the participation's own last status is gone or hidden)."""
    cursor = Page(limit=40)
    looked = 0
    while looked < LAST_STATUS_SEARCH:
        ids = await ctx.stores.conversations.thread(context_id, cursor)
        found = await ctx.stores.statuses.get_many(ids)
        direct = [found[i] for i in ids if i in found and found[i].visibility == "direct"]
        shown = await visible_statuses(ctx, viewer.id, direct)
        if shown:
            return shown[0]
        looked += len(ids)
        if len(ids) < cursor.limit:
            return None
        cursor = dataclasses.replace(cursor, max_id=ids[-1])
    return None


async def conversation_views(
    ctx: Context, viewer: Account, participations: Sequence[Participation], *, keep_empty: bool
) -> list[ConversationView]:
    """Views of the viewer's participations, in the same order, loaded in batch. Without `keep_empty`,
    those with no status the viewer may see are left out (as Pleroma's list does)."""
    if not participations:
        return []
    s = ctx.stores
    found = await s.statuses.get_many([p.last_status_id for p in participations])
    seen = {st.id for st in await visible_statuses(ctx, viewer.id, list(found.values()))}
    last: dict[str, Status] = {}
    for p in participations:
        if p.last_status_id in seen:
            last[p.id] = found[p.last_status_id]
        else:
            fallback = await _latest_visible_direct(ctx, viewer, p.context_id)
            if fallback is not None:
                last[p.id] = fallback
    unique = list({st.id: st for st in last.values()}.values())
    status_views = {v.status.id: v for v in await load_views(ctx, viewer.id, unique)}
    accounts = await s.accounts.get_many(sorted({a for p in participations for a in p.recipients}))
    accounts[viewer.id] = viewer
    views = []
    for p in participations:
        last_view = status_views.get(last[p.id].id) if p.id in last else None
        if last_view is None and not keep_empty:
            continue
        views.append(
            ConversationView(
                participation=p,
                accounts=tuple(accounts[a] for a in shown_accounts(p.recipients, viewer.id) if a in accounts),
                recipients=tuple(accounts[a] for a in p.recipients if a in accounts),
                last_status=last_view,
            )
        )
    return views


async def list_conversations(
    ctx: Context, viewer: Account, page: Page, recipients: Sequence[str] = ()
) -> list[ConversationView]:
    """The viewer's conversations, newest activity first; with `recipients`, only those whose recipients
    are exactly these and the viewer. Conversations with nothing left to show are skipped and the page
    filled from further along instead, so a full page means there may be more."""
    query = ConversationQuery(account_id=viewer.id, recipients=tuple(dict.fromkeys(recipients)))
    shown: list[ConversationView] = []
    cursor = page
    while True:
        batch = await ctx.stores.conversations.list_for(query, cursor)
        shown += await conversation_views(ctx, viewer, batch, keep_empty=False)
        if len(batch) < cursor.limit or len(shown) >= page.limit:
            break
        limit = min(cursor.limit * 2, BATCH_MAX)
        if page.min_id is not None:
            cursor = dataclasses.replace(cursor, min_id=batch[0].id, limit=limit)
        else:
            cursor = dataclasses.replace(cursor, max_id=batch[-1].id, limit=limit)

    def key(view: ConversationView) -> tuple[str, str]:
        return order_key(view.participation)

    if page.min_id is not None:  # the oldest `limit` above min_id, newest first
        return sorted(shown, key=key)[: page.limit][::-1]
    return shown[: page.limit]


async def _own(ctx: Context, viewer: Account, participation_id: str) -> Participation:
    return owned(await ctx.stores.conversations.get(participation_id), viewer.id)


async def _view(ctx: Context, viewer: Account, participation: Participation) -> ConversationView:
    return (await conversation_views(ctx, viewer, [participation], keep_empty=True))[0]


async def get_conversation(ctx: Context, viewer: Account, participation_id: str) -> ConversationView:
    return await _view(ctx, viewer, await _own(ctx, viewer, participation_id))


async def conversation_statuses(
    ctx: Context, viewer: Account, participation_id: str, page: Page
) -> list[Status]:
    """A page of the conversation's thread: every status of it the viewer may see, less those of
    accounts the viewer blocks or mutes. The page is taken newest first, like any timeline, and
    handed back oldest first (as Pleroma does); it fills itself past hidden statuses."""
    participation = await _own(ctx, viewer, participation_id)
    shown: list[Status] = []
    cursor = page
    while True:
        ids = await ctx.stores.conversations.thread(participation.context_id, cursor)
        found = await ctx.stores.statuses.get_many(ids)
        shown += await visible_statuses(ctx, viewer.id, [found[i] for i in ids if i in found])
        if len(ids) < cursor.limit or len(shown) >= page.limit:
            break
        limit = min(cursor.limit * 2, BATCH_MAX)
        if page.min_id is not None:
            cursor = dataclasses.replace(cursor, min_id=ids[0], limit=limit)
        else:
            cursor = dataclasses.replace(cursor, max_id=ids[-1], limit=limit)
    if page.min_id is not None:
        return sorted(shown, key=lambda st: st.id)[: page.limit]
    return shown[: page.limit][::-1]


# -- changing, marking, leaving


async def update_recipients(
    ctx: Context, viewer: Account, participation_id: str, wanted: Sequence[str]
) -> ConversationView:
    """Replace the conversation's recipients (the viewer always stays one); unknown accounts are left
    out. Only its owner changes them."""
    participation = await _own(ctx, viewer, participation_id)
    asked = wanted_recipients(wanted)
    existing = await ctx.stores.accounts.get_many(asked) if asked else {}
    recipients = recipients_after_change(viewer.id, asked, existing)
    await ctx.stores.conversations.set_recipients(participation.id, recipients)
    return await get_conversation(ctx, viewer, participation.id)


async def read_conversation(ctx: Context, viewer: Account, participation_id: str) -> ConversationView:
    participation = await _own(ctx, viewer, participation_id)
    await ctx.stores.conversations.mark_read(participation.id)
    return await _view(ctx, viewer, dataclasses.replace(participation, unread=False))


async def read_all_conversations(ctx: Context, viewer: Account) -> list[ConversationView]:
    """Mark every conversation of the viewer's read; the answer is those this changed (the READ_MAX
    with the newest activity), newest first."""
    async with ctx.stores.transaction() as tx:
        changed = await tx.conversations.unread(viewer.id, READ_MAX)
        await tx.conversations.mark_all_read(viewer.id)
    marked = [dataclasses.replace(p, unread=False) for p in changed]
    return await conversation_views(ctx, viewer, marked, keep_empty=True)


async def delete_conversation(ctx: Context, viewer: Account, participation_id: str) -> None:
    """Leave the conversation: it is gone from the viewer's list until a new direct status brings the
    viewer back into it."""
    participation = await _own(ctx, viewer, participation_id)
    await ctx.stores.conversations.delete(participation.id)
