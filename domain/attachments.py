"""Media attachments: an uploaded file an account can attach to its statuses."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from .errors import InvalidInput, Unprocessable

AttachmentKind = Literal["image", "gifv", "video", "audio", "unknown"]
DESCRIPTION_MAX = 1500


@dataclass(frozen=True, slots=True)
class Attachment:
    id: str
    account_id: str
    file_key: str  # where the file store keeps it
    mime_type: str
    kind: AttachmentKind
    size: int
    created_at: datetime
    description: str = ""
    focus: tuple[float, float] | None = None
    width: int | None = None
    height: int | None = None
    status_id: str | None = None  # set once attached to a status


def parse_focus(text: str) -> tuple[float, float]:
    """Mastodon's focal point "x,y", each in -1.0…1.0."""
    try:
        x_text, y_text = text.split(",")
        x, y = float(x_text), float(y_text)
    except ValueError:
        raise InvalidInput("focus must be two numbers: x,y") from None
    if not (-1.0 <= x <= 1.0 and -1.0 <= y <= 1.0):
        raise InvalidInput("focus values must be between -1.0 and 1.0")
    return (x, y)


def check_description(text: str) -> str:
    """An attachment's description (alt text), at most DESCRIPTION_MAX characters."""
    if len(text) > DESCRIPTION_MAX:
        raise Unprocessable(f"Description is too long (maximum is {DESCRIPTION_MAX} characters)")
    return text
