"""Notifications: what is sent to whom, and when nothing is."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from .accounts import Account
from .social import Relationship

NotificationType = Literal[
    "mention", "status", "reblog", "favourite", "follow", "follow_request", "move", "pleroma:emoji_reaction"
]
NOTIFICATION_TYPES: tuple[str, ...] = (
    "mention",
    "status",
    "reblog",
    "favourite",
    "follow",
    "follow_request",
    "move",
    "pleroma:emoji_reaction",
    "poll",
    "update",
    "pleroma:report",
)
# Types whose entity carries the status they are about (the recipient must still be able to see it).
STATUS_TYPES = frozenset(
    {"mention", "status", "reblog", "favourite", "pleroma:emoji_reaction", "poll", "update"}
)


@dataclass(frozen=True, slots=True)
class Notification:
    id: str
    account_id: str  # who receives it
    type: str
    from_account_id: str  # who caused it
    created_at: datetime
    status_id: str | None = None
    emoji: str | None = None  # pleroma:emoji_reaction
    target_id: str | None = None  # move: the new account
    seen: bool = False


def should_notify(recipient: Account, actor_id: str, towards_actor: Relationship) -> bool:
    """Nobody is notified of themselves, of accounts they block or that block them, or of accounts whose
    notifications they mute; with `block_from_strangers`, only of accounts they follow."""
    if recipient.id == actor_id:
        return False
    if towards_actor.blocked_either_way:
        return False
    if towards_actor.muting and towards_actor.muting_notifications:
        return False
    return not (recipient.notification_settings.block_from_strangers and not towards_actor.following)


def shown_to_recipient(towards_actor: Relationship | None, *, with_muted: bool = False) -> bool:
    """Whether a stored notification is listed: not when either side now blocks the other, nor when the
    recipient mutes the actor's notifications (unless `with_muted` asks for those)."""
    if towards_actor is None:
        return True
    if towards_actor.blocked_either_way:
        return False
    return with_muted or not (towards_actor.muting and towards_actor.muting_notifications)
