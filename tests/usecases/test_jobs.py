"""Background jobs on the memory stores with a fixed clock: outcomes, back-off, leases, workers."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

import anyio
import pytest

from plerome.adapters.memory import FixedClock, MemoryStores, SequentialIds
from plerome.domain.jobs import retry_delay
from plerome.domain.usecases.jobs import claim_next, enqueue, run_next
from plerome.entrypoints import wiring
from plerome.entrypoints.workers import WorkerPool

pytestmark = pytest.mark.anyio

LEASE = timedelta(seconds=60)


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock()


@pytest.fixture
def queue():
    return MemoryStores().jobs


async def queued(queue, clock, kind="mail", payload=None, **kw):
    return await enqueue(queue, SequentialIds(), clock, kind, payload or {"to": "alice"}, **kw)


async def test_a_job_whose_handler_returns_is_done(queue, clock):
    seen: list[dict[str, Any]] = []

    async def handler(payload):
        seen.append(payload)

    job = await queued(queue, clock)
    ran = await run_next(queue, clock, {"mail": handler}, LEASE)
    assert ran is not None and ran.id == job.id
    assert seen == [{"to": "alice"}]
    done = await queue.get(job.id)
    assert (done.state, done.attempts, done.locked_until) == ("done", 1, None)
    assert await run_next(queue, clock, {"mail": handler}, LEASE) is None


async def test_a_failing_job_is_tried_again_after_a_growing_delay(queue, clock):
    calls = 0

    async def handler(payload):
        nonlocal calls
        calls += 1
        if calls < 3:
            raise RuntimeError(f"smtp down ({calls})")

    handlers = {"mail": handler}
    job = await queued(queue, clock)
    start = clock.now()

    await run_next(queue, clock, handlers, LEASE)
    after_one = await queue.get(job.id)
    assert after_one.state == "queued"
    assert after_one.run_at == start + retry_delay(1)
    assert after_one.last_error == "RuntimeError: smtp down (1)"
    assert await run_next(queue, clock, handlers, LEASE) is None  # not due yet

    clock.advance(retry_delay(1))
    await run_next(queue, clock, handlers, LEASE)
    after_two = await queue.get(job.id)
    assert (after_two.state, after_two.attempts) == ("queued", 2)
    assert after_two.run_at == clock.now() + retry_delay(2)
    assert retry_delay(2) > retry_delay(1)

    clock.advance(retry_delay(2))
    await run_next(queue, clock, handlers, LEASE)
    assert (await queue.get(job.id)).state == "done"
    assert calls == 3


async def test_a_job_that_fails_every_attempt_is_recorded_failed(queue, clock):
    async def handler(payload):
        raise ValueError("bad address")

    job = await queued(queue, clock, max_attempts=3)
    for _ in range(3):
        assert await run_next(queue, clock, {"mail": handler}, LEASE) is not None
        clock.advance(timedelta(hours=1))
    failed = await queue.get(job.id)
    assert (failed.state, failed.attempts, failed.last_error) == ("failed", 3, "ValueError: bad address")
    assert await run_next(queue, clock, {"mail": handler}, LEASE) is None
    assert (await queue.stats()).failed == 1


async def test_a_job_of_an_unknown_kind_is_failed_at_once(queue, clock):
    job = await queued(queue, clock, kind="nobody-handles-this")
    await run_next(queue, clock, {}, LEASE)
    failed = await queue.get(job.id)
    assert failed.state == "failed"
    assert failed.attempts == 1
    assert failed.last_error == "no handler for job kind 'nobody-handles-this'"


async def test_a_job_whose_worker_died_is_claimed_again_when_its_lease_ends(queue, clock):
    ran: list[str] = []

    async def handler(payload):
        ran.append("second worker")

    job = await queued(queue, clock)
    assert (await claim_next(queue, clock, LEASE)).id == job.id  # this worker dies: nothing more happens

    clock.advance(LEASE - timedelta(seconds=1))
    assert await run_next(queue, clock, {"mail": handler}, LEASE) is None
    clock.advance(timedelta(seconds=2))
    again = await run_next(queue, clock, {"mail": handler}, LEASE)
    assert again is not None and again.id == job.id and again.attempts == 2
    assert ran == ["second worker"]
    assert (await queue.get(job.id)).state == "done"


class Ticks:
    """The heartbeat's pause, driven by the test: each `tick()` lets one extension happen."""

    def __init__(self, queue) -> None:
        self.queue = queue
        self.pauses: list[timedelta] = []
        self._ticks: asyncio.Queue[None] = asyncio.Queue()
        self._extended: asyncio.Queue[None] = asyncio.Queue()

    async def pause(self, delay: timedelta) -> None:
        self.pauses.append(delay)
        await self._ticks.get()

    async def tick(self) -> None:
        """Let the heartbeat beat once, and return when its extension has been written."""
        self._ticks.put_nowait(None)
        await self._extended.get()

    def watching(self):
        ticks, inner = self, self.queue

        class Spy:
            def __getattr__(self, name):
                return getattr(inner, name)

            async def extend(self, job_id, locked_until):
                await inner.extend(job_id, locked_until)
                ticks._extended.put_nowait(None)

        return Spy()


async def test_a_running_job_extends_its_lease_so_no_other_worker_takes_it(queue, clock):
    started, finish = anyio.Event(), anyio.Event()

    async def slow(payload):
        started.set()
        await finish.wait()

    ticks = Ticks(queue)
    job = await queued(queue, clock)
    with anyio.fail_after(5):
        async with anyio.create_task_group() as tg:
            tg.start_soon(run_next, ticks.watching(), clock, {"mail": slow}, LEASE, ticks.pause)
            await started.wait()

            clock.advance(timedelta(seconds=50))
            await ticks.tick()
            assert (await queue.get(job.id)).locked_until == clock.now() + LEASE

            clock.advance(timedelta(seconds=30))  # past the first lease, within the extended one
            assert await run_next(queue, clock, {"mail": slow}, LEASE) is None

            clock.advance(timedelta(seconds=50))
            await ticks.tick()
            clock.advance(timedelta(seconds=50))
            assert await run_next(queue, clock, {"mail": slow}, LEASE) is None
            finish.set()
    assert ticks.pauses[0] == LEASE / 3
    done = await queue.get(job.id)
    assert (done.state, done.attempts) == ("done", 1)


# The worker pool: woken by queueing, and giving back a running job on shutdown.


@pytest.fixture
def services(make_settings, clock):
    # A poll interval of an hour: only a wake-up can make a worker look at the queue in time.
    return wiring.build(make_settings(job_poll_seconds=3600, job_workers=2), clock=clock, ids=SequentialIds())


async def test_queueing_through_services_wakes_the_workers_at_once(services):
    done = anyio.Event()
    got: list[dict[str, Any]] = []

    async def handler(payload):
        got.append(payload)
        done.set()

    services.job_handlers["ping"] = handler
    with anyio.fail_after(5):
        async with anyio.create_task_group() as tg:
            WorkerPool(services).start(tg)
            await anyio.wait_all_tasks_blocked()  # both workers found nothing and sleep on the poll
            job = await services.queue_job("ping", {"n": 1})
            await done.wait()
            tg.cancel_scope.cancel()
    assert got == [{"n": 1}]
    assert job.kind == "ping"


async def test_a_job_running_at_shutdown_is_given_back_due_at_once(services, clock):
    started = anyio.Event()

    async def forever(payload):
        started.set()
        await anyio.sleep_forever()

    services.job_handlers["slow"] = forever
    pool = WorkerPool(services)
    with anyio.fail_after(5):
        async with anyio.create_task_group() as tg:
            pool.start(tg)
            job = await services.queue_job("slow", {})
            await started.wait()
            pool.stop()
            tg.cancel_scope.cancel()
    back = await services.ctx.stores.jobs.get(job.id)
    assert back.state == "queued"
    assert back.run_at == clock.now()
    assert back.locked_until is None
    assert back.last_error == "interrupted: the server shut down"
    # After stop(), queueing wakes no one and does not fail.
    await services.queue_job("slow", {})
