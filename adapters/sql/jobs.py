"""The job queue in SQL. Claiming picks the oldest due job and leases it in one statement."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import msgspec

from plerome.domain.jobs import Job, QueueStats

from .database import Executor, Row, from_micros, from_micros_or_none, to_micros

_COLUMNS = "id, kind, payload, state, attempts, max_attempts, run_at, created_at, locked_until, last_error"
_encode = msgspec.json.Encoder().encode
_payload = msgspec.json.Decoder(dict[str, Any])


def job_from_row(r: Row) -> Job:
    return Job(
        id=r["id"],
        kind=r["kind"],
        payload=_payload.decode(r["payload"]),
        state=r["state"],
        attempts=r["attempts"],
        max_attempts=r["max_attempts"],
        run_at=from_micros(r["run_at"]),
        created_at=from_micros(r["created_at"]),
        locked_until=from_micros_or_none(r["locked_until"]),
        last_error=r["last_error"],
    )


def _claim_sql(skip_locked: str) -> str:
    # Due: queued and its time has come, or running under a lease that ran out (its worker died).
    # Each branch reads jobs_state_run_at in order and stops at one; the outer ORDER BY picks between them.
    return (
        "UPDATE jobs SET state = 'running', attempts = attempts + 1, locked_until = ?"
        " WHERE id = (SELECT id FROM ("
        " SELECT id, run_at FROM (SELECT id, run_at FROM jobs WHERE state = 'queued' AND run_at <= ?"
        f" ORDER BY run_at, id LIMIT 1{skip_locked}) q"
        " UNION ALL"
        " SELECT id, run_at FROM (SELECT id, run_at FROM jobs WHERE state = 'running' AND locked_until < ?"
        f" ORDER BY run_at, id LIMIT 1{skip_locked}) r"
        ") due ORDER BY run_at, id LIMIT 1)"
        f" RETURNING {_COLUMNS}"
    )


class SqlJobs:
    def __init__(self, db: Executor) -> None:
        self._db = db
        self._claim = _claim_sql(db.dialect.skip_locked)

    async def enqueue(self, job: Job) -> None:
        await self._db.execute(
            f"INSERT INTO jobs ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            job.id,
            job.kind,
            _encode(job.payload).decode(),
            job.state,
            job.attempts,
            job.max_attempts,
            to_micros(job.run_at),
            to_micros(job.created_at),
            to_micros(job.locked_until) if job.locked_until else None,
            job.last_error,
        )

    async def get(self, job_id: str) -> Job | None:
        row = await self._db.fetch_one(f"SELECT {_COLUMNS} FROM jobs WHERE id = ?", job_id)
        return job_from_row(row) if row else None

    async def claim(self, now: datetime, locked_until: datetime) -> Job | None:
        at = to_micros(now)
        row = await self._db.fetch_one(self._claim, to_micros(locked_until), at, at)
        return job_from_row(row) if row else None

    async def extend(self, job_id: str, locked_until: datetime) -> None:
        await self._db.execute(
            "UPDATE jobs SET locked_until = ? WHERE id = ? AND state = 'running'",
            to_micros(locked_until),
            job_id,
        )

    async def complete(self, job_id: str, now: datetime) -> None:
        await self._db.execute(
            "UPDATE jobs SET state = 'done', locked_until = NULL, finished_at = ? WHERE id = ?",
            to_micros(now),
            job_id,
        )

    async def retry(self, job_id: str, run_at: datetime, error: str) -> None:
        await self._db.execute(
            "UPDATE jobs SET state = 'queued', run_at = ?, locked_until = NULL, last_error = ? WHERE id = ?",
            to_micros(run_at),
            error,
            job_id,
        )

    async def fail(self, job_id: str, error: str, now: datetime) -> None:
        await self._db.execute(
            "UPDATE jobs SET state = 'failed', locked_until = NULL, last_error = ?, finished_at = ?"
            " WHERE id = ?",
            error,
            to_micros(now),
            job_id,
        )

    async def stats(self) -> QueueStats:
        rows = await self._db.fetch_all("SELECT state, count(*) AS n FROM jobs GROUP BY state")
        counts = {r["state"]: int(r["n"]) for r in rows}
        return QueueStats(
            queued=counts.get("queued", 0),
            running=counts.get("running", 0),
            done=counts.get("done", 0),
            failed=counts.get("failed", 0),
        )
