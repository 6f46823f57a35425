"""Storage of the social graph: follows (and follow requests), blocks, mutes, subscriptions."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from plerome.domain.accounts import Account
from plerome.domain.pagination import Page
from plerome.domain.social import Block, Follow, Mute, Relationship


@dataclass(frozen=True, slots=True)
class AccountSearch:
    """Local accounts whose nickname or display name starts with `prefix` (ignoring case; for display
    names at least ASCII case). Active ones only, never internal (`Application`) actors, never
    accounts `viewer_id` blocks; with `following_only`, only those the viewer follows.
    Nickname matches come first (so an exact nickname leads), then display-name matches."""

    prefix: str
    viewer_id: str | None = None
    following_only: bool = False
    limit: int = 40
    offset: int = 0


class SocialGraph(Protocol):
    # Mutes whose expires_at <= now count as no mute, in these and in every other method.
    async def relationship(self, viewer_id: str, target_id: str, now: datetime) -> Relationship: ...
    async def relationships(
        self, viewer_id: str, target_ids: Sequence[str], now: datetime
    ) -> dict[str, Relationship]: ...  # one store round-trip for a whole page

    async def follow(self, follow: Follow) -> None: ...  # insert or replace the follower→followee row
    async def get_follow(self, follower_id: str, followee_id: str) -> Follow | None: ...
    async def unfollow(self, follower_id: str, followee_id: str) -> bool: ...  # accepted or pending
    async def followers(self, account_id: str, page: Page) -> list[Follow]: ...  # accepted, newest first
    async def following(self, account_id: str, page: Page) -> list[Follow]: ...
    async def follow_requests(self, account_id: str, page: Page) -> list[Follow]: ...  # pending, to account

    async def subscribe(self, subscriber_id: str, target_id: str, now: datetime) -> None: ...
    async def unsubscribe(self, subscriber_id: str, target_id: str) -> bool: ...
    async def subscribers(self, target_id: str) -> list[str]: ...

    async def block(self, block: Block) -> bool: ...  # False: already blocked
    async def unblock(self, blocker_id: str, blocked_id: str) -> bool: ...
    async def blocks(self, account_id: str, page: Page) -> list[Block]: ...

    async def mute(self, mute: Mute) -> None: ...  # insert or replace
    async def get_mute(self, muter_id: str, muted_id: str, now: datetime) -> Mute | None: ...  # active
    async def unmute(self, muter_id: str, muted_id: str) -> bool: ...
    async def mutes(self, account_id: str, page: Page, now: datetime) -> list[Mute]: ...  # active ones

    async def search_accounts(self, query: AccountSearch) -> list[Account]: ...
