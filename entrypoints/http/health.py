"""GET /api/v1/pleroma/healthcheck (and /api/pleroma/healthcheck): is the store answering?"""

from __future__ import annotations

import logging
import os
import sys

import anyio
import msgspec
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute

from plerome.domain.jobs import QueueStats

from .json import Json
from .routing import Doc, RouteTable
from .web import Web

log = logging.getLogger("plerome.http")

PING_TIMEOUT = 1.0  # seconds the store has to answer before the instance is reported unhealthy


class JobQueueStats(msgspec.Struct):
    queued: int
    running: int
    done: int
    failed: int
    processed_jobs: int  # Pleroma's names: finished jobs, and how many of them failed for good
    failed_jobs: int


class Health(msgspec.Struct):
    pool_size: int
    active: int
    idle: int
    memory_used: float  # MiB resident
    healthy: bool
    job_queue_stats: JobQueueStats | None  # None: the store did not answer in time


def memory_used() -> float:
    """This process' resident memory in MiB."""
    try:
        with open("/proc/self/statm", "rb") as f:
            resident_pages = int(f.read().split()[1])
        return round(resident_pages * os.sysconf("SC_PAGE_SIZE") / 1048576, 2)
    except (OSError, ValueError, IndexError):
        # No procfs: the peak instead, which getrusage gives in KiB on Linux and bytes on macOS.
        import resource

        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        return round(peak / (1048576 if sys.platform == "darwin" else 1024), 2)


def _queue(stats: QueueStats) -> JobQueueStats:
    return JobQueueStats(
        queued=stats.queued,
        running=stats.running,
        done=stats.done,
        failed=stats.failed,
        processed_jobs=stats.done + stats.failed,
        failed_jobs=stats.failed,
    )


def routes(web: Web) -> list[BaseRoute]:
    async def healthcheck(request: Request) -> Response:
        stores = web.ctx.stores
        healthy = False
        queue = None
        with anyio.move_on_after(PING_TIMEOUT):
            try:
                await stores.ping()
                healthy = True
                queue = _queue(await stores.jobs.stats())
            except Exception:
                log.exception("healthcheck: the store failed")
        pool = stores.pool_stats()
        body = Health(
            pool_size=pool.size,
            active=pool.active,
            idle=pool.idle,
            memory_used=memory_used(),
            healthy=healthy,
            job_queue_stats=queue,
        )
        return Json(body, status_code=200 if healthy else 503)

    table = RouteTable()
    table.pleroma(
        "/healthcheck",
        healthcheck,
        ["GET"],
        Doc("Whether the instance and its store answer, with pool and job queue figures", None, Health),
    )
    return table.routes
