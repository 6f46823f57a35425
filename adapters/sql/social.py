"""The social graph in SQL: follows (accepted and pending), blocks, mutes and subscriptions.

`relationships` answers a whole page of targets in one statement: it runs on every status and account
list. A list of ids travels as ONE parameter (a Postgres text[] or a SQLite JSON array), so statements
keep one text whatever the page size and never meet the engines' limits on bound parameters.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from plerome.domain.accounts import Account, nickname_key
from plerome.domain.pagination import Page
from plerome.domain.social import Block, Follow, Mute, Relationship
from plerome.ports.social import AccountSearch

from .accounts import SELECT_COLUMNS, account_from_row
from .database import Executor, Row, from_micros, from_micros_or_none, to_micros
from .query import ids_param, ids_table, newest_first, paged

_FOLLOW = "SELECT id, follower_id, followee_id, state, show_reblogs, created_at FROM follows"
_BLOCK = "SELECT id, blocker_id, blocked_id, created_at FROM blocks"
_MUTE = "SELECT id, muter_id, muted_id, notifications, created_at, expires_at FROM mutes"
_ACTIVE_MUTE = "(expires_at IS NULL OR expires_at > ?)"


def prefix_end(prefix: str) -> str | None:
    """The smallest text above every text that starts with `prefix`, in code point order, so that
    `prefix <= key < prefix_end(prefix)` is a prefix match an index serves; None when there is none."""
    for i in range(len(prefix) - 1, -1, -1):
        code = ord(prefix[i]) + 1
        if code == 0xD800:  # surrogates are not characters: step over them
            code = 0xE000
        if code <= 0x10FFFF:
            return prefix[:i] + chr(code)
    return None


def _ascii_lower(text: str) -> str:
    """SQLite's lower(): ASCII letters only."""
    return "".join(chr(ord(c) + 32) if "A" <= c <= "Z" else c for c in text)


def follow_from_row(r: Row) -> Follow:
    return Follow(
        id=r["id"],
        follower_id=r["follower_id"],
        followee_id=r["followee_id"],
        state=r["state"],
        show_reblogs=bool(r["show_reblogs"]),
        created_at=from_micros(r["created_at"]),
    )


def block_from_row(r: Row) -> Block:
    return Block(
        id=r["id"],
        blocker_id=r["blocker_id"],
        blocked_id=r["blocked_id"],
        created_at=from_micros(r["created_at"]),
    )


def mute_from_row(r: Row) -> Mute:
    return Mute(
        id=r["id"],
        muter_id=r["muter_id"],
        muted_id=r["muted_id"],
        notifications=bool(r["notifications"]),
        created_at=from_micros(r["created_at"]),
        expires_at=from_micros_or_none(r["expires_at"]),
    )


class SqlSocialGraph:
    def __init__(self, db: Executor) -> None:
        self._db = db
        d = db.dialect
        # One row per fact the viewer's relationships are made of: (kind, target, state, flag). Each
        # part walks the list of targets and looks each one up by primary key (CROSS JOIN keeps SQLite
        # from scanning instead all the edges of a viewer with very many followers).
        t = ids_table(d)
        self._relationships_sql = " UNION ALL ".join(
            (
                "SELECT 'follow' AS kind, t.value AS target, f.state, f.show_reblogs AS flag"
                f" FROM {t} CROSS JOIN follows f WHERE f.follower_id = ? AND f.followee_id = t.value",
                f"SELECT 'followed_by', t.value, f.state, TRUE FROM {t} CROSS JOIN follows f"
                " WHERE f.follower_id = t.value AND f.followee_id = ? AND f.state = 'accepted'",
                f"SELECT 'blocking', t.value, NULL, TRUE FROM {t} CROSS JOIN blocks b"
                " WHERE b.blocker_id = ? AND b.blocked_id = t.value",
                f"SELECT 'blocked_by', t.value, NULL, TRUE FROM {t} CROSS JOIN blocks b"
                " WHERE b.blocker_id = t.value AND b.blocked_id = ?",
                f"SELECT 'muting', t.value, NULL, m.notifications FROM {t} CROSS JOIN mutes m"
                " WHERE m.muter_id = ? AND m.muted_id = t.value"
                " AND (m.expires_at IS NULL OR m.expires_at > ?)",
                f"SELECT 'subscribing', t.value, NULL, TRUE FROM {t} CROSS JOIN subscriptions s"
                " WHERE s.subscriber_id = ? AND s.target_id = t.value",
            )
        )

    # -- relationships

    async def relationship(self, viewer_id: str, target_id: str, now: datetime) -> Relationship:
        return (await self.relationships(viewer_id, [target_id], now))[target_id]

    async def relationships(
        self, viewer_id: str, target_ids: Sequence[str], now: datetime
    ) -> dict[str, Relationship]:
        targets = list(dict.fromkeys(target_ids))
        if not targets:
            return {}
        ids = ids_param(self._db.dialect, targets)
        each = (ids, viewer_id)
        args = [*each * 4, *each, to_micros(now), *each]  # the mutes part (fifth) also takes `now`
        rows = await self._db.fetch_all(self._relationships_sql, *args)
        facts: dict[str, dict[str, Any]] = {t: {} for t in targets}
        for r in rows:
            fact = facts[r["target"]]
            kind = r["kind"]
            if kind == "follow":
                fact["following" if r["state"] == "accepted" else "requested"] = True
                fact["showing_reblogs"] = bool(r["flag"])
            elif kind == "muting":
                fact["muting"] = True
                fact["muting_notifications"] = bool(r["flag"])
            else:
                fact[kind] = True
        return {t: Relationship(target_id=t, **fact) for t, fact in facts.items()}

    # -- follows and follow requests

    async def follow(self, follow: Follow) -> None:
        await self._db.execute(
            "INSERT INTO follows (id, follower_id, followee_id, state, show_reblogs, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (follower_id, followee_id) DO UPDATE SET"
            " id = excluded.id, state = excluded.state, show_reblogs = excluded.show_reblogs,"
            " created_at = excluded.created_at",
            follow.id,
            follow.follower_id,
            follow.followee_id,
            follow.state,
            follow.show_reblogs,
            to_micros(follow.created_at),
        )

    async def get_follow(self, follower_id: str, followee_id: str) -> Follow | None:
        row = await self._db.fetch_one(
            _FOLLOW + " WHERE follower_id = ? AND followee_id = ?", follower_id, followee_id
        )
        return follow_from_row(row) if row else None

    async def unfollow(self, follower_id: str, followee_id: str) -> bool:
        return (
            await self._db.execute(
                "DELETE FROM follows WHERE follower_id = ? AND followee_id = ?", follower_id, followee_id
            )
            > 0
        )

    async def _follows(self, where: str, account_id: str, state: str, page: Page) -> list[Follow]:
        sql, args = paged(f"{_FOLLOW} WHERE {where} = ? AND state = ?", [account_id, state], page)
        return [follow_from_row(r) for r in newest_first(await self._db.fetch_all(sql, *args), page)]

    async def followers(self, account_id: str, page: Page) -> list[Follow]:
        return await self._follows("followee_id", account_id, "accepted", page)

    async def following(self, account_id: str, page: Page) -> list[Follow]:
        return await self._follows("follower_id", account_id, "accepted", page)

    async def follow_requests(self, account_id: str, page: Page) -> list[Follow]:
        return await self._follows("followee_id", account_id, "pending", page)

    # -- subscriptions

    async def subscribe(self, subscriber_id: str, target_id: str, now: datetime) -> None:
        await self._db.execute(
            "INSERT INTO subscriptions (subscriber_id, target_id, created_at) VALUES (?, ?, ?)"
            " ON CONFLICT DO NOTHING",
            subscriber_id,
            target_id,
            to_micros(now),
        )

    async def unsubscribe(self, subscriber_id: str, target_id: str) -> bool:
        return (
            await self._db.execute(
                "DELETE FROM subscriptions WHERE subscriber_id = ? AND target_id = ?",
                subscriber_id,
                target_id,
            )
            > 0
        )

    async def subscribers(self, target_id: str) -> list[str]:
        rows = await self._db.fetch_all(
            "SELECT subscriber_id FROM subscriptions WHERE target_id = ? ORDER BY subscriber_id", target_id
        )
        return [r["subscriber_id"] for r in rows]

    # -- blocks

    async def block(self, block: Block) -> bool:
        return (
            await self._db.execute(
                "INSERT INTO blocks (id, blocker_id, blocked_id, created_at) VALUES (?, ?, ?, ?)"
                " ON CONFLICT DO NOTHING",
                block.id,
                block.blocker_id,
                block.blocked_id,
                to_micros(block.created_at),
            )
            == 1
        )

    async def unblock(self, blocker_id: str, blocked_id: str) -> bool:
        return (
            await self._db.execute(
                "DELETE FROM blocks WHERE blocker_id = ? AND blocked_id = ?", blocker_id, blocked_id
            )
            > 0
        )

    async def blocks(self, account_id: str, page: Page) -> list[Block]:
        sql, args = paged(f"{_BLOCK} WHERE blocker_id = ?", [account_id], page)
        return [block_from_row(r) for r in newest_first(await self._db.fetch_all(sql, *args), page)]

    # -- mutes

    async def mute(self, mute: Mute) -> None:
        await self._db.execute(
            "INSERT INTO mutes (id, muter_id, muted_id, notifications, created_at, expires_at)"
            " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (muter_id, muted_id) DO UPDATE SET"
            " id = excluded.id, notifications = excluded.notifications, created_at = excluded.created_at,"
            " expires_at = excluded.expires_at",
            mute.id,
            mute.muter_id,
            mute.muted_id,
            mute.notifications,
            to_micros(mute.created_at),
            None if mute.expires_at is None else to_micros(mute.expires_at),
        )

    async def get_mute(self, muter_id: str, muted_id: str, now: datetime) -> Mute | None:
        row = await self._db.fetch_one(
            f"{_MUTE} WHERE muter_id = ? AND muted_id = ? AND {_ACTIVE_MUTE}",
            muter_id,
            muted_id,
            to_micros(now),
        )
        return mute_from_row(row) if row else None

    async def unmute(self, muter_id: str, muted_id: str) -> bool:
        return (
            await self._db.execute(
                "DELETE FROM mutes WHERE muter_id = ? AND muted_id = ?", muter_id, muted_id
            )
            > 0
        )

    async def mutes(self, account_id: str, page: Page, now: datetime) -> list[Mute]:
        sql, args = paged(
            f"{_MUTE} WHERE muter_id = ? AND {_ACTIVE_MUTE}", [account_id, to_micros(now)], page
        )
        return [mute_from_row(r) for r in newest_first(await self._db.fetch_all(sql, *args), page)]

    # -- account search

    async def search_accounts(self, query: AccountSearch) -> list[Account]:
        """Two index range scans in one statement: nickname_key, then lower(display_name), each in code
        point order (Postgres compares them under COLLATE "C", as migration 0003 indexes them)."""
        postgres = self._db.dialect.name == "postgres"
        collate = ' COLLATE "C"' if postgres else ""
        wanted = query.limit + query.offset
        filters, filter_args = ["a.is_active = TRUE", "a.actor_type <> 'Application'"], []
        if query.viewer_id is not None:
            filters.append(
                "NOT EXISTS (SELECT 1 FROM blocks b WHERE b.blocker_id = ? AND b.blocked_id = a.id)"
            )
            filter_args.append(query.viewer_id)
            if query.following_only:
                filters.append(
                    "EXISTS (SELECT 1 FROM follows f WHERE f.follower_id = ? AND f.followee_id = a.id"
                    " AND f.state = 'accepted')"
                )
                filter_args.append(query.viewer_id)
        where = " AND ".join(filters)
        display = query.prefix.lower() if postgres else _ascii_lower(query.prefix)
        parts, args = [], []
        for rank, key, prefix, order in (
            (0, f"a.nickname_key{collate}", nickname_key(query.prefix), f"a.nickname_key{collate}"),
            (1, f"lower(a.display_name){collate}", display, f"lower(a.display_name){collate}, a.id"),
        ):
            end = prefix_end(prefix)
            bounds = f"{key} >= ?" + (f" AND {key} < ?" if end is not None else "")
            parts.append(
                f"SELECT * FROM (SELECT {rank} AS search_rank, {key} AS sort_key, {SELECT_COLUMNS}"
                f" FROM accounts a WHERE {bounds} AND {where} ORDER BY {order} LIMIT ?) AS r{rank}"
            )
            args += [prefix, *([end] if end is not None else []), *filter_args, wanted]
        rows = await self._db.fetch_all(" UNION ALL ".join(parts), *args)
        # Python orders text by code point, as the "C" collation and SQLite's BINARY one do.
        rows.sort(key=lambda r: (r["search_rank"], r["sort_key"], r["id"]))
        found = {r["id"]: account_from_row(r) for r in rows}  # first (nickname) match wins its place
        return list(found.values())[query.offset : query.offset + query.limit]
