"""Where emoji packs live: one directory per pack under a root, written atomically."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol


class EmojiStore(Protocol):
    """Pack directories and the files inside them, addressed by pack name and a relative `/` path.

    Every write is atomic: a reader, or the next process after a crash, sees the old content or the new,
    never a half-written file. A new pack is assembled in a staging area (`stage`, `stage_write`) and
    appears all at once (`publish`). Names starting with a dot are the store's own and never listed.
    """

    async def scan(self) -> dict[str, str | None]:
        """Every visible pack directory → a stamp that changes whenever its pack.json is replaced, or
        None when it has no pack.json. Cheap: no file is read."""
        ...

    async def files(self, pack: str) -> list[str]:
        """The relative paths of the regular, visible files in a pack directory (recursively)."""
        ...

    async def read(self, pack: str, path: str) -> bytes | None: ...
    async def read_many(self, pack: str, paths: Sequence[str]) -> dict[str, bytes]:
        """The files that exist among `paths`."""
        ...

    async def write(self, pack: str, path: str, data: bytes) -> None:
        """Create or replace a file of an existing pack directory, making sub-directories as needed."""
        ...

    async def rename(self, pack: str, old: str, new: str) -> None:
        """Move a file within a pack (replacing `new`); sub-directories emptied by the move are removed."""
        ...

    async def delete(self, pack: str, path: str) -> None:
        """Remove a file if it is there; sub-directories emptied by it are removed."""
        ...

    async def delete_pack(self, pack: str) -> bool:
        """Remove a pack directory and everything in it; False when there was none."""
        ...

    async def stage(self, token: str) -> None:
        """A fresh, empty staging area for a new pack (whatever an earlier attempt left there is gone)."""
        ...

    async def stage_write(self, token: str, path: str, data: bytes) -> None: ...
    async def publish(self, token: str, pack: str) -> bool:
        """Make the staging area the pack `pack`, at once. False (and the staging area is discarded)
        when a directory of that name exists."""
        ...

    async def discard(self, token: str) -> None: ...
    async def sweep(self, older_than_seconds: float) -> int:
        """Remove staging areas and deleted packs that a crashed process left behind; how many."""
        ...
