"""Who may see a status. The one place this is decided; every read goes through it."""

from __future__ import annotations

from .social import Relationship
from .statuses import Status


def can_see(status: Status, viewer_id: str | None, towards_author: Relationship | None) -> bool:
    """Whether the viewer may see `status`. `towards_author` is the viewer's relationship to the author
    (None for anonymous viewers). Authors always see their own; nobody sees the statuses of someone who
    blocks them; private statuses reach followers and mentioned accounts; direct ones only the mentioned."""
    if viewer_id is not None and viewer_id == status.account_id:
        return True
    if towards_author is not None and towards_author.blocked_by:
        return False
    if status.visibility in ("public", "unlisted"):
        return True
    if viewer_id is None:
        return False
    if viewer_id in status.mentioned_ids:
        return True
    return status.visibility == "private" and towards_author is not None and towards_author.following


def hidden_from_lists(status: Status, towards_author: Relationship | None) -> bool:
    """Statuses of accounts the viewer blocks or mutes stay out of timelines and lists (not out of
    direct fetches)."""
    return towards_author is not None and (towards_author.blocking or towards_author.muting)
