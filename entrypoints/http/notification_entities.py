"""The Notification entity, built from NotificationViews with no I/O."""

from __future__ import annotations

from collections.abc import Mapping

import msgspec
from msgspec import UNSET, UnsetType

from plerome.domain.accounts import Account
from plerome.domain.instance import InstancePolicy
from plerome.domain.usecases.account_stats import NO_STATS, AccountStats
from plerome.domain.usecases.notifications import NotificationView

from .entities import AccountEntity, account_entity
from .json import iso
from .status_entities import StatusEntity, status_entity


class NotificationPleroma(msgspec.Struct):
    is_seen: bool
    is_muted: bool


class NotificationEntity(msgspec.Struct, omit_defaults=True):
    id: str
    type: str
    created_at: str
    account: AccountEntity
    pleroma: NotificationPleroma
    status: StatusEntity | UnsetType = UNSET  # mention, status, reblog, favourite, emoji reaction
    emoji: str | UnsetType = UNSET  # pleroma:emoji_reaction
    emoji_url: str | UnsetType | None = UNSET  # pleroma:emoji_reaction: a custom emoji's image, else null
    target: AccountEntity | UnsetType = UNSET  # move


def notification_entity(
    view: NotificationView, policy: InstancePolicy, viewer: Account, stats: Mapping[str, AccountStats]
) -> NotificationEntity:
    n = view.notification

    def account(a: Account) -> AccountEntity:
        return account_entity(a, policy, viewer=viewer, stats=stats.get(a.id, NO_STATS))

    entity = NotificationEntity(
        id=n.id,
        type=n.type,
        created_at=iso(n.created_at),
        account=account_entity(
            view.account, policy, viewer=viewer, stats=stats.get(view.account.id, NO_STATS)
        ),
        pleroma=NotificationPleroma(is_seen=n.seen, is_muted=view.muted),
    )
    if view.status is not None:
        entity.status = status_entity(view.status, policy, viewer.id, stats)
    if n.type == "pleroma:emoji_reaction":
        entity.emoji = n.emoji or ""
        entity.emoji_url = view.emoji_url
    if view.target is not None:
        entity.target = account_entity(
            view.target, policy, viewer=viewer, stats=stats.get(view.target.id, NO_STATS)
        )
    return entity
