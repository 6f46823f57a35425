"""Accounts: who they are, what they may set, and the rules for names and emails."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from .errors import InvalidInput

NICKNAME_MAX = 64
DISPLAY_NAME_MAX = 100
NOTE_MAX = 5000
PASSWORD_MAX = 256
FIELDS_MAX = 10
FIELD_NAME_MAX = 255
FIELD_VALUE_MAX = 2047
SETTINGS_STORE_MAX = 1_000_000  # bytes of JSON per account

_NICKNAME = re.compile(r"[A-Za-z0-9_-]+")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
ACTOR_TYPES = ("Person", "Service", "Application")
PRIVACY = ("public", "unlisted", "private", "direct")


@dataclass(frozen=True, slots=True)
class ProfileField:
    name: str
    value: str


@dataclass(frozen=True, slots=True)
class NotificationSettings:
    block_from_strangers: bool = False
    hide_notification_contents: bool = False


@dataclass(frozen=True, slots=True)
class MfaSettings:
    """Multi-factor state kept on the account; the rules live in domain/mfa.py."""

    enabled: bool = False
    totp_secret: str | None = None  # the confirmed app's secret: logins are checked against it
    totp_confirmed: bool = False
    backup_codes: tuple[str, ...] = ()  # hashes only
    pending_totp_secret: str | None = None  # set up but not confirmed yet: logins ignore it


@dataclass(frozen=True, slots=True)
class Account:
    id: str
    nickname: str
    email: str | None
    password_hash: str
    created_at: datetime
    display_name: str = ""
    note: str = ""
    locked: bool = False
    bot: bool = False
    discoverable: bool = False
    is_admin: bool = False
    is_moderator: bool = False
    is_confirmed: bool = True
    is_active: bool = True
    avatar: str | None = None
    header: str | None = None
    background_image: str | None = None
    mascot: str | None = None  # the key of the image Pleroma-FE shows beside the post form
    fields: tuple[ProfileField, ...] = ()
    hide_favorites: bool = True
    hide_followers: bool = False
    hide_follows: bool = False
    hide_followers_count: bool = False
    hide_follows_count: bool = False
    allow_following_move: bool = True
    show_role: bool = True
    no_rich_text: bool = False
    skip_thread_containment: bool = False
    actor_type: str = "Person"
    privacy: str = "public"
    sensitive: bool = False
    language: str | None = None
    settings_store: dict[str, Any] = field(default_factory=dict)
    notification_settings: NotificationSettings = NotificationSettings()
    mfa: MfaSettings = MfaSettings()
    also_known_as: tuple[str, ...] = ()  # ActivityPub ids of the accounts this one says it also is

    @property
    def can_log_in(self) -> bool:
        return self.is_active and self.is_confirmed


@dataclass(frozen=True, slots=True)
class AccountCounts:
    """The numbers an account entity shows, kept by the store: its statuses as Pleroma counts them
    (Status.counts_as_posted), accepted followers and follows, and pending requests to follow it."""

    statuses: int = 0
    followers: int = 0
    following: int = 0
    follow_requests: int = 0


def nickname_key(nickname: str) -> str:
    """Nicknames are unique regardless of case; this is the form they are compared in."""
    return nickname.casefold()


def validate_nickname(nickname: str) -> str:
    if not nickname:
        raise InvalidInput("Nickname can't be blank.")
    if len(nickname) > NICKNAME_MAX:
        raise InvalidInput(f"Nickname should be at most {NICKNAME_MAX} character(s).")
    if not _NICKNAME.fullmatch(nickname):
        raise InvalidInput("Nickname has invalid format.")
    return nickname


def validate_email(email: str) -> str:
    email = email.strip()
    if len(email) > 320 or not _EMAIL.fullmatch(email):
        raise InvalidInput("Email has invalid format.")
    return email


def validate_password(password: str) -> str:
    if not password:
        raise InvalidInput("Password can't be blank.")
    if len(password) > PASSWORD_MAX:
        raise InvalidInput(f"Password should be at most {PASSWORD_MAX} character(s).")
    return password


def validate_display_name(name: str) -> str:
    if len(name) > DISPLAY_NAME_MAX:
        raise InvalidInput(f"Name should be at most {DISPLAY_NAME_MAX} character(s).")
    return name


def validate_note(note: str) -> str:
    if len(note) > NOTE_MAX:
        raise InvalidInput(f"Bio should be at most {NOTE_MAX} character(s).")
    return note


def validate_fields(fields: list[ProfileField]) -> tuple[ProfileField, ...]:
    if len(fields) > FIELDS_MAX:
        raise InvalidInput(f"Fields should have at most {FIELDS_MAX} item(s).")
    for f in fields:
        if len(f.name) > FIELD_NAME_MAX or len(f.value) > FIELD_VALUE_MAX:
            raise InvalidInput("Fields are too long.")
    return tuple(f for f in fields if f.name or f.value)


def validate_choice(name: str, value: str, choices: tuple[str, ...]) -> str:
    if value not in choices:
        raise InvalidInput(f"{name} must be one of: {', '.join(choices)}.")
    return value


def merge_settings(old: dict[str, Any], patch: dict[str, Any]) -> dict[str, Any]:
    """Deep-merge `patch` into `old`; a key whose new value is None is removed."""
    merged = dict(old)
    for key, value in patch.items():
        if value is None:
            merged.pop(key, None)
        elif isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = merge_settings(merged[key], value)
        elif isinstance(value, dict):
            merged[key] = merge_settings({}, value)
        else:
            merged[key] = value
    return merged


def login_refusal(account: Account) -> tuple[str, str] | None:
    """Why this account may not log in, as (message, identifier), or None when it may."""
    if not account.is_active:
        return ("Your account is currently disabled", "account_is_disabled")
    if not account.is_confirmed:
        return ("Your login is missing a confirmed e-mail address", "missing_confirmed_email")
    return None
