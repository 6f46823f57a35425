"""SQL pieces every repository shares: a list of ids bound to ONE parameter, and Mastodon-style pages.

Binding a whole id list to one parameter (a text[] on Postgres, a JSON array on SQLite) keeps the
statement text the same for any number of ids and never meets a limit on parameters.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar

import msgspec

from plerome.domain.pagination import Page

from .database import Dialect

T = TypeVar("T")
_json = msgspec.json.Encoder().encode


def any_of(dialect: Dialect, column: str) -> str:
    """`column` is one of the ids bound to a single parameter (see `ids_param`)."""
    if dialect.name == "postgres":
        return f"{column} = ANY(?::text[])"
    return f"{column} IN (SELECT value FROM json_each(?))"


def ids_table(dialect: Dialect) -> str:
    """A table `t` with one row per id bound to a single parameter, the id in `t.value`."""
    if dialect.name == "postgres":
        return "unnest(?::text[]) AS t(value)"
    return "json_each(?) AS t"


def ids_param(dialect: Dialect, ids: Sequence[str]) -> Any:
    return list(ids) if dialect.name == "postgres" else _json(list(ids)).decode()


def paged(sql: str, args: list[Any], page: Page, column: str = "id") -> tuple[str, list[Any]]:
    """`sql` (a SELECT ending in its WHERE conditions) narrowed to `page` and ordered. With min_id the
    rows come oldest first (`newest_first` turns them round): the `limit` rows just above min_id."""
    args = list(args)
    for bound, op in ((page.max_id, "<"), (page.since_id, ">"), (page.min_id, ">")):
        if bound is not None:
            sql += f" AND {column} {op} ?"
            args.append(bound)
    order = "ASC" if page.min_id is not None else "DESC"
    return f"{sql} ORDER BY {column} {order}{limit(page.limit)}", args


def limit(n: int, *, offset: int | None = None) -> str:
    """` LIMIT n [OFFSET m]` written into the statement, not bound: Postgres plans a prepared statement
    once for any arguments, and a plan that does not know its limit expects a tenth of the table
    and walks no index (a 20-status page took 2 s at a million rows). Only ints get in."""
    text = f" LIMIT {int(n)}"
    return text if offset is None else f"{text} OFFSET {int(offset)}"


def newest_first(items: list[T], page: Page) -> list[T]:
    return items[::-1] if page.min_id is not None else items
