"""Queueing background jobs and running one of them to its end, holding its lease while it runs."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping
from datetime import datetime, timedelta
from typing import Any

from plerome.domain.jobs import MAX_ATTEMPTS, Job, next_after_failure
from plerome.ports.clock import Clock
from plerome.ports.ids import Ids
from plerome.ports.repositories import JobQueue

JobHandler = Callable[[dict[str, Any]], Awaitable[None]]
# Waits between two lease extensions; the argument is the lease's third. Tests pass their own.
Pause = Callable[[timedelta], Awaitable[None]]

log = logging.getLogger("plerome.jobs")


async def _sleep(delay: timedelta) -> None:
    await asyncio.sleep(delay.total_seconds())


async def enqueue(
    queue: JobQueue,
    ids: Ids,
    clock: Clock,
    kind: str,
    payload: dict[str, Any],
    run_at: datetime | None = None,
    max_attempts: int = MAX_ATTEMPTS,
    wake: Callable[[], None] | None = None,
) -> Job:
    """Queue a job; `wake` (the app's `Services.wake_workers`) tells this process' workers at once.

    Pass `tx.jobs` to make the job part of a transaction's writes, and then call `wake` yourself
    after the transaction: a worker woken before the commit would not see the job yet.
    """
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
    if wake is not None:
        wake()
    return job


async def claim_next(queue: JobQueue, clock: Clock, lease: timedelta) -> Job | None:
    """Take the next due job (or one whose worker's lease ran out) for `lease`; None when none is due."""
    now = clock.now()
    return await queue.claim(now, now + lease)


async def _keep_leased(queue: JobQueue, clock: Clock, job_id: str, lease: timedelta, pause: Pause) -> None:
    while True:
        await pause(lease / 3)
        try:
            await queue.extend(job_id, clock.now() + lease)
        except Exception:  # a missed beat is not fatal: the next one may land before the lease ends
            log.warning("could not extend the lease of job %s", job_id, exc_info=True)


async def run_claimed(
    queue: JobQueue,
    clock: Clock,
    handlers: Mapping[str, JobHandler],
    job: Job,
    lease: timedelta,
    pause: Pause = _sleep,
) -> None:
    """Run a claimed job: done, retried later with back-off, or recorded as failed.

    While the handler runs, the lease is extended every third of its length, so a long job is not
    taken by another worker; a worker that dies stops extending, and the job is claimed again once its
    lease runs out. Handlers must therefore be safe to run twice.
    """
    handler = handlers.get(job.kind)
    if handler is None:
        await queue.fail(job.id, f"no handler for job kind {job.kind!r}", clock.now())
        return
    heartbeat = asyncio.create_task(_keep_leased(queue, clock, job.id, lease, pause))
    failure: Exception | None = None
    try:
        await handler(job.payload)
    except Exception as exc:  # a job's failure is recorded, never raised into the worker loop
        failure = exc
    finally:
        heartbeat.cancel()
        await asyncio.wait([heartbeat])  # no extension may land after the outcome is written
    if failure is None:
        await queue.complete(job.id, clock.now())
        return
    error = f"{type(failure).__name__}: {failure}"[:2000]
    retry_at = next_after_failure(job, clock.now())
    if retry_at is None:
        await queue.fail(job.id, error, clock.now())
    else:
        await queue.retry(job.id, retry_at, error)


async def run_next(
    queue: JobQueue,
    clock: Clock,
    handlers: Mapping[str, JobHandler],
    lease: timedelta,
    pause: Pause = _sleep,
) -> Job | None:
    """Claim the next due job and run it. Returns the job it ran, or None when nothing was due."""
    job = await claim_next(queue, clock, lease)
    if job is not None:
        await run_claimed(queue, clock, handlers, job, lease, pause)
    return job


async def release(queue: JobQueue, clock: Clock, job: Job, reason: str) -> None:
    """Give back a job its worker could not finish (the server is shutting down): due again at once."""
    await queue.retry(job.id, clock.now(), reason)
