"""Aliases and moves: how an account names another (`nick`, `@nick`, `nick@host`) and how an alias,
stored as an ActivityPub id, is shown (`nick@host`)."""

from __future__ import annotations

import re

from .instance import InstancePolicy

ALIASES_MAX = 20

_NICK = re.compile(r"[A-Za-z0-9_-]{1,64}")
_HOST = re.compile(r"[A-Za-z0-9.-]{1,253}(?::[0-9]{1,5})?")
_ACTOR = re.compile(r"https?://([^/]+)/users/([^/?#]+)")


def local_nickname(reference: str, policy: InstancePolicy) -> str | None:
    """The local nickname `reference` names, or None when it is malformed or names another server
    (plerome does not federate yet, so remote accounts cannot be found)."""
    text = reference.strip().removeprefix("@")
    nickname, at, host = text.partition("@")
    if not _NICK.fullmatch(nickname):
        return None
    if at and (not _HOST.fullmatch(host) or host.lower() != policy.host.lower()):
        return None
    return nickname


def alias_name(actor_id: str) -> str:
    """An alias as clients show it: `nick@host`, taken from the id itself (the account may be gone)."""
    match = _ACTOR.fullmatch(actor_id)
    if match is None:
        return actor_id
    return f"{match.group(2)}@{match.group(1)}"
