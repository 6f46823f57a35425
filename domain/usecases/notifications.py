"""Creating notifications: every notification goes through `notify`, which applies the rules."""

from __future__ import annotations

from plerome.domain.notifications import Notification, should_notify
from plerome.ports.repositories import Stores

from .context import Context


async def notify(
    ctx: Context,
    stores: Stores,
    recipient_id: str,
    type_: str,
    from_account_id: str,
    *,
    status_id: str | None = None,
    emoji: str | None = None,
    target_id: str | None = None,
) -> Notification | None:
    """Notify `recipient_id` unless the rules say no (self, blocks, muted notifications, strangers).
    Pass the transaction's stores (`tx`) so the notification lands with the action that caused it."""
    recipient = await stores.accounts.get(recipient_id)
    if recipient is None or not recipient.is_active:
        return None
    towards = await stores.social.relationship(recipient_id, from_account_id, ctx.clock.now())
    if not should_notify(recipient, from_account_id, towards):
        return None
    notification = Notification(
        id=ctx.ids.new(),
        account_id=recipient_id,
        type=type_,
        from_account_id=from_account_id,
        created_at=ctx.clock.now(),
        status_id=status_id,
        emoji=emoji,
        target_id=target_id,
    )
    await stores.notifications.add(notification)
    return notification
