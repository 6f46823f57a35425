"""Deterministic clock, ids and a fast password hasher for tests."""

from __future__ import annotations

import hashlib
import hmac
from datetime import UTC, datetime, timedelta


class FixedClock:
    """A clock that moves only when told to."""

    def __init__(self, now: datetime | None = None) -> None:
        self._now = now or datetime(2026, 1, 1, 12, 0, tzinfo=UTC)

    def now(self) -> datetime:
        return self._now

    def advance(self, delta: timedelta) -> None:
        self._now += delta

    def set(self, now: datetime) -> None:
        self._now = now


class SequentialIds:
    """Ids 000000000000000001, 000000000000000002, …: unique and sortable, like flake ids."""

    def __init__(self, start: int = 0) -> None:
        self._n = start

    def new(self) -> str:
        self._n += 1
        return f"{self._n:018d}"


class FakePasswords:
    """Salted SHA-256: fast, for tests of rules that need a hasher but not its cost."""

    async def hash(self, password: str) -> str:
        return "fake$" + hashlib.sha256(b"plerome-test:" + password.encode()).hexdigest()

    async def verify(self, password_hash: str | None, password: str) -> bool:
        expected = await self.hash(password)
        return password_hash is not None and hmac.compare_digest(password_hash, expected)
