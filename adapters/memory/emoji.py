"""Emoji packs held in memory: the same contract as the filesystem store, for tests and embedding."""

from __future__ import annotations

from collections.abc import Sequence

_MANIFEST = "pack.json"


def _check(path: str) -> str:
    parts = path.split("/")
    if not path or path.startswith("/") or any(p in ("", ".", "..") or "\\" in p for p in parts):
        raise ValueError(f"not a relative path: {path!r}")
    return path


def _check_pack(pack: str) -> str:
    if not pack or pack.startswith(".") or "/" in pack or "\\" in pack:
        raise ValueError(f"not a pack name: {pack!r}")
    return pack


class MemoryEmojiStore:
    def __init__(self) -> None:
        self._packs: dict[str, dict[str, bytes]] = {}
        self._staging: dict[str, dict[str, bytes]] = {}
        self._stamps: dict[str, int] = {}
        self._writes = 0

    def _stamp(self, pack: str) -> None:
        self._writes += 1
        self._stamps[pack] = self._writes

    async def scan(self) -> dict[str, str | None]:
        return {
            name: (str(self._stamps.get(name, 0)) if _MANIFEST in files else None)
            for name, files in self._packs.items()
        }

    async def files(self, pack: str) -> list[str]:
        files = self._packs.get(_check_pack(pack), {})
        return [p for p in files if not any(part.startswith(".") for part in p.split("/"))]

    async def read(self, pack: str, path: str) -> bytes | None:
        return self._packs.get(_check_pack(pack), {}).get(_check(path))

    async def read_many(self, pack: str, paths: Sequence[str]) -> dict[str, bytes]:
        files = self._packs.get(_check_pack(pack), {})
        return {p: files[p] for p in paths if _check(p) in files}

    async def write(self, pack: str, path: str, data: bytes) -> None:
        files = self._packs.get(_check_pack(pack))
        if files is None:
            raise FileNotFoundError(f"no pack directory {pack!r}")
        files[_check(path)] = bytes(data)
        if path == _MANIFEST:
            self._stamp(pack)

    async def rename(self, pack: str, old: str, new: str) -> None:
        files = self._packs.get(_check_pack(pack), {})
        if _check(old) not in files:
            raise FileNotFoundError(old)
        files[_check(new)] = files.pop(old)

    async def delete(self, pack: str, path: str) -> None:
        self._packs.get(_check_pack(pack), {}).pop(_check(path), None)

    async def delete_pack(self, pack: str) -> bool:
        self._stamps.pop(pack, None)
        return self._packs.pop(_check_pack(pack), None) is not None

    async def stage(self, token: str) -> None:
        self._staging[token] = {}

    async def stage_write(self, token: str, path: str, data: bytes) -> None:
        self._staging[token][_check(path)] = bytes(data)

    async def publish(self, token: str, pack: str) -> bool:
        files = self._staging.pop(token)
        if _check_pack(pack) in self._packs:
            return False
        self._packs[pack] = files
        self._stamp(pack)
        return True

    async def discard(self, token: str) -> None:
        self._staging.pop(token, None)

    async def sweep(self, older_than_seconds: float) -> int:
        return 0

    def put_directory(self, pack: str, files: dict[str, bytes]) -> None:
        """Drop a directory in as an operator would (for import tests)."""
        self._packs[_check_pack(pack)] = dict(files)
        if _MANIFEST in files:
            self._stamp(pack)
