"""Emoji packs as directories under `<data_dir>/emoji/`: atomic writes (temporary file, fsync, rename),
staging directories renamed into place, and paths that can never leave the root."""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import time
from collections.abc import Sequence
from pathlib import Path

import aiofiles
import aiofiles.os
from anyio import to_thread

_STAGING = ".partial-"
_TRASH = ".trash-"
_MANIFEST = "pack.json"


class UnsafePath(ValueError):
    pass


def _part_ok(part: str) -> bool:
    return (
        bool(part) and part not in (".", "..") and "/" not in part and "\\" not in part and "\x00" not in part
    )


class FilesystemEmojiStore:
    def __init__(self, root: str | os.PathLike[str]) -> None:
        self._root = Path(root).resolve()

    # --- paths: checked here too, whatever the caller checked -------------------------------------

    def _pack_dir(self, pack: str) -> Path:
        if not _part_ok(pack) or pack.startswith("."):
            raise UnsafePath(f"not a pack name: {pack!r}")
        return self._root / pack

    def _file(self, base: Path, path: str) -> Path:
        parts = path.split("/")
        if not path or path.startswith("/") or not all(_part_ok(p) for p in parts):
            raise UnsafePath(f"not a relative path: {path!r}")
        return base.joinpath(*parts)

    def _staging_dir(self, token: str) -> Path:
        if not token.isalnum():
            raise UnsafePath(f"not a staging token: {token!r}")
        return self._root / f"{_STAGING}{token}"

    # --- reading ------------------------------------------------------------------------------------

    async def scan(self) -> dict[str, str | None]:
        return await to_thread.run_sync(self._scan)

    def _scan(self) -> dict[str, str | None]:
        out: dict[str, str | None] = {}
        try:
            entries = list(os.scandir(self._root))
        except FileNotFoundError:
            return out
        for entry in entries:
            if entry.name.startswith(".") or not entry.is_dir(follow_symlinks=False):
                continue
            try:
                st = os.stat(os.path.join(entry.path, _MANIFEST))
            except (FileNotFoundError, NotADirectoryError):
                out[entry.name] = None
                continue
            out[entry.name] = f"{st.st_mtime_ns}:{st.st_size}:{st.st_ino}:{st.st_ctime_ns}"
        return out

    async def files(self, pack: str) -> list[str]:
        return await to_thread.run_sync(self._files, self._pack_dir(pack))

    @staticmethod
    def _files(base: Path) -> list[str]:
        out: list[str] = []
        stack = [("", str(base))]
        while stack:
            prefix, directory = stack.pop()
            try:
                entries = list(os.scandir(directory))
            except (FileNotFoundError, NotADirectoryError):
                continue
            for entry in entries:
                if entry.name.startswith("."):
                    continue
                if entry.is_dir(follow_symlinks=False):
                    stack.append((f"{prefix}{entry.name}/", entry.path))
                elif entry.is_file(follow_symlinks=False):
                    out.append(prefix + entry.name)
        return out

    async def read(self, pack: str, path: str) -> bytes | None:
        base = self._pack_dir(pack)
        target = self._file(base, path)
        if not await to_thread.run_sync(_inside, target, base):
            return None
        try:
            async with aiofiles.open(target, "rb") as f:
                return await f.read()
        except (FileNotFoundError, NotADirectoryError, IsADirectoryError):
            return None

    async def read_many(self, pack: str, paths: Sequence[str]) -> dict[str, bytes]:
        base = self._pack_dir(pack)
        targets = [(p, self._file(base, p)) for p in paths]
        return await to_thread.run_sync(self._read_many, targets, base)

    def _read_many(self, targets: list[tuple[str, Path]], base: Path) -> dict[str, bytes]:
        out: dict[str, bytes] = {}
        for path, target in targets:
            if not _inside(target, base):
                continue
            try:
                out[path] = target.read_bytes()
            except (FileNotFoundError, NotADirectoryError, IsADirectoryError):
                continue
        return out

    # --- writing ------------------------------------------------------------------------------------

    async def write(self, pack: str, path: str, data: bytes) -> None:
        base = self._pack_dir(pack)
        if not await aiofiles.os.path.isdir(base):
            raise FileNotFoundError(f"no pack directory {pack!r}")
        await to_thread.run_sync(_atomic_write, self._file(base, path), data, True)

    async def rename(self, pack: str, old: str, new: str) -> None:
        base = self._pack_dir(pack)
        source, target = self._file(base, old), self._file(base, new)
        await aiofiles.os.makedirs(target.parent, exist_ok=True)
        await aiofiles.os.replace(source, target)
        await to_thread.run_sync(_prune, source.parent, base)

    async def delete(self, pack: str, path: str) -> None:
        base = self._pack_dir(pack)
        target = self._file(base, path)
        with contextlib.suppress(FileNotFoundError):
            await aiofiles.os.remove(target)
        await to_thread.run_sync(_prune, target.parent, base)

    async def delete_pack(self, pack: str) -> bool:
        source = self._pack_dir(pack)
        trash = self._root / f"{_TRASH}{secrets.token_hex(8)}"
        try:
            await aiofiles.os.rename(source, trash)  # gone for readers at once; the rest is cleanup
        except FileNotFoundError:
            return False
        await to_thread.run_sync(shutil.rmtree, trash, True)
        return True

    async def stage(self, token: str) -> None:
        staging = self._staging_dir(token)
        await to_thread.run_sync(shutil.rmtree, staging, True)
        await aiofiles.os.makedirs(staging)

    async def stage_write(self, token: str, path: str, data: bytes) -> None:
        # No fsync per file: a crash before `publish` discards the staging area anyway.
        await to_thread.run_sync(_atomic_write, self._file(self._staging_dir(token), path), data, False)

    async def publish(self, token: str, pack: str) -> bool:
        staging, target = self._staging_dir(token), self._pack_dir(pack)
        if await to_thread.run_sync(os.path.lexists, target):
            await self.discard(token)
            return False
        await to_thread.run_sync(_sync_tree, staging)
        try:
            await aiofiles.os.rename(staging, target)
        except OSError:
            await self.discard(token)
            return False
        await to_thread.run_sync(_fsync_dir, self._root)
        return True

    async def discard(self, token: str) -> None:
        await to_thread.run_sync(shutil.rmtree, self._staging_dir(token), True)

    async def sweep(self, older_than_seconds: float) -> int:
        return await to_thread.run_sync(self._sweep, older_than_seconds)

    def _sweep(self, older_than_seconds: float) -> int:
        removed = 0
        try:
            entries = list(os.scandir(self._root))
        except FileNotFoundError:
            return 0
        now = time.time()
        for entry in entries:
            trash = entry.name.startswith(_TRASH)
            stale = entry.name.startswith(_STAGING) and (
                now - entry.stat(follow_symlinks=False).st_mtime >= older_than_seconds
            )
            if trash or stale:
                shutil.rmtree(entry.path, ignore_errors=True)
                removed += 1
        return removed


def _inside(target: Path, base: Path) -> bool:
    """Whether `target`, symlinks resolved, is a file within the pack (a link out of it is not)."""
    real = os.path.realpath(target)
    return real.startswith(os.path.realpath(base) + os.sep) and os.path.isfile(real)


def _atomic_write(target: Path, data: bytes, durable: bool) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.{secrets.token_hex(6)}.tmp")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            if durable:
                f.flush()
                os.fsync(f.fileno())
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    if durable:
        _fsync_dir(target.parent)


def _fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _sync_tree(directory: Path) -> None:
    """fsync the staged pack.json and the directory before the rename makes the pack visible."""
    manifest = directory / _MANIFEST
    if manifest.exists():
        fd = os.open(manifest, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
    _fsync_dir(directory)


def _prune(directory: Path, stop: Path) -> None:
    """Remove `directory` and its parents up to (not including) `stop` while they are empty."""
    while directory != stop and stop in directory.parents:
        try:
            if any(os.scandir(directory)):
                return
            os.rmdir(directory)
        except OSError:
            return
        directory = directory.parent
