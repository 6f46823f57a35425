"""Follows, blocks, mutes and subscriptions, and the relationship one account sees towards another."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Literal

from .accounts import Account
from .errors import Forbidden, InvalidInput

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


def not_yourself(actor_id: str, target_id: str, verb: str) -> None:
    """Pleroma refuses to follow or unfollow yourself ("Can not follow yourself"); plerome does the same
    for blocks and mutes, which would otherwise hide your own posts from your own timelines."""
    if actor_id == target_id:
        raise InvalidInput(f"Can not {verb} yourself")


def check_can_follow(follower_id: str, target: Account, towards: Relationship) -> None:
    """Nobody follows themselves, someone who blocks them, or someone they block."""
    not_yourself(follower_id, target.id, "follow")
    if towards.blocked_by:
        raise Forbidden(f"Could not follow user: {target.nickname} blocked you.")
    if towards.blocking:
        raise Forbidden(f"Could not follow user: you are blocking {target.nickname}.")


def check_can_subscribe(target: Account, towards: Relationship) -> None:
    """Subscribing to yourself is allowed (as in Pleroma); to someone who blocks you, not."""
    if towards.blocked_by:
        raise Forbidden(f"Could not subscribe: {target.nickname} is blocking you")


def new_follow(
    follow_id: str, follower_id: str, target: Account, show_reblogs: bool | None, now: datetime
) -> Follow:
    return Follow(
        id=follow_id,
        follower_id=follower_id,
        followee_id=target.id,
        state=initial_follow_state(target.locked),
        show_reblogs=True if show_reblogs is None else show_reblogs,
        created_at=now,
    )


def refollow(existing: Follow, show_reblogs: bool | None) -> Follow:
    """Following again changes only the options given (Mastodon's rule; Pleroma would reset an
    absent `reblogs` to true, which a client sending just `notify` does not expect)."""
    if show_reblogs is None or show_reblogs == existing.show_reblogs:
        return existing
    return replace(existing, show_reblogs=show_reblogs)


MUTE_SECONDS_MAX = 100 * 366 * 24 * 3600


def mute_expires_at(now: datetime, seconds: int | None) -> datetime | None:
    """When a mute for `seconds` ends; none given, or zero or less, mutes for good (as Pleroma's
    `expires_in` and Mastodon's `duration` do)."""
    if seconds is None or seconds <= 0:
        return None
    if seconds > MUTE_SECONDS_MAX:
        raise InvalidInput("Invalid value for expires_in: the mute would last more than a century")
    return now + timedelta(seconds=seconds)


def search_prefix(query: str, local_host: str) -> str | None:
    """What to look for at the start of local nicknames and display names: `q` without a leading `@`,
    and without `@host` when the host is this instance. None when nothing local can match
    (a blank query, or an address on another instance)."""
    text = query.strip().removeprefix("@")
    name, at, host = text.partition("@")
    if at:
        if host.strip().casefold() != local_host.casefold():
            return None
        text = name
    text = text.strip()
    return text or None
