"""Where uploaded files live: bytes under keys that plerome generates (see domain/media.py)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True, slots=True)
class OpenedFile:
    """A stored file ready to be sent: its size, and its bytes as they are read."""

    size: int
    chunks: AsyncIterator[bytes]


class FileStore(Protocol):
    async def save(self, key: str, data: bytes) -> None:
        """Store `data` under `key`, replacing any file there. All or nothing: a reader sees the old
        file or the new one, never part of one. InvalidInput for a malformed key."""
        ...

    async def read(self, key: str) -> bytes | None: ...  # None: no such file (or a malformed key)
    async def open(self, key: str) -> OpenedFile | None: ...
    async def exists(self, key: str) -> bool: ...
    async def delete(self, key: str) -> bool: ...  # False: there was nothing to delete
