"""Backups: a zip of an account's data, made by a job; how often one may be asked for, what it is
called, and when it is thrown away."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from .errors import InvalidInput

BackupState = Literal["pending", "running", "complete", "failed"]
KEEP_DAYS = 30  # a backup is deleted this long after it was asked for
CONTENT_TYPE = "application/zip"


@dataclass(frozen=True, slots=True)
class Backup:
    id: str
    account_id: str
    file_name: str
    inserted_at: datetime
    state: BackupState = "pending"
    file_size: int = 0  # bytes, once complete
    processed_number: int = 0  # items written so far

    @property
    def processed(self) -> bool:
        return self.state == "complete"


def check_interval(last: Backup | None, now: datetime, interval_days: int) -> None:
    """One backup per `interval_days` (0: no limit). A failed backup does not count."""
    if last is None or interval_days <= 0:
        return
    if now - last.inserted_at < timedelta(days=interval_days):
        if interval_days == 1:
            raise InvalidInput("Last export was less than a day ago")
        raise InvalidInput(f"Last export was less than {interval_days} days ago")


def archive_name(nickname: str, now: datetime, unique: str) -> str:
    """`archive-<nickname>-<YYYYMMDDTHHMMSS>-<unique>.zip`, as Pleroma names them."""
    return f"archive-{nickname}-{now:%Y%m%dT%H%M%S}-{unique}.zip"


def expiry_cutoff(now: datetime) -> datetime:
    """Backups asked for before this are deleted."""
    return now - timedelta(days=KEEP_DAYS)
