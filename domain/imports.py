"""Follow, block and mute imports: reading the list a user uploads, and which local account each
entry names.

A list is handles separated by whitespace or newlines (`nick`, `@nick`, `nick@host`, `@nick@host`),
actor URLs, or one of Mastodon's CSV exports: a header row starting `Account address` and one account
per row, its address in the first column. The columns Mastodon adds (`Show boosts`, `Notify on new
posts`, `Hide notifications`) carry the options of each row; any other column is ignored.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from typing import Literal
from urllib.parse import urlsplit

from .errors import InvalidInput

ImportKind = Literal["follow", "block", "mute"]
IMPORT_KINDS: tuple[ImportKind, ...] = ("follow", "block", "mute")
MAX_ENTRIES = 100_000
HANDLE_MAX = 512

_HEADER = "account address"
_NICKNAME = re.compile(r"[A-Za-z0-9_-]{1,64}")
# Mastodon's column names, lowercased → the option they set
_OPTION_COLUMNS = {
    "show boosts": "reblogs",
    "notify on new posts": "notify",
    "hide notifications": "notifications",
}


@dataclass(frozen=True, slots=True)
class ImportEntry:
    """One account to follow, block or mute; None options leave the default (or what is already set)."""

    handle: str  # as written, without its leading `@`
    reblogs: bool | None = None  # follows: show their reblogs
    notify: bool | None = None  # follows: be notified of their posts
    notifications: bool | None = None  # mutes: mute their notifications too


def _flag(cell: str) -> bool | None:
    text = cell.strip().lower()
    if text in ("true", "1", "yes"):
        return True
    if text in ("false", "0", "no"):
        return False
    return None


def _row_cells(line: str) -> list[str]:
    try:
        return next(csv.reader([line]), [])
    except csv.Error:
        return line.split(",")


def parse_import_list(text: str) -> list[ImportEntry]:
    """The entries of an uploaded list, each account once (its first mention wins), in order."""
    options: dict[int, str] = {}  # column index → option, from the header row
    entries: dict[str, ImportEntry] = {}
    for line in text.splitlines():
        if "," in line:
            cells = _row_cells(line)
            if not cells:
                continue
            if cells[0].strip().lower() == _HEADER:
                if not options:
                    options = {
                        i: _OPTION_COLUMNS[name.strip().lower()]
                        for i, name in enumerate(cells)
                        if name.strip().lower() in _OPTION_COLUMNS
                    }
                continue
            values = {option: _flag(cells[i]) if i < len(cells) else None for i, option in options.items()}
            handles = cells[0].split()
        else:
            if line.strip().lower() == _HEADER:
                continue
            values, handles = {}, line.split()
        for raw in handles:
            handle = raw.strip().removeprefix("@")
            if not handle or len(handle) > HANDLE_MAX:
                continue
            key = handle.casefold()
            if key not in entries:
                if len(entries) >= MAX_ENTRIES:
                    raise InvalidInput(f"The list names more than {MAX_ENTRIES} accounts")
                entries[key] = ImportEntry(handle, **values)
    return list(entries.values())


def local_nickname(handle: str, host: str) -> str | None:
    """The nickname of the local account a handle names: `nick`, `nick@<this host>`, or this
    instance's actor or profile URL (`https://<this host>/users/nick`, `…/@nick`). None for anything
    else: a remote account (no federation yet) or something that names no account."""
    if "://" in handle:
        try:
            parts = urlsplit(handle)
        except ValueError:
            return None
        if parts.scheme not in ("http", "https") or parts.netloc.casefold() != host.casefold():
            return None
        path = parts.path.rstrip("/")
        for prefix in ("/users/", "/@"):
            if path.startswith(prefix):
                nickname = path[len(prefix) :]
                return nickname if _NICKNAME.fullmatch(nickname) else None
        return None
    nickname, at, other = handle.partition("@")
    if at and other.casefold() != host.casefold():
        return None
    return nickname if _NICKNAME.fullmatch(nickname) else None
