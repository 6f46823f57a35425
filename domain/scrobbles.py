"""Scrobbles (Pleroma's Listen activities): what someone was listening to, and who may see it.

Listens never appear in timelines; they are read per account. Who sees one follows the rule of
domain/visibility.py for statuses, with no one addressed: authors see all of theirs, public and
unlisted ones reach everyone, private ones the author's followers, direct ones nobody else; nobody sees
the listens of someone who blocks them, and a reader who blocks or mutes the author is shown none.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from .errors import InvalidInput, MissingField
from .social import Relationship
from .statuses import VISIBILITIES, Visibility

TEXT_MAX = 1000  # characters of a title, artist or album
LINK_MAX = 2048
LENGTH_MAX = 2**31 - 1  # milliseconds (some 24 days)

_TAG = re.compile(r"<[^>]*>")
_VISIBILITY: dict[str, Visibility] = {v: v for v in VISIBILITIES}


@dataclass(frozen=True, slots=True)
class Scrobble:
    id: str
    account_id: str
    created_at: datetime
    title: str
    artist: str | None = None
    album: str | None = None
    length: int | None = None  # milliseconds
    external_link: str | None = None
    visibility: Visibility = "public"


def strip_tags(text: str) -> str:
    return _TAG.sub("", text).strip()


def _text(value: str | None, name: str) -> str | None:
    if value is None:
        return None
    text = strip_tags(value)
    if len(text) > TEXT_MAX:
        raise InvalidInput(f"{name} is too long (at most {TEXT_MAX} characters)")
    return text or None


def new_scrobble(
    scrobble_id: str,
    account_id: str,
    now: datetime,
    *,
    title: str,
    artist: str | None = None,
    album: str | None = None,
    length: int | None = None,
    external_link: str | None = None,
    visibility: str | None = None,
) -> Scrobble:
    """A listen as the client described it, its texts stripped of HTML; InvalidInput when it is not one."""
    clean_title = _text(title, "title")
    if clean_title is None:
        raise MissingField("title")
    if length is not None and not 0 <= length <= LENGTH_MAX:
        raise InvalidInput("length must be a number of milliseconds, 0 or more")
    link = (external_link or "").strip() or None
    if link is not None and (len(link) > LINK_MAX or not link.lower().startswith(("http://", "https://"))):
        raise InvalidInput("externalLink must be an http or https URL")
    chosen = _VISIBILITY.get(visibility or "public")
    if chosen is None:
        raise InvalidInput(f"visibility must be one of: {', '.join(VISIBILITIES)}.")
    return Scrobble(
        id=scrobble_id,
        account_id=account_id,
        created_at=now,
        title=clean_title,
        artist=_text(artist, "artist"),
        album=_text(album, "album"),
        length=length,
        external_link=link,
        visibility=chosen,
    )


def visible_levels(
    author_id: str, viewer_id: str | None, towards_author: Relationship | None
) -> tuple[Visibility, ...]:
    """The visibilities of the author's listens that the viewer may see (see the module's rule)."""
    if viewer_id is not None and viewer_id == author_id:
        return VISIBILITIES
    if towards_author is not None and (
        towards_author.blocked_by or towards_author.blocking or towards_author.muting
    ):
        return ()
    if towards_author is not None and towards_author.following:
        return ("public", "unlisted", "private")
    return ("public", "unlisted")


def can_see_scrobble(scrobble: Scrobble, viewer_id: str | None, towards_author: Relationship | None) -> bool:
    return scrobble.visibility in visible_levels(scrobble.account_id, viewer_id, towards_author)
