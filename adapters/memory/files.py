"""The file store in process memory."""

from __future__ import annotations

from collections.abc import AsyncIterator

from plerome.domain.media import check_key, is_valid_key
from plerome.ports.files import OpenedFile


class MemoryFiles:
    def __init__(self) -> None:
        self._files: dict[str, bytes] = {}

    async def save(self, key: str, data: bytes) -> None:
        self._files[check_key(key)] = bytes(data)

    async def read(self, key: str) -> bytes | None:
        return self._files.get(key) if is_valid_key(key) else None

    async def open(self, key: str) -> OpenedFile | None:
        data = await self.read(key)
        if data is None:
            return None
        return OpenedFile(size=len(data), chunks=_one(data))

    async def exists(self, key: str) -> bool:
        return is_valid_key(key) and key in self._files

    async def delete(self, key: str) -> bool:
        return self._files.pop(key, None) is not None

    def keys(self) -> list[str]:
        """Every stored key, sorted (for tests)."""
        return sorted(self._files)


async def _one(data: bytes) -> AsyncIterator[bytes]:
    yield data
