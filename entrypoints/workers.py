"""Job workers inside the server process.

Each worker claims due jobs until none is left, then waits for a wake-up (`Services.wake_workers`: a
job was queued in this process) or the poll interval (a job was queued by another process, or a
retry became due). On shutdown a running job is cancelled and given back to the queue, due at once.
"""

from __future__ import annotations

import logging
from datetime import timedelta

import anyio
from anyio.abc import TaskGroup

from plerome.domain.jobs import Job
from plerome.domain.usecases.jobs import claim_next, release, run_claimed

from .services import Services, no_wake

log = logging.getLogger("plerome.jobs")


class WorkerPool:
    def __init__(self, svc: Services) -> None:
        self._svc = svc
        self._wakes: list[anyio.Event] = []

    def wake(self) -> None:
        for event in self._wakes:
            event.set()

    def start(self, tg: TaskGroup) -> None:
        """Start the workers in `tg`; cancelling `tg` stops them. Wakes go to them from now on."""
        count = max(0, self._svc.settings.job_workers)
        self._wakes = [anyio.Event() for _ in range(count)]
        for index in range(count):
            tg.start_soon(self._worker, index)
        self._svc.wake_workers = self.wake

    def stop(self) -> None:
        if self._svc.wake_workers == self.wake:
            self._svc.wake_workers = no_wake

    async def _worker(self, index: int) -> None:
        s = self._svc
        queue, clock = s.ctx.stores.jobs, s.ctx.clock
        lease = timedelta(seconds=s.settings.job_lease_seconds)
        while True:
            # A fresh event before looking: a wake that comes during the claim is not lost.
            self._wakes[index] = wake = anyio.Event()
            try:
                job = await claim_next(queue, clock, lease)
            except Exception:
                log.exception("could not claim a job")
                job = None
            if job is None:
                with anyio.move_on_after(s.settings.job_poll_seconds):
                    await wake.wait()
                continue
            await self._run(job, lease)

    async def _run(self, job: Job, lease: timedelta) -> None:
        s = self._svc
        queue, clock = s.ctx.stores.jobs, s.ctx.clock
        try:
            await run_claimed(queue, clock, s.job_handlers, job, lease)
        except anyio.get_cancelled_exc_class():
            with anyio.CancelScope(shield=True):
                try:
                    await release(queue, clock, job, "interrupted: the server shut down")
                except Exception:
                    log.exception("could not give back job %s; it runs again when its lease ends", job.id)
            raise
        except Exception:
            log.exception("could not record the outcome of job %s", job.id)
