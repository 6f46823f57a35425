"""Job workers inside the server process: they wait on an event (a job was queued here) or a poll
interval (a job was queued by another process), and run jobs through the use case."""

from __future__ import annotations

import logging
from datetime import timedelta

import anyio
from anyio.abc import TaskGroup

from plerome.domain.usecases.jobs import run_next

from .services import Services

log = logging.getLogger("plerome.jobs")


class WorkerPool:
    def __init__(self, svc: Services) -> None:
        self._svc = svc
        self._wake = anyio.Event()
        svc.wake_workers = self.wake

    def wake(self) -> None:
        self._wake.set()

    async def _worker(self) -> None:
        s = self._svc
        lease = timedelta(seconds=s.settings.job_lease_seconds)
        while True:
            try:
                job = await run_next(s.ctx.stores.jobs, s.ctx.clock, s.job_handlers, lease)
            except Exception:
                log.exception("job queue error")
                job = None
            if job is not None:
                continue
            with anyio.move_on_after(s.settings.job_poll_seconds):
                await self._wake.wait()
            if self._wake.is_set():
                self._wake = anyio.Event()

    def start(self, tg: TaskGroup) -> None:
        for _ in range(max(0, self._svc.settings.job_workers)):
            tg.start_soon(self._worker)
