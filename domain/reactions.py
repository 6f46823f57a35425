"""Emoji reactions: which emoji a status may be reacted with, the name each is kept under, and how the
reactions of a status are summed up for one viewer.

Unicode emoji are judged by Unicode's own emoji data (the `emoji` package carries emoji-test.txt): one
RGI emoji, written in any of its qualified forms, or one regional indicator letter, which that data does
not list alone. Custom emoji are `:shortcode:` of the instance's packs.
"""

from __future__ import annotations

from collections.abc import Container, Mapping
from dataclasses import dataclass
from datetime import datetime
from types import MappingProxyType

import emoji as unicode_emoji

from .emoji_packs import is_shortcode
from .errors import InvalidInput

COULD_NOT_ADD = "Could not add reaction emoji"
COULD_NOT_REMOVE = "Could not remove reaction emoji"
REACTORS_SHOWN = 40  # accounts listed per emoji by GET …/reactions

_REGIONAL_INDICATORS = range(0x1F1E6, 0x1F1FF + 1)
_VS16 = "\ufe0f"
_FULLY_QUALIFIED = unicode_emoji.STATUS["fully_qualified"]
_QUALIFIED_FORMS = (unicode_emoji.STATUS["minimally_qualified"], unicode_emoji.STATUS["unqualified"])


def _build_fully_qualified() -> Mapping[str, str]:
    """Every RGI emoji, in each of its written forms, to its fully-qualified form. The forms of one
    emoji differ only by the variation selector U+FE0F, so that is the key that joins them."""
    by_bare: dict[str, str] = {}
    for text, data in unicode_emoji.EMOJI_DATA.items():
        if data.get("status") == _FULLY_QUALIFIED:
            by_bare.setdefault(text.replace(_VS16, ""), text)
    table = {}
    for text, data in unicode_emoji.EMOJI_DATA.items():
        status = data.get("status")
        if status == _FULLY_QUALIFIED:
            table[text] = text
        elif status in _QUALIFIED_FORMS:
            qualified = by_bare.get(text.replace(_VS16, ""))
            if qualified is not None:
                table[text] = qualified
    for code in _REGIONAL_INDICATORS:
        table[chr(code)] = chr(code)
    return MappingProxyType(table)


_EMOJI: Mapping[str, str] = _build_fully_qualified()  # read-only, built once from the package's data


def unicode_reaction(text: str) -> str | None:
    """`text` as the fully-qualified form of the one RGI emoji it is (or the regional indicator letter
    it is); None for anything else: text, two emoji, a lone skin tone or other emoji component."""
    return _EMOJI.get(text)


def custom_shortcode(name: str) -> str | None:
    """The shortcode of a `:shortcode:` reaction name, else None."""
    if len(name) > 2 and name[0] == ":" and name[-1] == ":" and is_shortcode(name[1:-1]):
        return name[1:-1]
    return None


def is_custom(name: str) -> bool:
    return custom_shortcode(name) is not None


def _parse(raw: str) -> str | None:
    """The stored name `raw` stands for, with no regard to whether a custom emoji still exists."""
    qualified = unicode_reaction(raw)
    if qualified is not None:
        return qualified
    shortcode = custom_shortcode(raw)
    return f":{shortcode}:" if shortcode is not None else None


def reaction_to_add(raw: str, custom: Container[str]) -> str:
    """The name a new reaction is stored under: a fully-qualified unicode emoji, or `:shortcode:` of a
    custom emoji the instance has (`custom` holds its shortcodes). Anything else is InvalidInput."""
    name = _parse(raw)
    shortcode = custom_shortcode(name) if name else None
    if name is None or (shortcode is not None and shortcode not in custom):
        raise InvalidInput(COULD_NOT_ADD)
    return name


def reaction_to_remove(raw: str) -> str:
    """The name of a reaction to take back. A custom emoji the packs no longer have can still be
    taken back."""
    name = _parse(raw)
    if name is None:
        raise InvalidInput(COULD_NOT_REMOVE)
    return name


def reaction_wanted(raw: str) -> str | None:
    """The name a reaction list is filtered by; None when `raw` can name no reaction (the list is then
    empty)."""
    return _parse(raw)


def shown_name(name: str) -> str:
    """What the entity calls a reaction: the emoji itself, or a custom emoji's bare shortcode."""
    return custom_shortcode(name) or name


@dataclass(frozen=True, slots=True)
class Reaction:
    id: str  # orders reactions: reactors are listed oldest first
    status_id: str
    account_id: str
    emoji: str  # a stored name (see reaction_to_add)
    created_at: datetime


@dataclass(frozen=True, slots=True)
class ReactionCount:
    """One emoji's reactions on one status, as one viewer may see them."""

    emoji: str
    count: int  # reactors the viewer may see
    me: bool  # the viewer is one of them


@dataclass(frozen=True, slots=True)
class ReactionFilter:
    """Whose reactions a viewer sees: all but those of accounts the viewer blocks, and of accounts the
    viewer mutes (mutes active at `now`) unless `with_muted`. No viewer: everyone's."""

    viewer_id: str | None = None
    now: datetime | None = None
    with_muted: bool = False


def hides_reactor(viewer_id: str | None, blocking: bool, muting: bool, with_muted: bool) -> bool:
    """Whether the viewer is spared the reactions of an account it blocks or mutes (Pleroma's rule)."""
    if viewer_id is None:
        return False
    return blocking or (muting and not with_muted)


def visible_counts(
    totals: list[tuple[str, int]], hidden: Mapping[str, int], mine: Container[str]
) -> list[ReactionCount]:
    """A status's reactions as a viewer sees them: `totals` are (emoji, all reactors) in the order the
    emoji were first used; `hidden` counts per emoji the reactors the viewer does not see; `mine` holds
    the emoji the viewer reacted with. An emoji nobody visible used is left out."""
    out = []
    for name, total in totals:
        count = total - hidden.get(name, 0)
        if count > 0:
            out.append(ReactionCount(emoji=name, count=count, me=name in mine))
    return out
