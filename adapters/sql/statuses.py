"""Statuses, favourites and bookmarks in SQL, written once for both dialects.

A status's mentions, tags and attachments live in tables of their own and come back with it through
correlated subqueries: one statement per read, whatever the page size.

Timelines apply domain.visibility (can_see, and hidden_from_lists for lists) in SQL, so a page is the
first `limit` rows of an index walk and its cost does not grow with the table. The home timeline
first walks a window of the newest statuses for the viewer's own and followees', beside the newest
statuses mentioning the viewer; below the window it is the union of three sources, each read from
its own index and cut at the page size. Per followee, Postgres runs a LATERAL subquery; SQLite has
none, so it bounds each followee's index range by that followee's n-th eligible status.

Every statement must plan well for any arguments, since Postgres may reuse one generic plan for a
prepared statement: limits are written in (`query.limit`), and "mentions the viewer" is a lookup by
key per status, never a join or a hash of all the viewer's mentions.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from plerome.domain.errors import Conflict
from plerome.domain.pagination import Page
from plerome.domain.statuses import Status
from plerome.ports.statuses import Mark, TimelineQuery, ViewerMarks

from .database import Dialect, Executor, Row, UniqueViolation, from_micros, to_micros
from .query import any_of, ids_param, newest_first
from .query import limit as _limit

_COLUMNS = (
    "id",
    "account_id",
    "created_at",
    "visibility",
    "source",
    "content_type",
    "content",
    "spoiler_text",
    "sensitive",
    "language",
    "in_reply_to_id",
    "in_reply_to_account_id",
    "context_id",
    "reblog_of_id",
    "app_name",
    "has_media",
    "replies_count",
    "favourites_count",
    "reblogs_count",
)
_INSERT = f"INSERT INTO statuses ({', '.join(_COLUMNS)}) VALUES ({', '.join('?' * len(_COLUMNS))})"
_AGGREGATE = {"sqlite": "group_concat({}, ' ')", "postgres": "string_agg({}, ' ')"}
_GREATEST = {"sqlite": "max", "postgres": "GREATEST"}
# Above every id (ids are ASCII): the open end of a range.
_HIGHEST = "\U0010ffff"
# The home timeline first looks through this many times a page's size of the newest statuses.
_WINDOW = 50


@dataclass(frozen=True, slots=True)
class _Sql:
    """A piece of SQL and its arguments, in the order its `?` appear."""

    text: str
    args: tuple[Any, ...] = ()

    def __add__(self, other: _Sql | str) -> _Sql:
        if isinstance(other, str):
            return _Sql(self.text + other, self.args)
        return _Sql(self.text + other.text, self.args + other.args)

    def __radd__(self, other: str) -> _Sql:
        return _Sql(other + self.text, self.args)


def _and(parts: Iterable[_Sql]) -> _Sql:
    out = _Sql("")
    for part in parts:
        if part.text:
            out = part if not out.text else out + " AND " + part
    return out if out.text else _Sql("1 = 1")


def _select(dialect: Dialect, source: str = "statuses s") -> str:
    agg = _AGGREGATE[dialect.name].format
    return (
        f"SELECT {', '.join(f's.{c}' for c in _COLUMNS)},"
        f" (SELECT {agg('sm.account_id')} FROM status_mentions sm WHERE sm.status_id = s.id) AS mentioned,"
        f" (SELECT {agg('st.tag')} FROM status_tags st WHERE st.status_id = s.id) AS tags,"
        f" (SELECT {agg('sa.id')} FROM attachments sa WHERE sa.status_id = s.id) AS media"
        f" FROM {source}"
    )


def _sorted_words(text: str | None) -> tuple[str, ...]:
    return tuple(sorted(text.split(" "))) if text else ()


def status_from_row(r: Row) -> Status:
    return Status(
        id=r["id"],
        account_id=r["account_id"],
        created_at=from_micros(r["created_at"]),
        visibility=r["visibility"],
        source=r["source"],
        content_type=r["content_type"],
        content=r["content"],
        spoiler_text=r["spoiler_text"],
        sensitive=bool(r["sensitive"]),
        language=r["language"],
        in_reply_to_id=r["in_reply_to_id"],
        in_reply_to_account_id=r["in_reply_to_account_id"],
        context_id=r["context_id"],
        mentioned_ids=_sorted_words(r["mentioned"]),
        tags=_sorted_words(r["tags"]),
        media_ids=_sorted_words(r["media"]),
        reblog_of_id=r["reblog_of_id"],
        app_name=r["app_name"],
        replies_count=r["replies_count"],
        favourites_count=r["favourites_count"],
        reblogs_count=r["reblogs_count"],
    )


def _status_values(s: Status) -> tuple[Any, ...]:
    return (
        s.id,
        s.account_id,
        to_micros(s.created_at),
        s.visibility,
        s.source,
        s.content_type,
        s.content,
        s.spoiler_text,
        s.sensitive,
        s.language,
        s.in_reply_to_id,
        s.in_reply_to_account_id,
        s.context_id,
        s.reblog_of_id,
        s.app_name,
        bool(s.media_ids),
        s.replies_count,
        s.favourites_count,
        s.reblogs_count,
    )


def in_ids(dialect: Dialect, column: str, ids: Sequence[str]) -> _Sql:
    """`column` is one of `ids`, all bound to ONE parameter (a text[] or a JSON array), so the
    statement text is the same for any number of ids and never meets a limit on parameters."""
    return _Sql(any_of(dialect, column), (ids_param(dialect, ids),))


def _bounds(column: str, page: Page) -> _Sql:
    parts = [
        _Sql(f"{column} {op} ?", (bound,))
        for bound, op in ((page.max_id, "<"), (page.since_id, ">"), (page.min_id, ">"))
        if bound is not None
    ]
    return _and(parts) if parts else _Sql("")


def _order(page: Page) -> str:
    """With min_id a page is the `limit` rows just above it: read oldest first, then reversed."""
    return "ASC" if page.min_id is not None else "DESC"


# -- the visibility rule of domain/visibility.py, in SQL


def _mentions(alias: str) -> str:
    """Whether status `alias` mentions the viewer (one `?`): one lookup by key per status. A scalar
    subquery, since Postgres would turn an EXISTS (or a join) into a hash or a sort of every status
    mentioning the viewer, which grows with the table; with a plan made for any viewer (a prepared
    statement's generic plan) it did, and a public page at a million rows cost 3x one at a thousand."""
    return (
        f"(SELECT 1 FROM status_mentions m{alias} WHERE m{alias}.status_id = {alias}.id"
        f" AND m{alias}.account_id = ? LIMIT 1) IS NOT NULL"
    )


def _can_see(alias: str, q: TimelineQuery, *, hide: bool) -> _Sql:
    """can_see(status `alias`, viewer) — and, with `hide`, not hidden_from_lists — for q.viewer_id."""
    a, v = alias, q.viewer_id
    if v is None:
        return _Sql(f"{a}.visibility IN ('public', 'unlisted')")
    mentioned = _Sql(_mentions(a), (v,))
    seen = (
        _Sql(
            f"({a}.account_id = ? OR (NOT EXISTS (SELECT 1 FROM blocks vb"
            f" WHERE vb.blocker_id = {a}.account_id AND vb.blocked_id = ?)"
            f" AND ({a}.visibility IN ('public', 'unlisted') OR ",
            (v, v),
        )
        + mentioned
        + _Sql(
            f" OR ({a}.visibility = 'private' AND EXISTS (SELECT 1 FROM follows vf"
            f" WHERE vf.follower_id = ? AND vf.followee_id = {a}.account_id AND vf.state = 'accepted')))",
            (v,),
        )
    )
    if hide:
        seen += _Sql(
            " AND NOT EXISTS (SELECT 1 FROM blocks hb"
            f" WHERE hb.blocker_id = ? AND hb.blocked_id = {a}.account_id)"
            f" AND NOT EXISTS (SELECT 1 FROM mutes hm WHERE hm.muter_id = ? AND hm.muted_id = {a}.account_id",
            (v, v),
        )
        if q.now is not None:
            seen += _Sql(" AND (hm.expires_at IS NULL OR hm.expires_at > ?)", (to_micros(q.now),))
        seen += ")"
    return seen + "))"


def _hides(q: TimelineQuery) -> bool:
    """Lists drop blocked and muted authors, except the viewer's own account list."""
    return not (q.kind == "account" and q.account_id == q.viewer_id)


def _eligible(alias: str, q: TimelineQuery) -> _Sql:
    """What every list asks of a status besides its source: the list's filters, and that the viewer
    may see it (a reblog: and what it reblogs)."""
    a, hide = alias, _hides(q)
    parts = []
    if q.exclude_reblogs:
        parts.append(_Sql(f"{a}.reblog_of_id IS NULL"))
    if q.exclude_replies:
        parts.append(_Sql(f"{a}.in_reply_to_id IS NULL"))
    if q.only_media:
        parts.append(_Sql(f"{a}.has_media"))
    parts.append(_can_see(a, q, hide=hide))
    inner = _Sql(
        f"({a}.reblog_of_id IS NULL OR EXISTS (SELECT 1 FROM statuses o{a}"
        f" WHERE o{a}.id = {a}.reblog_of_id AND "
    )
    parts.append(inner + _can_see(f"o{a}", q, hide=hide) + "))")
    return _and(parts)


class SqlStatuses:
    def __init__(self, db: Executor) -> None:
        self._db = db
        self._dialect = db.dialect
        self._select = _select(db.dialect)
        self._greatest = _GREATEST[db.dialect.name]
        # How many pages' worth of the newest statuses the home timeline looks through first.
        self.home_window = _WINDOW

    async def _fetch(self, sql: _Sql) -> list[Status]:
        return [status_from_row(r) for r in await self._db.fetch_all(sql.text, *sql.args)]

    async def add(self, status: Status) -> None:
        """The status with its mentions and tags (one transaction: call it inside one)."""
        try:
            await self._db.execute(_INSERT, *_status_values(status))
        except UniqueViolation:
            raise Conflict("This status already exists.") from None
        mentioned = list(dict.fromkeys(status.mentioned_ids))
        if mentioned:
            await self._db.execute(
                "INSERT INTO status_mentions (status_id, account_id) VALUES "
                + ", ".join("(?, ?)" for _ in mentioned),
                *[x for account_id in mentioned for x in (status.id, account_id)],
            )
        tags = list(dict.fromkeys(status.tags))
        if tags:
            await self._db.execute(
                "INSERT INTO status_tags (status_id, tag) VALUES " + ", ".join("(?, ?)" for _ in tags),
                *[x for tag in tags for x in (status.id, tag)],
            )

    async def get(self, status_id: str) -> Status | None:
        found = await self._fetch(_Sql(self._select + " WHERE s.id = ?", (status_id,)))
        return found[0] if found else None

    async def get_many(self, status_ids: Sequence[str]) -> dict[str, Status]:
        ids = list(dict.fromkeys(status_ids))
        if not ids:
            return {}
        found = await self._fetch(_Sql(self._select + " WHERE ") + in_ids(self._dialect, "s.id", ids))
        return {s.id: s for s in found}

    async def delete(self, status_id: str) -> bool:
        # Its reblogs, marks, mentions, tags and notifications go by ON DELETE CASCADE; its
        # attachments are let go (status_id set to NULL).
        return await self._db.execute("DELETE FROM statuses WHERE id = ?", status_id) > 0

    async def in_thread(self, context_id: str, limit: int) -> list[Status]:
        return await self._fetch(
            _Sql(
                self._select + " WHERE s.context_id = ? AND s.reblog_of_id IS NULL ORDER BY s.id",
                (context_id,),
            )
            + _limit(limit)
        )

    async def reblog_of(self, account_id: str, status_id: str) -> Status | None:
        found = await self._fetch(
            _Sql(self._select + " WHERE s.account_id = ? AND s.reblog_of_id = ?", (account_id, status_id))
        )
        return found[0] if found else None

    async def reblogged(self, account_id: str, status_ids: Sequence[str]) -> set[str]:
        ids = list(dict.fromkeys(status_ids))
        if not ids:
            return set()
        sql = _Sql("SELECT s.reblog_of_id FROM statuses s WHERE s.account_id = ? AND ", (account_id,))
        sql += in_ids(self._dialect, "s.reblog_of_id", ids)
        return {r["reblog_of_id"] for r in await self._db.fetch_all(sql.text, *sql.args)}

    async def viewer_marks(self, account_id: str, status_ids: Sequence[str]) -> ViewerMarks:
        ids = list(dict.fromkeys(status_ids))
        if not ids:
            return ViewerMarks()
        parts = [
            _Sql(
                f"SELECT '{kind}' AS kind, {column} AS id FROM {table} WHERE account_id = ? AND ",
                (account_id,),
            )
            + in_ids(self._dialect, column, ids)
            for kind, table, column in (
                ("f", "favourites", "status_id"),
                ("b", "bookmarks", "status_id"),
                ("r", "statuses", "reblog_of_id"),
            )
        ]
        sql = parts[0] + " UNION ALL " + parts[1] + " UNION ALL " + parts[2]
        found: dict[str, set[str]] = {"f": set(), "b": set(), "r": set()}
        for row in await self._db.fetch_all(sql.text, *sql.args):
            found[row["kind"]].add(row["id"])
        return ViewerMarks(frozenset(found["f"]), frozenset(found["b"]), frozenset(found["r"]))

    async def reblogs(self, status_id: str, page: Page) -> list[Status]:
        where = _and([_Sql("s.reblog_of_id = ?", (status_id,)), _bounds("s.id", page)])
        sql = _Sql(self._select + " WHERE ") + where
        sql += f" ORDER BY s.id {_order(page)}{_limit(page.limit)}"
        return newest_first(await self._fetch(sql), page)

    async def adjust_counts(
        self, status_id: str, *, replies: int = 0, favourites: int = 0, reblogs: int = 0
    ) -> None:
        g = self._greatest
        await self._db.execute(
            f"UPDATE statuses SET replies_count = {g}(0, replies_count + ?),"
            f" favourites_count = {g}(0, favourites_count + ?), reblogs_count = {g}(0, reblogs_count + ?)"
            " WHERE id = ?",
            replies,
            favourites,
            reblogs,
            status_id,
        )

    # -- lists

    async def timeline(self, query: TimelineQuery, page: Page) -> list[Status]:
        if query.kind == "home":
            if query.viewer_id is None:
                return []
            return await self._home(query, page)
        order = _order(page)
        if query.kind == "tag":
            # Walk status_tags (tag, status_id) in order; each row's status is one lookup by key.
            where = _and(
                [
                    _Sql("tt.tag = ? AND s.id = tt.status_id", (query.tag or "",)),
                    _Sql("s.visibility = 'public' AND s.reblog_of_id IS NULL"),
                    _bounds("tt.status_id", page),
                    _eligible("s", query),
                ]
            )
            sql = _Sql(_select(self._dialect, "status_tags tt CROSS JOIN statuses s"))
            sql += " WHERE " + where
            sql += f" ORDER BY tt.status_id {order}"
        else:
            if query.kind == "public":
                # Spelled as the partial index statuses_public is, so the planner walks it.
                source = _Sql("s.visibility = 'public' AND s.reblog_of_id IS NULL")
            elif query.kind == "account":
                source = _Sql("s.account_id = ?", (query.account_id or "",))
            else:
                raise ValueError(f"unknown timeline kind {query.kind!r}")
            where = _and([source, _bounds("s.id", page), _eligible("s", query)])
            sql = _Sql(self._select) + " WHERE " + where + f" ORDER BY s.id {order}"
        return newest_first(await self._fetch(sql + _limit(page.limit)), page)

    async def _home(self, q: TimelineQuery, page: Page) -> list[Status]:
        """First the newest `home_window * limit` statuses of the page's range, read in id order and each
        checked for belonging to the viewer's home: where the viewer follows the active accounts
        that fills the page, at a cost that depends on how dense home statuses are, not on the
        table's size. If it does not, the rest of the page comes from the three sources read one by
        one below the window (`_sources`), whose cost is bounded by followees × limit."""
        viewer, order, n = q.viewer_id, _order(page), page.limit
        bounds = _bounds("s.id", page)
        edge = (
            _Sql("(SELECT e.id FROM statuses e WHERE ")
            + _and([_bounds("e.id", page)])
            + f" ORDER BY e.id {order}{_limit(1, offset=n * self.home_window - 1)})"
        )

        def in_window(column: str) -> _Sql:
            if order == "DESC":
                return _Sql(f"{column} >= COALESCE(") + edge + _Sql(", ?)", ("",))
            return _Sql(f"{column} <= COALESCE(") + edge + _Sql(", ?)", (_HIGHEST,))

        # The viewer's own and followees' statuses, the followees as uncorrelated IN lists (each
        # engine reads them once into a hash or an index), and those mentioning the viewer.
        home = (
            "(s.account_id = ?"
            " OR s.account_id IN (SELECT wf.followee_id FROM follows wf"
            " WHERE wf.follower_id = ? AND wf.state = 'accepted' AND wf.show_reblogs)"
            " OR (s.reblog_of_id IS NULL AND s.account_id IN (SELECT wo.followee_id FROM follows wo"
            " WHERE wo.follower_id = ? AND wo.state = 'accepted'))"
        )
        if self._dialect.name == "sqlite":
            # With the mention lookup among the ORs, SQLite walks the primary key through the window.
            # Without it, it reads every followee's statuses by statuses_account and sorts them all.
            in_home = _Sql(home + f" OR {_mentions('s')})", (viewer, viewer, viewer, viewer))
            where = _and([in_window("s.id"), bounds, in_home, _eligible("s", q)])
            got = await self._fetch(
                _Sql(self._select + " WHERE ") + where + f" ORDER BY s.id {order}{_limit(n)}"
            )
        else:
            # A generic plan would make that lookup a hash of every status mentioning the viewer:
            # Postgres reads those statuses from the viewer's end of status_mentions instead.
            in_home = _Sql(home + ")", (viewer, viewer, viewer))
            scan = (
                _Sql("SELECT s.id FROM statuses s WHERE ")
                + _and([in_window("s.id"), bounds, in_home, _eligible("s", q)])
                + f" ORDER BY s.id {order}{_limit(n)}"
            )
            ids = (
                _Sql("SELECT u.id FROM (SELECT a1.id FROM (")
                + scan
                + ") a1 UNION SELECT a2.id FROM ("
                + self._mentioning(q, page, within=in_window("hm.status_id"))
                + f") a2) u ORDER BY u.id {order}{_limit(n)}"
            )
            got = await self._fetch(
                _Sql(self._select + " WHERE s.id IN (") + ids + f") ORDER BY s.id {order}"
            )
        if len(got) == n:
            return newest_first(got, page)
        edge_row = await self._db.fetch_one("SELECT " + edge.text[1:-1].removeprefix("SELECT "), *edge.args)
        if edge_row is None:  # the window held every status in the page's range
            return newest_first(got, page)
        # Below the window (or above it, reading up from min_id): the sources one by one.
        if order == "DESC":
            rest = Page(max_id=edge_row["id"], since_id=page.since_id, limit=n - len(got))
        else:
            rest = Page(min_id=edge_row["id"], since_id=page.since_id, max_id=page.max_id, limit=n - len(got))
        return newest_first(got + await self._sources(q, rest), page)

    async def _sources(self, q: TimelineQuery, page: Page) -> list[Status]:
        """The page from the union of the viewer's own statuses, those mentioning the viewer and each
        followee's, each read from its own index and cut at the page size; in the page's order."""
        viewer, order, n = q.viewer_id, _order(page), page.limit
        own = (
            _Sql("SELECT s.id FROM statuses s WHERE s.account_id = ? AND ", (viewer,))
            + _and([_bounds("s.id", page), _eligible("s", q)])
            + f" ORDER BY s.id {order}{_limit(n)}"
        )
        mentioning = self._mentioning(q, page)
        followed = self._followed(q, page)
        ids = (
            _Sql("SELECT u.id FROM (SELECT a1.id FROM (")
            + own
            + ") a1 UNION SELECT a2.id FROM ("
            + mentioning
            + ") a2 UNION SELECT a3.id FROM ("
            + followed
            + f") a3) u ORDER BY u.id {order}{_limit(n)}"
        )
        return await self._fetch(_Sql(self._select + " WHERE s.id IN (") + ids + f") ORDER BY s.id {order}")

    def _mentioning(self, q: TimelineQuery, page: Page, within: _Sql | None = None) -> _Sql:
        """The ids of the statuses mentioning the viewer (and `within`, a condition on hm.status_id),
        read from the viewer's end of status_mentions and cut at the page size."""
        order = _order(page)
        return (
            _Sql(
                "SELECT s.id FROM status_mentions hm CROSS JOIN statuses s"
                " WHERE hm.account_id = ? AND s.id = hm.status_id AND ",
                (q.viewer_id,),
            )
            + _and([within or _Sql(""), _bounds("hm.status_id", page), _eligible("s", q)])
            + f" ORDER BY hm.status_id {order}{_limit(page.limit)}"
        )

    def _followed(self, q: TimelineQuery, page: Page) -> _Sql:
        """The statuses of the viewer's accepted followees (their reblogs only with show_reblogs): at
        most `limit` per followee, each followee's read from statuses_account newest first."""
        order, n = _order(page), page.limit

        # f.show_reblogs is 0/1 on SQLite and a boolean on Postgres: either reads as a condition.
        def per_followee(alias: str) -> _Sql:
            return _and(
                [
                    _Sql(
                        f"{alias}.account_id = hf.followee_id"
                        f" AND ({alias}.reblog_of_id IS NULL OR hf.show_reblogs)"
                    ),
                    _bounds(f"{alias}.id", page),
                    _eligible(alias, q),
                ]
            )

        follows = _Sql("hf.follower_id = ? AND hf.state = 'accepted'", (q.viewer_id,))
        if self._dialect.name == "postgres":
            return (
                _Sql("SELECT x.id FROM follows hf CROSS JOIN LATERAL (SELECT s.id FROM statuses s WHERE ")
                + per_followee("s")
                + f" ORDER BY s.id {order}{_limit(n)}) x WHERE "
                + follows
            )
        # The n-th eligible status of this followee within the page's bounds (or the open end).
        nth = (
            _Sql("(SELECT x.id FROM statuses x WHERE ")
            + per_followee("x")
            + f" ORDER BY x.id {order}{_limit(1, offset=n - 1)})"
        )
        if order == "DESC":
            edge = _Sql("s.id >= COALESCE(") + nth + _Sql(", ?)", ("",))
        else:
            edge = _Sql("s.id <= COALESCE(") + nth + _Sql(", ?)", (_HIGHEST,))
        return (
            _Sql("SELECT s.id FROM follows hf CROSS JOIN statuses s WHERE ")
            + _and([follows, edge, per_followee("s")])
            + f" ORDER BY s.id {order}{_limit(n)}"
        )

    async def search(self, viewer_id: str | None, text: str, page: Page, offset: int) -> list[Status]:
        """Statuses whose source contains `text` (case-insensitive), visible to the viewer and not by
        authors they block or mute, newest first; `offset` skips that many from the page's start."""
        needle = text.casefold().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        q = TimelineQuery(kind="public", viewer_id=viewer_id)
        where = _and(
            [
                _Sql("s.reblog_of_id IS NULL AND lower(s.source) LIKE ? ESCAPE '\\'", (f"%{needle}%",)),
                _bounds("s.id", page),
                _can_see("s", q, hide=True),
            ]
        )
        sql = _Sql(self._select + " WHERE ") + where
        sql += f" ORDER BY s.id {_order(page)}{_limit(page.limit + max(0, offset))}"
        return newest_first(await self._fetch(sql), page)[max(0, offset) :]

    # -- Idempotency-Key

    async def idempotent(self, account_id: str, key: str) -> str | None:
        row = await self._db.fetch_one(
            "SELECT status_id FROM idempotency_keys WHERE account_id = ? AND key = ?", account_id, key
        )
        return row["status_id"] if row else None

    async def remember_idempotency(self, account_id: str, key: str, status_id: str, now: datetime) -> None:
        await self._db.execute(
            "INSERT INTO idempotency_keys (account_id, key, status_id, created_at) VALUES (?, ?, ?, ?)"
            " ON CONFLICT DO NOTHING",
            account_id,
            key,
            status_id,
            to_micros(now),
        )


def _mark_from_row(r: Row) -> Mark:
    return Mark(
        id=r["id"],
        account_id=r["account_id"],
        status_id=r["status_id"],
        created_at=from_micros(r["created_at"]),
    )


class SqlMarks:
    """Favourites or bookmarks: the same shape in two tables."""

    def __init__(self, db: Executor, table: str) -> None:
        if table not in ("favourites", "bookmarks"):
            raise ValueError(f"no marks table {table!r}")
        self._db = db
        self._table = table
        self._select = f"SELECT id, account_id, status_id, created_at FROM {table}"

    async def add(self, mark: Mark) -> bool:
        return (
            await self._db.execute(
                f"INSERT INTO {self._table} (id, account_id, status_id, created_at) VALUES (?, ?, ?, ?)"
                " ON CONFLICT DO NOTHING",
                mark.id,
                mark.account_id,
                mark.status_id,
                to_micros(mark.created_at),
            )
            == 1
        )

    async def remove(self, account_id: str, status_id: str) -> bool:
        return (
            await self._db.execute(
                f"DELETE FROM {self._table} WHERE account_id = ? AND status_id = ?", account_id, status_id
            )
            > 0
        )

    async def marked(self, account_id: str, status_ids: Sequence[str]) -> set[str]:
        ids = list(dict.fromkeys(status_ids))
        if not ids:
            return set()
        sql = _Sql(f"SELECT status_id FROM {self._table} WHERE account_id = ? AND ", (account_id,))
        sql += in_ids(self._db.dialect, "status_id", ids)
        return {r["status_id"] for r in await self._db.fetch_all(sql.text, *sql.args)}

    async def _page(self, column: str, value: str, page: Page) -> list[Mark]:
        where = _and([_Sql(f"{column} = ?", (value,)), _bounds("id", page)])
        sql = _Sql(f"{self._select} WHERE ") + where
        sql += f" ORDER BY id {_order(page)}{_limit(page.limit)}"
        rows = await self._db.fetch_all(sql.text, *sql.args)
        return newest_first([_mark_from_row(r) for r in rows], page)

    async def by_account(self, account_id: str, page: Page) -> list[Mark]:
        return await self._page("account_id", account_id, page)

    async def accounts_for(self, status_id: str, page: Page) -> list[Mark]:
        return await self._page("status_id", status_id, page)
