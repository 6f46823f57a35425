"""What the instance tells about itself: its numbers, gathered in one place."""

from __future__ import annotations

from dataclasses import dataclass

from .context import Context


@dataclass(frozen=True, slots=True)
class Statistics:
    users: int  # local accounts
    statuses: int  # local statuses
    domains: int  # other instances known
    active_month: int  # local accounts active in the last 30 days


async def statistics(ctx: Context) -> Statistics:
    # plerome federates with no one and records no activity yet: those numbers are truly zero until
    # the features that produce them count themselves in here. Every status is local.
    return Statistics(
        users=await ctx.stores.accounts.count_local(),
        statuses=await ctx.stores.accounts.statuses_total(),
        domains=0,
        active_month=0,
    )
