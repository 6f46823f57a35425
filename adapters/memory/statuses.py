"""Statuses, favourites, bookmarks and attachments in memory."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from plerome.domain.attachments import Attachment
from plerome.domain.pagination import Page
from plerome.domain.statuses import Status
from plerome.ports.statuses import Mark, TimelineQuery

from .paging import paginate

if TYPE_CHECKING:
    from .stores import MemoryStores, _State


class _Part:
    def __init__(self, stores: MemoryStores) -> None:
        self._stores = stores

    @property
    def _s(self) -> _State:
        return self._stores._state


def _follows(s: _State, follower: str, followee: str) -> bool:
    f = s.follows.get((follower, followee))
    return f is not None and f.state == "accepted"


def _visible(s: _State, st: Status, viewer: str | None) -> bool:
    if viewer == st.account_id:
        return True
    if viewer is not None and (st.account_id, viewer) in s.blocks:
        return False
    if st.visibility in ("public", "unlisted"):
        return True
    if viewer is None:
        return False
    return viewer in st.mentioned_ids or (st.visibility == "private" and _follows(s, viewer, st.account_id))


def _hidden(s: _State, st: Status, viewer: str | None, now: datetime | None) -> bool:
    if viewer is None or viewer == st.account_id:
        return False
    author = st.account_id
    mute = s.mutes.get((viewer, author))
    return (
        (viewer, author) in s.blocks
        or (author, viewer) in s.blocks
        or (mute is not None and (now is None or mute.active(now)))
    )


class MemoryStatuses(_Part):
    async def add(self, status: Status) -> None:
        async with self._stores._writing():
            self._s.statuses[status.id] = status

    async def get(self, status_id: str) -> Status | None:
        return self._s.statuses.get(status_id)

    async def get_many(self, status_ids: Sequence[str]) -> dict[str, Status]:
        return {i: self._s.statuses[i] for i in status_ids if i in self._s.statuses}

    async def delete(self, status_id: str) -> bool:
        async with self._stores._writing():
            s = self._s
            if s.statuses.pop(status_id, None) is None:
                return False
            for other in [o for o in s.statuses.values() if o.reblog_of_id == status_id]:
                del s.statuses[other.id]
            for marks in (s.favourites, s.bookmarks):
                for key in [k for k in marks if k[1] == status_id]:
                    del marks[key]
            return True

    async def in_thread(self, context_id: str, limit: int) -> list[Status]:
        thread = [s for s in self._s.statuses.values() if s.context_id == context_id and not s.is_reblog]
        return sorted(thread, key=lambda s: s.id)[:limit]

    async def reblog_of(self, account_id: str, status_id: str) -> Status | None:
        return next(
            (
                s
                for s in self._s.statuses.values()
                if s.account_id == account_id and s.reblog_of_id == status_id
            ),
            None,
        )

    async def reblogged(self, account_id: str, status_ids: Sequence[str]) -> set[str]:
        wanted = set(status_ids)
        return {
            s.reblog_of_id
            for s in self._s.statuses.values()
            if s.account_id == account_id and s.reblog_of_id in wanted and s.reblog_of_id is not None
        }

    async def count_by(self, account_id: str) -> int:
        return sum(1 for s in self._s.statuses.values() if s.account_id == account_id)

    async def adjust_counts(
        self, status_id: str, *, replies: int = 0, favourites: int = 0, reblogs: int = 0
    ) -> None:
        async with self._stores._writing():
            st = self._s.statuses.get(status_id)
            if st is not None:
                self._s.statuses[status_id] = dataclasses.replace(
                    st,
                    replies_count=max(0, st.replies_count + replies),
                    favourites_count=max(0, st.favourites_count + favourites),
                    reblogs_count=max(0, st.reblogs_count + reblogs),
                )

    def _in_timeline(self, st: Status, q: TimelineQuery) -> bool:
        s, viewer = self._s, q.viewer_id
        if q.kind == "home":
            if viewer is None:
                return False
            mine = st.account_id == viewer
            followed = _follows(s, viewer, st.account_id)
            if st.is_reblog and followed:
                f = s.follows[(viewer, st.account_id)]
                if not f.show_reblogs:
                    return False
            if not (mine or followed or viewer in st.mentioned_ids):
                return False
        elif q.kind == "public":
            if st.visibility != "public" or st.is_reblog:
                return False
        elif q.kind == "tag":
            if st.visibility != "public" or st.is_reblog or q.tag not in st.tags:
                return False
        elif q.kind == "account" and st.account_id != q.account_id:
            return False
        if q.exclude_reblogs and st.is_reblog:
            return False
        if q.exclude_replies and st.in_reply_to_id is not None:
            return False
        if q.only_media and not st.media_ids:
            return False
        if not _visible(s, st, viewer):
            return False
        own_list = q.kind == "account" and q.account_id == viewer
        return own_list or not _hidden(s, st, viewer, None)

    async def timeline(self, query: TimelineQuery, page: Page) -> list[Status]:
        chosen = [st for st in self._s.statuses.values() if self._in_timeline(st, query)]
        return paginate(chosen, page, lambda st: st.id)

    async def search(self, viewer_id: str | None, text: str, page: Page, offset: int) -> list[Status]:
        needle = text.casefold()
        found = [
            st
            for st in self._s.statuses.values()
            if not st.is_reblog
            and needle in st.source.casefold()
            and _visible(self._s, st, viewer_id)
            and not _hidden(self._s, st, viewer_id, None)
        ]
        return paginate(found, dataclasses.replace(page, limit=page.limit + offset), lambda st: st.id)[
            offset:
        ]

    async def idempotent(self, account_id: str, key: str) -> str | None:
        return self._s.idempotency.get((account_id, key))

    async def remember_idempotency(self, account_id: str, key: str, status_id: str, now: datetime) -> None:
        async with self._stores._writing():
            self._s.idempotency.setdefault((account_id, key), status_id)


class MemoryMarks(_Part):
    def __init__(self, stores: MemoryStores, kind: str) -> None:
        super().__init__(stores)
        self._kind = kind

    def _marks(self) -> dict[tuple[str, str], Mark]:
        return self._s.favourites if self._kind == "favourites" else self._s.bookmarks

    async def add(self, mark: Mark) -> bool:
        async with self._stores._writing():
            key = (mark.account_id, mark.status_id)
            if key in self._marks():
                return False
            self._marks()[key] = mark
            return True

    async def remove(self, account_id: str, status_id: str) -> bool:
        async with self._stores._writing():
            return self._marks().pop((account_id, status_id), None) is not None

    async def marked(self, account_id: str, status_ids: Sequence[str]) -> set[str]:
        return {sid for sid in status_ids if (account_id, sid) in self._marks()}

    async def by_account(self, account_id: str, page: Page) -> list[Mark]:
        return paginate(
            [m for m in self._marks().values() if m.account_id == account_id], page, lambda m: m.id
        )

    async def accounts_for(self, status_id: str, page: Page) -> list[Mark]:
        return paginate([m for m in self._marks().values() if m.status_id == status_id], page, lambda m: m.id)


class MemoryAttachments(_Part):
    async def add(self, attachment: Attachment) -> None:
        async with self._stores._writing():
            self._s.attachments[attachment.id] = attachment

    async def get(self, attachment_id: str) -> Attachment | None:
        return self._s.attachments.get(attachment_id)

    async def update(self, attachment: Attachment) -> None:
        async with self._stores._writing():
            if attachment.id in self._s.attachments:
                self._s.attachments[attachment.id] = attachment

    async def for_statuses(self, status_ids: Sequence[str]) -> dict[str, list[Attachment]]:
        out: dict[str, list[Attachment]] = {}
        wanted = set(status_ids)
        for a in sorted(self._s.attachments.values(), key=lambda a: a.id):
            if a.status_id in wanted and a.status_id is not None:
                out.setdefault(a.status_id, []).append(a)
        return out

    async def attach(self, status_id: str, attachment_ids: Sequence[str]) -> None:
        async with self._stores._writing():
            for aid in attachment_ids:
                a = self._s.attachments.get(aid)
                if a is not None:
                    self._s.attachments[aid] = dataclasses.replace(a, status_id=status_id)
