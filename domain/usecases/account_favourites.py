"""Pleroma's favourites of an account: what someone favourited, if they show it."""

from __future__ import annotations

from plerome.domain.errors import Forbidden
from plerome.domain.pagination import Page
from plerome.domain.statuses import Status

from .accounts import find_account
from .context import Context
from .visibility import visible_statuses


async def account_favourites(
    ctx: Context, reader_id: str | None, account_ref: str, page: Page
) -> tuple[list[Status], list[str]]:
    """The statuses the account favourited, newest favourite first, as far as the reader may see them
    (their authors blocked or muted by the reader left out), and the ids of the page's favourites
    (what the next and previous pages start from). An account hiding its favourites (Pleroma's
    default) shows them to nobody, itself included."""
    account = await find_account(ctx, account_ref)
    if account.hide_favorites:
        raise Forbidden("Can't get favorites")
    marks = await ctx.stores.favourites.by_account(account.id, page)
    found = await ctx.stores.statuses.get_many([m.status_id for m in marks])
    statuses = [found[m.status_id] for m in marks if m.status_id in found]
    return await visible_statuses(ctx, reader_id, statuses), [m.id for m in marks]
