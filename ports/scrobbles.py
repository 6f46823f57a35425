"""Storage of scrobbles (listens)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from plerome.domain.pagination import Page
from plerome.domain.scrobbles import Scrobble


class Scrobbles(Protocol):
    async def add(self, scrobble: Scrobble) -> None: ...
    async def by_account(
        self, account_id: str, visibilities: Sequence[str], page: Page
    ) -> list[Scrobble]: ...  # those of these visibilities, newest first
