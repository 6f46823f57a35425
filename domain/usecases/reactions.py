"""Emoji reactions: reacting and taking a reaction back, and who reacted how, as one viewer sees it."""

from __future__ import annotations

from dataclasses import dataclass

from plerome.domain.accounts import Account
from plerome.domain.errors import InvalidInput
from plerome.domain.reactions import (
    COULD_NOT_REMOVE,
    REACTORS_SHOWN,
    Reaction,
    ReactionFilter,
    reaction_to_add,
    reaction_to_remove,
    reaction_wanted,
    shown_name,
)
from plerome.domain.statuses import Status

from .context import Context
from .emoji_packs import custom_emoji
from .notifications import notify
from .reaction_emoji import custom_for, emoji_url
from .visibility import visible_status

REACTION_NOTIFICATION = "pleroma:emoji_reaction"


@dataclass(frozen=True, slots=True)
class ReactionView:
    """One emoji's reactions on a status for the reactions list."""

    name: str  # the emoji, or a custom emoji's shortcode
    count: int
    me: bool
    url: str | None  # a custom emoji's image
    accounts: tuple[Account, ...]  # the first reactors the viewer sees, oldest first


async def reacted_status(ctx: Context, viewer_id: str | None, status_id: str) -> Status:
    """The status a reaction route is about: a reblog stands for what it reblogs. NotFound (404
    "Record not found") unless the viewer may see it, exactly as for an unknown id."""
    status = await visible_status(ctx, viewer_id, status_id)
    if status.reblog_of_id is not None:
        return await visible_status(ctx, viewer_id, status.reblog_of_id)
    return status


async def react(ctx: Context, viewer: Account, status_id: str, emoji: str) -> Status:
    """React to a status the viewer may see; reacting again with the same emoji changes nothing. The
    author hears of it (not of their own reactions). The answer is the status reacted to."""
    name = reaction_to_add(emoji, await custom_emoji(ctx))
    status = await reacted_status(ctx, viewer.id, status_id)
    reaction = Reaction(ctx.ids.new(), status.id, viewer.id, name, ctx.clock.now())
    async with ctx.stores.transaction() as tx:
        if await tx.reactions.add(reaction):
            await notify(
                ctx, tx, status.account_id, REACTION_NOTIFICATION, viewer.id, status_id=status.id, emoji=name
            )
    return status


async def unreact(ctx: Context, viewer: Account, status_id: str, emoji: str) -> Status:
    """Take back the viewer's reaction; InvalidInput when there is none with that emoji."""
    name = reaction_to_remove(emoji)
    status = await reacted_status(ctx, viewer.id, status_id)
    if not await ctx.stores.reactions.remove(status.id, viewer.id, name):
        raise InvalidInput(COULD_NOT_REMOVE)
    return status


async def list_reactions(
    ctx: Context, viewer_id: str | None, status_id: str, emoji: str | None = None, *, with_muted: bool = False
) -> list[ReactionView]:
    """The reactions of a status the viewer may see, emoji in the order they were first used, each with
    its first REACTORS_SHOWN reactors; only `emoji`'s when given. Reactions of accounts the viewer
    blocks, or mutes (unless `with_muted`), are neither counted nor listed."""
    status = await reacted_status(ctx, viewer_id, status_id)
    wanted = reaction_wanted(emoji) if emoji is not None else None
    if emoji is not None and wanted is None:
        return []
    seen_by = ReactionFilter(viewer_id=viewer_id, now=ctx.clock.now(), with_muted=with_muted)
    counts = (await ctx.stores.reactions.counts([status.id], seen_by)).get(status.id, [])
    if wanted is not None:
        counts = [c for c in counts if c.emoji == wanted]
    if not counts:
        return []
    reactors = await ctx.stores.reactions.reactors(
        status.id, [c.emoji for c in counts], seen_by, REACTORS_SHOWN
    )
    accounts = await ctx.stores.accounts.get_many(sorted({a for ids in reactors.values() for a in ids}))
    custom = await custom_for(ctx, [c.emoji for c in counts])
    return [
        ReactionView(
            name=shown_name(c.emoji),
            count=c.count,
            me=c.me,
            url=emoji_url(ctx, c.emoji, custom),
            accounts=tuple(accounts[a] for a in reactors.get(c.emoji, ()) if a in accounts),
        )
        for c in counts
    ]
