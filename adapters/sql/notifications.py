"""Notifications in SQL. Every read walks the (account_id, id) index from one end of the page; the unread
count uses the partial index over unseen rows."""

from __future__ import annotations

from typing import Any

from plerome.domain.notifications import Notification
from plerome.domain.pagination import Page
from plerome.ports.notifications import NotificationQuery

from .database import Executor, Row, from_micros, to_micros
from .query import limit

_COLUMNS = "id, account_id, type, from_account_id, status_id, emoji, target_id, seen, created_at"
_SELECT = f"SELECT {_COLUMNS} FROM notifications"
# Spelled exactly as each dialect's partial index `notifications_unread` is, so the planner uses it.
_UNSEEN = {"sqlite": "seen = 0", "postgres": "NOT seen"}


def notification_from_row(r: Row) -> Notification:
    return Notification(
        id=r["id"],
        account_id=r["account_id"],
        type=r["type"],
        from_account_id=r["from_account_id"],
        created_at=from_micros(r["created_at"]),
        status_id=r["status_id"],
        emoji=r["emoji"],
        target_id=r["target_id"],
        seen=bool(r["seen"]),
    )


def _marks(values: tuple[str, ...]) -> str:
    return ", ".join("?" * len(values))


class SqlNotifications:
    def __init__(self, db: Executor) -> None:
        self._db = db
        self._unseen = _UNSEEN[db.dialect.name]

    async def add(self, notification: Notification) -> None:
        n = notification
        await self._db.execute(
            f"INSERT INTO notifications ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            n.id,
            n.account_id,
            n.type,
            n.from_account_id,
            n.status_id,
            n.emoji,
            n.target_id,
            n.seen,
            to_micros(n.created_at),
        )

    async def get(self, account_id: str, notification_id: str) -> Notification | None:
        row = await self._db.fetch_one(
            _SELECT + " WHERE id = ? AND account_id = ?", notification_id, account_id
        )
        return notification_from_row(row) if row else None

    async def unseen_up_to(self, account_id: str, up_to_id: str, limit: int) -> list[Notification]:
        rows = await self._db.fetch_all(
            f"{_SELECT} WHERE account_id = ? AND id <= ? AND {self._unseen} ORDER BY id DESC LIMIT ?",
            account_id,
            up_to_id,
            limit,
        )
        return [notification_from_row(r) for r in rows]

    async def list(self, account_id: str, query: NotificationQuery, page: Page) -> list[Notification]:
        where = ["account_id = ?"]
        args: list[Any] = [account_id]
        types = tuple(dict.fromkeys(query.types))
        if types:
            where.append(f"type IN ({_marks(types)})")
            args += types
        excluded = tuple(dict.fromkeys(query.exclude_types))
        if excluded:
            where.append(f"type NOT IN ({_marks(excluded)})")
            args += excluded
        if query.from_account_id is not None:
            where.append("from_account_id = ?")
            args.append(query.from_account_id)
        for bound, op in ((page.max_id, "<"), (page.since_id, ">"), (page.min_id, ">")):
            if bound is not None:
                where.append(f"id {op} ?")
                args.append(bound)
        # min_id: the oldest `limit` above it, fetched upwards and handed back newest first
        order = "ASC" if page.min_id is not None else "DESC"
        rows = await self._db.fetch_all(
            f"{_SELECT} WHERE {' AND '.join(where)} ORDER BY id {order}{limit(page.limit)}", *args
        )
        found = [notification_from_row(r) for r in rows]
        return found[::-1] if page.min_id is not None else found

    async def dismiss(self, account_id: str, notification_id: str) -> bool:
        changed = await self._db.execute(
            "DELETE FROM notifications WHERE id = ? AND account_id = ?", notification_id, account_id
        )
        return changed > 0

    async def clear(self, account_id: str) -> int:
        return await self._db.execute("DELETE FROM notifications WHERE account_id = ?", account_id)

    async def mark_seen(self, account_id: str, up_to_id: str) -> int:
        return await self._db.execute(
            f"UPDATE notifications SET seen = ? WHERE account_id = ? AND id <= ? AND {self._unseen}",
            True,
            account_id,
            up_to_id,
        )

    async def mark_one_seen(self, account_id: str, notification_id: str) -> bool:
        changed = await self._db.execute(
            "UPDATE notifications SET seen = ? WHERE id = ? AND account_id = ?",
            True,
            notification_id,
            account_id,
        )
        return changed > 0

    async def unread_count(self, account_id: str) -> int:
        row = await self._db.fetch_one(
            f"SELECT count(*) AS n FROM notifications WHERE account_id = ? AND {self._unseen}", account_id
        )
        return int(row["n"]) if row else 0

    async def delete_about_status(self, status_id: str) -> int:
        return await self._db.execute("DELETE FROM notifications WHERE status_id = ?", status_id)
