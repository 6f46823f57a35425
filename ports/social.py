"""Storage of the social graph: follows (and follow requests), blocks, mutes, subscriptions."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from plerome.domain.pagination import Page
from plerome.domain.social import Block, Follow, Mute, Relationship


class SocialGraph(Protocol):
    async def relationship(self, viewer_id: str, target_id: str, now: datetime) -> Relationship: ...
    async def relationships(
        self, viewer_id: str, target_ids: Sequence[str], now: datetime
    ) -> dict[str, Relationship]: ...  # one store round-trip for a whole page

    async def follow(self, follow: Follow) -> None: ...  # insert or replace the follower→followee row
    async def get_follow(self, follower_id: str, followee_id: str) -> Follow | None: ...
    async def unfollow(self, follower_id: str, followee_id: str) -> bool: ...
    async def followers(self, account_id: str, page: Page) -> list[Follow]: ...  # accepted, newest first
    async def following(self, account_id: str, page: Page) -> list[Follow]: ...
    async def follow_requests(self, account_id: str, page: Page) -> list[Follow]: ...  # pending, to account
    async def follow_counts(self, account_id: str) -> tuple[int, int]: ...  # (followers, following) accepted
    async def pending_count(self, account_id: str) -> int: ...

    async def subscribe(self, subscriber_id: str, target_id: str) -> None: ...
    async def unsubscribe(self, subscriber_id: str, target_id: str) -> bool: ...
    async def subscribers(self, target_id: str) -> list[str]: ...

    async def block(self, block: Block) -> bool: ...  # False: already blocked
    async def unblock(self, blocker_id: str, blocked_id: str) -> bool: ...
    async def blocks(self, account_id: str, page: Page) -> list[Block]: ...

    async def mute(self, mute: Mute) -> None: ...  # insert or replace
    async def unmute(self, muter_id: str, muted_id: str) -> bool: ...
    async def mutes(self, account_id: str, page: Page, now: datetime) -> list[Mute]: ...  # active ones
