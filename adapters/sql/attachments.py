"""Media attachments in SQL: one row per uploaded file, pointing at the status it is attached to."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from plerome.domain.attachments import Attachment

from .database import Executor, Row, from_micros, to_micros
from .statuses import in_ids

_COLUMNS = (
    "id",
    "account_id",
    "status_id",
    "file_key",
    "mime_type",
    "kind",
    "size",
    "description",
    "focus_x",
    "focus_y",
    "width",
    "height",
    "created_at",
)
_SELECT = f"SELECT {', '.join(_COLUMNS)} FROM attachments"


def _values(a: Attachment) -> tuple[Any, ...]:
    focus_x, focus_y = a.focus if a.focus is not None else (None, None)
    return (
        a.id,
        a.account_id,
        a.status_id,
        a.file_key,
        a.mime_type,
        a.kind,
        a.size,
        a.description,
        focus_x,
        focus_y,
        a.width,
        a.height,
        to_micros(a.created_at),
    )


def attachment_from_row(r: Row) -> Attachment:
    focus = (r["focus_x"], r["focus_y"]) if r["focus_x"] is not None and r["focus_y"] is not None else None
    return Attachment(
        id=r["id"],
        account_id=r["account_id"],
        file_key=r["file_key"],
        mime_type=r["mime_type"],
        kind=r["kind"],
        size=r["size"],
        created_at=from_micros(r["created_at"]),
        description=r["description"],
        focus=focus,
        width=r["width"],
        height=r["height"],
        status_id=r["status_id"],
    )


class SqlAttachments:
    def __init__(self, db: Executor) -> None:
        self._db = db

    async def add(self, attachment: Attachment) -> None:
        await self._db.execute(
            f"INSERT INTO attachments ({', '.join(_COLUMNS)}) VALUES ({', '.join('?' * len(_COLUMNS))})",
            *_values(attachment),
        )

    async def get(self, attachment_id: str) -> Attachment | None:
        row = await self._db.fetch_one(_SELECT + " WHERE id = ?", attachment_id)
        return attachment_from_row(row) if row else None

    async def update(self, attachment: Attachment) -> None:
        values = _values(attachment)
        await self._db.execute(
            f"UPDATE attachments SET {', '.join(f'{c} = ?' for c in _COLUMNS[1:])} WHERE id = ?",
            *values[1:],
            values[0],
        )

    async def for_statuses(self, status_ids: Sequence[str]) -> dict[str, list[Attachment]]:
        ids = list(dict.fromkeys(status_ids))
        if not ids:
            return {}
        where = in_ids(self._db.dialect, "status_id", ids)
        rows = await self._db.fetch_all(f"{_SELECT} WHERE {where.text} ORDER BY id", *where.args)
        out: dict[str, list[Attachment]] = {}
        for row in rows:
            out.setdefault(row["status_id"], []).append(attachment_from_row(row))
        return out

    async def attach(self, status_id: str, attachment_ids: Sequence[str]) -> None:
        ids = list(dict.fromkeys(attachment_ids))
        if ids:
            where = in_ids(self._db.dialect, "id", ids)
            await self._db.execute(
                f"UPDATE attachments SET status_id = ? WHERE {where.text}", status_id, *where.args
            )
