"""The real clock, flake ids and secrets."""

from __future__ import annotations

import hashlib
import secrets
import threading
import time
from datetime import UTC, datetime

_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"  # ASCII order: sorts as text
_WIDTH = 18  # 62**18 > 2**96


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class FlakeIds:
    """Pleroma-style flake ids: 48 bits of milliseconds, 32 bits of a random node id, 16 of sequence,
    written in base62 with a fixed width, so they sort as text in creation order and two processes
    (two workers) never collide."""

    def __init__(self) -> None:
        self._node = secrets.randbits(32)
        self._last_ms = 0
        self._seq = 0
        self._lock = threading.Lock()

    def new(self) -> str:
        with self._lock:
            ms = time.time_ns() // 1_000_000
            if ms <= self._last_ms:
                self._seq += 1
                if self._seq >= 1 << 16:
                    self._last_ms += 1
                    self._seq = 0
                ms = self._last_ms
            else:
                self._last_ms, self._seq = ms, 0
            n = (ms << 48) | (self._node << 16) | self._seq
        digits = []
        for _ in range(_WIDTH):
            n, r = divmod(n, 62)
            digits.append(_ALPHABET[r])
        return "".join(reversed(digits))


class TokenSecrets:
    def token(self) -> str:
        return secrets.token_urlsafe(32)

    def digest(self, secret: str) -> str:
        return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()
