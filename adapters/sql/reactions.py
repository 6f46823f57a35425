"""Emoji reactions in SQL. `reaction_counts` holds each emoji's count per status, kept by triggers (see
migration 0007), so a summary never reads a status's reactions one by one: it reads the counts and
takes off the reactions of the few accounts a viewer blocks or mutes, found through their own index.
Reactor lists walk (status_id, emoji, id) for at most `limit` rows per emoji."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from plerome.domain.reactions import Reaction, ReactionCount, ReactionFilter

from .database import Executor, to_micros
from .query import any_of, ids_param

# Mutes with no `now` all count: a time before any expiry.
_EVER = -(2**62)


class SqlReactions:
    def __init__(self, db: Executor) -> None:
        self._db = db
        d = db.dialect
        self._pg = d.name == "postgres"
        self._counts_sql: dict[tuple[bool, bool], str] = {}
        for anonymous in (True, False):
            for with_muted in (True, False):
                self._counts_sql[(anonymous, with_muted)] = self._counts(anonymous, with_muted)
        self._reactors_sql = {with_muted: self._reactors(with_muted) for with_muted in (True, False)}
        self._reactors_anonymous_sql = self._reactors(None)

    @staticmethod
    def _hidden(with_muted: bool) -> str:
        """The accounts whose reactions the viewer does not see: args (viewer[, viewer, now])."""
        blocked = "SELECT blocked_id AS account_id FROM blocks WHERE blocker_id = ?"
        if with_muted:
            return blocked
        return (
            f"{blocked} UNION SELECT muted_id FROM mutes WHERE muter_id = ?"
            " AND (expires_at IS NULL OR expires_at > ?)"
        )

    def _counts(self, anonymous: bool, with_muted: bool) -> str:
        d = self._db.dialect
        if anonymous:
            return (
                "SELECT c.status_id, c.emoji, c.count AS n, 0 AS me FROM reaction_counts c"
                f" WHERE {any_of(d, 'c.status_id')} ORDER BY c.status_id, c.first_id"
            )
        # args: viewer, <hidden>, ids, ids. The hidden reactors (few) are each looked up in
        # (account_id, status_id, emoji): SQLite walks them first (CROSS JOIN fixes the order), Postgres
        # takes them as one array for the index condition.
        if self._pg:
            hidden = (
                "SELECT r.status_id, r.emoji, count(*) AS n FROM reactions r"
                f" WHERE r.account_id = ANY(ARRAY({self._hidden(with_muted)}))"
                f" AND {any_of(d, 'r.status_id')} GROUP BY r.status_id, r.emoji"
            )
        else:
            hidden = (
                f"SELECT r.status_id, r.emoji, count(*) AS n FROM ({self._hidden(with_muted)}) hid"
                f" CROSS JOIN reactions r WHERE r.account_id = hid.account_id AND {any_of(d, 'r.status_id')}"
                " GROUP BY r.status_id, r.emoji"
            )
        return (
            "SELECT c.status_id, c.emoji, c.count - COALESCE(h.n, 0) AS n,"
            " CASE WHEN EXISTS (SELECT 1 FROM reactions m WHERE m.status_id = c.status_id"
            " AND m.emoji = c.emoji AND m.account_id = ?) THEN 1 ELSE 0 END AS me"
            f" FROM reaction_counts c LEFT JOIN ({hidden}) h"
            " ON h.status_id = c.status_id AND h.emoji = c.emoji"
            f" WHERE {any_of(d, 'c.status_id')} ORDER BY c.status_id, c.first_id"
        )

    def _reactors(self, with_muted: bool | None) -> str:
        """args: emojis, status id, [<hidden>,] limit. One pass per emoji, at most `limit` rows each."""
        hidden = "" if with_muted is None else f" AND x.account_id NOT IN ({self._hidden(with_muted)})"
        if self._pg:
            return (
                "SELECT e.value AS emoji, r.account_id FROM unnest(?::text[]) AS e(value)"
                " CROSS JOIN LATERAL (SELECT x.account_id, x.id FROM reactions x"
                f" WHERE x.status_id = ? AND x.emoji = e.value{hidden} ORDER BY x.id LIMIT ?) r"
                " ORDER BY e.value, r.id"
            )
        # SQLite has no LATERAL: the correlated IN list drives primary-key lookups, one emoji at a time.
        return (
            "SELECT e.value AS emoji, r.account_id FROM json_each(?) AS e CROSS JOIN reactions r"
            " WHERE r.id IN (SELECT x.id FROM reactions x"
            f" WHERE x.status_id = ? AND x.emoji = e.value{hidden} ORDER BY x.id LIMIT ?)"
            " ORDER BY e.value, r.id"
        )

    def _hidden_args(self, seen_by: ReactionFilter) -> list[Any]:
        viewer = seen_by.viewer_id
        if seen_by.with_muted:
            return [viewer]
        now = to_micros(seen_by.now) if seen_by.now is not None else _EVER
        return [viewer, viewer, now]

    async def add(self, reaction: Reaction) -> bool:
        r = reaction
        changed = await self._db.execute(
            "INSERT INTO reactions (id, status_id, account_id, emoji, created_at) VALUES (?, ?, ?, ?, ?)"
            " ON CONFLICT (status_id, emoji, account_id) DO NOTHING",
            r.id,
            r.status_id,
            r.account_id,
            r.emoji,
            to_micros(r.created_at),
        )
        return changed > 0

    async def remove(self, status_id: str, account_id: str, emoji: str) -> bool:
        changed = await self._db.execute(
            "DELETE FROM reactions WHERE status_id = ? AND emoji = ? AND account_id = ?",
            status_id,
            emoji,
            account_id,
        )
        return changed > 0

    async def counts(
        self, status_ids: Sequence[str], seen_by: ReactionFilter
    ) -> dict[str, list[ReactionCount]]:
        wanted = list(dict.fromkeys(status_ids))
        if not wanted:
            return {}
        ids = ids_param(self._db.dialect, wanted)
        viewer = seen_by.viewer_id
        if viewer is None:
            rows = await self._db.fetch_all(self._counts_sql[(True, False)], ids)
        else:
            sql = self._counts_sql[(False, seen_by.with_muted)]
            rows = await self._db.fetch_all(sql, viewer, *self._hidden_args(seen_by), ids, ids)
        out: dict[str, list[ReactionCount]] = {}
        for row in rows:
            if row["n"] > 0:
                out.setdefault(row["status_id"], []).append(
                    ReactionCount(emoji=row["emoji"], count=int(row["n"]), me=bool(row["me"]))
                )
        return out

    async def reactors(
        self, status_id: str, emojis: Sequence[str], seen_by: ReactionFilter, limit: int
    ) -> dict[str, list[str]]:
        wanted = list(dict.fromkeys(emojis))
        if not wanted:
            return {}
        ids = ids_param(self._db.dialect, wanted)
        if seen_by.viewer_id is None:
            rows = await self._db.fetch_all(self._reactors_anonymous_sql, ids, status_id, limit)
        else:
            sql = self._reactors_sql[seen_by.with_muted]
            rows = await self._db.fetch_all(sql, ids, status_id, *self._hidden_args(seen_by), limit)
        out: dict[str, list[str]] = {}
        for row in rows:
            out.setdefault(row["emoji"], []).append(row["account_id"])
        return out
