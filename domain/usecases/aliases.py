"""Aliases (the accounts this one says it also is) and moving to another account."""

from __future__ import annotations

import dataclasses

from plerome.domain.accounts import Account
from plerome.domain.aliases import ALIASES_MAX, alias_name, local_nickname
from plerome.domain.errors import NotFound, Unprocessable
from plerome.domain.pagination import MAX_LIMIT, Page
from plerome.domain.social import Follow, initial_follow_state
from plerome.ports.repositories import Stores

from .context import Context
from .notifications import notify
from .passwords import confirm_password

NO_TARGET = "Target account does not exist."


async def _account(ctx: Context, account_id: str) -> Account:
    account = await ctx.stores.accounts.get(account_id)
    if account is None:
        raise NotFound()
    return account


async def _local_account(stores: Stores, ctx: Context, reference: str) -> Account | None:
    nickname = local_nickname(reference, ctx.policy)
    account = await stores.accounts.by_nickname(nickname) if nickname else None
    return account if account is not None and account.is_active else None


async def list_aliases(ctx: Context, account_id: str) -> list[str]:
    """The aliases as `nick@host`."""
    return [alias_name(a) for a in (await _account(ctx, account_id)).also_known_as]


async def add_alias(ctx: Context, account_id: str, reference: str) -> None:
    async with ctx.stores.transaction() as tx:
        target = await _local_account(tx, ctx, reference)
        if target is None:
            raise NotFound(NO_TARGET)
        current = await tx.accounts.get(account_id)
        if current is None:
            raise NotFound()
        actor = ctx.policy.actor_id(target.nickname)
        if actor in current.also_known_as:
            return
        if len(current.also_known_as) >= ALIASES_MAX:
            raise Unprocessable(f"An account can have at most {ALIASES_MAX} aliases.")
        await tx.accounts.update(dataclasses.replace(current, also_known_as=(*current.also_known_as, actor)))


async def remove_alias(ctx: Context, account_id: str, reference: str) -> None:
    """Remove an alias, named as GET shows it or as an account's nickname (even one deleted since)."""
    nickname = local_nickname(reference, ctx.policy)
    wanted = ctx.policy.actor_id(nickname).lower() if nickname else None
    shown = reference.strip().removeprefix("@").lower()
    async with ctx.stores.transaction() as tx:
        current = await tx.accounts.get(account_id)
        if current is None:
            raise NotFound()
        kept = tuple(
            a for a in current.also_known_as if a.lower() != wanted and alias_name(a).lower() != shown
        )
        if len(kept) == len(current.also_known_as):
            if await _local_account(tx, ctx, reference) is None:
                raise NotFound(NO_TARGET)
            raise NotFound("Account has no such alias.")
        await tx.accounts.update(dataclasses.replace(current, also_known_as=kept))


async def move_account(ctx: Context, account_id: str, password: str | None, target_reference: str) -> int:
    """Move to another local account that lists this one among its aliases. Every follower is told
    (a `move` notification); those who allow it follow the target instead. Returns how many moved."""
    origin = await _account(ctx, account_id)
    await confirm_password(ctx, origin, password)
    target = await _local_account(ctx.stores, ctx, target_reference)
    if target is None or target.id == origin.id:
        raise NotFound("Target account not found.")
    origin_actor = ctx.policy.actor_id(origin.nickname).lower()
    if origin_actor not in {a.lower() for a in target.also_known_as}:
        raise Unprocessable("Target account must have the origin in `alsoKnownAs`")
    moved = 0
    for follow in await _all_followers(ctx, origin.id):
        async with ctx.stores.transaction() as tx:
            follower = await tx.accounts.get(follow.follower_id)
            if follower is None or not follower.is_active:
                continue
            if follower.allow_following_move and follower.id != target.id:
                moved += await _move_follow(ctx, tx, follower, follow, origin, target)
            await notify(ctx, tx, follower.id, "move", origin.id, target_id=target.id)
    return moved


async def _all_followers(ctx: Context, account_id: str) -> list[Follow]:
    found: list[Follow] = []
    page = Page(limit=MAX_LIMIT)
    while True:
        batch = await ctx.stores.social.followers(account_id, page)
        found += batch
        if len(batch) < MAX_LIMIT:
            return found
        page = Page(max_id=batch[-1].id, limit=MAX_LIMIT)


async def _move_follow(
    ctx: Context, tx: Stores, follower: Account, follow: Follow, origin: Account, target: Account
) -> int:
    now = ctx.clock.now()
    towards = await tx.social.relationship(follower.id, target.id, now)
    if towards.blocked_either_way:
        return 0
    if not (towards.following or towards.requested):
        state = initial_follow_state(target.locked)
        await tx.social.follow(
            Follow(
                id=ctx.ids.new(),
                follower_id=follower.id,
                followee_id=target.id,
                state=state,
                show_reblogs=follow.show_reblogs,
                created_at=now,
            )
        )
        await notify(ctx, tx, target.id, "follow" if state == "accepted" else "follow_request", follower.id)
    await tx.social.unfollow(follower.id, origin.id)
    return 1
