"""The JobQueue contract, on every store."""

from __future__ import annotations

from datetime import timedelta

import anyio
import pytest

from plerome.domain.jobs import QueueStats

pytestmark = pytest.mark.anyio

MINUTE = timedelta(minutes=1)


async def test_an_enqueued_job_comes_back_whole(stores, make):
    job = make.job(
        kind="mail",
        payload={"to": "ü@example.test", "n": [1, 2.5, None, True], "deep": {"x": {}}},
        max_attempts=3,
        run_at=make.now + timedelta(microseconds=7),
    )
    await stores.jobs.enqueue(job)
    assert await stores.jobs.get(job.id) == job
    assert await stores.jobs.get("nope") is None


async def test_claim_takes_the_earliest_due_job_and_leases_it(stores, make):
    later = make.job(run_at=make.now - timedelta(seconds=1))
    earliest = make.job(run_at=make.now - timedelta(seconds=5))
    await stores.jobs.enqueue(later)
    await stores.jobs.enqueue(earliest)
    claimed = await stores.jobs.claim(make.now, make.now + MINUTE)
    assert claimed is not None
    assert claimed.id == earliest.id
    assert (claimed.state, claimed.attempts, claimed.locked_until) == ("running", 1, make.now + MINUTE)
    assert await stores.jobs.get(earliest.id) == claimed
    assert (await stores.jobs.claim(make.now, make.now + MINUTE)).id == later.id
    assert await stores.jobs.claim(make.now, make.now + MINUTE) is None


async def test_jobs_due_at_the_same_time_are_claimed_in_id_order(stores, make):
    jobs = [make.job() for _ in range(3)]
    for job in reversed(jobs):
        await stores.jobs.enqueue(job)
    claimed = [await stores.jobs.claim(make.now, make.now + MINUTE) for _ in jobs]
    assert [j.id for j in claimed] == [j.id for j in jobs]


async def test_claim_skips_jobs_not_yet_due(stores, make):
    job = make.job(run_at=make.now + timedelta(seconds=1))
    await stores.jobs.enqueue(job)
    assert await stores.jobs.claim(make.now, make.now + MINUTE) is None
    at_due = make.now + timedelta(seconds=1)
    assert (await stores.jobs.claim(at_due, at_due + MINUTE)).id == job.id


async def test_a_job_is_claimed_again_only_once_its_lease_ran_out(stores, make):
    job = make.job()
    await stores.jobs.enqueue(job)
    await stores.jobs.claim(make.now, make.now + MINUTE)
    assert await stores.jobs.claim(make.now + MINUTE, make.now + 2 * MINUTE) is None
    late = make.now + MINUTE + timedelta(microseconds=1)
    again = await stores.jobs.claim(late, late + MINUTE)
    assert again is not None
    assert (again.id, again.attempts, again.locked_until) == (job.id, 2, late + MINUTE)


async def test_an_expired_lease_is_reclaimed_before_later_queued_jobs(stores, make):
    stale, fresh = make.job(), make.job(run_at=make.now + MINUTE)
    await stores.jobs.enqueue(stale)
    await stores.jobs.enqueue(fresh)
    await stores.jobs.claim(make.now, make.now + timedelta(seconds=10))
    later = make.now + 2 * MINUTE
    assert (await stores.jobs.claim(later, later + MINUTE)).id == stale.id
    assert (await stores.jobs.claim(later, later + MINUTE)).id == fresh.id


async def test_extend_keeps_a_running_job_leased(stores, make):
    job = make.job()
    await stores.jobs.enqueue(job)
    await stores.jobs.claim(make.now, make.now + MINUTE)
    await stores.jobs.extend(job.id, make.now + 3 * MINUTE)
    assert await stores.jobs.claim(make.now + 2 * MINUTE, make.now + 4 * MINUTE) is None
    assert (await stores.jobs.get(job.id)).locked_until == make.now + 3 * MINUTE


async def test_extend_leaves_a_finished_job_alone(stores, make):
    job = make.job()
    await stores.jobs.enqueue(job)
    await stores.jobs.claim(make.now, make.now + MINUTE)
    await stores.jobs.complete(job.id, make.now)
    await stores.jobs.extend(job.id, make.now + 3 * MINUTE)
    done = await stores.jobs.get(job.id)
    assert (done.state, done.locked_until) == ("done", None)


async def test_retry_queues_the_job_again_for_later(stores, make):
    job = make.job()
    await stores.jobs.enqueue(job)
    await stores.jobs.claim(make.now, make.now + MINUTE)
    await stores.jobs.retry(job.id, make.now + timedelta(seconds=4), "ValueError: boom")
    retried = await stores.jobs.get(job.id)
    assert (retried.state, retried.attempts, retried.run_at, retried.locked_until, retried.last_error) == (
        "queued",
        1,
        make.now + timedelta(seconds=4),
        None,
        "ValueError: boom",
    )
    assert await stores.jobs.claim(make.now + timedelta(seconds=3), make.now + MINUTE) is None
    due = make.now + timedelta(seconds=4)
    assert (await stores.jobs.claim(due, due + MINUTE)).attempts == 2


async def test_failed_and_completed_jobs_are_not_claimed(stores, make):
    failed, done = make.job(), make.job()
    await stores.jobs.enqueue(failed)
    await stores.jobs.enqueue(done)
    await stores.jobs.claim(make.now, make.now + MINUTE)
    await stores.jobs.claim(make.now, make.now + MINUTE)
    await stores.jobs.fail(failed.id, "gave up", make.now)
    await stores.jobs.complete(done.id, make.now)
    much_later = make.now + timedelta(days=1)
    assert await stores.jobs.claim(much_later, much_later + MINUTE) is None
    stored_failed, stored_done = await stores.jobs.get(failed.id), await stores.jobs.get(done.id)
    assert (stored_failed.state, stored_failed.last_error, stored_failed.locked_until) == (
        "failed",
        "gave up",
        None,
    )
    assert (stored_done.state, stored_done.locked_until) == ("done", None)


async def test_stats_count_jobs_by_state(stores, make):
    assert await stores.jobs.stats() == QueueStats()
    jobs = [make.job() for _ in range(5)]
    for job in jobs:
        await stores.jobs.enqueue(job)
    for _ in range(3):
        await stores.jobs.claim(make.now, make.now + MINUTE)
    await stores.jobs.complete(jobs[0].id, make.now)
    await stores.jobs.fail(jobs[1].id, "no", make.now)
    assert await stores.jobs.stats() == QueueStats(queued=2, running=1, done=1, failed=1)


async def test_concurrent_claimers_never_get_the_same_job(stores, make):
    jobs = [make.job() for _ in range(20)]
    for job in jobs:
        await stores.jobs.enqueue(job)
    claimed: list[str] = []

    async def worker() -> None:
        while (job := await stores.jobs.claim(make.now, make.now + MINUTE)) is not None:
            claimed.append(job.id)

    async with anyio.create_task_group() as tg:
        for _ in range(4):
            tg.start_soon(worker)
    assert sorted(claimed) == sorted(j.id for j in jobs)


@pytest.mark.parametrize("store_kind", ["postgres"], indirect=True)
async def test_postgres_claimers_pass_a_job_locked_by_an_open_transaction(stores, make):
    """Two connections claim at once: the second skips the row the first holds rather than wait for it.
    (Memory and SQLite have one writer at a time, so there a second claimer waits its turn.)"""
    first, second = make.job(), make.job()
    await stores.jobs.enqueue(first)
    await stores.jobs.enqueue(second)
    with anyio.fail_after(10):
        async with stores.transaction() as tx:
            held = await tx.jobs.claim(make.now, make.now + MINUTE)
            other = await stores.jobs.claim(make.now, make.now + MINUTE)
            assert await stores.jobs.claim(make.now, make.now + MINUTE) is None
    assert {held.id, other.id} == {first.id, second.id}
    assert (await stores.jobs.stats()).running == 2
