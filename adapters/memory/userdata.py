"""Scrobbles and backup records in memory."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from plerome.domain.backups import Backup
from plerome.domain.errors import Conflict
from plerome.domain.pagination import Page
from plerome.domain.scrobbles import Scrobble

from .paging import paginate

if TYPE_CHECKING:
    from .stores import MemoryStores, _State


class _Part:
    def __init__(self, stores: MemoryStores) -> None:
        self._stores = stores

    @property
    def _s(self) -> _State:
        return self._stores._state


class MemoryScrobbles(_Part):
    async def add(self, scrobble: Scrobble) -> None:
        async with self._stores._writing():
            if scrobble.id in self._s.scrobbles:
                raise Conflict("This scrobble already exists.")
            self._s.scrobbles[scrobble.id] = scrobble

    async def by_account(self, account_id: str, visibilities: Sequence[str], page: Page) -> list[Scrobble]:
        wanted = set(visibilities)
        mine = [
            s for s in self._s.scrobbles.values() if s.account_id == account_id and s.visibility in wanted
        ]
        return paginate(mine, page, lambda s: s.id)


class MemoryBackups(_Part):
    async def add(self, backup: Backup) -> None:
        async with self._stores._writing():
            if backup.id in self._s.backups or any(
                b.file_name == backup.file_name for b in self._s.backups.values()
            ):
                raise Conflict("This backup already exists.")
            self._s.backups[backup.id] = backup

    async def get(self, backup_id: str) -> Backup | None:
        return self._s.backups.get(backup_id)

    async def by_file_name(self, file_name: str) -> Backup | None:
        return next((b for b in self._s.backups.values() if b.file_name == file_name), None)

    async def for_account(self, account_id: str) -> list[Backup]:
        mine = [b for b in self._s.backups.values() if b.account_id == account_id]
        return sorted(mine, key=lambda b: (b.inserted_at, b.id), reverse=True)

    async def latest_counted(self, account_id: str) -> Backup | None:
        return next((b for b in await self.for_account(account_id) if b.state != "failed"), None)

    async def update(self, backup: Backup) -> None:
        async with self._stores._writing():
            if backup.id in self._s.backups:
                self._s.backups[backup.id] = backup

    async def delete(self, backup_id: str) -> bool:
        async with self._stores._writing():
            return self._s.backups.pop(backup_id, None) is not None

    async def inserted_before(self, cutoff: datetime, limit: int) -> list[Backup]:
        old = [b for b in self._s.backups.values() if b.inserted_at < cutoff]
        return sorted(old, key=lambda b: (b.inserted_at, b.id))[:limit]
