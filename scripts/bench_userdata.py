"""Imports and backups at scale, on a SQLite file: time and peak memory of each job.

- Import: 10,000 handles (Mastodon CSV) followed through POST /api/pleroma/follow_import. Reports how
  long the HTTP answer takes (the work is queued, not done), how long the job takes, how many write
  transactions it opened and the longest one (how long it held SQLite's write lock at a stretch), and
  the job process' peak RSS.
- Backup: the zip of an account with 10,000 and then 100,000 statuses (and a favourite, bookmark and
  follow for each tenth), written by the backup job. Reports the job's time, the zip's size and the job
  process' peak RSS: with the statuses streamed a page at a time, the peak does not grow with them.

Each job runs in a process of its own (this script, `--job`), whose RSS a thread samples every 5 ms
while the app runs: the peak is the job's, not the seeding's. Accounts and statuses are seeded with bulk
SQL, not through the API.

Environment: BENCH_IMPORT_HANDLES (default 10000), BENCH_BACKUP_STATUSES (default "10000 100000").
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib.util
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

from plerome.adapters.sql.accounts import COLUMNS as ACCOUNT_COLUMNS
from plerome.adapters.sql.accounts import account_values
from plerome.adapters.sql.database import to_micros
from plerome.domain.accounts import Account
from plerome.domain.usecases import backups, imports
from plerome.domain.usecases.jobs import run_next
from plerome.domain.usecases.oauth import cli_token
from plerome.entrypoints import wiring
from plerome.entrypoints.asgi import create_app
from plerome.entrypoints.settings import Settings

HANDLES = int(os.environ.get("BENCH_IMPORT_HANDLES", "10000"))
STATUS_SIZES = [int(n) for n in os.environ.get("BENCH_BACKUP_STATUSES", "10000 100000").split()]
NOW = datetime(2026, 1, 1, tzinfo=UTC)
LEASE = timedelta(minutes=30)


def settings(data_dir: Path) -> Settings:
    return Settings(
        database_url=f"sqlite:///{data_dir / 'plerome.sqlite3'}",
        data_dir=str(data_dir),
        secret_key="bench",
        job_workers=0,
        backup_interval_days=0,
        # No password is hashed here; the default argon2 parameters would add their 64 MiB test hash at
        # start-up to every peak below.
        argon2_memory_cost=8,
        argon2_time_cost=1,
        argon2_parallelism=1,
    )


def account_id(n: int) -> str:
    return f"A{n:09d}"


@contextlib.contextmanager
def bulk(db: Path) -> Iterator[sqlite3.Connection]:
    """A plain connection for seeding, committed, checkpointed and closed at the end: a job process
    opening the file must not replay the seeding's write-ahead log (that would count in its peak)."""
    conn = sqlite3.connect(db)
    try:
        with conn:
            yield conn
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        conn.close()


def insert_accounts(db: Path, count: int) -> None:
    """`me` (account 0) and `count` others, user1…userN."""
    rows = [
        account_values(
            Account(
                id=account_id(n),
                nickname="me" if n == 0 else f"user{n}",
                email=None,
                password_hash="x",
                created_at=NOW,
            )
        )
        for n in range(count + 1)
    ]
    marks = ", ".join("?" for _ in ACCOUNT_COLUMNS)
    with bulk(db) as conn:
        conn.executemany(f"INSERT INTO accounts ({', '.join(ACCOUNT_COLUMNS)}) VALUES ({marks})", rows)


def insert_statuses(db: Path, first: int, count: int) -> None:
    """Statuses of `me` numbered first…first+count-1, every tenth favourited, bookmarked and its author
    of a follow (of user<n>)."""
    at = to_micros(NOW)
    statuses, marks, follows = [], [], []
    for n in range(first, first + count):
        sid = f"S{n:012d}"
        text = f"status number {n}, with a few words to make it look like a post #bench"
        statuses.append((sid, account_id(0), at + n, "public", text, "text/plain", f"<p>{text}</p>", sid))
        if n % 10 == 0:
            marks.append((f"M{n:012d}", account_id(0), sid, at))
    with bulk(db) as conn:
        conn.executemany(
            "INSERT INTO statuses (id, account_id, created_at, visibility, source, content_type, content,"
            " context_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            statuses,
        )
        for table in ("favourites", "bookmarks"):
            conn.executemany(
                f"INSERT INTO {table} (id, account_id, status_id, created_at) VALUES (?, ?, ?, ?)", marks
            )
        followed = conn.execute(
            "SELECT count(*) FROM follows WHERE follower_id = ?", (account_id(0),)
        ).fetchone()[0]
        for n in range(followed + 1, min(followed + 1 + count // 10, HANDLES + 1)):
            follows.append((f"F{n:012d}", account_id(0), account_id(n), "accepted", 1, at))
        conn.executemany(
            "INSERT INTO follows (id, follower_id, followee_id, state, show_reblogs, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            follows,
        )


async def migrate_and_token(data_dir: Path) -> str:
    svc = wiring.build(settings(data_dir))
    await svc.store.open()
    try:
        await svc.store.migrate()
        if not await svc.ctx.stores.accounts.get(account_id(0)):
            insert_accounts(data_dir / "plerome.sqlite3", HANDLES)
        me = await svc.ctx.stores.accounts.get(account_id(0))
        assert me is not None
        return (await cli_token(svc.ctx, me, "read write follow")).access_token
    finally:
        await svc.store.close()


# -- the job process


def rss_mib() -> float:
    with open("/proc/self/statm", "rb") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1048576


class PeakRss(threading.Thread):
    """The largest RSS of this process while it runs, looked at every few milliseconds. (ru_maxrss will
    not do: Linux carries it over from the parent through fork and exec, and the parent seeded.)"""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.peak = rss_mib()
        self._done = threading.Event()

    def run(self) -> None:
        while not self._done.wait(0.005):
            self.peak = max(self.peak, rss_mib())

    def stop(self) -> float:
        self._done.set()
        self.join()
        return max(self.peak, rss_mib())


async def job(kind: str, data_dir: Path, token: str) -> dict[str, Any]:
    app = create_app(settings(data_dir))
    svc = app.state.services
    out: dict[str, Any] = {"rss_before": round(rss_mib(), 1)}
    sampler = PeakRss()
    sampler.start()
    async with app.state.lifespan():
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
            headers = {"Authorization": f"Bearer {token}"}
            if kind == "import":
                rows = ["Account address,Show boosts,Notify on new posts,Languages"]
                rows += [f"user{n}@127.0.0.1:4000,true,false," for n in range(1, HANDLES + 1)]
                files = {"list": ("following_accounts.csv", "\n".join(rows).encode(), "text/csv")}
                start = time.perf_counter()
                r = await client.post("/api/pleroma/follow_import", headers=headers, files=files)
                out["answer_ms"] = round((time.perf_counter() - start) * 1000, 1)
            else:
                start = time.perf_counter()
                r = await client.post("/api/v1/pleroma/backups", headers=headers)
                out["answer_ms"] = round((time.perf_counter() - start) * 1000, 1)
            assert r.status_code == 200, r.text

            stores = svc.ctx.stores
            spans: list[float] = []
            opened = stores.transaction

            @contextlib.asynccontextmanager
            async def timed() -> AsyncIterator[Any]:
                began = time.perf_counter()
                try:
                    async with opened() as tx:
                        yield tx
                finally:
                    spans.append(time.perf_counter() - began)

            stores.transaction = timed  # every write transaction the job opens, timed
            start = time.perf_counter()
            ran = await run_next(stores.jobs, svc.ctx.clock, svc.job_handlers, LEASE)
            out["job_s"] = round(time.perf_counter() - start, 2)
            assert ran is not None and (await stores.jobs.get(ran.id)).state == "done", ran
            out["transactions"] = len(spans)
            out["longest_transaction_ms"] = round(max(spans, default=0) * 1000, 1)
            if kind == "import":
                me = (await client.get("/api/v1/accounts/verify_credentials", headers=headers)).json()
                out["following"] = me["following_count"]
            else:
                [done] = (await client.get("/api/v1/pleroma/backups", headers=headers)).json()[:1]
                out["items"] = done["processed_number"]
                out["zip_mib"] = round(done["file_size"] / 1048576, 1)
    out["rss_peak"] = round(sampler.stop(), 1)
    return out


def run_job(kind: str, data_dir: Path, token: str) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, __file__, "--job", kind, str(data_dir), token],
        capture_output=True,
        text=True,
        timeout=1800,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(f"the {kind} job failed:\n{done.stderr}")
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="plerome-bench-userdata-") as tmp:
        data_dir = Path(tmp)
        token = asyncio.run(migrate_and_token(data_dir))
        db = data_dir / "plerome.sqlite3"
        print(f"\nimport of {HANDLES:,} handles (Mastodon CSV, one job, batches of {imports.BATCH})")
        r = run_job("import", data_dir, token)
        print(
            f"| answer {r['answer_ms']} ms | job {r['job_s']} s ({HANDLES / r['job_s']:,.0f} handles/s)"
            f" | {r['transactions']} write transactions, longest {r['longest_transaction_ms']} ms"
            f" | peak RSS {r['rss_peak']} MiB (at start {r['rss_before']}) | following {r['following']:,} |"
        )
        with bulk(db) as conn:  # the backups below count their own follows
            conn.execute("DELETE FROM follows")
            conn.execute("DELETE FROM notifications")

        if importlib.util.find_spec("plerome.adapters.sql.statuses") is None:
            print("\nbackup: skipped, the SQL stores have no statuses repository yet")
            return
        print(f"\nbackup (pages of {backups.PAGE}, zip written to disk as read)")
        seeded = 0
        for size in STATUS_SIZES:
            insert_statuses(db, seeded, size - seeded)
            seeded = size
            r = run_job("backup", data_dir, token)
            print(
                f"| {size:,} statuses | job {r['job_s']} s | {r['items']:,} items, zip {r['zip_mib']} MiB"
                f" | peak RSS {r['rss_peak']} MiB (at start {r['rss_before']}) |"
            )


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "--job":
        print(json.dumps(asyncio.run(job(sys.argv[2], Path(sys.argv[3]), sys.argv[4]))))
    else:
        main()
