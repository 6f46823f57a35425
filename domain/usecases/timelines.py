"""Timelines: home, public, a hashtag's, and an account's statuses."""

from __future__ import annotations

from plerome.domain.accounts import Account
from plerome.domain.pagination import Page
from plerome.domain.statuses import Status
from plerome.ports.statuses import TimelineQuery

from .accounts import find_account
from .context import Context
from .listing import Listed
from .visibility import visible_statuses


async def _listed(ctx: Context, query: TimelineQuery, page: Page, *, hide: bool = True) -> Listed[Status]:
    """The store picks the page by the visibility rule; each status is judged by it once more here,
    the one place the rule lives in code."""
    statuses = await ctx.stores.statuses.timeline(query, page)
    shown = await visible_statuses(ctx, query.viewer_id, statuses, for_list=hide)
    return Listed(shown, [s.id for s in statuses])


async def home_timeline(
    ctx: Context, viewer: Account, page: Page, *, only_media: bool = False, exclude_replies: bool = False
) -> Listed[Status]:
    """The viewer's own statuses, those of accounts they follow (reblogs only where they show them)
    and those that mention them."""
    query = TimelineQuery(
        "home", viewer.id, only_media=only_media, exclude_replies=exclude_replies, now=ctx.clock.now()
    )
    return await _listed(ctx, query, page)


async def public_timeline(
    ctx: Context, viewer_id: str | None, page: Page, *, only_media: bool = False, remote: bool = False
) -> Listed[Status]:
    """Public statuses, reblogs left out. Every status here is local: asking for remote ones gets none."""
    if remote:
        return Listed([], [])
    query = TimelineQuery("public", viewer_id, only_media=only_media, now=ctx.clock.now())
    return await _listed(ctx, query, page)


def tag_key(tag: str) -> str:
    """A hashtag as statuses store it: without its #, lowercased."""
    return tag.removeprefix("#").casefold()


async def tag_timeline(
    ctx: Context, viewer_id: str | None, tag: str, page: Page, *, only_media: bool = False
) -> Listed[Status]:
    query = TimelineQuery("tag", viewer_id, tag=tag_key(tag), only_media=only_media, now=ctx.clock.now())
    return await _listed(ctx, query, page)


async def account_statuses(
    ctx: Context,
    viewer: Account | None,
    account_ref: str,
    page: Page,
    *,
    exclude_reblogs: bool = False,
    exclude_replies: bool = False,
    only_media: bool = False,
    pinned: bool = False,
) -> Listed[Status]:
    """An account's statuses as the viewer may see them (all of them, for its owner). Nothing is
    pinned yet, so the pinned list is empty."""
    account = await find_account(ctx, account_ref, include_deactivated=viewer is not None and viewer.is_admin)
    if pinned:
        return Listed([], [])
    viewer_id = viewer.id if viewer else None
    query = TimelineQuery(
        "account",
        viewer_id,
        account_id=account.id,
        exclude_reblogs=exclude_reblogs,
        exclude_replies=exclude_replies,
        only_media=only_media,
        now=ctx.clock.now(),
    )
    return await _listed(ctx, query, page, hide=viewer_id != account.id)
