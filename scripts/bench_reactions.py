"""Reactions and conversations at scale, in-process: statuses with 10, 80 and 10,000 reactors.

Seeds a fresh store through the app's own wiring (10,000 accounts, their reactions on two emoji, a
reader who blocks and mutes a few of them, a direct thread of 200 statuses), then times, in bounded
loops, the store calls behind a reaction list and requests through the whole ASGI app (httpx's ASGI
transport, no sockets): the reaction list of each status, a react/unreact toggle on the big one, a
conversation's statuses page and the conversation list. Prints milliseconds (mean, p50, p99) and
requests per second, and the ratios that matter: counts come from kept aggregates and reactor lists
from indexes, so 10,000 reactors cost what 10 do in the store; over HTTP a list of 10 reactors is a
smaller answer (10 accounts) than one of 10,000 (the first 40 of each emoji), so the like-for-like
HTTP ratio is 80 reactors (the same 80 accounts shown) against 10,000.

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
from plerome.domain.reactions import Reaction, ReactionFilter
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
    small, medium, big = status(ctx, reader), status(ctx, reader), status(ctx, reader)
    async with s.transaction() as tx:
        for st in (small, medium, big):
            await tx.statuses.add(st)
        for i, fan in enumerate(fans):
            emoji = "👍" if i % 2 else "🎉"
            await tx.reactions.add(Reaction(ctx.ids.new(), big.id, fan.id, emoji, NOW))
            if i < 80:
                await tx.reactions.add(Reaction(ctx.ids.new(), medium.id, fan.id, emoji, NOW))
            if i < 10:
                await tx.reactions.add(Reaction(ctx.ids.new(), small.id, fan.id, emoji, NOW))
        for i, fan in enumerate(fans[-10:]):  # the reader hides a few of the big status's reactors
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
    return {
        "token": token.access_token,
        "reader": reader.id,
        "small": small.id,
        "medium": medium.id,
        "big": big.id,
        "conversation": participation.id,
    }


REACTORS_OF = {"small": 10, "medium": 80, "big": 0}  # 0: BENCH_REACTORS


async def store_calls(store: Any, status_id: str, seen_by: ReactionFilter, rounds: int) -> list[float]:
    """What a reaction list asks the store: the counts, then the first 40 reactors of each emoji."""
    samples = []
    for _ in range(rounds):
        start = time.perf_counter()
        counts = (await store.counts([status_id], seen_by)).get(status_id, [])
        await store.reactors(status_id, [c.emoji for c in counts], seen_by, 40)
        samples.append((time.perf_counter() - start) * 1000)
    return samples


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
            seen_by = ReactionFilter(seeded["reader"], datetime.now(UTC))
            store = svc.ctx.stores.reactions
            medians = {}
            for size in ("small", "medium", "big"):
                sid = seeded[size]
                label = f"store: counts + reactors, {REACTORS_OF[size] or REACTORS} reactors"
                samples = await store_calls(store, sid, seen_by, ROUNDS)
                medians[f"store {size}"] = statistics.median(samples)
                print(row(label, samples))
            paths = {
                size: f"/api/v1/pleroma/statuses/{seeded[size]}/reactions"
                for size in ("small", "medium", "big")
            }
            await timed(client, "GET", paths["small"], 5, auth)  # warm up
            for size in ("small", "medium", "big"):
                samples = await timed(client, "GET", paths[size], ROUNDS, auth)
                medians[f"http {size}"] = statistics.median(samples)
                print(row(f"GET reactions, {REACTORS_OF[size] or REACTORS} reactors", samples))
            big = paths["big"]
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
            m = medians
            print(f"p50 ratios, {REACTORS} reactors against fewer:")
            print(f"  store calls, against 10: {m['store big'] / m['store small']:.2f}x")
            like = m["http big"] / m["http medium"]
            print(f"  HTTP list, against 80 (the same 80 accounts shown): {like:.2f}x")
            print(
                f"  HTTP list, against 10 (10 accounts shown, not 80): {m['http big'] / m['http small']:.2f}x"
            )


if __name__ == "__main__":
    asyncio.run(main())
