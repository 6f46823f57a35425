"""Storage of statuses and of what accounts do to them (favourites, bookmarks)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Literal, Protocol

from plerome.domain.attachments import Attachment
from plerome.domain.pagination import Page
from plerome.domain.statuses import Status

TimelineKind = Literal["home", "public", "tag", "account"]


@dataclass(frozen=True, slots=True)
class TimelineQuery:
    """Which statuses a list holds. The store filters by what `viewer_id` may see (the same rule as
    domain.visibility.can_see) and drops authors the viewer blocks, is blocked by or mutes (except on
    the viewer's own `account` list); use cases check each result with can_see again."""

    kind: TimelineKind
    viewer_id: str | None
    account_id: str | None = None  # kind == "account"
    tag: str | None = None  # kind == "tag", lowercased
    exclude_reblogs: bool = False
    exclude_replies: bool = False
    only_media: bool = False
    now: datetime | None = None  # mutes that expired by then hide nothing (None: every mute hides)


@dataclass(frozen=True, slots=True)
class Mark:
    """A favourite or bookmark; its own id orders the favourites/bookmarks lists."""

    id: str
    account_id: str
    status_id: str
    created_at: datetime


@dataclass(frozen=True, slots=True)
class ViewerMarks:
    """Which of some statuses a viewer has favourited, bookmarked and reblogged."""

    favourited: frozenset[str] = frozenset()
    bookmarked: frozenset[str] = frozenset()
    reblogged: frozenset[str] = frozenset()


class Statuses(Protocol):
    """Reads give `mentioned_ids` and `tags` sorted, and `media_ids` as the sorted ids of the attachments
    attached to the status (Attachments.attach), whatever `add` was given; `add` keeps only whether the
    status was posted with media (for `only_media` lists)."""

    async def add(self, status: Status) -> None: ...
    async def get(self, status_id: str) -> Status | None: ...  # media_ids: the attachments attached to it
    async def get_many(self, status_ids: Sequence[str]) -> dict[str, Status]: ...
    async def delete(self, status_id: str) -> bool: ...  # also its reblogs, marks and mentions
    async def in_thread(self, context_id: str, limit: int) -> list[Status]: ...  # oldest first
    async def reblog_of(self, account_id: str, status_id: str) -> Status | None: ...  # the wrapper
    async def reblogged(self, account_id: str, status_ids: Sequence[str]) -> set[str]: ...
    async def viewer_marks(self, account_id: str, status_ids: Sequence[str]) -> ViewerMarks: ...  # one trip
    async def reblogs(self, status_id: str, page: Page) -> list[Status]: ...  # its wrappers, newest first
    async def adjust_counts(
        self, status_id: str, *, replies: int = 0, favourites: int = 0, reblogs: int = 0
    ) -> None: ...
    async def timeline(self, query: TimelineQuery, page: Page) -> list[Status]: ...
    async def search(self, viewer_id: str | None, text: str, page: Page, offset: int) -> list[Status]: ...
    async def idempotent(self, account_id: str, key: str) -> str | None: ...  # status id posted with key
    async def remember_idempotency(
        self, account_id: str, key: str, status_id: str, now: datetime
    ) -> None: ...


class Marks(Protocol):
    """Favourites or bookmarks (one adapter instance per kind)."""

    async def add(self, mark: Mark) -> bool: ...  # False: already marked
    async def remove(self, account_id: str, status_id: str) -> bool: ...
    async def marked(self, account_id: str, status_ids: Sequence[str]) -> set[str]: ...
    async def by_account(self, account_id: str, page: Page) -> list[Mark]: ...  # newest mark first
    async def accounts_for(self, status_id: str, page: Page) -> list[Mark]: ...  # favourited_by


class Attachments(Protocol):
    async def add(self, attachment: Attachment) -> None: ...
    async def get(self, attachment_id: str) -> Attachment | None: ...
    async def update(self, attachment: Attachment) -> None: ...
    async def for_statuses(self, status_ids: Sequence[str]) -> dict[str, list[Attachment]]: ...
    async def attach(self, status_id: str, attachment_ids: Sequence[str]) -> None: ...
