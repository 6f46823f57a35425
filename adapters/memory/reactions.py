"""Emoji reactions in memory.

Per status, per emoji: the id of the reaction that first used the emoji and its reactors. Values are
replaced, never changed in place, so a transaction's snapshot of the top-level dict rolls them back.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from plerome.domain.reactions import (
    Reaction,
    ReactionCount,
    ReactionFilter,
    hides_reactor,
    visible_counts,
)

if TYPE_CHECKING:
    from .stores import MemoryStores, _State


@dataclass(frozen=True, slots=True)
class EmojiReactions:
    first_id: str
    reactors: dict[str, Reaction]  # by account id; never changed once stored


class MemoryReactions:
    def __init__(self, stores: MemoryStores) -> None:
        self._stores = stores

    @property
    def _s(self) -> _State:
        return self._stores._state

    async def add(self, reaction: Reaction) -> bool:
        r = reaction
        async with self._stores._writing():
            per_status = self._s.reactions.get(r.status_id, {})
            group = per_status.get(r.emoji)
            if group is not None and r.account_id in group.reactors:
                return False
            reactors = {**(group.reactors if group else {}), r.account_id: r}
            first_id = group.first_id if group else r.id
            self._s.reactions[r.status_id] = {**per_status, r.emoji: EmojiReactions(first_id, reactors)}
            return True

    async def remove(self, status_id: str, account_id: str, emoji: str) -> bool:
        async with self._stores._writing():
            per_status = self._s.reactions.get(status_id, {})
            group = per_status.get(emoji)
            if group is None or account_id not in group.reactors:
                return False
            reactors = {a: r for a, r in group.reactors.items() if a != account_id}
            changed = {e: g for e, g in per_status.items() if e != emoji}
            if reactors:
                changed[emoji] = EmojiReactions(group.first_id, reactors)
            if changed:
                self._s.reactions[status_id] = changed
            else:
                del self._s.reactions[status_id]
            return True

    def _hidden(self, account_id: str, seen_by: ReactionFilter) -> bool:
        viewer = seen_by.viewer_id
        if viewer is None:
            return False
        mute = self._s.mutes.get((viewer, account_id))
        muting = mute is not None and (seen_by.now is None or mute.active(seen_by.now))
        return hides_reactor(viewer, (viewer, account_id) in self._s.blocks, muting, seen_by.with_muted)

    def _groups(self, status_id: str) -> list[tuple[str, EmojiReactions]]:
        if status_id not in self._s.statuses:  # a deleted status's reactions are gone with it
            return []
        per_status = self._s.reactions.get(status_id, {})
        return sorted(per_status.items(), key=lambda item: item[1].first_id)

    async def counts(
        self, status_ids: Sequence[str], seen_by: ReactionFilter
    ) -> dict[str, list[ReactionCount]]:
        out: dict[str, list[ReactionCount]] = {}
        viewer = seen_by.viewer_id
        for status_id in dict.fromkeys(status_ids):
            totals, hidden, mine = [], {}, set()
            for emoji, group in self._groups(status_id):
                present = [a for a in group.reactors if a in self._s.accounts]  # as SQL cascades
                totals.append((emoji, len(present)))
                hidden[emoji] = sum(1 for a in present if self._hidden(a, seen_by))
                if viewer is not None and viewer in group.reactors:
                    mine.add(emoji)
            found = visible_counts(totals, hidden, mine)
            if found:
                out[status_id] = found
        return out

    async def reactors(
        self, status_id: str, emojis: Sequence[str], seen_by: ReactionFilter, limit: int
    ) -> dict[str, list[str]]:
        groups = dict(self._groups(status_id))
        out: dict[str, list[str]] = {}
        for emoji in dict.fromkeys(emojis):
            group = groups.get(emoji)
            if group is None:
                continue
            ordered = sorted(group.reactors.values(), key=lambda r: r.id)
            shown = [
                r.account_id
                for r in ordered
                if r.account_id in self._s.accounts and not self._hidden(r.account_id, seen_by)
            ]
            if shown:
                out[emoji] = shown[:limit]
        return out
