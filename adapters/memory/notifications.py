"""Notifications in memory."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

from plerome.domain.notifications import Notification
from plerome.domain.pagination import Page
from plerome.ports.notifications import NotificationQuery

from .paging import paginate

if TYPE_CHECKING:
    from .stores import MemoryStores, _State


class MemoryNotifications:
    def __init__(self, stores: MemoryStores) -> None:
        self._stores = stores

    @property
    def _s(self) -> _State:
        return self._stores._state

    async def add(self, notification: Notification) -> None:
        async with self._stores._writing():
            self._s.notifications[notification.id] = notification

    async def get(self, account_id: str, notification_id: str) -> Notification | None:
        n = self._s.notifications.get(notification_id)
        return n if n is not None and n.account_id == account_id else None

    async def unseen_up_to(self, account_id: str, up_to_id: str, limit: int) -> list[Notification]:
        chosen = [
            n
            for n in self._s.notifications.values()
            if n.account_id == account_id and n.id <= up_to_id and not n.seen
        ]
        return sorted(chosen, key=lambda n: n.id, reverse=True)[:limit]

    async def list(self, account_id: str, query: NotificationQuery, page: Page) -> list[Notification]:
        chosen = [
            n
            for n in self._s.notifications.values()
            if n.account_id == account_id
            and (not query.types or n.type in query.types)
            and n.type not in query.exclude_types
            and (query.from_account_id is None or n.from_account_id == query.from_account_id)
        ]
        return paginate(chosen, page, lambda n: n.id)

    async def dismiss(self, account_id: str, notification_id: str) -> bool:
        async with self._stores._writing():
            if await self.get(account_id, notification_id) is None:
                return False
            del self._s.notifications[notification_id]
            return True

    async def clear(self, account_id: str) -> int:
        async with self._stores._writing():
            doomed = [i for i, n in self._s.notifications.items() if n.account_id == account_id]
            for i in doomed:
                del self._s.notifications[i]
            return len(doomed)

    async def mark_seen(self, account_id: str, up_to_id: str) -> int:
        async with self._stores._writing():
            changed = 0
            for i, n in list(self._s.notifications.items()):
                if n.account_id == account_id and n.id <= up_to_id and not n.seen:
                    self._s.notifications[i] = dataclasses.replace(n, seen=True)
                    changed += 1
            return changed

    async def mark_one_seen(self, account_id: str, notification_id: str) -> bool:
        async with self._stores._writing():
            n = await self.get(account_id, notification_id)
            if n is None:
                return False
            self._s.notifications[n.id] = dataclasses.replace(n, seen=True)
            return True

    async def unread_count(self, account_id: str) -> int:
        return sum(1 for n in self._s.notifications.values() if n.account_id == account_id and not n.seen)

    async def delete_about_status(self, status_id: str) -> int:
        async with self._stores._writing():
            doomed = [i for i, n in self._s.notifications.items() if n.status_id == status_id]
            for i in doomed:
                del self._s.notifications[i]
            return len(doomed)
