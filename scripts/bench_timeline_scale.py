"""The cost of one timeline page with 1,000 and with 1,000,000 statuses in the database.

For each size it seeds a fresh database with bulk SQL (not through the API) — 1,000 accounts, the viewer
following 50 of them, blocking and muting a few, statuses of every visibility with mentions, tags,
replies, reblogs and media — then times the store's `timeline()` for one 20-status page of the home and
public timelines, newest and deep (max_id half-way down), in-process, a bounded number of times. SQLite
always; Postgres when PLEROME_BENCH_POSTGRES_URL or PLEROME_TEST_POSTGRES_URL is set (a schema of its
own, dropped afterwards). Indexed pages cost the same at both sizes.

Environment: SCALE_SIZES (default "1000 1000000"), SCALE_REPEAT (timed runs per page, default 30),
SCALE_ONLY="sqlite" or "postgres".
"""

from __future__ import annotations

import asyncio
import os
import random
import secrets
import sqlite3
import statistics
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import asyncpg

from plerome.adapters.postgres import PostgresDatabase
from plerome.adapters.sql import SqlStores
from plerome.adapters.sql.accounts import COLUMNS as ACCOUNT_COLUMNS
from plerome.adapters.sql.accounts import account_values
from plerome.adapters.sql.database import to_micros
from plerome.adapters.sqlite import SqliteDatabase
from plerome.domain.accounts import Account
from plerome.domain.pagination import Page
from plerome.ports.statuses import TimelineQuery

ACCOUNTS = 1000
FOLLOWED = range(1, 51)  # the viewer (account 0) follows these
BLOCKED, BLOCKING, MUTED = (51, 52), (53,), (54, 55)
NOW = datetime(2026, 1, 1, tzinfo=UTC)
SIZES = [int(n) for n in os.environ.get("SCALE_SIZES", "1000 1000000").split()]
REPEAT = int(os.environ.get("SCALE_REPEAT", "30"))

STATUS_COLUMNS = (
    "id",
    "account_id",
    "created_at",
    "visibility",
    "source",
    "content_type",
    "content",
    "context_id",
    "in_reply_to_id",
    "in_reply_to_account_id",
    "reblog_of_id",
    "has_media",
)


def account_id(n: int) -> str:
    return f"A{n:09d}"


def status_id(n: int) -> str:
    return f"S{n:012d}"


def accounts() -> list[tuple[Any, ...]]:
    return [
        account_values(
            Account(
                id=account_id(n),
                nickname=f"user{n}",
                email=f"user{n}@example.test",
                password_hash="x",
                created_at=NOW,
            )
        )
        for n in range(ACCOUNTS)
    ]


def graph() -> dict[str, list[tuple[Any, ...]]]:
    viewer, t = account_id(0), to_micros(NOW)
    follows = [(f"F{n:09d}", viewer, account_id(n), "accepted", n % 10 != 0, t) for n in FOLLOWED]
    # Others follow the viewer, so some of the viewer's private statuses have readers.
    follows += [(f"G{n:09d}", account_id(n), viewer, "accepted", True, t) for n in range(100, 200)]
    blocks = [(f"B{n:09d}", viewer, account_id(n), t) for n in BLOCKED]
    blocks += [(f"C{n:09d}", account_id(n), viewer, t) for n in BLOCKING]
    mutes = [(f"M{n:09d}", viewer, account_id(n), True, t, None) for n in MUTED]
    return {"follows": follows, "blocks": blocks, "mutes": mutes}


def statuses(count: int, seed: int = 7) -> Iterator[tuple[str, tuple[Any, ...]]]:
    """("statuses" | "status_mentions" | "status_tags", row) in an order the foreign keys accept."""
    rng = random.Random(seed)
    t = to_micros(NOW)
    public: list[int] = []
    reblogged: set[tuple[int, int]] = set()
    for n in range(count):
        author = rng.randrange(ACCOUNTS)
        sid = status_id(n)
        roll = rng.random()
        if roll < 0.05 and public:
            original = rng.choice(public[-1000:])
            if (author, original) not in reblogged:
                reblogged.add((author, original))
                wrapped = status_id(original)
                yield (
                    "statuses",
                    (sid, account_id(author), t, "public", "", "", "", wrapped, None, None, wrapped, False),
                )
                continue
        visibility = rng.choices(("public", "unlisted", "private", "direct"), (60, 15, 15, 10))[0]
        reply = n > 0 and rng.random() < 0.1
        parent = rng.randrange(n) if reply else None
        text = f"status {n}"
        tag = rng.randrange(20) if rng.random() < 0.1 else None
        if tag is not None:
            text += f" #tag{tag}"
        yield (
            "statuses",
            (
                sid,
                account_id(author),
                t,
                visibility,
                text,
                "text/plain",
                f"<p>{text}</p>",
                status_id(parent) if parent is not None else sid,
                status_id(parent) if parent is not None else None,
                account_id(rng.randrange(ACCOUNTS)) if parent is not None else None,
                None,
                rng.random() < 0.05,
            ),
        )
        if visibility == "public":
            public.append(n)
        if visibility in ("private", "direct") or rng.random() < 0.05:
            mentioned = 0 if rng.random() < 0.01 else rng.randrange(ACCOUNTS)
            yield "status_mentions", (sid, account_id(mentioned))
        if tag is not None:
            yield "status_tags", (sid, f"tag{tag}")


def rows_by_table(count: int) -> dict[str, list[tuple[Any, ...]]]:
    out: dict[str, list[tuple[Any, ...]]] = {"statuses": [], "status_mentions": [], "status_tags": []}
    for table, row in statuses(count):
        out[table].append(row)
    return out


TABLE_COLUMNS = {
    "accounts": ACCOUNT_COLUMNS,
    "follows": ("id", "follower_id", "followee_id", "state", "show_reblogs", "created_at"),
    "blocks": ("id", "blocker_id", "blocked_id", "created_at"),
    "mutes": ("id", "muter_id", "muted_id", "notifications", "created_at", "expires_at"),
    "statuses": STATUS_COLUMNS,
    "status_mentions": ("status_id", "account_id"),
    "status_tags": ("status_id", "tag"),
}


def all_rows(count: int) -> list[tuple[str, list[tuple[Any, ...]]]]:
    return [("accounts", accounts()), *graph().items(), *rows_by_table(count).items()]


# -- seeding


async def seed_sqlite(path: str, count: int) -> None:
    db = SqliteDatabase(path, readers=0)
    await db.migrate()
    await db.close()
    conn = sqlite3.connect(path)
    try:
        with conn:
            for table, rows in all_rows(count):
                cols = TABLE_COLUMNS[table]
                conn.executemany(
                    f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})", rows
                )
    finally:
        conn.close()


async def seed_postgres(url: str, count: int) -> None:
    db = PostgresDatabase(url, pool_size=1, auto_migrate=False)
    await db.migrate()
    await db.close()
    conn = await asyncpg.connect(url)
    try:
        # Without the counter triggers (account_counts: not read here): one transaction updating the
        # same 1,000 counter rows a million times walks ever longer row-version chains.
        await conn.execute("SET session_replication_role = replica")
        for table, rows in all_rows(count):
            await conn.copy_records_to_table(table, records=rows, columns=list(TABLE_COLUMNS[table]))
        await conn.execute("ANALYZE")
    finally:
        await conn.close()


# -- timing


async def time_pages(stores: SqlStores, label: str) -> dict[str, float]:
    viewer = account_id(0)
    statuses_ = stores.statuses
    cases = {
        "home": TimelineQuery(kind="home", viewer_id=viewer, now=NOW),
        "public": TimelineQuery(kind="public", viewer_id=viewer, now=NOW),
    }
    newest = await statuses_.timeline(cases["public"], Page(limit=1))
    top = newest[0].id if newest else status_id(0)
    middle = status_id(int(top[1:]) // 2)
    out = {}
    for name, query in cases.items():
        for depth, page in (("newest", Page(limit=20)), ("deep", Page(max_id=middle, limit=20))):
            got = await statuses_.timeline(query, page)  # warm the caches
            assert len(got) == 20 or int(top[1:]) < 5000, f"{label} {name} {depth}: {len(got)} statuses"
            times = []
            for _ in range(REPEAT):
                start = time.perf_counter()
                await statuses_.timeline(query, page)
                times.append(time.perf_counter() - start)
            out[f"{name} {depth}"] = statistics.median(times) * 1000
    return out


async def run_sqlite(count: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory(prefix="plerome-scale-") as tmp:
        path = str(Path(tmp) / "scale.sqlite3")
        await seed_sqlite(path, count)
        db = SqliteDatabase(path, readers=1, auto_migrate=False)
        try:
            return await time_pages(SqlStores(db), f"sqlite {count}")
        finally:
            await db.close()


async def run_postgres(base: str, count: int) -> dict[str, float]:
    schema = f"plerome_scale_{os.getpid()}_{secrets.token_hex(3)}"
    url = f"{base}{'&' if '?' in base else '?'}search_path={schema}"
    conn = await asyncpg.connect(base)
    await conn.execute(f'CREATE SCHEMA "{schema}"')
    await conn.close()
    try:
        await seed_postgres(url, count)
        db = PostgresDatabase(url, pool_size=2, auto_migrate=False)
        try:
            return await time_pages(SqlStores(db), f"postgres {count}")
        finally:
            await db.close()
    finally:
        conn = await asyncpg.connect(base)
        await conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        await conn.close()


async def main() -> None:
    only = os.environ.get("SCALE_ONLY", "")
    pg = os.environ.get("PLEROME_BENCH_POSTGRES_URL") or os.environ.get("PLEROME_TEST_POSTGRES_URL")
    engines = []
    if only in ("", "sqlite"):
        engines.append("sqlite")
    if pg and only in ("", "postgres"):
        engines.append("postgres")
    results: dict[tuple[str, int], dict[str, float]] = {}
    for engine in engines:
        for count in SIZES:
            started = time.perf_counter()
            if engine == "sqlite":
                results[(engine, count)] = await run_sqlite(count)
            else:
                assert pg is not None
                results[(engine, count)] = await run_postgres(pg, count)
            print(f"{engine} {count:,} statuses: seeded and timed in {time.perf_counter() - started:.0f} s")
    print(f"\none 20-status page, median of {REPEAT} runs, in-process (ms)")
    small, big = SIZES[0], SIZES[-1]
    print(f"| engine | page | {small:,} | {big:,} | ratio |")
    print("|---|---|---|---|---|")
    for engine in engines:
        for page, ms in results[(engine, small)].items():
            large = results[(engine, big)][page]
            print(f"| {engine} | {page} | {ms:.2f} | {large:.2f} | {large / ms:.2f}× |")


if __name__ == "__main__":
    asyncio.run(main())
