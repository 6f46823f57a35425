"""Statuses: what a post is, who it is addressed to, and the rules for writing one."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from .errors import InvalidInput

Visibility = Literal["public", "unlisted", "private", "direct"]
VISIBILITIES: tuple[Visibility, ...] = ("public", "unlisted", "private", "direct")
CONTENT_TYPES = ("text/plain", "text/markdown", "text/html")
STATUS_MAX_CHARS = 5000
MEDIA_MAX = 4

# @nick or @nick@host, not preceded by a word character (so emails are not mentions)
MENTION = re.compile(r"(?<![\w@/])@([A-Za-z0-9_-]+)(?:@([A-Za-z0-9.-]+\.[A-Za-z]{2,}|[A-Za-z0-9.-]+:\d+))?")
HASHTAG = re.compile(r"(?<![\w#&/])#(\w{1,100})", re.UNICODE)


@dataclass(frozen=True, slots=True)
class Status:
    id: str
    account_id: str
    created_at: datetime
    visibility: Visibility
    source: str  # what the author wrote
    content_type: str
    content: str  # rendered, sanitised HTML
    spoiler_text: str = ""
    sensitive: bool = False
    language: str | None = None
    in_reply_to_id: str | None = None
    in_reply_to_account_id: str | None = None
    context_id: str = ""  # the thread: the id of its first status
    mentioned_ids: tuple[str, ...] = ()  # local accounts addressed by mention (and, for direct, recipients)
    tags: tuple[str, ...] = ()  # lowercased hashtags
    media_ids: tuple[str, ...] = ()
    reblog_of_id: str | None = None  # set on a reblog wrapper
    app_name: str | None = None
    replies_count: int = 0
    favourites_count: int = 0
    reblogs_count: int = 0

    @property
    def is_reblog(self) -> bool:
        return self.reblog_of_id is not None

    @property
    def counts_as_posted(self) -> bool:
        """Whether it counts in its author's statuses_count: as Pleroma counts, public and unlisted
        statuses, reblogs not."""
        return self.reblog_of_id is None and self.visibility in ("public", "unlisted")


@dataclass(frozen=True, slots=True)
class Draft:
    """A status as the client asked for it, before ids, addressing and rendering."""

    text: str
    visibility: Visibility
    content_type: str = "text/plain"
    spoiler_text: str = ""
    sensitive: bool = False
    language: str | None = None
    in_reply_to_id: str | None = None
    media_ids: tuple[str, ...] = ()


def check_draft(draft: Draft) -> None:
    if draft.visibility not in VISIBILITIES:
        raise InvalidInput(f"visibility must be one of: {', '.join(VISIBILITIES)}.")
    if draft.content_type not in CONTENT_TYPES:
        raise InvalidInput(f"content_type must be one of: {', '.join(CONTENT_TYPES)}.")
    if not draft.text.strip() and not draft.media_ids:
        raise InvalidInput("Cannot post an empty status.")
    if len(draft.text) + len(draft.spoiler_text) > STATUS_MAX_CHARS:
        raise InvalidInput("The status is over the character limit")
    if len(draft.media_ids) > MEDIA_MAX:
        raise InvalidInput(f"Too many attachments: at most {MEDIA_MAX}.")


def mentioned_nicknames(text: str, local_host: str) -> list[str]:
    """Local nicknames mentioned in `text` (`@nick` or `@nick@<this host>`), in order, once each."""
    found: dict[str, None] = {}
    for m in MENTION.finditer(text):
        nickname, host = m.group(1), m.group(2)
        if host is None or host.lower() == local_host.lower():
            found.setdefault(nickname, None)
    return list(found)


def hashtags(text: str) -> tuple[str, ...]:
    """Hashtags in `text`, lowercased, once each, in order; all-digit tags are not tags."""
    tags: dict[str, None] = {}
    for m in HASHTAG.finditer(text):
        tag = m.group(1)
        if not tag.isdigit():
            tags.setdefault(tag.casefold(), None)
    return tuple(tags)


def thread_of(parent: Status | None, new_id: str) -> str:
    """A reply joins its parent's thread; anything else starts its own."""
    return parent.context_id if parent else new_id


def reply_visibility_allowed(parent: Status, visibility: Visibility) -> bool:
    """Replies are not widened beyond direct: a reply to a direct status stays direct."""
    return not (parent.visibility == "direct" and visibility != "direct")


def can_reblog(status: Status, by_author: bool) -> bool:
    """Public and unlisted statuses can be reblogged; private ones only by their author (Pleroma)."""
    if status.visibility in ("public", "unlisted"):
        return True
    return status.visibility == "private" and by_author


def reblog_visibility(original: Status, asked: str | None) -> Visibility:
    """A reblog is public (or unlisted, if asked) or reaches the reblogger's followers only: asking for
    private or direct gives private; asking nothing follows the original (a private one stays private)."""
    if asked is not None and asked not in VISIBILITIES:
        raise InvalidInput(f"visibility must be one of: {', '.join(VISIBILITIES)}.")
    if asked in ("public", "unlisted"):
        return "public" if asked == "public" else "unlisted"
    if asked is None and original.visibility in ("public", "unlisted"):
        return original.visibility
    return "private"
