"""Queueing background jobs and running one of them to its end."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from datetime import datetime, timedelta
from typing import Any

from plerome.domain.jobs import MAX_ATTEMPTS, Job, next_after_failure
from plerome.ports.clock import Clock
from plerome.ports.ids import Ids
from plerome.ports.repositories import JobQueue

JobHandler = Callable[[dict[str, Any]], Awaitable[None]]


async def enqueue(
    queue: JobQueue,
    ids: Ids,
    clock: Clock,
    kind: str,
    payload: dict[str, Any],
    run_at: datetime | None = None,
    max_attempts: int = MAX_ATTEMPTS,
) -> Job:
    """Queue a job. Pass `tx.jobs` to make the job part of a transaction's writes."""
    now = clock.now()
    job = Job(
        id=ids.new(),
        kind=kind,
        payload=payload,
        state="queued",
        attempts=0,
        max_attempts=max_attempts,
        run_at=run_at or now,
        created_at=now,
    )
    await queue.enqueue(job)
    return job


async def run_next(
    queue: JobQueue, clock: Clock, handlers: Mapping[str, JobHandler], lease: timedelta
) -> Job | None:
    """Claim the next due job and run it: done, retried later with back-off, or recorded as failed.

    Returns the job it ran, or None when nothing was due. A job whose worker died is claimed again once
    its lease runs out, so handlers must be safe to run twice.
    """
    now = clock.now()
    job = await queue.claim(now, now + lease)
    if job is None:
        return None
    handler = handlers.get(job.kind)
    if handler is None:
        await queue.fail(job.id, f"no handler for job kind {job.kind!r}", clock.now())
        return job
    try:
        await handler(job.payload)
    except Exception as exc:  # a job's failure is recorded, never raised into the worker loop
        error = f"{type(exc).__name__}: {exc}"[:2000]
        retry_at = next_after_failure(job, clock.now())
        if retry_at is None:
            await queue.fail(job.id, error, clock.now())
        else:
            await queue.retry(job.id, retry_at, error)
        return job
    await queue.complete(job.id, clock.now())
    return job
