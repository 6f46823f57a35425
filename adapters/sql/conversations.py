"""Conversation participations in SQL. Lists walk (account_id, last_status_id, id); a page cursor is a
participation id, looked up for its place in that order (domain.conversations.cursor_key)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from plerome.domain.conversations import Bump, Participation, cursor_key
from plerome.domain.pagination import Page
from plerome.ports.conversations import ConversationQuery

from .database import Executor, Row, from_micros, to_micros
from .query import any_of, ids_param, limit, paged

_COLUMNS = "p.id, p.account_id, p.context_id, p.unread, p.last_status_id, p.updated_at"
_SELECT = f"SELECT {_COLUMNS} FROM participations p"
# Spelled exactly as each dialect's partial index `participations_unread` is, so the planner uses it.
_UNREAD = {"sqlite": "p.unread = 1", "postgres": "p.unread"}


def _participation(r: Row, recipients: tuple[str, ...]) -> Participation:
    return Participation(
        id=r["id"],
        account_id=r["account_id"],
        context_id=r["context_id"],
        unread=bool(r["unread"]),
        last_status_id=r["last_status_id"],
        updated_at=from_micros(r["updated_at"]),
        recipients=recipients,
    )


class SqlConversations:
    def __init__(self, db: Executor) -> None:
        self._db = db
        d = db.dialect
        self._unread = _UNREAD[d.name]
        self._recipients_sql = (
            "SELECT participation_id, account_id FROM participation_recipients"
            f" WHERE {any_of(d, 'participation_id')} ORDER BY participation_id, account_id"
        )
        self._add_recipients_sql = (
            "INSERT INTO participation_recipients (participation_id, account_id)"
            f" SELECT CAST(? AS TEXT), a.id FROM accounts a WHERE {any_of(d, 'a.id')}"
        )
        self._for_contexts_sql = (
            f"SELECT context_id, id FROM participations WHERE account_id = ? AND {any_of(d, 'context_id')}"
        )
        # exactly these recipients: as many rows as asked for, none outside them
        self._exactly_sql = (
            " AND (SELECT count(*) FROM participation_recipients x WHERE x.participation_id = p.id) = ?"
            " AND (SELECT count(*) FROM participation_recipients x WHERE x.participation_id = p.id"
            f" AND {any_of(d, 'x.account_id')}) = ?"
        )

    async def _with_recipients(self, rows: list[Row]) -> list[Participation]:
        if not rows:
            return []
        found = await self._db.fetch_all(
            self._recipients_sql, ids_param(self._db.dialect, [r["id"] for r in rows])
        )
        recipients: dict[str, list[str]] = {}
        for f in found:
            recipients.setdefault(f["participation_id"], []).append(f["account_id"])
        return [_participation(r, tuple(recipients.get(r["id"], ()))) for r in rows]

    async def bump(self, bump: Bump) -> None:
        b = bump
        created = await self._db.execute(
            "INSERT INTO participations (id, account_id, context_id, unread, last_status_id, updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (account_id, context_id) DO NOTHING",
            b.new_id,
            b.account_id,
            b.context_id,
            b.unread_if_new,
            b.status_id,
            to_micros(b.at),
        )
        if created:
            await self._db.execute(
                self._add_recipients_sql, b.new_id, ids_param(self._db.dialect, b.recipients)
            )
            return
        keep = b.unread is None
        await self._db.execute(
            "UPDATE participations SET unread = CASE WHEN ? THEN unread ELSE ? END,"
            " last_status_id = CASE WHEN last_status_id < ? THEN ? ELSE last_status_id END, updated_at = ?"
            " WHERE account_id = ? AND context_id = ?",
            keep,
            bool(b.unread),
            b.status_id,
            b.status_id,
            to_micros(b.at),
            b.account_id,
            b.context_id,
        )

    async def get(self, participation_id: str) -> Participation | None:
        rows = await self._db.fetch_all(_SELECT + " WHERE p.id = ?", participation_id)
        found = await self._with_recipients(rows)
        return found[0] if found else None

    async def _cursor(self, account_id: str, cursor: str | None) -> tuple[str, str] | None:
        if cursor is None:
            return None
        row = await self._db.fetch_one(
            "SELECT id, last_status_id FROM participations WHERE id = ? AND account_id = ?",
            cursor,
            account_id,
        )
        return (row["last_status_id"], row["id"]) if row else cursor_key(cursor, None)

    async def list_for(self, query: ConversationQuery, page: Page) -> list[Participation]:
        sql = _SELECT + " WHERE p.account_id = ?"
        args: list[Any] = [query.account_id]
        if query.recipients:
            wanted = sorted({query.account_id, *query.recipients})
            sql += self._exactly_sql
            args += [len(wanted), ids_param(self._db.dialect, wanted), len(wanted)]
        for cursor, op in ((page.max_id, "<"), (page.since_id, ">"), (page.min_id, ">")):
            key = await self._cursor(query.account_id, cursor)
            if key is not None:
                sql += f" AND (p.last_status_id {op} ? OR (p.last_status_id = ? AND p.id {op} ?))"
                args += [key[0], key[0], key[1]]
        order = "ASC" if page.min_id is not None else "DESC"
        sql += f" ORDER BY p.last_status_id {order}, p.id {order}{limit(page.limit)}"
        rows = await self._db.fetch_all(sql, *args)
        found = await self._with_recipients(rows)
        return found[::-1] if page.min_id is not None else found

    async def for_contexts(self, account_id: str, context_ids: Sequence[str]) -> dict[str, str]:
        wanted = list(dict.fromkeys(context_ids))
        if not wanted:
            return {}
        rows = await self._db.fetch_all(
            self._for_contexts_sql, account_id, ids_param(self._db.dialect, wanted)
        )
        return {r["context_id"]: r["id"] for r in rows}

    async def set_recipients(self, participation_id: str, account_ids: Sequence[str]) -> None:
        await self._db.execute(
            "DELETE FROM participation_recipients WHERE participation_id = ?", participation_id
        )
        wanted = list(dict.fromkeys(account_ids))
        if wanted:
            await self._db.execute(
                self._add_recipients_sql + " AND EXISTS (SELECT 1 FROM participations WHERE id = ?)",
                participation_id,
                ids_param(self._db.dialect, wanted),
                participation_id,
            )

    async def mark_read(self, participation_id: str) -> bool:
        changed = await self._db.execute(
            "UPDATE participations SET unread = ? WHERE id = ?", False, participation_id
        )
        return changed > 0

    async def unread(self, account_id: str, limit: int) -> list[Participation]:
        rows = await self._db.fetch_all(
            f"{_SELECT} WHERE p.account_id = ? AND {self._unread}"
            " ORDER BY p.last_status_id DESC, p.id DESC LIMIT ?",
            account_id,
            limit,
        )
        return await self._with_recipients(rows)

    async def mark_all_read(self, account_id: str) -> int:
        unread = self._unread.removeprefix("p.")
        return await self._db.execute(
            f"UPDATE participations SET unread = ? WHERE account_id = ? AND {unread}",
            False,
            account_id,
        )

    async def delete(self, participation_id: str) -> bool:
        return await self._db.execute("DELETE FROM participations WHERE id = ?", participation_id) > 0

    async def unread_count(self, account_id: str) -> int:
        row = await self._db.fetch_one(
            f"SELECT count(*) AS n FROM participations p WHERE p.account_id = ? AND {self._unread}",
            account_id,
        )
        return int(row["n"]) if row else 0

    async def thread(self, context_id: str, page: Page) -> list[str]:
        sql, args = paged(
            "SELECT id FROM statuses WHERE context_id = ? AND reblog_of_id IS NULL", [context_id], page
        )
        rows = await self._db.fetch_all(sql, *args)
        ids = [r["id"] for r in rows]
        return ids[::-1] if page.min_id is not None else ids
