"""Storage of notifications."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from plerome.domain.notifications import Notification
from plerome.domain.pagination import Page


@dataclass(frozen=True, slots=True)
class NotificationQuery:
    types: tuple[str, ...] = ()  # only these (empty: all)
    exclude_types: tuple[str, ...] = ()
    from_account_id: str | None = None


class Notifications(Protocol):
    async def add(self, notification: Notification) -> None: ...
    async def get(self, account_id: str, notification_id: str) -> Notification | None: ...
    # not yet seen, ids <= up_to_id, newest first (declared before `list`, which shadows the builtin below)
    async def unseen_up_to(self, account_id: str, up_to_id: str, limit: int) -> list[Notification]: ...
    async def list(self, account_id: str, query: NotificationQuery, page: Page) -> list[Notification]: ...
    async def dismiss(self, account_id: str, notification_id: str) -> bool: ...
    async def clear(self, account_id: str) -> int: ...
    async def mark_seen(self, account_id: str, up_to_id: str) -> int: ...  # ids <= up_to_id
    async def mark_one_seen(self, account_id: str, notification_id: str) -> bool: ...  # False: not theirs
    async def unread_count(self, account_id: str) -> int: ...
    async def delete_about_status(self, status_id: str) -> int: ...
