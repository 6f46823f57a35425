"""The file store on disk. A save writes a hidden temporary file beside its target and renames it
into place, so a reader never sees half a file and a failed save leaves nothing behind."""

from __future__ import annotations

import contextlib
import os
import secrets
import stat
from collections.abc import AsyncIterator
from pathlib import Path

import aiofiles
import aiofiles.os

from plerome.domain.media import check_key, is_valid_key
from plerome.ports.files import OpenedFile

CHUNK = 64 * 1024
_fsync = aiofiles.os.wrap(os.fsync)


class FilesystemFiles:
    def __init__(self, root: str | os.PathLike[str]) -> None:
        self._root = Path(root)

    @property
    def root(self) -> Path:
        return self._root

    def _path(self, key: str) -> Path | None:
        return self._root / key if is_valid_key(key) else None

    async def save(self, key: str, data: bytes) -> None:
        path = self._root / check_key(key)
        await aiofiles.os.makedirs(path.parent, exist_ok=True)
        # A leading dot: never a valid key, so a temporary file can be neither served nor overwritten.
        tmp = path.with_name(f".{path.name}.{secrets.token_hex(8)}.tmp")
        try:
            async with aiofiles.open(tmp, "wb") as f:
                await f.write(data)
                await f.flush()
                await _fsync(f.fileno())
            await aiofiles.os.replace(tmp, path)
        except BaseException:
            # Synchronous on purpose: it must also run when the request was cancelled.
            with contextlib.suppress(OSError):
                os.remove(tmp)
            raise

    async def _size(self, path: Path) -> int | None:
        try:
            st = await aiofiles.os.stat(path)
        except OSError:
            return None
        return st.st_size if stat.S_ISREG(st.st_mode) else None

    async def read(self, key: str) -> bytes | None:
        path = self._path(key)
        if path is None or await self._size(path) is None:
            return None
        try:
            async with aiofiles.open(path, "rb") as f:
                return await f.read()
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
            return None

    async def open(self, key: str) -> OpenedFile | None:
        path = self._path(key)
        size = None if path is None else await self._size(path)
        if path is None or size is None:
            return None
        return OpenedFile(size=size, chunks=_chunks(path))

    async def exists(self, key: str) -> bool:
        path = self._path(key)
        return path is not None and await self._size(path) is not None

    async def delete(self, key: str) -> bool:
        path = self._path(key)
        if path is None or await self._size(path) is None:
            return False
        try:
            await aiofiles.os.remove(path)
        except FileNotFoundError:
            return False
        return True


async def _chunks(path: Path) -> AsyncIterator[bytes]:
    # Opened on the first read, so a file that is never sent (a HEAD request) holds no descriptor.
    async with aiofiles.open(path, "rb") as f:
        while chunk := await f.read(CHUNK):
            yield chunk
