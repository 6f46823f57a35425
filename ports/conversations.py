"""Storage of conversation participations and their recipients."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from plerome.domain.conversations import Bump, Participation
from plerome.domain.pagination import Page


@dataclass(frozen=True, slots=True)
class ConversationQuery:
    account_id: str
    # only participations whose recipients are exactly these and the owner (empty: every one)
    recipients: tuple[str, ...] = ()


class Conversations(Protocol):
    async def bump(self, bump: Bump) -> None: ...  # creates or bumps, as domain.conversations.bumped
    async def get(self, participation_id: str) -> Participation | None: ...

    # The owner's participations, newest activity first (domain.conversations.order_key); the page's
    # ids are participation ids placed by domain.conversations.cursor_key. With min_id: the `limit`
    # just above it, still newest first.
    async def list_for(self, query: ConversationQuery, page: Page) -> list[Participation]: ...

    # The owner's participation id in each of these conversations that has one.
    async def for_contexts(self, account_id: str, context_ids: Sequence[str]) -> dict[str, str]: ...

    async def set_recipients(self, participation_id: str, account_ids: Sequence[str]) -> None: ...
    async def mark_read(self, participation_id: str) -> bool: ...  # False: no such participation
    # The owner's unread participations, newest activity first, at most `limit` (before mark_all_read).
    async def unread(self, account_id: str, limit: int) -> list[Participation]: ...
    async def mark_all_read(self, account_id: str) -> int: ...
    async def delete(self, participation_id: str) -> bool: ...
    async def unread_count(self, account_id: str) -> int: ...

    # The statuses of a conversation's thread (no reblogs), as ids newest first, paged by status id.
    async def thread(self, context_id: str, page: Page) -> list[str]: ...
