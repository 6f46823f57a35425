"""Backup archives in process memory (real zips, kept as bytes)."""

from __future__ import annotations

import contextlib
import io
import zipfile
from collections.abc import AsyncIterable, AsyncIterator
from datetime import timedelta

from plerome.domain.media import is_valid_key
from plerome.ports.files import OpenedFile

from .files import _one


class _ZipWriter:
    def __init__(self, archive: zipfile.ZipFile) -> None:
        self._zip = archive

    async def add(self, name: str, chunks: AsyncIterable[bytes]) -> None:
        with self._zip.open(name, "w", force_zip64=True) as handle:
            async for chunk in chunks:
                handle.write(chunk)


class MemoryArchives:
    def __init__(self) -> None:
        self._archives: dict[str, bytes] = {}

    @contextlib.asynccontextmanager
    async def create(self, name: str) -> AsyncIterator[_ZipWriter]:
        if not is_valid_key(name) or "/" in name:
            raise ValueError(f"not an archive name: {name!r}")
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            yield _ZipWriter(archive)
        self._archives[name] = buffer.getvalue()

    async def open(self, name: str) -> OpenedFile | None:
        data = self._archives.get(name)
        return None if data is None else OpenedFile(size=len(data), chunks=_one(data))

    async def size(self, name: str) -> int | None:
        data = self._archives.get(name)
        return None if data is None else len(data)

    async def delete(self, name: str) -> bool:
        return self._archives.pop(name, None) is not None

    async def remove_partial(self, older_than: timedelta) -> int:
        return 0  # nothing is ever left half-written here

    def names(self) -> list[str]:
        """Every archive's name, sorted (for tests)."""
        return sorted(self._archives)
