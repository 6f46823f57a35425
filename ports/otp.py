"""Time-based one-time passwords (RFC 6238): 6 digits, 30-second steps."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol


class Otp(Protocol):
    def new_secret(self) -> str:
        """A fresh random secret, Base32 without padding (what authenticator apps are given)."""
        ...

    def matching_step(self, secret: str, code: str, now: datetime) -> int | None:
        """The step (domain.mfa.totp_step) whose code `code` is, among the step of `now` and one step
        either side of it (clock skew); None when it is none of them or not a code at all."""
        ...
