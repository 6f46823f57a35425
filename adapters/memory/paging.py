"""Apply a Page to items in memory, the way the SQL stores do."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TypeVar

from plerome.domain.pagination import Page

T = TypeVar("T")


def paginate(items: Iterable[T], page: Page, key: Callable[[T], str]) -> list[T]:
    """Newest (largest id) first; with min_id, the `limit` items just above it, still newest first."""
    chosen = [
        i
        for i in items
        if (page.max_id is None or key(i) < page.max_id)
        and (page.since_id is None or key(i) > page.since_id)
        and (page.min_id is None or key(i) > page.min_id)
    ]
    if page.min_id is not None:
        return sorted(chosen, key=key)[: page.limit][::-1]
    return sorted(chosen, key=key, reverse=True)[: page.limit]
