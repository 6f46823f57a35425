"""SQLite's reader threads: the reads of one loop iteration share one hop, and stay independent."""

from __future__ import annotations

import asyncio
import sqlite3

import pytest

from plerome.adapters.sqlite import SqliteDatabase
from plerome.adapters.sqlite.readers import ReadBatcher, ReaderThread

pytestmark = pytest.mark.anyio


@pytest.fixture
async def db(tmp_path):
    database = SqliteDatabase(str(tmp_path / "readers.sqlite3"), readers=2)
    await database.open()
    for n in range(5):
        await database.execute(
            "INSERT INTO jobs (id, kind, payload, state, max_attempts, run_at, created_at)"
            " VALUES (?, 'k', '{}', 'queued', 1, ?, 0)",
            f"j{n}",
            n,
        )
    try:
        yield database
    finally:
        await database.close()


def count_hops(monkeypatch) -> list[int]:
    """The number of reads in each batch handed to a reader thread."""
    sizes: list[int] = []
    submit = ReaderThread.submit

    def recording(self, loop, reads):
        sizes.append(len(reads))
        submit(self, loop, reads)

    monkeypatch.setattr(ReaderThread, "submit", recording)
    return sizes


async def test_reads_issued_together_share_one_hop_and_each_gets_its_own_rows(db, monkeypatch):
    hops = count_hops(monkeypatch)
    rows = await asyncio.gather(
        *(db.fetch_all("SELECT id, run_at FROM jobs WHERE run_at >= ? ORDER BY id", n) for n in range(5))
    )
    assert hops == [5]
    assert [[r["id"] for r in found] for found in rows] == [[f"j{m}" for m in range(n, 5)] for n in range(5)]
    assert rows[4] == [{"id": "j4", "run_at": 4}]


async def test_reads_one_after_another_each_take_a_hop(db, monkeypatch):
    hops = count_hops(monkeypatch)
    for n in range(3):
        assert (await db.fetch_one("SELECT count(*) AS n FROM jobs WHERE run_at < ?", n))["n"] == n
    assert hops == [1, 1, 1]


async def test_a_failing_read_fails_only_its_caller(db, monkeypatch):
    hops = count_hops(monkeypatch)
    good, bad, empty = await asyncio.gather(
        db.fetch_one("SELECT count(*) AS n FROM jobs"),
        db.fetch_all("SELECT missing FROM nowhere"),
        db.fetch_all("SELECT id FROM jobs WHERE id = ?", "absent"),
        return_exceptions=True,
    )
    assert hops == [3]
    assert good["n"] == 5
    assert isinstance(bad, sqlite3.OperationalError) and "nowhere" in str(bad)
    assert empty == []


async def test_a_cancelled_read_leaves_the_others_answered(db):
    cancelled = asyncio.ensure_future(db.fetch_all("SELECT id FROM jobs"))
    kept = asyncio.ensure_future(db.fetch_one("SELECT count(*) AS n FROM jobs"))
    await asyncio.sleep(0)  # both queued, not yet answered
    cancelled.cancel()
    assert (await kept)["n"] == 5
    with pytest.raises(asyncio.CancelledError):
        await cancelled


async def test_a_reader_opened_query_only_refuses_writes(db):
    reader = ReaderThread(db.path, ("PRAGMA query_only = ON",))
    await reader.open()
    try:
        with pytest.raises(sqlite3.OperationalError, match="readonly"):
            await ReadBatcher([reader]).read("DELETE FROM jobs", ())
    finally:
        await reader.close()
    assert (await db.fetch_one("SELECT count(*) AS n FROM jobs"))["n"] == 5


async def test_reads_see_what_the_writer_committed(db):
    async with db.transaction() as tx:
        await tx.execute("DELETE FROM jobs WHERE id = 'j0'")
    assert (await db.fetch_one("SELECT count(*) AS n FROM jobs"))["n"] == 4


async def test_closing_stops_the_reader_threads_and_a_reopened_database_reads_again(db):
    await db.close()
    assert db.pool_stats().size == 0
    await db.open()
    assert (await db.fetch_one("SELECT count(*) AS n FROM jobs"))["n"] == 5
    assert db.pool_stats().size == 3
