"""Reactions and conversations at scale, in-process: one status with 10 reactors and one with 10,000.

Seeds a fresh store through the app's own wiring (10,000 accounts, their reactions, a reader who blocks
and mutes a few reactors, a direct thread of 200 statuses), then times requests through the whole ASGI
app (httpx's ASGI transport, no sockets) in bounded loops: the reaction list of each status (their
ratio is the point: counts come from kept aggregates and indexes, so 10,000 reactors should cost about
what 10 do), a react/unreact toggle on the big one, a conversation's statuses page and the conversation
list. Prints milliseconds per request (mean, p50, p99) and requests per second.

Environment: BENCH_DB = sqlite (default), postgres (PLEROME_BENCH_POSTGRES_URL or
PLEROME_TEST_POSTGRES_URL, in a schema of its own, dropped afterwards) or memory;
BENCH_REACTORS (default 10000), BENCH_ROUNDS (default 200).
"""

from __future__ import annotations

import asyncio
import os
import secrets
import statistics
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode, urlsplit, urlunsplit

import httpx

from plerome.domain.accounts import Account
from plerome.domain.pagination import Page
from plerome.domain.reactions import Reaction
from plerome.domain.social import Block, Mute
from plerome.domain.statuses import Status
from plerome.domain.usecases.conversations import record_direct_status
from plerome.domain.usecases.oauth import cli_token
from plerome.entrypoints.asgi import create_app
from plerome.entrypoints.settings import Settings
from plerome.ports.conversations import ConversationQuery

REACTORS = int(os.environ.get("BENCH_REACTORS", "10000"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "200"))
THREAD = 200
NOW = datetime(2026, 1, 1, tzinfo=UTC)


def status(ctx: Any, author: Account, visibility: str = "public", **kw: Any) -> Status:
    status_id = ctx.ids.new()
    values: dict[str, Any] = {"context_id": status_id, **kw}
    return Status(
        id=status_id,
        account_id=author.id,
        created_at=NOW,
        visibility=visibility,  # type: ignore[arg-type]
        source="hi",
        content_type="text/plain",
        content="<p>hi</p>",
        **values,
    )


async def seed(ctx: Any) -> dict[str, str]:
    s = ctx.stores
    people = [
        Account(id=ctx.ids.new(), nickname=f"u{i}", email=None, password_hash="x", created_at=NOW)
        for i in range(REACTORS + 2)
    ]
    reader, friend, fans = people[0], people[1], people[2:]
    async with s.transaction() as tx:
        for account in people:
            await tx.accounts.add(account)
    small, big = status(ctx, reader), status(ctx, reader)
    async with s.transaction() as tx:
        await tx.statuses.add(small)
        await tx.statuses.add(big)
        for i, fan in enumerate(fans):
            emoji = "👍" if i % 4 else "🎉"
            await tx.reactions.add(Reaction(ctx.ids.new(), big.id, fan.id, emoji, NOW))
            if i < 10:
                await tx.reactions.add(Reaction(ctx.ids.new(), small.id, fan.id, emoji, NOW))
        for i, fan in enumerate(fans[:10]):  # the reader hides a few reactors of each status
            if i % 2:
                await tx.social.block(Block(ctx.ids.new(), reader.id, fan.id, NOW))
            else:
                await tx.social.mute(Mute(ctx.ids.new(), reader.id, fan.id, True, NOW))
    first = status(ctx, friend, "direct", mentioned_ids=(reader.id,))
    thread = [first]
    for i in range(THREAD - 1):
        author, to = (reader, friend) if i % 2 else (friend, reader)
        thread.append(
            status(
                ctx,
                author,
                "direct",
                context_id=first.id,
                in_reply_to_id=thread[-1].id,
                mentioned_ids=(to.id,),
            )
        )
    for st in thread:
        async with s.transaction() as tx:
            await tx.statuses.add(st)
            await record_direct_status(ctx, tx, st)
    token = await cli_token(ctx, reader, "read write follow push")
    [participation] = await s.conversations.list_for(ConversationQuery(reader.id), Page())
    return {"token": token.access_token, "small": small.id, "big": big.id, "conversation": participation.id}


async def timed(
    client: httpx.AsyncClient, method: str, path: str, rounds: int, headers: dict[str, str]
) -> list[float]:
    samples = []
    for _ in range(rounds):
        start = time.perf_counter()
        r = await client.request(method, path, headers=headers)
        samples.append((time.perf_counter() - start) * 1000)
        assert r.status_code == 200, (path, r.status_code, r.text[:200])
    return samples


def row(label: str, samples: list[float]) -> str:
    ordered = sorted(samples)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    mean = statistics.fmean(samples)
    return f"{label:<52} {mean:8.2f} {statistics.median(samples):8.2f} {p99:8.2f} {1000 / mean:9.0f}"


def database_url(tmp: str) -> tuple[str, str | None]:
    kind = os.environ.get("BENCH_DB", "sqlite")
    if kind == "memory":
        return "memory://", None
    if kind == "sqlite":
        return f"sqlite:///{Path(tmp) / 'bench.sqlite3'}", None
    base = os.environ.get("PLEROME_BENCH_POSTGRES_URL") or os.environ.get("PLEROME_TEST_POSTGRES_URL")
    if not base:
        raise SystemExit("BENCH_DB=postgres needs PLEROME_BENCH_POSTGRES_URL or PLEROME_TEST_POSTGRES_URL")
    schema = f"plerome_bench_{os.getpid()}_{secrets.token_hex(4)}"
    parts = urlsplit(base)
    return urlunsplit(parts._replace(query=urlencode([("search_path", schema)]))), schema


async def schema(base: str, name: str, create: bool) -> None:
    import asyncpg

    conn = await asyncpg.connect(base)
    try:
        await conn.execute(f'CREATE SCHEMA "{name}"' if create else f'DROP SCHEMA IF EXISTS "{name}" CASCADE')
    finally:
        await conn.close()


async def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        url, pg_schema = database_url(tmp)
        base = (
            os.environ.get("PLEROME_BENCH_POSTGRES_URL") or os.environ.get("PLEROME_TEST_POSTGRES_URL") or ""
        )
        if pg_schema:
            await schema(base, pg_schema, create=True)
        try:
            await run(url, tmp)
        finally:
            if pg_schema:
                await schema(base, pg_schema, create=False)


async def run(url: str, tmp: str) -> None:
    settings = Settings(database_url=url, data_dir=tmp, secret_key="bench", job_workers=0)
    app = create_app(settings)
    svc = app.state.services
    async with app.state.lifespan():
        started = time.perf_counter()
        seeded = await seed(svc.ctx)
        took = time.perf_counter() - started
        print(f"store {url.split(':', 1)[0]}; seeded {REACTORS} reactors in {took:.1f}s")
        auth = {"Authorization": f"Bearer {seeded['token']}"}
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
            print(f"{ROUNDS} rounds per row; the reader blocks 5 and mutes 5 of the reactors")
            print(f"{'request':<52} {'mean ms':>8} {'p50':>8} {'p99':>8} {'req/s':>9}")
            small = f"/api/v1/pleroma/statuses/{seeded['small']}/reactions"
            big = f"/api/v1/pleroma/statuses/{seeded['big']}/reactions"
            await timed(client, "GET", small, 5, auth)  # warm up
            rows = {}
            for label, path in (
                ("GET reactions, 10 reactors", small),
                (f"GET reactions, {REACTORS} reactors", big),
            ):
                rows[label] = await timed(client, "GET", path, ROUNDS, auth)
                print(row(label, rows[label]))
            one = f"{big}/{quote('🎉')}"
            print(
                row(
                    f"GET reactions/:emoji, {REACTORS} reactors",
                    await timed(client, "GET", one, ROUNDS, auth),
                )
            )
            toggle = f"{big}/{quote('☕')}"
            samples = []
            for _ in range(ROUNDS // 2):
                samples += await timed(client, "PUT", toggle, 1, auth)
                samples += await timed(client, "DELETE", toggle, 1, auth)
            print(row(f"PUT/DELETE reaction toggle, {REACTORS} reactors", samples))
            conv = f"/api/v1/pleroma/conversations/{seeded['conversation']}/statuses"
            print(
                row(
                    f"GET conversation statuses (20 of {THREAD})",
                    await timed(client, "GET", conv, ROUNDS, auth),
                )
            )
            print(
                row(
                    "GET /api/v1/conversations",
                    await timed(client, "GET", "/api/v1/conversations", ROUNDS, auth),
                )
            )
            means = [statistics.median(v) for v in rows.values()]
            print(f"reaction list, {REACTORS} vs 10 reactors (p50): {means[1] / means[0]:.2f}x")


if __name__ == "__main__":
    asyncio.run(main())
