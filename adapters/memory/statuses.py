"""Statuses, favourites, bookmarks and attachments in memory."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from plerome.domain.attachments import Attachment
from plerome.domain.errors import Conflict
from plerome.domain.pagination import Page
from plerome.domain.social import Relationship
from plerome.domain.statuses import Status
from plerome.domain.visibility import can_see, hidden_from_lists
from plerome.ports.statuses import Mark, TimelineQuery, ViewerMarks

from .paging import paginate

if TYPE_CHECKING:
    from .stores import MemoryStores, _State


class _Part:
    def __init__(self, stores: MemoryStores) -> None:
        self._stores = stores

    @property
    def _s(self) -> _State:
        return self._stores._state


def _towards(s: _State, viewer: str | None, author: str, now: datetime | None) -> Relationship | None:
    """The viewer's relationship to the author, as far as visibility needs it (None: anonymous). With
    no `now`, every mute counts as active."""
    if viewer is None:
        return None
    follow = s.follows.get((viewer, author))
    mute = s.mutes.get((viewer, author))
    return Relationship(
        target_id=author,
        following=follow is not None and follow.state == "accepted",
        blocking=(viewer, author) in s.blocks,
        blocked_by=(author, viewer) in s.blocks,
        muting=mute is not None and (now is None or mute.active(now)),
    )


def _shown(s: _State, st: Status, viewer: str | None, now: datetime | None, *, hide: bool) -> bool:
    """domain.visibility for this status (and, for a reblog, what it reblogs); `hide` also drops
    what hidden_from_lists hides."""
    for one in (st, s.statuses.get(st.reblog_of_id) if st.reblog_of_id else st):
        if one is None:
            return False
        towards = _towards(s, viewer, one.account_id, now)
        if not can_see(one, viewer, towards):
            return False
        if hide and viewer != one.account_id and hidden_from_lists(one, towards):
            return False
    return True


class MemoryStatuses(_Part):
    def _out(self, st: Status) -> Status:
        """As the SQL stores read it back: media_ids are the attachments attached to it."""
        media = tuple(sorted(a.id for a in self._s.attachments.values() if a.status_id == st.id))
        return st if media == st.media_ids else dataclasses.replace(st, media_ids=media)

    async def add(self, status: Status) -> None:
        async with self._stores._writing():
            if status.id in self._s.statuses:
                raise Conflict("This status already exists.")
            self._s.statuses[status.id] = dataclasses.replace(
                status,
                mentioned_ids=tuple(sorted(set(status.mentioned_ids))),
                tags=tuple(sorted(set(status.tags))),
            )

    async def get(self, status_id: str) -> Status | None:
        st = self._s.statuses.get(status_id)
        return self._out(st) if st is not None else None

    async def get_many(self, status_ids: Sequence[str]) -> dict[str, Status]:
        return {i: self._out(self._s.statuses[i]) for i in status_ids if i in self._s.statuses}

    async def delete(self, status_id: str) -> bool:
        """Also its reblogs, their marks and notifications, as the SQL stores' foreign keys cascade;
        its attachments are let go."""
        async with self._stores._writing():
            s = self._s
            if s.statuses.pop(status_id, None) is None:
                return False
            gone = {status_id}
            for other in [o for o in s.statuses.values() if o.reblog_of_id == status_id]:
                del s.statuses[other.id]
                gone.add(other.id)
            for marks in (s.favourites, s.bookmarks):
                for key in [k for k in marks if k[1] in gone]:
                    del marks[key]
            for nid in [i for i, n in s.notifications.items() if n.status_id in gone]:
                del s.notifications[nid]
            for aid, a in list(s.attachments.items()):
                if a.status_id in gone:
                    s.attachments[aid] = dataclasses.replace(a, status_id=None)
            return True

    async def in_thread(self, context_id: str, limit: int) -> list[Status]:
        thread = [s for s in self._s.statuses.values() if s.context_id == context_id and not s.is_reblog]
        return [self._out(s) for s in sorted(thread, key=lambda s: s.id)[:limit]]

    async def reblog_of(self, account_id: str, status_id: str) -> Status | None:
        found = next(
            (
                s
                for s in self._s.statuses.values()
                if s.account_id == account_id and s.reblog_of_id == status_id
            ),
            None,
        )
        return self._out(found) if found is not None else None

    async def reblogged(self, account_id: str, status_ids: Sequence[str]) -> set[str]:
        wanted = set(status_ids)
        return {
            s.reblog_of_id
            for s in self._s.statuses.values()
            if s.account_id == account_id and s.reblog_of_id in wanted and s.reblog_of_id is not None
        }

    async def reblogs(self, status_id: str, page: Page) -> list[Status]:
        wrappers = [s for s in self._s.statuses.values() if s.reblog_of_id == status_id]
        return [self._out(s) for s in paginate(wrappers, page, lambda s: s.id)]

    async def viewer_marks(self, account_id: str, status_ids: Sequence[str]) -> ViewerMarks:
        ids = list(status_ids)
        return ViewerMarks(
            frozenset(sid for sid in ids if (account_id, sid) in self._s.favourites),
            frozenset(sid for sid in ids if (account_id, sid) in self._s.bookmarks),
            frozenset(await self.reblogged(account_id, ids)),
        )

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
            follow = s.follows.get((viewer, st.account_id))
            followed = (
                follow is not None
                and follow.state == "accepted"
                and (not st.is_reblog or follow.show_reblogs)
            )
            if not (st.account_id == viewer or followed or viewer in st.mentioned_ids):
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
        if q.only_media and not st.media_ids:  # as posted: the stores keep whether it had media
            return False
        own_list = q.kind == "account" and q.account_id == viewer
        return _shown(s, st, viewer, q.now, hide=not own_list)

    async def timeline(self, query: TimelineQuery, page: Page) -> list[Status]:
        chosen = [st for st in self._s.statuses.values() if self._in_timeline(st, query)]
        return [self._out(st) for st in paginate(chosen, page, lambda st: st.id)]

    async def search(self, viewer_id: str | None, text: str, page: Page, offset: int) -> list[Status]:
        needle = text.casefold()
        found = [
            st
            for st in self._s.statuses.values()
            if not st.is_reblog
            and needle in st.source.casefold()
            and _shown(self._s, st, viewer_id, None, hide=True)
        ]
        offset = max(0, offset)
        paged = paginate(found, dataclasses.replace(page, limit=page.limit + offset), lambda st: st.id)
        return [self._out(st) for st in paged[offset:]]

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
