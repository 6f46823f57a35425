"""Backup archives on disk, under `DATA_DIR/backups`.

An archive is written as a hidden temporary file beside its place and renamed into place once
complete, so a reader never sees half a zip. Compression and writes run in worker threads, a few
hundred kilobytes at a time, so the event loop keeps serving while a large backup is made.
"""

from __future__ import annotations

import contextlib
import functools
import os
import secrets
import stat
import time
import zipfile
from collections.abc import AsyncIterable, AsyncIterator, Callable
from datetime import timedelta
from pathlib import Path
from typing import IO, ParamSpec, TypeVar

import anyio.to_thread

from plerome.domain.media import is_valid_key
from plerome.ports.files import OpenedFile

from .files import _chunks

BUFFER = 256 * 1024
P = ParamSpec("P")
R = TypeVar("R")


async def _run(fn: Callable[P, R], *args: P.args, **kw: P.kwargs) -> R:
    return await anyio.to_thread.run_sync(functools.partial(fn, *args, **kw))


class _ZipWriter:
    def __init__(self, archive: zipfile.ZipFile) -> None:
        self._zip = archive

    async def add(self, name: str, chunks: AsyncIterable[bytes]) -> None:
        handle: IO[bytes] = await _run(self._zip.open, name, "w", force_zip64=True)
        try:
            pending = bytearray()
            async for chunk in chunks:
                pending += chunk
                if len(pending) >= BUFFER:
                    await _run(handle.write, bytes(pending))
                    pending.clear()
            if pending:
                await _run(handle.write, bytes(pending))
        finally:
            await _run(handle.close)


def _finish(archive: zipfile.ZipFile, tmp: Path, path: Path) -> None:
    archive.close()
    fd = os.open(tmp, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(tmp, path)


class FilesystemArchives:
    def __init__(self, root: str | os.PathLike[str]) -> None:
        self._root = Path(root)

    @property
    def root(self) -> Path:
        return self._root

    def _path(self, name: str) -> Path | None:
        return self._root / name if is_valid_key(name) and "/" not in name else None

    @contextlib.asynccontextmanager
    async def create(self, name: str) -> AsyncIterator[_ZipWriter]:
        path = self._path(name)
        if path is None:
            raise ValueError(f"not an archive name: {name!r}")
        await _run(self._root.mkdir, parents=True, exist_ok=True)
        # A leading dot: never a valid name, so a half-written archive can never be served.
        tmp = path.with_name(f".{path.name}.{secrets.token_hex(8)}.tmp")
        archive = await _run(zipfile.ZipFile, tmp, "w", zipfile.ZIP_DEFLATED)
        try:
            yield _ZipWriter(archive)
            await _run(_finish, archive, tmp, path)
        except BaseException:
            # Synchronous on purpose: it must also run when the job was cancelled.
            with contextlib.suppress(Exception):
                archive.close()
            with contextlib.suppress(OSError):
                os.remove(tmp)
            raise

    async def _size(self, path: Path) -> int | None:
        try:
            st = await _run(os.stat, path)
        except OSError:
            return None
        return st.st_size if stat.S_ISREG(st.st_mode) else None

    async def open(self, name: str) -> OpenedFile | None:
        path = self._path(name)
        size = None if path is None else await self._size(path)
        if path is None or size is None:
            return None
        return OpenedFile(size=size, chunks=_chunks(path))

    async def size(self, name: str) -> int | None:
        path = self._path(name)
        return None if path is None else await self._size(path)

    async def delete(self, name: str) -> bool:
        path = self._path(name)
        if path is None:
            return False
        try:
            await _run(os.remove, path)
        except (FileNotFoundError, IsADirectoryError):
            return False
        return True

    async def remove_partial(self, older_than: timedelta) -> int:
        return int(await _run(_remove_stale, self._root, time.time() - older_than.total_seconds()))


def _remove_stale(root: Path, before: float) -> int:
    removed = 0
    try:
        entries = list(os.scandir(root))
    except FileNotFoundError:
        return 0
    for entry in entries:
        if not (entry.name.startswith(".") and entry.name.endswith(".tmp")):
            continue
        with contextlib.suppress(OSError):
            if entry.is_file(follow_symlinks=False) and entry.stat().st_mtime < before:
                os.remove(entry.path)
                removed += 1
    return removed
