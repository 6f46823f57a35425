"""SQLite reads on the event loop: never blocked by a write transaction, and they see each commit."""

import pytest

from plerome.adapters.sqlite import SqliteDatabase

pytestmark = pytest.mark.anyio

INSERT = (
    "INSERT INTO jobs (id, kind, payload, state, max_attempts, run_at, created_at)"
    " VALUES (?, 'k', '{}', 'queued', 1, 0, 0)"
)
COUNT = "SELECT count(*) AS n FROM jobs"


async def test_a_read_during_a_write_transaction_answers_with_the_last_committed_state(tmp_path):
    db = SqliteDatabase(str(tmp_path / "reads.sqlite3"))
    try:
        await db.execute(INSERT, "before")
        async with db.transaction() as tx:
            await tx.execute(INSERT, "during")
            assert (await db.fetch_one(COUNT))["n"] == 1  # the writer holds its lock; the read goes on
            assert (await tx.fetch_one(COUNT))["n"] == 2  # the transaction sees its own write
        assert (await db.fetch_one(COUNT))["n"] == 2
    finally:
        await db.close()


async def test_reads_can_go_through_the_writer_instead(tmp_path):
    db = SqliteDatabase(str(tmp_path / "reads.sqlite3"), read_on_loop=False)
    try:
        await db.execute(INSERT, "one")
        assert (await db.fetch_one(COUNT))["n"] == 1
        assert db.pool_stats().size == 1
    finally:
        await db.close()
