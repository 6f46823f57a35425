"""What the HTTP layer and the CLI are handed: the use-case context and process-level helpers."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from plerome.domain.usecases.context import Context
from plerome.domain.usecases.jobs import JobHandler

from .settings import Settings


class Lifecycle(Protocol):
    async def open(self) -> None: ...
    async def close(self) -> None: ...
    async def migrate(self) -> list[str]: ...


@dataclass
class Services:
    settings: Settings
    ctx: Context
    store: Lifecycle
    secret_key: str
    job_handlers: dict[str, JobHandler] = field(default_factory=dict)
    extras: Mapping[str, Any] = field(default_factory=dict)
    wake_workers: Any = None  # set by the worker pool: call to say a job was queued

    @property
    def base_url(self) -> str:
        return self.settings.base_url
