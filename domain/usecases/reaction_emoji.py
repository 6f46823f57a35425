"""The images of custom emoji reactions, for every place that shows reactions (statuses, the reactions
list, reaction notifications)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from plerome.domain.emoji_packs import CustomEmoji
from plerome.domain.reactions import custom_shortcode

from .context import Context
from .emoji_packs import custom_emoji


async def custom_for(ctx: Context, names: Iterable[str]) -> Mapping[str, CustomEmoji]:
    """The instance's custom emoji when any of the reaction `names` is one; nothing read otherwise."""
    return await custom_emoji(ctx) if any(custom_shortcode(n) for n in names) else {}


def emoji_url(ctx: Context, name: str, custom: Mapping[str, CustomEmoji]) -> str | None:
    """The image of a custom emoji reaction; None for unicode ones and for custom emoji the packs no
    longer have."""
    shortcode = custom_shortcode(name)
    found = custom.get(shortcode) if shortcode is not None else None
    return ctx.policy.base_url + found.path if found is not None else None
