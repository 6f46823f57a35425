"""Follows, blocks, mutes and subscriptions, and the relationship one account sees towards another."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

FollowState = Literal["accepted", "pending"]


@dataclass(frozen=True, slots=True)
class Follow:
    id: str  # orders followers/following/follow-request lists
    follower_id: str
    followee_id: str
    state: FollowState
    show_reblogs: bool
    created_at: datetime


@dataclass(frozen=True, slots=True)
class Block:
    id: str
    blocker_id: str
    blocked_id: str
    created_at: datetime


@dataclass(frozen=True, slots=True)
class Mute:
    id: str
    muter_id: str
    muted_id: str
    notifications: bool  # mute their notifications too
    created_at: datetime
    expires_at: datetime | None = None

    def active(self, now: datetime) -> bool:
        return self.expires_at is None or now < self.expires_at


@dataclass(frozen=True, slots=True)
class Relationship:
    """How `account_id` (the viewer) stands towards `target_id`: Pleroma's Relationship entity."""

    target_id: str
    following: bool = False
    followed_by: bool = False
    blocking: bool = False
    blocked_by: bool = False
    muting: bool = False
    muting_notifications: bool = False
    subscribing: bool = False  # `notifying` in Mastodon's words: one flag, two doors
    requested: bool = False
    showing_reblogs: bool = True
    endorsed: bool = False
    note: str = ""

    @property
    def blocked_either_way(self) -> bool:
        return self.blocking or self.blocked_by


def initial_follow_state(target_locked: bool) -> FollowState:
    """Locked accounts approve their followers; everyone else is followed at once."""
    return "pending" if target_locked else "accepted"
