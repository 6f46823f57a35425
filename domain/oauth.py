"""OAuth apps, tokens and codes, and Pleroma's scope hierarchy."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from .errors import InsufficientScopes, InvalidInput

OOB_REDIRECT = "urn:ietf:wg:oauth:2.0:oob"
TOKEN_LIFETIME = timedelta(days=365 * 100)  # Pleroma's default: tokens do not expire in practice
CODE_LIFETIME = timedelta(minutes=10)

_CHILDREN = {
    "read": (
        "accounts",
        "backups",
        "blocks",
        "bookmarks",
        "chats",
        "favourites",
        "filters",
        "follows",
        "lists",
        "mutes",
        "notifications",
        "reports",
        "search",
        "security",
        "statuses",
    ),
    "write": (
        "accounts",
        "blocks",
        "bookmarks",
        "chats",
        "conversations",
        "favourites",
        "filters",
        "follows",
        "lists",
        "media",
        "mutes",
        "notifications",
        "reports",
        "security",
        "statuses",
    ),
    "admin": (
        "read",
        "write",
        "read:accounts",
        "read:reports",
        "read:invites",
        "read:chats",
        "read:statuses",
        "read:media_proxy_caches",
        "write:accounts",
        "write:reports",
        "write:invites",
        "write:chats",
        "write:statuses",
        "write:media_proxy_caches",
        "write:follows",
    ),
}
KNOWN_SCOPES = frozenset(
    ["read", "write", "follow", "push", "admin"]
    + [f"{parent}:{child}" for parent, children in _CHILDREN.items() for child in children]
)


def parse_scopes(text: str | Iterable[str] | None, default: tuple[str, ...] = ("read",)) -> tuple[str, ...]:
    """Scopes as given by a client: space- or comma-separated text or a list; unknown scopes are refused."""
    if text is None:
        return default
    parts = text.replace(",", " ").split() if isinstance(text, str) else [p for s in text for p in s.split()]
    if not parts:
        return default
    unknown = [p for p in parts if p not in KNOWN_SCOPES]
    if unknown:
        raise InvalidInput(f"Unknown scope: {unknown[0]}")
    return tuple(dict.fromkeys(parts))


def grants(granted: Iterable[str], wanted: str) -> bool:
    """A granted scope covers itself and its children: `read` covers `read:accounts`."""
    return any(wanted == g or wanted.startswith(g + ":") for g in granted)


def require_scopes(granted: Iterable[str], any_of: tuple[str, ...]) -> None:
    """Pass when any of the wanted scopes is granted; else Pleroma's Insufficient permissions error."""
    granted = tuple(granted)
    if not any_of or any(grants(granted, w) for w in any_of):
        return
    raise InsufficientScopes(any_of)


def narrow_scopes(app_scopes: tuple[str, ...], requested: tuple[str, ...] | None) -> tuple[str, ...]:
    """The scopes a new token gets: what was asked for, each covered by the app's; default the app's."""
    if not requested:
        return app_scopes
    outside = [s for s in requested if not grants(app_scopes, s)]
    if outside:
        raise InsufficientScopes(tuple(outside))
    return requested


def redirect_allowed(app_redirect_uris: tuple[str, ...], redirect_uri: str) -> bool:
    return redirect_uri in app_redirect_uris


def split_redirect_uris(text: str) -> tuple[str, ...]:
    uris = tuple(u for u in text.split() if u)
    if not uris:
        raise InvalidInput("Missing field: redirect_uris.")
    for uri in uris:
        if uri != OOB_REDIRECT and "://" not in uri:
            raise InvalidInput("redirect_uris must be absolute URIs")
    return uris


@dataclass(frozen=True, slots=True)
class App:
    id: str
    name: str
    client_id: str
    client_secret: str
    redirect_uris: tuple[str, ...]
    scopes: tuple[str, ...]
    website: str | None
    created_at: datetime
    owner_id: str | None = None  # set for apps created on behalf of a user (the CLI's)


@dataclass(frozen=True, slots=True)
class Token:
    """An access token as stored: only hashes of the secrets are kept."""

    id: int
    token_hash: str
    refresh_hash: str
    app_id: str
    account_id: str | None  # None for client_credentials (app-only) tokens
    scopes: tuple[str, ...]
    created_at: datetime
    valid_until: datetime

    def is_valid(self, now: datetime) -> bool:
        return now < self.valid_until


@dataclass(frozen=True, slots=True)
class NewToken:
    """A token before the store has numbered it, and the plain secrets to hand to the client once."""

    access_token: str
    refresh_token: str
    token_hash: str
    refresh_hash: str
    app_id: str
    account_id: str | None
    scopes: tuple[str, ...]
    created_at: datetime
    valid_until: datetime


@dataclass(frozen=True, slots=True)
class IssuedToken:
    token: Token
    access_token: str
    refresh_token: str


@dataclass(frozen=True, slots=True)
class AuthCode:
    code_hash: str
    app_id: str
    account_id: str
    scopes: tuple[str, ...]
    redirect_uri: str
    created_at: datetime
    valid_until: datetime
