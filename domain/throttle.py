"""Counting failed attempts: after too many in a window, the next attempt waits for the window's end.

A window opens at the first failure and lasts WINDOW; failures after it has ended open a new one.
Successes never count; a success clears its key.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

WINDOW = timedelta(minutes=15)
CONFIRMATION_MAILS = 5  # confirmation emails one account may be sent per window


@dataclass(frozen=True, slots=True)
class Attempts:
    """The failures counted under one key in its current window."""

    key: str
    count: int
    started_at: datetime

    def ends_at(self) -> datetime:
        return self.started_at + WINDOW

    def current(self, now: datetime) -> int:
        """How many failures count at `now` (none once the window has ended)."""
        return self.count if now < self.ends_at() else 0


def retry_after(attempts: Attempts | None, now: datetime, limit: int) -> int | None:
    """Seconds to wait before the next attempt, or None when it may go ahead."""
    if attempts is None or attempts.current(now) < limit:
        return None
    return max(1, math.ceil((attempts.ends_at() - now).total_seconds()))


def account_key(account_id: str) -> str:
    """Password logins of a known account."""
    return f"login:{account_id}"


def address_key(address: str) -> str:
    """Password logins naming no known account, from one client address."""
    return f"address:{address}"


def mfa_key(account_id: str) -> str:
    """Second-factor codes of an account: counted apart from its passwords, so that knowing the
    password (and logging in again) never clears the count of wrong codes."""
    return f"mfa:{account_id}"


def mail_key(account_id: str) -> str:
    """Confirmation emails sent to an account."""
    return f"mail:{account_id}"
