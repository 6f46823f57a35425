"""SQLite: one writer connection (aiosqlite) that every write queues for, and a few reader threads.

SQLite lets one connection write at a time. Funnelling every write through one connection behind a
lock (each transaction BEGIN IMMEDIATE … COMMIT) means requests wait their turn in the event loop
instead of failing with "database is locked"; WAL lets the reader connections keep answering SELECTs
meanwhile, batched per loop iteration (readers.py). Connections open on first use, since Starlette
does not run a mounted app's lifespan.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aiosqlite
import anyio

from plerome.adapters.sql.database import SQLITE, Dialect, Row, UniqueViolation, to_micros
from plerome.adapters.sql.migrations import load
from plerome.ports.repositories import PoolStats

from .readers import ReadBatcher, ReaderThread

MEMORY = ":memory:"
_PRAGMAS = (
    "PRAGMA journal_mode = WAL",
    "PRAGMA synchronous = NORMAL",
    "PRAGMA foreign_keys = ON",
)


def path_from_url(url: str) -> str:
    """`sqlite:///rel/path` (relative to the working directory), `sqlite:////abs/path`, `sqlite:///:memory:`."""
    prefix = "sqlite:///"
    if not url.startswith(prefix) or len(url) == len(prefix):
        raise ValueError(f"unsupported SQLite URL: {url!r} (use sqlite:///PATH or sqlite:////ABSOLUTE/PATH)")
    path = url[len(prefix) :]
    return path if path == MEMORY else os.path.abspath(path)


def _statements(script: str) -> list[str]:
    """A migration file cut into statements (sqlite3 knows where one ends, triggers included)."""
    statements, buffer = [], ""
    for line in script.splitlines(keepends=True):
        buffer += line
        if sqlite3.complete_statement(buffer):
            if buffer.strip():
                statements.append(buffer.strip())
            buffer = ""
    if buffer.strip() and not all(
        ln.strip().startswith("--") or not ln.strip() for ln in buffer.splitlines()
    ):
        raise ValueError(f"incomplete statement at the end of a migration: {buffer.strip()[:80]!r}")
    return statements


def _dict_row(cursor: sqlite3.Cursor, row: tuple[Any, ...]) -> dict[str, Any]:
    # Twice as fast to read by name as sqlite3.Row, which compares names case-insensitively one by one.
    return dict(zip([d[0] for d in cursor.description], row, strict=True))


def _unique(exc: sqlite3.IntegrityError) -> bool:
    return str(exc).startswith("UNIQUE constraint failed")


class _Bound:
    """The writer connection while its caller holds the write lock (one transaction, or one statement)."""

    dialect: Dialect = SQLITE

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn: aiosqlite.Connection | None = conn

    def _live(self) -> aiosqlite.Connection:
        if self._conn is None:
            raise RuntimeError("this transaction has ended")
        return self._conn

    async def fetch_one(self, sql: str, *args: Any) -> Row | None:
        rows = await self.fetch_all(sql, *args)
        return rows[0] if rows else None

    async def fetch_all(self, sql: str, *args: Any) -> list[Row]:
        try:
            return list(await self._live().execute_fetchall(sql, args))
        except sqlite3.IntegrityError as exc:
            if _unique(exc):
                raise UniqueViolation(str(exc)) from exc
            raise

    async def execute(self, sql: str, *args: Any) -> int:
        try:
            async with self._live().execute(sql, args) as cursor:
                return int(cursor.rowcount)
        except sqlite3.IntegrityError as exc:
            if _unique(exc):
                raise UniqueViolation(str(exc)) from exc
            raise


class SqliteDatabase:
    dialect: Dialect = SQLITE

    def __init__(
        self, path: str, *, readers: int = 2, auto_migrate: bool = True, busy_timeout_ms: int = 5000
    ) -> None:
        self.path = path
        # Each connection to ":memory:" would be a database of its own: reads go to the writer.
        self._reader_count = 0 if path == MEMORY else max(0, readers)
        self._auto_migrate = auto_migrate
        self._busy_timeout_ms = busy_timeout_ms
        self._open_lock = anyio.Lock()
        self._write_lock = anyio.Lock()
        self._writer: aiosqlite.Connection | None = None
        self._readers: list[ReaderThread] = []
        self._batcher: ReadBatcher | None = None

    @classmethod
    def from_url(cls, url: str, *, readers: int = 2, auto_migrate: bool = True) -> SqliteDatabase:
        return cls(path_from_url(url), readers=readers, auto_migrate=auto_migrate)

    # -- lifecycle

    async def open(self) -> None:
        await self._open(self._auto_migrate)

    async def _open(self, migrate: bool) -> aiosqlite.Connection:
        async with self._open_lock:
            if self._writer is not None:
                return self._writer
            if self.path != MEMORY:
                Path(self.path).parent.mkdir(parents=True, exist_ok=True)
            opened: list[aiosqlite.Connection] = []
            readers: list[ReaderThread] = []
            try:
                writer = await self._connect(opened)
                for pragma in _PRAGMAS:
                    await writer.execute_fetchall(pragma)
                if migrate:
                    await self._migrate(writer)
                for _ in range(self._reader_count):
                    reader = ReaderThread(
                        self.path,
                        (f"PRAGMA busy_timeout = {int(self._busy_timeout_ms)}", "PRAGMA query_only = ON"),
                    )
                    readers.append(reader)
                    await reader.open()
            except BaseException:
                with anyio.CancelScope(shield=True):
                    for conn in opened:
                        await conn.close()
                    for reader in readers:
                        await reader.close()
                raise
            self._readers = readers
            self._batcher = ReadBatcher(readers) if readers else None
            self._writer = writer
            return writer

    async def _connect(self, opened: list[aiosqlite.Connection]) -> aiosqlite.Connection:
        conn = await aiosqlite.connect(self.path, isolation_level=None)
        opened.append(conn)
        conn.row_factory = _dict_row  # type: ignore[assignment]  # aiosqlite types it as a class
        await conn.execute_fetchall(f"PRAGMA busy_timeout = {int(self._busy_timeout_ms)}")
        return conn

    async def close(self) -> None:
        async with self._open_lock, self._write_lock:
            writer, readers = self._writer, self._readers
            self._writer, self._readers, self._batcher = None, [], None
            with anyio.CancelScope(shield=True):
                if writer is not None:
                    await writer.close()
                for reader in readers:
                    await reader.close()

    async def migrate(self) -> list[str]:
        """Apply the migrations not yet applied, oldest first; their versions."""
        return await self._migrate(await self._open(migrate=False))

    async def _migrate(self, writer: aiosqlite.Connection) -> list[str]:
        applied: list[str] = []
        async with self._write_lock:
            await writer.execute_fetchall(
                "CREATE TABLE IF NOT EXISTS schema_migrations"
                " (version TEXT PRIMARY KEY, applied_at INTEGER NOT NULL)"
            )
            for migration in load("plerome.adapters.sqlite"):
                # BEGIN IMMEDIATE before looking: another process may be migrating the same file.
                await self._begin(writer)
                try:
                    done = await writer.execute_fetchall(
                        "SELECT 1 FROM schema_migrations WHERE version = ?", (migration.version,)
                    )
                    if not done:
                        for statement in _statements(migration.sql):
                            await writer.execute_fetchall(statement)
                        await writer.execute_fetchall(
                            "INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)",
                            (migration.version, to_micros(datetime.now(UTC))),
                        )
                        applied.append(migration.version)
                except BaseException:
                    await self._end(writer, commit=False)
                    raise
                await self._end(writer, commit=True)
        return applied

    # -- statements outside a transaction

    async def fetch_one(self, sql: str, *args: Any) -> Row | None:
        rows = await self.fetch_all(sql, *args)
        return rows[0] if rows else None

    async def fetch_all(self, sql: str, *args: Any) -> list[Row]:
        if self._writer is None:
            await self.open()
        if self._batcher is not None and sql.startswith("SELECT"):
            return await self._batcher.read(sql, args)
        async with self._write_lock:
            return await _Bound(self._writer_now()).fetch_all(sql, *args)

    async def execute(self, sql: str, *args: Any) -> int:
        if self._writer is None:
            await self.open()
        async with self._write_lock:
            return await _Bound(self._writer_now()).execute(sql, *args)

    def _writer_now(self) -> aiosqlite.Connection:
        if self._writer is None:
            raise RuntimeError("the SQLite database was closed")
        return self._writer

    # -- transactions

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[_Bound]:
        if self._writer is None:
            await self.open()
        async with self._write_lock:
            writer = self._writer_now()
            await self._begin(writer)
            bound = _Bound(writer)
            try:
                yield bound
            except BaseException:
                bound._conn = None
                await self._end(writer, commit=False)
                raise
            bound._conn = None
            await self._end(writer, commit=True)

    @staticmethod
    async def _begin(writer: aiosqlite.Connection) -> None:
        # Shielded: a cancelled await would leave the statement running in aiosqlite's thread anyway,
        # and this task must know whether it holds a transaction.
        with anyio.CancelScope(shield=True):
            await writer.execute_fetchall("BEGIN IMMEDIATE")

    @staticmethod
    async def _end(writer: aiosqlite.Connection, *, commit: bool) -> None:
        with anyio.CancelScope(shield=True):
            if commit:
                try:
                    await writer.execute_fetchall("COMMIT")
                    return
                except BaseException:
                    if writer.in_transaction:
                        await writer.execute_fetchall("ROLLBACK")
                    raise
            if writer.in_transaction:
                await writer.execute_fetchall("ROLLBACK")

    # -- health

    def pool_stats(self) -> PoolStats:
        if self._writer is None:
            return PoolStats(size=0, active=0, idle=0)
        size = 1 + len(self._readers)
        active = int(self._write_lock.locked()) + (self._batcher.busy if self._batcher else 0)
        return PoolStats(size=size, active=active, idle=size - active)
