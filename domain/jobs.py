"""Background jobs: what a queued job is and when a failed one is tried again."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal

JobState = Literal["queued", "running", "done", "failed"]
MAX_ATTEMPTS = 5


@dataclass(frozen=True, slots=True)
class Job:
    id: str
    kind: str
    payload: dict[str, Any]
    state: JobState
    attempts: int
    max_attempts: int
    run_at: datetime
    created_at: datetime
    locked_until: datetime | None = None
    last_error: str | None = None


@dataclass(frozen=True, slots=True)
class QueueStats:
    queued: int = 0
    running: int = 0
    done: int = 0
    failed: int = 0


def retry_delay(attempts: int) -> timedelta:
    """Back-off after the `attempts`-th failure: 2, 4, 8, 16… seconds, at most ten minutes."""
    return timedelta(seconds=min(2**attempts, 600))


def next_after_failure(job: Job, now: datetime) -> datetime | None:
    """When to try a failed job again, or None when it has used up its attempts and is recorded as failed."""
    if job.attempts >= job.max_attempts:
        return None
    return now + retry_delay(job.attempts)
