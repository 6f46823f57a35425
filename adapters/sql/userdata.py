"""Scrobbles and backup records in SQL."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from plerome.domain.backups import Backup
from plerome.domain.errors import Conflict
from plerome.domain.pagination import Page
from plerome.domain.scrobbles import Scrobble

from .database import Executor, Row, UniqueViolation, from_micros, to_micros
from .query import any_of, ids_param, newest_first, paged

_SCROBBLE = (
    "SELECT id, account_id, created_at, title, artist, album, length, external_link, visibility"
    " FROM scrobbles"
)
_BACKUP = "SELECT id, account_id, file_name, state, file_size, processed_number, inserted_at FROM backups"


def _scrobble(r: Row) -> Scrobble:
    return Scrobble(
        id=r["id"],
        account_id=r["account_id"],
        created_at=from_micros(r["created_at"]),
        title=r["title"],
        artist=r["artist"],
        album=r["album"],
        length=r["length"],
        external_link=r["external_link"],
        visibility=r["visibility"],
    )


def _backup(r: Row) -> Backup:
    return Backup(
        id=r["id"],
        account_id=r["account_id"],
        file_name=r["file_name"],
        state=r["state"],
        file_size=int(r["file_size"]),
        processed_number=int(r["processed_number"]),
        inserted_at=from_micros(r["inserted_at"]),
    )


class SqlScrobbles:
    def __init__(self, db: Executor) -> None:
        self._db = db

    async def add(self, scrobble: Scrobble) -> None:
        try:
            await self._db.execute(
                "INSERT INTO scrobbles (id, account_id, created_at, title, artist, album, length,"
                " external_link, visibility) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                scrobble.id,
                scrobble.account_id,
                to_micros(scrobble.created_at),
                scrobble.title,
                scrobble.artist,
                scrobble.album,
                scrobble.length,
                scrobble.external_link,
                scrobble.visibility,
            )
        except UniqueViolation:
            raise Conflict("This scrobble already exists.") from None

    async def by_account(self, account_id: str, visibilities: Sequence[str], page: Page) -> list[Scrobble]:
        if not visibilities:
            return []
        dialect = self._db.dialect
        sql, args = paged(
            f"{_SCROBBLE} WHERE account_id = ? AND {any_of(dialect, 'visibility')}",
            [account_id, ids_param(dialect, visibilities)],
            page,
        )
        return [_scrobble(r) for r in newest_first(await self._db.fetch_all(sql, *args), page)]


class SqlBackups:
    def __init__(self, db: Executor) -> None:
        self._db = db

    async def add(self, backup: Backup) -> None:
        try:
            await self._db.execute(
                "INSERT INTO backups (id, account_id, file_name, state, file_size, processed_number,"
                " inserted_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                backup.id,
                backup.account_id,
                backup.file_name,
                backup.state,
                backup.file_size,
                backup.processed_number,
                to_micros(backup.inserted_at),
            )
        except UniqueViolation:
            raise Conflict("This backup already exists.") from None

    async def _one(self, where: str, *args: Any) -> Backup | None:
        row = await self._db.fetch_one(f"{_BACKUP} WHERE {where}", *args)
        return _backup(row) if row else None

    async def get(self, backup_id: str) -> Backup | None:
        return await self._one("id = ?", backup_id)

    async def by_file_name(self, file_name: str) -> Backup | None:
        return await self._one("file_name = ?", file_name)

    async def for_account(self, account_id: str) -> list[Backup]:
        rows = await self._db.fetch_all(
            f"{_BACKUP} WHERE account_id = ? ORDER BY inserted_at DESC, id DESC", account_id
        )
        return [_backup(r) for r in rows]

    async def latest_counted(self, account_id: str) -> Backup | None:
        return await self._one(
            "account_id = ? AND state <> 'failed' ORDER BY inserted_at DESC, id DESC LIMIT 1", account_id
        )

    async def update(self, backup: Backup) -> None:
        await self._db.execute(
            "UPDATE backups SET state = ?, file_size = ?, processed_number = ? WHERE id = ?",
            backup.state,
            backup.file_size,
            backup.processed_number,
            backup.id,
        )

    async def delete(self, backup_id: str) -> bool:
        return await self._db.execute("DELETE FROM backups WHERE id = ?", backup_id) > 0

    async def inserted_before(self, cutoff: datetime, limit: int) -> list[Backup]:
        rows = await self._db.fetch_all(
            f"{_BACKUP} WHERE inserted_at < ? ORDER BY inserted_at, id LIMIT ?", to_micros(cutoff), limit
        )
        return [_backup(r) for r in rows]
