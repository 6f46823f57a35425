"""Mastodon-style pagination: max_id, since_id, min_id and a clamped limit."""

from __future__ import annotations

from dataclasses import dataclass

DEFAULT_LIMIT = 20
MAX_LIMIT = 40


@dataclass(frozen=True, slots=True)
class Page:
    """Ids are compared as text (flake ids sort in creation order).

    max_id: older than (exclusive). since_id: newer than (exclusive), newest first.
    min_id: immediately newer than (exclusive): the oldest `limit` items above it, newest first.
    """

    max_id: str | None = None
    since_id: str | None = None
    min_id: str | None = None
    limit: int = DEFAULT_LIMIT


def make_page(
    max_id: str | None = None,
    since_id: str | None = None,
    min_id: str | None = None,
    limit: int | None = None,
    *,
    default: int = DEFAULT_LIMIT,
    maximum: int = MAX_LIMIT,
) -> Page:
    """A page with Pleroma's limit rules: default 20, anything above 40 is 40, below 1 is 1."""
    wanted = default if limit is None else limit
    return Page(
        max_id=max_id or None,
        since_id=since_id or None,
        min_id=min_id or None,
        limit=max(1, min(wanted, maximum)),
    )
