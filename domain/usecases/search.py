"""Searching local accounts, the statuses a viewer may see, and hashtags (GET /api/v2/search)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from plerome.domain.accounts import Account
from plerome.domain.pagination import Page
from plerome.domain.statuses import Status

from .context import Context
from .social import search_accounts
from .visibility import visible_statuses

KINDS = ("accounts", "statuses", "hashtags")
_TAG_WORD = re.compile(r"#?(\w{1,100})", re.UNICODE)


@dataclass(frozen=True, slots=True)
class SearchResults:
    accounts: list[Account] = field(default_factory=list)
    statuses: list[Status] = field(default_factory=list)
    hashtags: list[str] = field(default_factory=list)


def query_hashtags(query: str, limit: int) -> list[str]:
    """The hashtags a query names: each word (with or without `#`) that can be a tag, lowercased, once."""
    tags: dict[str, None] = {}
    for word in query.split():
        m = _TAG_WORD.fullmatch(word)
        if m and not m.group(1).isdigit():
            tags.setdefault(m.group(1).casefold(), None)
    return list(tags)[:limit]


async def search(
    ctx: Context,
    viewer: Account | None,
    query: str,
    *,
    kind: str | None = None,
    limit: int = 20,
    offset: int = 0,
    following_only: bool = False,
) -> SearchResults:
    query = query.strip()
    if not query:
        return SearchResults()
    wanted = (kind,) if kind in KINDS else KINDS
    results = SearchResults()
    if "accounts" in wanted:
        results.accounts.extend(
            await search_accounts(
                ctx, viewer, query, limit=limit, offset=offset, following_only=following_only
            )
        )
    if "statuses" in wanted:
        viewer_id = viewer.id if viewer is not None else None
        found = await ctx.stores.statuses.search(viewer_id, query, Page(limit=limit), max(0, offset))
        results.statuses.extend(await visible_statuses(ctx, viewer_id, found))
    if "hashtags" in wanted:
        results.hashtags.extend(
            query_hashtags(query, limit)[offset:] if offset else query_hashtags(query, limit)
        )
    return results
