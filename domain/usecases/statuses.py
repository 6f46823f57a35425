"""Posting and deleting statuses, reading one and its thread, and what accounts do to them
(favourite, reblog, bookmark) with the lists those make."""

from __future__ import annotations

from collections.abc import Sequence

from plerome.domain.accounts import Account
from plerome.domain.errors import Forbidden, NotFound, Unprocessable
from plerome.domain.pagination import Page
from plerome.domain.statuses import (
    Draft,
    Status,
    can_reblog,
    check_draft,
    hashtags,
    mentioned_nicknames,
    reblog_visibility,
    reply_visibility_allowed,
    thread_of,
)
from plerome.ports.repositories import Stores
from plerome.ports.statuses import Mark

from .context import Context
from .conversations import conversation_recipients, record_direct_status
from .listing import Listed
from .notifications import notify
from .status_views import StatusView, load_views
from .visibility import relationship_map, visible_status, visible_statuses

THREAD_MAX = 1000  # statuses of one thread read for a context


async def _target(ctx: Context, viewer_id: str | None, status_id: str) -> Status:
    """The status an action is about: a reblog stands for what it reblogs. NotFound unless visible."""
    status = await visible_status(ctx, viewer_id, status_id)
    if status.reblog_of_id is not None:
        return await visible_status(ctx, viewer_id, status.reblog_of_id)
    return status


async def get_status(ctx: Context, viewer_id: str | None, status_id: str) -> Status:
    return await visible_status(ctx, viewer_id, status_id)


# -- posting


async def _addressed(ctx: Context, author: Account, text: str, parent: Status | None) -> list[Account]:
    """The local accounts a status addresses: those it mentions, and the author of what it answers."""
    found: dict[str, Account] = {}
    for nickname in mentioned_nicknames(text, ctx.policy.host):
        account = await ctx.stores.accounts.by_nickname(nickname)
        if account is not None and account.is_active:
            found.setdefault(account.id, account)
    if parent is not None and parent.account_id != author.id and parent.account_id not in found:
        replied = await ctx.stores.accounts.get(parent.account_id)
        if replied is not None and replied.is_active:
            found[replied.id] = replied
    return list(found.values())


async def _check_media(stores: Stores, author: Account, media_ids: Sequence[str]) -> None:
    for media_id in media_ids:
        attachment = await stores.attachments.get(media_id)
        if attachment is None or attachment.account_id != author.id:
            raise NotFound()
        if attachment.status_id is not None:
            raise Unprocessable("This media is already attached to a status.")


async def post_status(
    ctx: Context,
    author: Account,
    draft: Draft,
    *,
    idempotency_key: str | None = None,
    app_id: str | None = None,
    in_reply_to_conversation_id: str | None = None,
) -> Status:
    """Post `draft` as `author`. A reply joins its parent's thread and addresses its author; mentioned
    local accounts are addressed (for a direct status, they are its only readers) and notified, and
    the author's subscribers hear of public and unlisted statuses. The same Idempotency-Key gives
    back the status it first made. `app_id`: the app the author posts with, shown on the status.
    `in_reply_to_conversation_id` (one of the author's conversations): the status is direct, joins that
    conversation's thread and addresses exactly its recipients. A direct status starts or continues
    its conversation."""
    if idempotency_key:
        earlier = await _posted_with(ctx.stores, author, idempotency_key)
        if earlier is not None:
            return earlier
    check_draft(draft)
    parent = await _target(ctx, author.id, draft.in_reply_to_id) if draft.in_reply_to_id else None
    conversation = (
        await conversation_recipients(ctx, author, in_reply_to_conversation_id)
        if in_reply_to_conversation_id
        else None
    )
    visibility = draft.visibility
    if conversation is not None or (parent is not None and not reply_visibility_allowed(parent, visibility)):
        visibility = "direct"
    if conversation is not None:
        addressed = list(conversation.recipients)
    else:
        addressed = await _addressed(ctx, author, draft.text, parent)
    tags = hashtags(draft.text)
    profiles = {a.nickname: ctx.policy.profile_url(a.nickname) for a in addressed}
    media_ids = tuple(dict.fromkeys(draft.media_ids))
    app = await ctx.stores.apps.get(app_id) if app_id else None
    status_id = ctx.ids.new()
    now = ctx.clock.now()
    status = Status(
        id=status_id,
        account_id=author.id,
        created_at=now,
        visibility=visibility,
        source=draft.text,
        content_type=draft.content_type,
        content=ctx.formatter.render(draft.text, draft.content_type, profiles, tags, ctx.policy.base_url),
        spoiler_text=draft.spoiler_text,
        sensitive=draft.sensitive,
        language=draft.language,
        in_reply_to_id=parent.id if parent else None,
        in_reply_to_account_id=parent.account_id if parent else None,
        context_id=conversation.context_id if conversation is not None else thread_of(parent, status_id),
        mentioned_ids=tuple(a.id for a in addressed),
        tags=tags,
        media_ids=media_ids,
        app_name=app.name if app else None,
    )
    async with ctx.stores.transaction() as tx:
        if idempotency_key:
            earlier = await _posted_with(tx, author, idempotency_key)
            if earlier is not None:
                return earlier
            await tx.statuses.remember_idempotency(author.id, idempotency_key, status_id, now)
        await _check_media(tx, author, media_ids)
        await tx.statuses.add(status)
        await record_direct_status(ctx, tx, status)
        if media_ids:
            await tx.attachments.attach(status_id, media_ids)
        if parent is not None:
            await tx.statuses.adjust_counts(parent.id, replies=1)
        for account in addressed:
            await notify(ctx, tx, account.id, "mention", author.id, status_id=status_id)
        if visibility in ("public", "unlisted"):
            told = {a.id for a in addressed}
            for subscriber in await tx.social.subscribers(author.id):
                if subscriber not in told:
                    await notify(ctx, tx, subscriber, "status", author.id, status_id=status_id)
        posted = await tx.statuses.get(status_id)
    assert posted is not None  # written just above, in this transaction
    return posted


async def _posted_with(stores: Stores, author: Account, key: str) -> Status | None:
    earlier_id = await stores.statuses.idempotent(author.id, key)
    return await stores.statuses.get(earlier_id) if earlier_id else None


# -- deleting


async def delete_status(ctx: Context, viewer: Account, status_id: str) -> StatusView:
    """Delete the viewer's own status; the answer is its view as it was (with its source, so a client
    can redraft it). Someone else's visible status is Forbidden; an invisible one NotFound."""
    status = await visible_status(ctx, viewer.id, status_id)
    if status.account_id != viewer.id:
        raise Forbidden("Can't delete this post")
    views = await load_views(ctx, viewer.id, [status])
    if not views:
        raise NotFound()
    async with ctx.stores.transaction() as tx:
        if not await tx.statuses.delete(status.id):
            raise NotFound()
        if status.in_reply_to_id is not None:
            await tx.statuses.adjust_counts(status.in_reply_to_id, replies=-1)
        if status.reblog_of_id is not None:
            await tx.statuses.adjust_counts(status.reblog_of_id, reblogs=-1)
    return views[0]


# -- a thread


async def status_context(
    ctx: Context, viewer_id: str | None, status_id: str
) -> tuple[list[Status], list[Status]]:
    """The ancestors (oldest first) and descendants (depth first, each level oldest first) of a status
    that the viewer may see, without the statuses of accounts the viewer blocks or mutes."""
    status = await _target(ctx, viewer_id, status_id)
    thread = {s.id: s for s in await ctx.stores.statuses.in_thread(status.context_id, THREAD_MAX)}
    ancestors: list[Status] = []
    seen = {status.id}
    parent_id = status.in_reply_to_id
    while parent_id is not None and parent_id in thread and parent_id not in seen:
        seen.add(parent_id)
        ancestors.append(thread[parent_id])
        parent_id = thread[parent_id].in_reply_to_id
    ancestors.reverse()
    children: dict[str, list[Status]] = {}
    for s in sorted(thread.values(), key=lambda s: s.id):
        if s.in_reply_to_id is not None:
            children.setdefault(s.in_reply_to_id, []).append(s)
    descendants: list[Status] = []
    pending = list(reversed(children.get(status.id, [])))
    while pending:
        s = pending.pop()
        if s.id in seen:
            continue
        seen.add(s.id)
        descendants.append(s)
        pending.extend(reversed(children.get(s.id, [])))
    return (
        await visible_statuses(ctx, viewer_id, ancestors),
        await visible_statuses(ctx, viewer_id, descendants),
    )


# -- favourites, bookmarks, reblogs


async def favourite(ctx: Context, viewer: Account, status_id: str) -> Status:
    status = await _target(ctx, viewer.id, status_id)
    async with ctx.stores.transaction() as tx:
        if await tx.favourites.add(Mark(ctx.ids.new(), viewer.id, status.id, ctx.clock.now())):
            await tx.statuses.adjust_counts(status.id, favourites=1)
            await notify(ctx, tx, status.account_id, "favourite", viewer.id, status_id=status.id)
    return await visible_status(ctx, viewer.id, status.id)


async def unfavourite(ctx: Context, viewer: Account, status_id: str) -> Status:
    """Like Mastodon, unfavouriting what is not favourited changes nothing and answers the status."""
    status = await _target(ctx, viewer.id, status_id)
    async with ctx.stores.transaction() as tx:
        if await tx.favourites.remove(viewer.id, status.id):
            await tx.statuses.adjust_counts(status.id, favourites=-1)
    return await visible_status(ctx, viewer.id, status.id)


async def bookmark(ctx: Context, viewer: Account, status_id: str) -> Status:
    status = await _target(ctx, viewer.id, status_id)
    await ctx.stores.bookmarks.add(Mark(ctx.ids.new(), viewer.id, status.id, ctx.clock.now()))
    return status


async def unbookmark(ctx: Context, viewer: Account, status_id: str) -> Status:
    status = await _target(ctx, viewer.id, status_id)
    await ctx.stores.bookmarks.remove(viewer.id, status.id)
    return status


async def reblog(ctx: Context, viewer: Account, status_id: str, visibility: str | None = None) -> Status:
    """The viewer's reblog of a status (a reblog of a reblog reblogs the original); reblogging twice
    gives back the first. Only public and unlisted statuses, and one's own private ones, can be
    reblogged: anything else is NotFound, as Pleroma answers."""
    original = await _target(ctx, viewer.id, status_id)
    wanted = reblog_visibility(original, visibility)
    if not can_reblog(original, by_author=original.account_id == viewer.id):
        raise NotFound()
    existing = await ctx.stores.statuses.reblog_of(viewer.id, original.id)
    if existing is not None:
        return existing
    wrapper = Status(
        id=ctx.ids.new(),
        account_id=viewer.id,
        created_at=ctx.clock.now(),
        visibility=wanted,
        source="",
        content_type="text/plain",
        content="",
        context_id=original.context_id,
        reblog_of_id=original.id,
    )
    async with ctx.stores.transaction() as tx:
        existing = await tx.statuses.reblog_of(viewer.id, original.id)
        if existing is not None:
            return existing
        await tx.statuses.add(wrapper)
        await tx.statuses.adjust_counts(original.id, reblogs=1)
        await notify(ctx, tx, original.account_id, "reblog", viewer.id, status_id=original.id)
    return wrapper


async def unreblog(ctx: Context, viewer: Account, status_id: str) -> Status:
    """Undo the viewer's reblog; the answer is the status it reblogged (unchanged if there was none)."""
    original = await _target(ctx, viewer.id, status_id)
    async with ctx.stores.transaction() as tx:
        wrapper = await tx.statuses.reblog_of(viewer.id, original.id)
        if wrapper is not None and await tx.statuses.delete(wrapper.id):
            await tx.statuses.adjust_counts(original.id, reblogs=-1)
    return await visible_status(ctx, viewer.id, original.id)


# -- who marked a status, and what a viewer marked


async def _unblocked(ctx: Context, viewer_id: str | None, accounts: list[Account]) -> list[Account]:
    relations = await relationship_map(ctx, viewer_id, [a.id for a in accounts])
    return [a for a in accounts if a.is_active and not (a.id in relations and relations[a.id].blocking)]


async def favourited_by(ctx: Context, viewer_id: str | None, status_id: str, page: Page) -> Listed[Account]:
    """The accounts that favourited a visible status, newest favourite first, less those the viewer
    blocks; paged by the favourites' ids."""
    status = await _target(ctx, viewer_id, status_id)
    marks = await ctx.stores.favourites.accounts_for(status.id, page)
    found = await ctx.stores.accounts.get_many([m.account_id for m in marks])
    accounts = [found[m.account_id] for m in marks if m.account_id in found]
    return Listed(await _unblocked(ctx, viewer_id, accounts), [m.id for m in marks])


async def reblogged_by(ctx: Context, viewer_id: str | None, status_id: str, page: Page) -> Listed[Account]:
    """The accounts whose reblogs of a visible status the viewer may see, newest first, less those the
    viewer blocks; paged by the reblogs' ids."""
    status = await _target(ctx, viewer_id, status_id)
    wrappers = await ctx.stores.statuses.reblogs(status.id, page)
    shown = await visible_statuses(ctx, viewer_id, wrappers, for_list=False)
    found = await ctx.stores.accounts.get_many([w.account_id for w in shown])
    accounts = [found[w.account_id] for w in shown if w.account_id in found]
    return Listed(await _unblocked(ctx, viewer_id, accounts), [w.id for w in wrappers])


async def marked_statuses(ctx: Context, viewer: Account, kind: str, page: Page) -> Listed[Status]:
    """The viewer's favourites or bookmarks (`kind`), newest mark first, as far as the viewer may still
    see them; paged by the marks' ids."""
    marks = await (ctx.stores.favourites if kind == "favourites" else ctx.stores.bookmarks).by_account(
        viewer.id, page
    )
    found = await ctx.stores.statuses.get_many([m.status_id for m in marks])
    statuses = [found[m.status_id] for m in marks if m.status_id in found]
    return Listed(await visible_statuses(ctx, viewer.id, statuses, for_list=False), [m.id for m in marks])
