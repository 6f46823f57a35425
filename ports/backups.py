"""Backups: their records, and the archive files a backup job writes."""

from __future__ import annotations

from collections.abc import AsyncIterable
from contextlib import AbstractAsyncContextManager
from datetime import datetime, timedelta
from typing import Protocol

from plerome.domain.backups import Backup

from .files import OpenedFile


class Backups(Protocol):
    async def add(self, backup: Backup) -> None: ...
    async def get(self, backup_id: str) -> Backup | None: ...
    async def by_file_name(self, file_name: str) -> Backup | None: ...
    async def for_account(self, account_id: str) -> list[Backup]: ...  # newest first
    async def latest_counted(self, account_id: str) -> Backup | None: ...  # newest that is not failed
    async def update(self, backup: Backup) -> None: ...
    async def delete(self, backup_id: str) -> bool: ...
    async def inserted_before(self, cutoff: datetime, limit: int) -> list[Backup]: ...  # oldest first


class ArchiveWriter(Protocol):
    async def add(self, name: str, chunks: AsyncIterable[bytes]) -> None:
        """Write one file of the archive from `chunks`, as they come (never all held at once)."""
        ...


class BackupArchives(Protocol):
    """Zip archives under names plerome chooses (domain.backups.archive_name)."""

    def create(self, name: str) -> AbstractAsyncContextManager[ArchiveWriter]:
        """An archive being written: it appears under `name` (replacing any earlier one) only when the
        block ends without an error; otherwise nothing is left of it."""
        ...

    async def open(self, name: str) -> OpenedFile | None: ...
    async def size(self, name: str) -> int | None: ...
    async def delete(self, name: str) -> bool: ...
    async def remove_partial(self, older_than: timedelta) -> int:
        """Remove what archives left half-written by a process that died (untouched for `older_than`);
        the number removed."""
        ...
