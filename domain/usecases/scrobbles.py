"""Scrobbling what one listens to, and reading an account's scrobbles."""

from __future__ import annotations

from plerome.domain.accounts import Account
from plerome.domain.pagination import Page
from plerome.domain.scrobbles import Scrobble, can_see_scrobble, new_scrobble, visible_levels

from .accounts import find_account
from .context import Context


async def scrobble(
    ctx: Context,
    author: Account,
    *,
    title: str,
    artist: str | None = None,
    album: str | None = None,
    length: int | None = None,
    external_link: str | None = None,
    visibility: str | None = None,
) -> Scrobble:
    made = new_scrobble(
        ctx.ids.new(),
        author.id,
        ctx.clock.now(),
        title=title,
        artist=artist,
        album=album,
        length=length,
        external_link=external_link,
        visibility=visibility,
    )
    await ctx.stores.scrobbles.add(made)
    return made


async def account_scrobbles(
    ctx: Context, reader_id: str | None, account_ref: str, page: Page
) -> tuple[Account, list[Scrobble]]:
    """The account (by id or nickname) and its scrobbles the reader may see, newest first."""
    account = await find_account(ctx, account_ref)
    towards = None
    if reader_id is not None and reader_id != account.id:
        towards = await ctx.stores.social.relationship(reader_id, account.id, ctx.clock.now())
    levels = visible_levels(account.id, reader_id, towards)
    found = await ctx.stores.scrobbles.by_account(account.id, levels, page)
    return account, [s for s in found if can_see_scrobble(s, reader_id, towards)]
