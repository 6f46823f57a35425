"""The social graph in memory."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from plerome.domain.accounts import Account, nickname_key
from plerome.domain.pagination import Page
from plerome.domain.social import Block, Follow, Mute, Relationship
from plerome.ports.social import AccountSearch

from .paging import paginate

if TYPE_CHECKING:
    from .stores import MemoryStores, _State


class MemorySocialGraph:
    def __init__(self, stores: MemoryStores) -> None:
        self._stores = stores

    @property
    def _s(self) -> _State:
        return self._stores._state

    async def relationship(self, viewer_id: str, target_id: str, now: datetime) -> Relationship:
        s = self._s
        out = s.follows.get((viewer_id, target_id))
        back = s.follows.get((target_id, viewer_id))
        mute = s.mutes.get((viewer_id, target_id))
        mute = mute if mute is not None and mute.active(now) else None
        return Relationship(
            target_id=target_id,
            following=out is not None and out.state == "accepted",
            requested=out is not None and out.state == "pending",
            showing_reblogs=out.show_reblogs if out is not None else True,
            followed_by=back is not None and back.state == "accepted",
            blocking=(viewer_id, target_id) in s.blocks,
            blocked_by=(target_id, viewer_id) in s.blocks,
            muting=mute is not None,
            muting_notifications=mute is not None and mute.notifications,
            subscribing=(viewer_id, target_id) in s.subscriptions,
        )

    async def relationships(
        self, viewer_id: str, target_ids: Sequence[str], now: datetime
    ) -> dict[str, Relationship]:
        return {t: await self.relationship(viewer_id, t, now) for t in dict.fromkeys(target_ids)}

    async def follow(self, follow: Follow) -> None:
        async with self._stores._writing():
            self._s.follows[(follow.follower_id, follow.followee_id)] = follow

    async def get_follow(self, follower_id: str, followee_id: str) -> Follow | None:
        return self._s.follows.get((follower_id, followee_id))

    async def unfollow(self, follower_id: str, followee_id: str) -> bool:
        async with self._stores._writing():
            return self._s.follows.pop((follower_id, followee_id), None) is not None

    def _follows(self, want: str, account_id: str, state: str) -> list[Follow]:
        return [
            f
            for f in self._s.follows.values()
            if f.state == state and (f.followee_id if want == "followers" else f.follower_id) == account_id
        ]

    async def followers(self, account_id: str, page: Page) -> list[Follow]:
        return paginate(self._follows("followers", account_id, "accepted"), page, lambda f: f.id)

    async def following(self, account_id: str, page: Page) -> list[Follow]:
        return paginate(self._follows("following", account_id, "accepted"), page, lambda f: f.id)

    async def follow_requests(self, account_id: str, page: Page) -> list[Follow]:
        return paginate(self._follows("followers", account_id, "pending"), page, lambda f: f.id)

    async def subscribe(self, subscriber_id: str, target_id: str, now: datetime) -> None:
        async with self._stores._writing():
            self._s.subscriptions.add((subscriber_id, target_id))

    async def unsubscribe(self, subscriber_id: str, target_id: str) -> bool:
        async with self._stores._writing():
            if (subscriber_id, target_id) not in self._s.subscriptions:
                return False
            self._s.subscriptions.discard((subscriber_id, target_id))
            return True

    async def subscribers(self, target_id: str) -> list[str]:
        return sorted(s for s, t in self._s.subscriptions if t == target_id)

    async def block(self, block: Block) -> bool:
        async with self._stores._writing():
            key = (block.blocker_id, block.blocked_id)
            if key in self._s.blocks:
                return False
            self._s.blocks[key] = block
            return True

    async def unblock(self, blocker_id: str, blocked_id: str) -> bool:
        async with self._stores._writing():
            return self._s.blocks.pop((blocker_id, blocked_id), None) is not None

    async def blocks(self, account_id: str, page: Page) -> list[Block]:
        return paginate(
            [b for b in self._s.blocks.values() if b.blocker_id == account_id], page, lambda b: b.id
        )

    async def mute(self, mute: Mute) -> None:
        async with self._stores._writing():
            self._s.mutes[(mute.muter_id, mute.muted_id)] = mute

    async def get_mute(self, muter_id: str, muted_id: str, now: datetime) -> Mute | None:
        mute = self._s.mutes.get((muter_id, muted_id))
        return mute if mute is not None and mute.active(now) else None

    async def unmute(self, muter_id: str, muted_id: str) -> bool:
        async with self._stores._writing():
            return self._s.mutes.pop((muter_id, muted_id), None) is not None

    async def mutes(self, account_id: str, page: Page, now: datetime) -> list[Mute]:
        mine = [m for m in self._s.mutes.values() if m.muter_id == account_id and m.active(now)]
        return paginate(mine, page, lambda m: m.id)

    async def search_accounts(self, query: AccountSearch) -> list[Account]:
        s = self._s
        viewer = query.viewer_id
        nick, display = nickname_key(query.prefix), query.prefix.lower()

        def eligible(a: Account) -> bool:
            if not a.is_active or a.actor_type == "Application":
                return False
            if viewer is not None and (viewer, a.id) in s.blocks:
                return False
            if viewer is not None and query.following_only:
                f = s.follows.get((viewer, a.id))
                return f is not None and f.state == "accepted"
            return True

        accounts = [a for a in s.accounts.values() if eligible(a)]
        by_nickname = sorted(
            (a for a in accounts if nickname_key(a.nickname).startswith(nick)),
            key=lambda a: nickname_key(a.nickname),
        )
        by_display = sorted(
            (a for a in accounts if a.display_name.lower().startswith(display)),
            key=lambda a: (a.display_name.lower(), a.id),
        )
        found = list({a.id: a for a in [*by_nickname, *by_display]}.values())
        return found[query.offset : query.offset + query.limit]
