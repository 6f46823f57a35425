"""SQLite reads, batched: every SELECT asked for in one turn of the event loop runs in one thread hop.

A read through a thread costs a hand-off each way, which under load is worth more than the query
itself (a primary-key read runs in about 20 µs). So reads are not sent one by one: `ReadBatcher`
queues them and, once per loop iteration, hands the whole queue to the least busy reader thread,
which runs them one after another on its own connection and answers them all with one wake-up of
the loop. Reads from concurrent requests share hops this way, and so do the reads one request
issues together (`asyncio.gather`). Each read still runs as a statement of its own, in its own
read transaction, exactly as it would alone; one failing read fails only its own caller.
"""

from __future__ import annotations

import asyncio
import operator
import queue
import sqlite3
import threading
from collections.abc import Sequence
from typing import Any

_Read = tuple[str, Sequence[Any], "asyncio.Future[list[Any]]"]


def _rows(conn: sqlite3.Connection, sql: str, args: Sequence[Any]) -> list[dict[str, Any]]:
    cursor = conn.execute(sql, args)
    rows = cursor.fetchall()
    if not rows:
        return []
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in rows]


def _answer(reads: list[_Read], results: list[Any]) -> None:
    for (_, _, future), result in zip(reads, results, strict=True):
        if future.done():  # its caller was cancelled
            continue
        if isinstance(result, BaseException):
            future.set_exception(result)
        else:
            future.set_result(result)


class ReaderThread:
    """One read-only connection and the thread that owns it."""

    def __init__(self, path: str, pragmas: Sequence[str]) -> None:
        self._path = path
        self._pragmas = tuple(pragmas)
        self._jobs: queue.SimpleQueue[tuple[asyncio.AbstractEventLoop, list[_Read]] | None] = (
            queue.SimpleQueue()
        )
        self._thread: threading.Thread | None = None
        self._closed: asyncio.Future[None] | None = None
        self.in_flight = 0  # batches handed over and not yet answered

    async def open(self) -> None:
        loop = asyncio.get_running_loop()
        opened: asyncio.Future[None] = loop.create_future()
        self._closed = loop.create_future()
        self._thread = threading.Thread(
            target=self._work, args=(loop, opened, self._closed), name="plerome-sqlite-reader", daemon=True
        )
        self._thread.start()
        await opened

    def _work(
        self, loop: asyncio.AbstractEventLoop, opened: asyncio.Future[None], closed: asyncio.Future[None]
    ) -> None:
        try:
            conn = sqlite3.connect(
                self._path, isolation_level=None, check_same_thread=False, cached_statements=512
            )
            for pragma in self._pragmas:
                conn.execute(pragma).fetchall()
        except BaseException as exc:
            loop.call_soon_threadsafe(_settle, opened, exc)
            loop.call_soon_threadsafe(_settle, closed, None)
            return
        loop.call_soon_threadsafe(_settle, opened, None)
        try:
            while (job := self._jobs.get()) is not None:
                job_loop, reads = job
                results: list[Any] = []
                for sql, args, _ in reads:
                    try:
                        results.append(_rows(conn, sql, args))
                    except Exception as exc:  # delivered to the one caller it belongs to
                        results.append(exc)
                job_loop.call_soon_threadsafe(self._done, reads, results)
        finally:
            conn.close()
            loop.call_soon_threadsafe(_settle, closed, None)

    def _done(self, reads: list[_Read], results: list[Any]) -> None:
        self.in_flight -= 1
        _answer(reads, results)

    def submit(self, loop: asyncio.AbstractEventLoop, reads: list[_Read]) -> None:
        self.in_flight += 1
        self._jobs.put((loop, reads))

    async def close(self) -> None:
        if self._thread is None or self._closed is None:
            return
        self._jobs.put(None)
        await self._closed
        self._thread = None


def _settle(future: asyncio.Future[Any], outcome: BaseException | None) -> None:
    if future.done():
        return
    if isinstance(outcome, BaseException):
        future.set_exception(outcome)
    else:
        future.set_result(None)


class ReadBatcher:
    """Queues reads and hands each loop iteration's queue to the least busy reader in one hop."""

    def __init__(self, readers: Sequence[ReaderThread]) -> None:
        self._readers = list(readers)
        self._queued: list[_Read] = []
        self._loop: asyncio.AbstractEventLoop | None = None

    def read(self, sql: str, args: Sequence[Any]) -> asyncio.Future[list[Any]]:
        loop = asyncio.get_running_loop()
        future: asyncio.Future[list[Any]] = loop.create_future()
        if not self._queued:
            loop.call_soon(self._flush)
            self._loop = loop
        self._queued.append((sql, args, future))
        return future

    def _flush(self) -> None:
        reads, self._queued = self._queued, []
        if not reads or self._loop is None:
            return
        reader = min(self._readers, key=operator.attrgetter("in_flight"))
        reader.submit(self._loop, reads)

    @property
    def busy(self) -> int:
        return sum(1 for r in self._readers if r.in_flight)
