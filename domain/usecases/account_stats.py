"""The numbers shown on accounts (followers, statuses, unread counts), for a whole page at once."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from plerome.domain.accounts import AccountCounts

from .context import Context

NO_COUNTS = AccountCounts()


@dataclass(frozen=True, slots=True)
class AccountStats:
    followers: int = 0
    following: int = 0
    statuses: int = 0
    follow_requests: int = 0
    unread_notifications: int = 0  # only filled for the viewer's own account
    unread_conversations: int = 0  # likewise


NO_STATS = AccountStats()


async def account_stats(
    ctx: Context, account_ids: Sequence[str], self_id: str | None = None
) -> dict[str, AccountStats]:
    """Stats of `account_ids`, with the private counts of `self_id` when it is among them. A few store
    round-trips for the whole page, whatever its size."""
    ids = list(dict.fromkeys(account_ids))
    if not ids:
        return {}
    counts = await ctx.stores.accounts.counts(ids)
    stats = {}
    for i in ids:
        c = counts.get(i, NO_COUNTS)
        own = i == self_id
        stats[i] = AccountStats(
            followers=c.followers,
            following=c.following,
            statuses=c.statuses,
            follow_requests=c.follow_requests if own else 0,
            unread_notifications=await ctx.stores.notifications.unread_count(i) if own else 0,
            unread_conversations=await ctx.stores.conversations.unread_count(i) if own else 0,
        )
    return stats
