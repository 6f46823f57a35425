"""Backups: asking for one, the job that writes its zip, listing, downloading and pruning them.

The zip holds `actor.json`, `outbox.json` (the account's statuses as Create and Announce activities,
newest first), `likes.json`, `bookmarks.json` (object ids), `following.json` and `followers.json`
(actor ids). Each collection is read from the store a page at a time and written out as it is read, so
a backup of any size holds one page in memory. The backup's `processed_number` counts the items
written so far.

A backup and its job are recorded in one transaction: once the request is answered, the job runs
even if the server dies right then. A job cut off half-way runs again from the start (the half-written
zip is discarded). Backups are pruned when their owners' lists are read or a new one is asked for,
and by every backup job.
"""

from __future__ import annotations

import dataclasses
import json
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from datetime import timedelta
from typing import Any

from plerome.domain.accounts import Account
from plerome.domain.activitystreams import activity, actor, collection_head, object_id
from plerome.domain.backups import Backup, archive_name, check_interval, expiry_cutoff
from plerome.domain.errors import NotFound
from plerome.domain.media import is_valid_key
from plerome.domain.pagination import Page
from plerome.ports.backups import BackupArchives
from plerome.ports.files import OpenedFile
from plerome.ports.statuses import TimelineQuery

from .context import Context
from .jobs import enqueue

BACKUP_JOB = "backup"
PAGE = 500  # items read from the store at a time
PRUNE_BATCH = 100  # expired backups removed per pass
PARTIAL_AGE = timedelta(hours=1)  # a half-written zip untouched this long belongs to a dead process

log = logging.getLogger("plerome.backups")


def _archives(ctx: Context) -> BackupArchives:
    if ctx.archives is None:
        raise RuntimeError("this Context has no backup archives; pass archives= when building it")
    return ctx.archives


def _dump(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


async def prune_backups(ctx: Context) -> int:
    """Delete (file and record) backups older than 30 days, a batch at a time; how many went."""
    archives = _archives(ctx)
    gone = 0
    for backup in await ctx.stores.backups.inserted_before(expiry_cutoff(ctx.clock.now()), PRUNE_BATCH):
        await archives.delete(backup.file_name)
        gone += await ctx.stores.backups.delete(backup.id)
    return gone


async def list_backups(ctx: Context, viewer: Account) -> list[Backup]:
    await prune_backups(ctx)
    return await ctx.stores.backups.for_account(viewer.id)


async def request_backup(
    ctx: Context, viewer: Account, interval_days: int, wake: Callable[[], None] | None = None
) -> list[Backup]:
    """Record a new backup and queue its job; the viewer's backups, newest (this one) first.
    At most one per `interval_days`, else InvalidInput with Pleroma's text."""
    await prune_backups(ctx)
    now = ctx.clock.now()
    async with ctx.stores.transaction() as tx:
        check_interval(await tx.backups.latest_counted(viewer.id), now, interval_days)
        backup = Backup(
            id=ctx.ids.new(),
            account_id=viewer.id,
            file_name=archive_name(viewer.nickname, now, ctx.secrets.token()[:32]),
            inserted_at=now,
        )
        await tx.backups.add(backup)
        await enqueue(tx.jobs, ctx.ids, ctx.clock, BACKUP_JOB, {"backup_id": backup.id})
    if wake is not None:
        wake()  # after the commit: a worker woken earlier would not see the job
    return await ctx.stores.backups.for_account(viewer.id)


async def open_backup(ctx: Context, viewer: Account, file_name: str) -> OpenedFile:
    """A finished backup's zip, for its owner only: anyone else, and anything unfinished, NotFound."""
    backup = await ctx.stores.backups.by_file_name(file_name) if is_valid_key(file_name) else None
    if backup is None or backup.account_id != viewer.id or not backup.processed:
        raise NotFound()
    opened = await _archives(ctx).open(backup.file_name)
    if opened is None:
        raise NotFound()
    return opened


# -- the job


class _Progress:
    """Counts the items written and records the count after each page."""

    def __init__(self, ctx: Context, backup: Backup) -> None:
        self._ctx = ctx
        self.backup = backup

    async def advance(self, items: int) -> None:
        self.backup = dataclasses.replace(self.backup, processed_number=self.backup.processed_number + items)
        await self._ctx.stores.backups.update(self.backup)


Reader = Callable[[Page], Awaitable[Sequence[Any]]]
Render = Callable[[Sequence[Any]], Awaitable[list[Any]]]


async def _collection(
    collection_id: str, read: Reader, key: Callable[[Any], str], render: Render, progress: _Progress
) -> AsyncIterator[bytes]:
    """An OrderedCollection written as its pages are read (newest first, by `key`)."""
    head = _dump(collection_head(collection_id))
    yield (head[:-1] + ',"orderedItems":[').encode()
    written, cursor = 0, None
    while True:
        page = await read(Page(max_id=cursor, limit=PAGE))
        if not page:
            break
        cursor = key(page[-1])
        items = [_dump(item) for item in await render(page)]
        if items:
            yield (("," if written else "") + ",".join(items)).encode()
            written += len(items)
            await progress.advance(len(items))
        if len(page) < PAGE:
            break
    yield f'],"totalItems":{written}}}'.encode()


async def _one_document(document: dict[str, Any]) -> AsyncIterator[bytes]:
    yield _dump(document).encode()


def _outbox(ctx: Context, account: Account, progress: _Progress) -> AsyncIterator[bytes]:
    query = TimelineQuery("account", account.id, account_id=account.id)
    policy = ctx.policy

    async def read(page: Page) -> Sequence[Any]:
        return await ctx.stores.statuses.timeline(query, page)

    async def render(statuses: Sequence[Any]) -> list[Any]:
        wanted = {s.account_id for s in statuses} | {m for s in statuses for m in s.mentioned_ids}
        accounts = await ctx.stores.accounts.get_many(sorted(wanted))
        nicknames = {i: a.nickname for i, a in accounts.items()}
        with_media = [s.id for s in statuses if s.media_ids]
        media = await ctx.stores.attachments.for_statuses(with_media) if with_media else {}
        return [
            activity(s, policy, nicknames, media.get(s.id, ())) for s in statuses if s.account_id in nicknames
        ]

    me = policy.actor_id(account.nickname)
    return _collection(f"{me}/outbox", read, lambda s: s.id, render, progress)


def _marked(
    ctx: Context, account: Account, kind: str, collection_id: str, progress: _Progress
) -> AsyncIterator[bytes]:
    marks = ctx.stores.favourites if kind == "favourites" else ctx.stores.bookmarks

    async def read(page: Page) -> Sequence[Any]:
        return await marks.by_account(account.id, page)

    async def render(found: Sequence[Any]) -> list[Any]:
        return [object_id(ctx.policy, m.status_id) for m in found]

    return _collection(collection_id, read, lambda m: m.id, render, progress)


def _graph(
    ctx: Context, account: Account, which: str, collection_id: str, progress: _Progress
) -> AsyncIterator[bytes]:
    async def read(page: Page) -> Sequence[Any]:
        if which == "following":
            return await ctx.stores.social.following(account.id, page)
        return await ctx.stores.social.followers(account.id, page)

    async def render(edges: Sequence[Any]) -> list[Any]:
        other = [e.followee_id if which == "following" else e.follower_id for e in edges]
        accounts = await ctx.stores.accounts.get_many(other)
        return [ctx.policy.actor_id(accounts[i].nickname) for i in other if i in accounts]

    return _collection(collection_id, read, lambda e: e.id, render, progress)


async def write_backup(ctx: Context, backup: Backup) -> Backup:
    """Write the backup's zip and record it complete (or failed, re-raising the error)."""
    archives = _archives(ctx)
    account = await ctx.stores.accounts.get(backup.account_id)
    if account is None:
        await ctx.stores.backups.delete(backup.id)
        return backup
    progress = _Progress(ctx, dataclasses.replace(backup, state="running", processed_number=0, file_size=0))
    await ctx.stores.backups.update(progress.backup)
    me = ctx.policy.actor_id(account.nickname)
    try:
        async with archives.create(backup.file_name) as archive:
            await archive.add("actor.json", _one_document(actor(account, ctx.policy)))
            await archive.add("outbox.json", _outbox(ctx, account, progress))
            await archive.add("likes.json", _marked(ctx, account, "favourites", f"{me}/liked", progress))
            await archive.add(
                "bookmarks.json", _marked(ctx, account, "bookmarks", f"{me}/bookmarks", progress)
            )
            await archive.add(
                "following.json", _graph(ctx, account, "following", f"{me}/following", progress)
            )
            await archive.add(
                "followers.json", _graph(ctx, account, "followers", f"{me}/followers", progress)
            )
        size = await archives.size(backup.file_name)
    except Exception:
        await ctx.stores.backups.update(dataclasses.replace(progress.backup, state="failed"))
        raise
    done = dataclasses.replace(progress.backup, state="complete", file_size=size or 0)
    await ctx.stores.backups.update(done)
    return done


async def run_backup(ctx: Context, payload: dict[str, Any]) -> None:
    """The job handler: write the backup unless it is already done (or gone), then prune."""
    backup_id = payload.get("backup_id")
    backup = await ctx.stores.backups.get(backup_id) if isinstance(backup_id, str) else None
    if backup is not None and not backup.processed:
        await _archives(ctx).remove_partial(PARTIAL_AGE)
        done = await write_backup(ctx, backup)
        log.info("backup %s: %d items, %d bytes", done.file_name, done.processed_number, done.file_size)
    await prune_backups(ctx)
