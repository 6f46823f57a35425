"""What the HTTP layer and the CLI are handed: the use-case context and process-level helpers."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from plerome.domain.jobs import Job
from plerome.domain.usecases.context import Context
from plerome.domain.usecases.jobs import JobHandler, enqueue

from .settings import Settings


def no_wake() -> None:
    """`wake_workers` while no worker pool runs (the CLI, or before the lifespan starts)."""


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
    job_handlers: dict[str, JobHandler] = field(default_factory=dict)  # job kind -> handler, per app
    extras: Mapping[str, Any] = field(default_factory=dict)
    # Set by the running worker pool: call it after queueing a job so a worker takes it at once.
    wake_workers: Callable[[], None] = no_wake

    @property
    def has_workers(self) -> bool:
        """Whether job workers run in this process (the lifespan has started them)."""
        return self.wake_workers is not no_wake

    @property
    def base_url(self) -> str:
        return self.settings.base_url

    async def queue_job(self, kind: str, payload: dict[str, Any], run_at: datetime | None = None) -> Job:
        """Queue a job outside any transaction and wake this process' workers."""
        return await enqueue(
            self.ctx.stores.jobs, self.ctx.ids, self.ctx.clock, kind, payload, run_at, wake=self.wake_workers
        )
