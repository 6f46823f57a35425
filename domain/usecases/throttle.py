"""Rate limiting of failed attempts, counted in the store so that every server process sees them."""

from __future__ import annotations

from plerome.domain.errors import Throttled
from plerome.domain.throttle import WINDOW, Attempts, retry_after

from .context import Context


async def check(ctx: Context, key: str, limit: int | None = None) -> Attempts | None:
    """Raise Throttled when `key` has used up its failures; else what is counted under it."""
    attempts = await ctx.stores.attempts.get(key)
    wait = retry_after(attempts, ctx.clock.now(), ctx.policy.login_failures if limit is None else limit)
    if wait is not None:
        raise Throttled(wait)
    return attempts


async def failed(ctx: Context, key: str) -> None:
    await ctx.stores.attempts.hit(key, ctx.clock.now(), WINDOW)


async def succeeded(ctx: Context, key: str, counted: Attempts | None) -> None:
    """A success clears the failures counted so far (and costs no write when there were none)."""
    if counted is not None:
        await ctx.stores.attempts.clear(key)
