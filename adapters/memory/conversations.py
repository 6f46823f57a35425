"""Conversation participations in memory (recipients are kept on each participation)."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import TYPE_CHECKING

from plerome.domain.conversations import Bump, Participation, bumped, cursor_key, order_key
from plerome.domain.pagination import Page
from plerome.ports.conversations import ConversationQuery

from .paging import paginate

if TYPE_CHECKING:
    from .stores import MemoryStores, _State


class MemoryConversations:
    def __init__(self, stores: MemoryStores) -> None:
        self._stores = stores

    @property
    def _s(self) -> _State:
        return self._stores._state

    def _find(self, account_id: str, context_id: str) -> Participation | None:
        return next(
            (
                p
                for p in self._s.participations.values()
                if p.account_id == account_id and p.context_id == context_id
            ),
            None,
        )

    def _out(self, p: Participation) -> Participation:
        """As the SQL stores read it back: recipients whose account is gone are gone."""
        kept = tuple(a for a in p.recipients if a in self._s.accounts)
        return p if kept == p.recipients else dataclasses.replace(p, recipients=kept)

    async def bump(self, bump: Bump) -> None:
        async with self._stores._writing():
            existing = self._find(bump.account_id, bump.context_id)
            after = bumped(existing, bump)
            if existing is None:
                after = dataclasses.replace(
                    after, recipients=tuple(a for a in after.recipients if a in self._s.accounts)
                )
            self._s.participations[after.id] = after

    async def get(self, participation_id: str) -> Participation | None:
        p = self._s.participations.get(participation_id)
        return self._out(p) if p is not None and p.account_id in self._s.accounts else None

    def _owned(self, account_id: str) -> list[Participation]:
        """An account's participations (none once the account is gone, as the SQL stores cascade)."""
        if account_id not in self._s.accounts:
            return []
        return [p for p in self._s.participations.values() if p.account_id == account_id]

    async def list_for(self, query: ConversationQuery, page: Page) -> list[Participation]:
        chosen = [self._out(p) for p in self._owned(query.account_id)]
        if query.recipients:
            wanted = {query.account_id, *query.recipients}
            chosen = [p for p in chosen if set(p.recipients) == wanted]

        def key_of(cursor: str | None) -> tuple[str, str] | None:
            if cursor is None:
                return None
            found = self._s.participations.get(cursor)
            return cursor_key(cursor, found if found and found.account_id == query.account_id else None)

        upper, since, lower = key_of(page.max_id), key_of(page.since_id), key_of(page.min_id)
        chosen = [
            p
            for p in chosen
            if (upper is None or order_key(p) < upper)
            and (since is None or order_key(p) > since)
            and (lower is None or order_key(p) > lower)
        ]
        if lower is not None:
            return sorted(chosen, key=order_key)[: page.limit][::-1]
        return sorted(chosen, key=order_key, reverse=True)[: page.limit]

    async def for_contexts(self, account_id: str, context_ids: Sequence[str]) -> dict[str, str]:
        wanted = set(context_ids)
        return {p.context_id: p.id for p in self._owned(account_id) if p.context_id in wanted}

    async def set_recipients(self, participation_id: str, account_ids: Sequence[str]) -> None:
        async with self._stores._writing():
            p = self._s.participations.get(participation_id)
            if p is not None:
                kept = tuple(sorted({a for a in account_ids if a in self._s.accounts}))
                self._s.participations[p.id] = dataclasses.replace(p, recipients=kept)

    async def mark_read(self, participation_id: str) -> bool:
        async with self._stores._writing():
            p = self._s.participations.get(participation_id)
            if p is None or p.account_id not in self._s.accounts:
                return False
            self._s.participations[p.id] = dataclasses.replace(p, unread=False)
            return True

    async def unread(self, account_id: str, limit: int) -> list[Participation]:
        chosen = [self._out(p) for p in self._owned(account_id) if p.unread]
        return sorted(chosen, key=order_key, reverse=True)[:limit]

    async def mark_all_read(self, account_id: str) -> int:
        async with self._stores._writing():
            changed = [p for p in self._owned(account_id) if p.unread]
            for p in changed:
                self._s.participations[p.id] = dataclasses.replace(p, unread=False)
            return len(changed)

    async def delete(self, participation_id: str) -> bool:
        async with self._stores._writing():
            return self._s.participations.pop(participation_id, None) is not None

    async def unread_count(self, account_id: str) -> int:
        return sum(1 for p in self._owned(account_id) if p.unread)

    async def thread(self, context_id: str, page: Page) -> list[str]:
        ids = [
            s.id for s in self._s.statuses.values() if s.context_id == context_id and s.reblog_of_id is None
        ]
        return paginate(ids, page, lambda i: i)
