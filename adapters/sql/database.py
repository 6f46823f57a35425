"""The little a repository needs from a SQL driver, and the conversions every driver shares.

Repositories write SQL once with `?` placeholders; each driver runs it on its own engine (the
Postgres one rewrites the placeholders) and reports a broken unique constraint as `UniqueViolation`.
"""

from __future__ import annotations

from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from plerome.ports.repositories import PoolStats


@dataclass(frozen=True, slots=True)
class Dialect:
    """What differs between engines in the SQL the repositories write."""

    name: str
    # appended to a SELECT that picks rows to claim: lets concurrent claimers pass each other by
    skip_locked: str = ""


SQLITE = Dialect("sqlite")
POSTGRES = Dialect("postgres", skip_locked=" FOR UPDATE SKIP LOCKED")


class UniqueViolation(Exception):
    """A write broke a unique constraint (the driver's own error is chained)."""


class Row(Protocol):
    def __getitem__(self, key: str, /) -> Any: ...


class Executor(Protocol):
    """Runs statements: on its own (each call stands alone) or bound to one transaction's connection.

    Statements that begin with SELECT are reads; anything else (including INSERT … RETURNING) is a write.
    """

    @property
    def dialect(self) -> Dialect: ...

    async def fetch_one(self, sql: str, *args: Any) -> Row | None: ...
    async def fetch_all(self, sql: str, *args: Any) -> list[Row]: ...
    async def execute(self, sql: str, *args: Any) -> int: ...  # rows changed


class Database(Executor, Protocol):
    """A connection pool or its SQLite equivalent; also the store's lifecycle (open, close, migrate)."""

    def transaction(self) -> AbstractAsyncContextManager[Executor]: ...
    def pool_stats(self) -> PoolStats: ...
    async def open(self) -> None: ...
    async def close(self) -> None: ...
    async def migrate(self) -> list[str]: ...


EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICRO = timedelta(microseconds=1)


def to_micros(moment: datetime) -> int:
    """A time as whole microseconds since the epoch (UTC); naive times are taken as UTC."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return (moment - EPOCH) // _MICRO


def from_micros(micros: int) -> datetime:
    return EPOCH + timedelta(0, 0, micros)  # positional: twice as fast as microseconds=


def from_micros_or_none(micros: int | None) -> datetime | None:
    return None if micros is None else EPOCH + timedelta(0, 0, micros)
