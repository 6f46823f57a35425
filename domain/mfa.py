"""Multi-factor authentication: how the settings change, what a login challenge is, code formats.

TOTP itself (secrets, checking a code against the clock) sits behind ports/otp.py; these rules only
decide what the settings become.
"""

from __future__ import annotations

import dataclasses
import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import quote

from .accounts import MfaSettings
from .errors import DomainError

TOTP_PERIOD = 30  # seconds per step
TOTP_DIGITS = 6
BACKUP_CODE_COUNT = 5
MFA_TOKEN_LIFETIME = timedelta(minutes=15)
CHALLENGE_TYPES = ("totp", "recovery")

INVALID_TOKEN = "invalid_token"  # Pleroma renders its atom as the error text


class InvalidMfaCode(DomainError):
    """A second-factor login failed: unknown or expired mfa_token, wrong or used code, unknown type."""

    def __init__(self) -> None:
        super().__init__("Invalid code")


@dataclass(frozen=True, slots=True)
class MfaToken:
    """A password login waiting for its second factor. Only the hash of the token is stored."""

    token_hash: str
    account_id: str
    app_id: str
    scopes: tuple[str, ...]
    redirect_uri: str | None  # set when the login came through the authorize form
    created_at: datetime
    valid_until: datetime

    def is_valid(self, now: datetime) -> bool:
        return now < self.valid_until


@dataclass(frozen=True, slots=True)
class MfaChallenge:
    """What a password login answers when the account needs a second factor."""

    mfa_token: str
    challenge_types: str  # comma-joined, as Pleroma sends it


def summary(settings: MfaSettings) -> tuple[bool, bool]:
    """(enabled, totp) as GET accounts/mfa shows them."""
    return settings.enabled, settings.totp_confirmed


def supported_challenge_types(settings: MfaSettings) -> str:
    """The methods a login may be challenged with, comma-joined (Pleroma lists the enabled methods,
    so recovery codes, accepted all the same, are not named)."""
    return "totp" if settings.totp_confirmed else ""


def begin_totp_setup(settings: MfaSettings, secret: str) -> MfaSettings:
    """A new secret waits for confirmation; a confirmed one keeps working until then."""
    return dataclasses.replace(settings, pending_totp_secret=secret)


def confirm_totp(settings: MfaSettings) -> MfaSettings:
    """The pending secret becomes the one logins are checked against, and MFA is on."""
    if settings.pending_totp_secret is None:
        raise ValueError("no TOTP setup to confirm")
    return dataclasses.replace(
        settings,
        enabled=True,
        totp_secret=settings.pending_totp_secret,
        totp_confirmed=True,
        pending_totp_secret=None,
    )


def disable_totp(settings: MfaSettings) -> MfaSettings:
    """TOTP off; it is the only method, so MFA is off too. Backup codes are kept."""
    return dataclasses.replace(
        settings, enabled=False, totp_secret=None, totp_confirmed=False, pending_totp_secret=None
    )


def disable_all() -> MfaSettings:
    return MfaSettings()


def with_backup_codes(settings: MfaSettings, hashes: tuple[str, ...]) -> MfaSettings:
    return dataclasses.replace(settings, backup_codes=hashes)


def without_backup_code(settings: MfaSettings, code_hash: str) -> MfaSettings:
    return dataclasses.replace(
        settings, backup_codes=tuple(h for h in settings.backup_codes if h != code_hash)
    )


def provisioning_uri(secret: str, label: str, issuer: str) -> str:
    """The otpauth:// URI an authenticator app reads from a QR code; the label is the account's email."""
    return (
        f"otpauth://totp/{quote(label, safe='@')}?digits={TOTP_DIGITS}&issuer={quote(issuer, safe='')}"
        f"&period={TOTP_PERIOD}&secret={secret}"
    )


def totp_step(moment: datetime) -> int:
    """The number of the 30-second step `moment` falls in."""
    return int(moment.timestamp()) // TOTP_PERIOD


def backup_code(seed: str) -> str:
    """A backup code made from a random seed: 16 lowercase hex digits (64 bits), as Pleroma's look."""
    return hashlib.sha256(seed.encode()).hexdigest()[:16]


def normalise_code(code: str) -> str:
    """A code as typed: spaces and dashes dropped, letters lowered."""
    return "".join(c for c in code if c not in " -\t").lower()


def is_backup_code_form(code: str) -> bool:
    return len(code) == 16 and all(c in "0123456789abcdef" for c in code)
