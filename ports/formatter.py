"""Turning what an author wrote into the HTML a status shows."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Protocol


class Formatter(Protocol):
    def render(
        self, text: str, content_type: str, mentions: Mapping[str, str], tags: Sequence[str], base_url: str
    ) -> str:
        """`text` (text/plain, text/markdown or text/html) as sanitised HTML. `mentions` maps the
        nicknames of the local accounts it mentions to their profile URLs: each such @mention becomes an
        h-card link, any other (an unknown or remote @nick@host) stays text. Each of `tags` (lowercased)
        becomes a link to `{base_url}/tag/{tag}`."""
        ...
