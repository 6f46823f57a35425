"""Importing follows, blocks and mutes from an uploaded list: read at once, carried out by a job.

The job works through the list in batches, each batch in one short transaction, so a long list never
holds the store's write lock for long. Every entry goes through the same use case as the API's
follow, block or mute, and doing one twice changes nothing: a job cut off half-way (the server killed)
runs again from the start when its lease runs out, and nothing is done twice. Entries naming no local
account, or one that cannot be followed, blocked or muted, are skipped.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from plerome.domain.accounts import Account
from plerome.domain.errors import DomainError
from plerome.domain.imports import IMPORT_KINDS, ImportEntry, ImportKind, local_nickname, parse_import_list
from plerome.domain.jobs import Job

from . import social
from .context import Context
from .jobs import enqueue

IMPORT_JOB = "user_import"
BATCH = 50  # entries per transaction: each holds the store's write lock for a few tens of ms

log = logging.getLogger("plerome.imports")


@dataclass(frozen=True, slots=True)
class ImportResult:
    applied: int = 0  # entries carried out (again, for those already in place)
    skipped: int = 0  # entries naming nothing that can be followed, blocked or muted


def _encode(entry: ImportEntry) -> list[Any]:
    return [entry.handle, entry.reblogs, entry.notify, entry.notifications]


def _decode(row: Any) -> ImportEntry | None:
    if not (isinstance(row, list) and len(row) == 4 and isinstance(row[0], str)):
        return None
    flags = [v if isinstance(v, bool) else None for v in row[1:]]
    return ImportEntry(row[0], *flags)


async def start_import(
    ctx: Context, viewer: Account, kind: ImportKind, text: str, wake: Callable[[], None] | None = None
) -> Job | None:
    """Queue the import of `text` (see domain.imports); None when it names nobody."""
    entries = parse_import_list(text)
    if not entries:
        return None
    payload = {"account_id": viewer.id, "kind": kind, "entries": [_encode(e) for e in entries]}
    return await enqueue(ctx.stores.jobs, ctx.ids, ctx.clock, IMPORT_JOB, payload, wake=wake)


async def _targets(
    ctx: Context, importer: Account, entries: Sequence[ImportEntry]
) -> list[tuple[ImportEntry, str]]:
    """The entries that name an active local account other than the importer, with its id."""
    found = []
    for entry in entries:
        nickname = local_nickname(entry.handle, ctx.policy.host)
        account = await ctx.stores.accounts.by_nickname(nickname) if nickname else None
        if account is not None and account.is_active and account.id != importer.id:
            found.append((entry, account.id))
    return found


async def _apply(
    ctx: Context, importer: Account, kind: ImportKind, entry: ImportEntry, target_id: str
) -> bool:
    """Carry out one entry; False when a rule refuses it (blocked, gone...)."""
    try:
        if kind == "follow":
            await social.follow(ctx, importer, target_id, reblogs=entry.reblogs, notify_posts=entry.notify)
        elif kind == "block":
            await social.block(ctx, importer, target_id)
        else:
            notifications = True if entry.notifications is None else entry.notifications
            await social.mute(ctx, importer, target_id, notifications=notifications)
    except DomainError:
        return False
    return True


async def apply_batch(
    ctx: Context, importer: Account, kind: ImportKind, targets: Sequence[tuple[ImportEntry, str]]
) -> int:
    """Carry out a batch in one transaction; how many entries were carried out. Should the store
    refuse the batch, each entry is tried in a transaction of its own so the others still land; if
    every one fails, the error is raised (the store is unwell) and the job is tried again later."""
    try:
        async with ctx.stores.transaction() as tx:
            inner = dataclasses.replace(ctx, stores=tx)
            done = 0
            for entry, target_id in targets:
                done += await _apply(inner, importer, kind, entry, target_id)
            return done
    except Exception:
        log.warning("an import batch failed as a whole; trying its entries one by one", exc_info=True)
    done, failure = 0, None
    for entry, target_id in targets:
        try:
            done += await _apply(ctx, importer, kind, entry, target_id)
        except Exception as exc:
            failure = exc
            log.warning("import of %r by %s failed; skipped", entry.handle, importer.nickname, exc_info=True)
    if failure is not None and done == 0:
        raise failure
    return done


async def import_entries(
    ctx: Context, importer_id: str, kind: ImportKind, entries: Sequence[ImportEntry]
) -> ImportResult:
    importer = await ctx.stores.accounts.get(importer_id)
    if importer is None or not importer.is_active:
        return ImportResult(skipped=len(entries))
    applied = 0
    for start in range(0, len(entries), BATCH):
        targets = await _targets(ctx, importer, entries[start : start + BATCH])
        if targets:
            applied += await apply_batch(ctx, importer, kind, targets)
    return ImportResult(applied=applied, skipped=len(entries) - applied)


async def run_import(ctx: Context, payload: dict[str, Any]) -> None:
    """The job handler."""
    kind = payload.get("kind")
    account_id = payload.get("account_id")
    if kind not in IMPORT_KINDS or not isinstance(account_id, str):
        raise ValueError("not an import job")
    entries = [e for e in map(_decode, payload.get("entries") or []) if e is not None]
    result = await import_entries(ctx, account_id, kind, entries)
    log.info("%s import for %s: %d done, %d skipped", kind, account_id, result.applied, result.skipped)
