"""Settings that client apps keep per user, one JSON object per app name."""

from __future__ import annotations

from typing import Any, Protocol


class AppSettings(Protocol):
    async def get(self, account_id: str, app: str) -> dict[str, Any]: ...  # {} when none
    async def put(self, account_id: str, app: str, settings: dict[str, Any]) -> None: ...
