"""Following, blocking, muting and subscribing, and the lists and relationships they make.

Every action runs in one transaction and answers the viewer's Relationship to the other account,
read inside that transaction. Accounts are named by id only (as Pleroma's account actions do); an
unknown, deactivated or malformed id is NotFound.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from plerome.domain.accounts import Account
from plerome.domain.errors import NotFound
from plerome.domain.pagination import Page
from plerome.domain.social import (
    Block,
    Mute,
    Relationship,
    check_can_follow,
    check_can_subscribe,
    mute_expires_at,
    new_follow,
    not_yourself,
    refollow,
    search_prefix,
)
from plerome.ports.repositories import Stores
from plerome.ports.social import AccountSearch

from .context import Context
from .notifications import notify

ID_MAX = 128


@dataclass(frozen=True, slots=True)
class Listed:
    """An account in a list, with the id of the edge that put it there (what the list pages by)."""

    id: str
    account: Account


def plausible_id(value: str) -> bool:
    """Ids are short printable ASCII; anything else names nothing (and never reaches a store)."""
    return 0 < len(value) <= ID_MAX and value.isascii() and value.isprintable()


async def _account(stores: Stores, account_id: str) -> Account:
    account = await stores.accounts.get(account_id) if plausible_id(account_id) else None
    if account is None or not account.is_active:
        raise NotFound()
    return account


async def _relationship(ctx: Context, stores: Stores, viewer_id: str, target_id: str) -> Relationship:
    return await stores.social.relationship(viewer_id, target_id, ctx.clock.now())


# -- actions


async def follow(
    ctx: Context,
    viewer: Account,
    target_id: str,
    *,
    reblogs: bool | None = None,
    notify_posts: bool | None = None,
) -> Relationship:
    """Follow (a request, if the target is locked) and notify the target; following again changes the
    options given. `notify_posts` (Mastodon's `notify`) is the subscription: True subscribes, False
    unsubscribes, None leaves it."""
    async with ctx.stores.transaction() as tx:
        target = await _account(tx, target_id)
        towards = await _relationship(ctx, tx, viewer.id, target.id)
        check_can_follow(viewer.id, target, towards)
        existing = await tx.social.get_follow(viewer.id, target.id)
        if existing is None:
            made = new_follow(ctx.ids.new(), viewer.id, target, reblogs, ctx.clock.now())
            await tx.social.follow(made)
            kind = "follow_request" if made.state == "pending" else "follow"
            await notify(ctx, tx, target.id, kind, viewer.id)
        else:
            changed = refollow(existing, reblogs)
            if changed != existing:
                await tx.social.follow(changed)
        if notify_posts is True:
            await tx.social.subscribe(viewer.id, target.id, ctx.clock.now())
        elif notify_posts is False:
            await tx.social.unsubscribe(viewer.id, target.id)
        return await _relationship(ctx, tx, viewer.id, target.id)


async def unfollow(ctx: Context, viewer: Account, target_id: str) -> Relationship:
    """Stop following, or withdraw a request; the subscription goes with it."""
    async with ctx.stores.transaction() as tx:
        target = await _account(tx, target_id)
        not_yourself(viewer.id, target.id, "unfollow")
        await tx.social.unfollow(viewer.id, target.id)
        await tx.social.unsubscribe(viewer.id, target.id)
        return await _relationship(ctx, tx, viewer.id, target.id)


async def block(ctx: Context, viewer: Account, target_id: str) -> Relationship:
    """Block; follows, requests and subscriptions between the two go, both ways."""
    async with ctx.stores.transaction() as tx:
        target = await _account(tx, target_id)
        not_yourself(viewer.id, target.id, "block")
        await tx.social.block(Block(ctx.ids.new(), viewer.id, target.id, ctx.clock.now()))
        for a, b in ((viewer.id, target.id), (target.id, viewer.id)):
            await tx.social.unfollow(a, b)
            await tx.social.unsubscribe(a, b)
        return await _relationship(ctx, tx, viewer.id, target.id)


async def unblock(ctx: Context, viewer: Account, target_id: str) -> Relationship:
    async with ctx.stores.transaction() as tx:
        target = await _account(tx, target_id)
        not_yourself(viewer.id, target.id, "unblock")
        await tx.social.unblock(viewer.id, target.id)
        return await _relationship(ctx, tx, viewer.id, target.id)


async def mute(
    ctx: Context,
    viewer: Account,
    target_id: str,
    *,
    notifications: bool = True,
    expires_in: int | None = None,
) -> Relationship:
    """Mute (their notifications too unless `notifications` is false), for `expires_in` seconds or for
    good. Muting again changes the options and keeps the mute's place in the mutes list."""
    now = ctx.clock.now()
    expires_at = mute_expires_at(now, expires_in)
    async with ctx.stores.transaction() as tx:
        target = await _account(tx, target_id)
        not_yourself(viewer.id, target.id, "mute")
        existing = await tx.social.get_mute(viewer.id, target.id, now)
        mute_id = existing.id if existing is not None else ctx.ids.new()
        await tx.social.mute(Mute(mute_id, viewer.id, target.id, notifications, now, expires_at))
        return await _relationship(ctx, tx, viewer.id, target.id)


async def unmute(ctx: Context, viewer: Account, target_id: str) -> Relationship:
    async with ctx.stores.transaction() as tx:
        target = await _account(tx, target_id)
        not_yourself(viewer.id, target.id, "unmute")
        await tx.social.unmute(viewer.id, target.id)
        return await _relationship(ctx, tx, viewer.id, target.id)


async def authorize_follow_request(ctx: Context, viewer: Account, follower_id: str) -> Relationship:
    """Accept a pending request to the viewer (again is harmless). Nobody is notified: neither
    Mastodon nor Pleroma tells the follower. No request at all is NotFound."""
    async with ctx.stores.transaction() as tx:
        follower = await _account(tx, follower_id)
        request = await tx.social.get_follow(follower.id, viewer.id)
        if request is None:
            raise NotFound()
        if request.state == "pending":
            await tx.social.follow(replace(request, state="accepted"))
        return await _relationship(ctx, tx, viewer.id, follower.id)


async def reject_follow_request(ctx: Context, viewer: Account, follower_id: str) -> Relationship:
    """Turn down a pending request to the viewer; with none pending, NotFound."""
    async with ctx.stores.transaction() as tx:
        follower = await _account(tx, follower_id)
        request = await tx.social.get_follow(follower.id, viewer.id)
        if request is None or request.state != "pending":
            raise NotFound()
        await tx.social.unfollow(follower.id, viewer.id)
        return await _relationship(ctx, tx, viewer.id, follower.id)


async def subscribe(ctx: Context, viewer: Account, target_id: str) -> Relationship:
    """Be notified of the target's new posts (Pleroma's subscribe; `notify` on a follow is the same)."""
    async with ctx.stores.transaction() as tx:
        target = await _account(tx, target_id)
        check_can_subscribe(target, await _relationship(ctx, tx, viewer.id, target.id))
        await tx.social.subscribe(viewer.id, target.id, ctx.clock.now())
        return await _relationship(ctx, tx, viewer.id, target.id)


async def unsubscribe(ctx: Context, viewer: Account, target_id: str) -> Relationship:
    async with ctx.stores.transaction() as tx:
        target = await _account(tx, target_id)
        await tx.social.unsubscribe(viewer.id, target.id)
        return await _relationship(ctx, tx, viewer.id, target.id)


# -- reading


async def relationships(ctx: Context, viewer: Account, target_ids: Sequence[str]) -> list[Relationship]:
    """The viewer's relationship to each account named, in the order asked, each once. Ids naming no
    (active) account are left out, as Pleroma does."""
    wanted = [i for i in dict.fromkeys(target_ids) if plausible_id(i)]
    if not wanted:
        return []
    accounts = await ctx.stores.accounts.get_many(wanted)
    found = [i for i in wanted if i in accounts and accounts[i].is_active]
    if not found:
        return []
    rels = await ctx.stores.social.relationships(viewer.id, found, ctx.clock.now())
    return [rels[i] for i in found]


async def _listed(stores: Stores, edges: Sequence[tuple[str, str]]) -> list[Listed]:
    """(edge id, account id) pairs as Listed, in order; deactivated accounts are left out."""
    accounts = await stores.accounts.get_many([account_id for _, account_id in edges])
    return [
        Listed(edge_id, accounts[account_id])
        for edge_id, account_id in edges
        if account_id in accounts and accounts[account_id].is_active
    ]


async def followers(ctx: Context, viewer: Account | None, account_id: str, page: Page) -> list[Listed]:
    """Who follows the account, newest first; empty for others when it hides its followers."""
    account = await _account(ctx.stores, account_id)
    if account.hide_followers and (viewer is None or viewer.id != account.id):
        return []
    edges = await ctx.stores.social.followers(account.id, page)
    return await _listed(ctx.stores, [(f.id, f.follower_id) for f in edges])


async def following(ctx: Context, viewer: Account | None, account_id: str, page: Page) -> list[Listed]:
    """Whom the account follows, newest first; empty for others when it hides its follows."""
    account = await _account(ctx.stores, account_id)
    if account.hide_follows and (viewer is None or viewer.id != account.id):
        return []
    edges = await ctx.stores.social.following(account.id, page)
    return await _listed(ctx.stores, [(f.id, f.followee_id) for f in edges])


async def follow_requests(ctx: Context, viewer: Account, page: Page) -> list[Listed]:
    edges = await ctx.stores.social.follow_requests(viewer.id, page)
    return await _listed(ctx.stores, [(f.id, f.follower_id) for f in edges])


async def blocks(ctx: Context, viewer: Account, page: Page) -> list[Listed]:
    edges = await ctx.stores.social.blocks(viewer.id, page)
    return await _listed(ctx.stores, [(b.id, b.blocked_id) for b in edges])


async def mutes(ctx: Context, viewer: Account, page: Page) -> list[Listed]:
    edges = await ctx.stores.social.mutes(viewer.id, page, ctx.clock.now())
    return await _listed(ctx.stores, [(m.id, m.muted_id) for m in edges])


async def search_accounts(
    ctx: Context,
    viewer: Account | None,
    query: str,
    *,
    limit: int,
    offset: int = 0,
    following_only: bool = False,
) -> list[Account]:
    """Local accounts whose nickname or display name starts with `query` (see AccountSearch)."""
    prefix = search_prefix(query, ctx.policy.host)
    if prefix is None:
        return []
    return await ctx.stores.social.search_accounts(
        AccountSearch(
            prefix=prefix,
            viewer_id=viewer.id if viewer is not None else None,
            following_only=following_only and viewer is not None,
            limit=limit,
            offset=max(0, offset),
        )
    )
