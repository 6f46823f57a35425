"""Postgres through an asyncpg pool, opened on first use.

The DSN may carry server settings as query parameters (asyncpg passes the ones it does not know to
the server), e.g. `?search_path=tenant_a` to keep plerome's tables in a schema of their own.
"""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Any

import anyio
import asyncpg

from plerome.adapters.sql.database import POSTGRES, Dialect, Row, UniqueViolation, to_micros
from plerome.adapters.sql.migrations import load
from plerome.ports.repositories import PoolStats


def _numbered(sql: str) -> str:
    """`?` placeholders as Postgres's $1, $2, … (the repositories put no `?` inside literals)."""
    parts = sql.split("?")
    out = [parts[0]]
    for n, part in enumerate(parts[1:], start=1):
        out.append(f"${n}")
        out.append(part)
    return "".join(out)


async def _keep_session(conn: Any) -> None:
    """Pool release hook. asyncpg's default sends RESET ALL, UNLISTEN *, … on every release (a second
    round trip per statement); plerome changes no session state, and asyncpg still rolls back a
    transaction left open before calling this."""


def _rowcount(status: str) -> int:
    """Rows touched, from a command tag such as "UPDATE 3" or "INSERT 0 1"."""
    last = status.rsplit(" ", 1)[-1]
    return int(last) if last.isdigit() else 0


class _Bound:
    """One connection inside a transaction."""

    dialect: Dialect = POSTGRES

    def __init__(self, conn: Any, sql: Callable[[str], str]) -> None:
        self._conn: Any = conn
        self._sql = sql

    def _live(self) -> Any:
        if self._conn is None:
            raise RuntimeError("this transaction has ended")
        return self._conn

    async def fetch_one(self, sql: str, *args: Any) -> Row | None:
        try:
            row: Row | None = await self._live().fetchrow(self._sql(sql), *args)
            return row
        except asyncpg.UniqueViolationError as exc:
            raise UniqueViolation(str(exc)) from exc

    async def fetch_all(self, sql: str, *args: Any) -> list[Row]:
        try:
            return list(await self._live().fetch(self._sql(sql), *args))
        except asyncpg.UniqueViolationError as exc:
            raise UniqueViolation(str(exc)) from exc

    async def execute(self, sql: str, *args: Any) -> int:
        try:
            return _rowcount(await self._live().execute(self._sql(sql), *args))
        except asyncpg.UniqueViolationError as exc:
            raise UniqueViolation(str(exc)) from exc


class PostgresDatabase:
    dialect: Dialect = POSTGRES

    def __init__(self, url: str, *, pool_size: int = 10, auto_migrate: bool = True) -> None:
        self._url = url
        self._pool_size = max(1, pool_size)
        self._auto_migrate = auto_migrate
        self._open_lock = anyio.Lock()
        self._pool: Any = None
        self._pool_view: _Bound | None = None
        self._numbered: dict[str, str] = {}

    def _sql(self, sql: str) -> str:
        try:
            return self._numbered[sql]
        except KeyError:
            rewritten = self._numbered[sql] = _numbered(sql)
            return rewritten

    # -- lifecycle

    async def open(self) -> None:
        await self._open(self._auto_migrate)

    async def _open(self, migrate: bool) -> Any:
        async with self._open_lock:
            if self._pool is not None:
                return self._pool
            pool = await asyncpg.create_pool(
                self._url, min_size=min(2, self._pool_size), max_size=self._pool_size, reset=_keep_session
            )
            try:
                if migrate:
                    await self._migrate(pool)
            except BaseException:
                with anyio.CancelScope(shield=True):
                    await pool.close()
                raise
            # A pool answers fetch/fetchrow/execute itself, borrowing a connection per call.
            self._pool_view = _Bound(pool, self._sql)
            self._pool = pool
            return pool

    async def close(self) -> None:
        async with self._open_lock:
            pool, self._pool, self._pool_view = self._pool, None, None
            if pool is not None:
                with anyio.CancelScope(shield=True):
                    await pool.close()

    async def migrate(self) -> list[str]:
        """Apply the migrations not yet applied, oldest first; their versions."""
        return await self._migrate(await self._open(migrate=False))

    async def _migrate(self, pool: Any) -> list[str]:
        applied: list[str] = []
        async with pool.acquire() as conn:
            schema = await conn.fetchval("SELECT current_schema()")
            if schema is None:
                raise RuntimeError("no schema to migrate: the search_path names none that exists")
            # One lock per schema: several workers starting at once migrate one after another.
            digest = hashlib.sha256(f"plerome-migrate:{schema}".encode()).digest()
            key = int.from_bytes(digest[:8], "big", signed=True)
            async with conn.transaction():
                await conn.execute("SELECT pg_advisory_xact_lock($1)", key)
                await conn.execute(
                    "CREATE TABLE IF NOT EXISTS schema_migrations"
                    " (version TEXT PRIMARY KEY, applied_at BIGINT NOT NULL)"
                )
            for migration in load("plerome.adapters.postgres"):
                async with conn.transaction():
                    await conn.execute("SELECT pg_advisory_xact_lock($1)", key)
                    if await conn.fetchval(
                        "SELECT 1 FROM schema_migrations WHERE version = $1", migration.version
                    ):
                        continue
                    await conn.execute(migration.sql)  # no arguments: several statements may run
                    await conn.execute(
                        "INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)",
                        migration.version,
                        to_micros(datetime.now(UTC)),
                    )
                applied.append(migration.version)
        return applied

    # -- statements outside a transaction

    async def _view(self) -> _Bound:
        if self._pool_view is None:
            await self.open()
        assert self._pool_view is not None
        return self._pool_view

    async def fetch_one(self, sql: str, *args: Any) -> Row | None:
        view = self._pool_view or await self._view()
        return await view.fetch_one(sql, *args)

    async def fetch_all(self, sql: str, *args: Any) -> list[Row]:
        view = self._pool_view or await self._view()
        return await view.fetch_all(sql, *args)

    async def execute(self, sql: str, *args: Any) -> int:
        view = self._pool_view or await self._view()
        return await view.execute(sql, *args)

    # -- transactions

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[_Bound]:
        pool = self._pool or await self._open(self._auto_migrate)
        async with pool.acquire() as conn, conn.transaction():
            bound = _Bound(conn, self._sql)
            try:
                yield bound
            finally:
                bound._conn = None

    # -- health

    def pool_stats(self) -> PoolStats:
        if self._pool is None:
            return PoolStats(size=0, active=0, idle=0)
        size = self._pool.get_size()
        idle = self._pool.get_idle_size()
        return PoolStats(size=size, active=size - idle, idle=idle)
