"""Storage of emoji reactions, with counts kept up to date as reactions come and go."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from plerome.domain.reactions import Reaction, ReactionCount, ReactionFilter


class Reactions(Protocol):
    """Counts and lists come from indexes and kept counts, never from reading every reaction of a
    status; `seen_by` removes the reactions the viewer does not see (domain.reactions.ReactionFilter)."""

    async def add(self, reaction: Reaction) -> bool: ...  # False: that account already reacted so
    async def remove(self, status_id: str, account_id: str, emoji: str) -> bool: ...  # False: it had not

    # Per status, its emoji in the order they were first used (an emoji every reaction left starts
    # over); statuses without a reaction the viewer sees are left out.
    async def counts(
        self, status_ids: Sequence[str], seen_by: ReactionFilter
    ) -> dict[str, list[ReactionCount]]: ...

    # The first `limit` reactors of each of `emojis` on a status that the viewer sees, oldest first.
    async def reactors(
        self, status_id: str, emojis: Sequence[str], seen_by: ReactionFilter, limit: int
    ) -> dict[str, list[str]]: ...
