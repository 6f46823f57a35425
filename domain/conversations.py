"""Pleroma conversations: a direct status starts or continues one (the thread it belongs to), and every
account it reaches takes part through a participation of its own: its own id, read or unread, and its
own set of recipients, which only its owner changes.

A participation's recipients are those of the status that created it (its author and the accounts it
addressed); later statuses in the conversation bump it without changing them. They are who a reply sent
with `in_reply_to_conversation_id` reaches.
"""

from __future__ import annotations

from collections.abc import Container, Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from .errors import InvalidInput, NotFound
from .statuses import Status

UNKNOWN_CONVERSATION = "Unknown conversation id"
RECIPIENTS_MAX = 200  # one PATCH may name at most this many


def unknown_conversation() -> NotFound:
    return NotFound(UNKNOWN_CONVERSATION)


@dataclass(frozen=True, slots=True)
class Participation:
    id: str
    account_id: str  # its owner
    context_id: str  # the conversation: the thread its statuses share
    unread: bool
    last_status_id: str  # the newest direct status of the conversation that reached the owner
    updated_at: datetime
    recipients: tuple[str, ...]  # sorted, always holding the owner


@dataclass(frozen=True, slots=True)
class Bump:
    """What one direct status does to one member's participation; the store creates the participation
    when the member has none in that conversation."""

    account_id: str
    context_id: str
    status_id: str
    new_id: str  # the id a participation created now gets
    unread_if_new: bool
    unread: bool | None  # an existing participation's flag afterwards; None leaves it as it is
    recipients: tuple[str, ...]  # a participation created now gets these
    at: datetime


def in_a_conversation(status: Status) -> bool:
    """Direct statuses take part in conversations; reblogs never do."""
    return status.visibility == "direct" and not status.is_reblog


def members(status: Status) -> tuple[str, ...]:
    """Whom a direct status reaches: its author first, then the accounts it addresses, once each."""
    return tuple(dict.fromkeys((status.account_id, *status.mentioned_ids)))


def bumps(status: Status, new_ids: Sequence[str], hiding: Container[str], now: datetime) -> list[Bump]:
    """The participations a direct status creates or bumps, one per member (`new_ids` gives one id per
    member, in `members` order). The author has read what they wrote; everyone else now has something
    unread, except a member who blocks another member (`hiding`): Pleroma keeps such a conversation
    quiet for them (created read, left as it was)."""
    if not in_a_conversation(status):
        return []
    reached = members(status)
    if len(new_ids) < len(reached):
        raise ValueError("one new id per member is needed")
    recipients = tuple(sorted(reached))
    out = []
    for account_id, new_id in zip(reached, new_ids, strict=False):
        author = account_id == status.account_id
        quiet = not author and account_id in hiding
        out.append(
            Bump(
                account_id=account_id,
                context_id=status.context_id,
                status_id=status.id,
                new_id=new_id,
                unread_if_new=not (author or quiet),
                unread=False if author else (None if quiet else True),
                recipients=recipients,
                at=now,
            )
        )
    return out


def bumped(existing: Participation | None, bump: Bump) -> Participation:
    """The participation after `bump` (what the stores do, spelled out)."""
    if existing is None:
        return Participation(
            id=bump.new_id,
            account_id=bump.account_id,
            context_id=bump.context_id,
            unread=bump.unread_if_new,
            last_status_id=bump.status_id,
            updated_at=bump.at,
            recipients=bump.recipients,
        )
    return replace(
        existing,
        unread=existing.unread if bump.unread is None else bump.unread,
        last_status_id=max(existing.last_status_id, bump.status_id),
        updated_at=bump.at,
    )


def wanted_recipients(wanted: Sequence[str]) -> tuple[str, ...]:
    """The account ids a PATCH asks for, once each; at most RECIPIENTS_MAX of them."""
    unique = tuple(dict.fromkeys(wanted))
    if len(unique) > RECIPIENTS_MAX:
        raise InvalidInput(f"Too many recipients: at most {RECIPIENTS_MAX}")
    return unique


def recipients_after_change(
    owner_id: str, wanted: Sequence[str], existing: Container[str]
) -> tuple[str, ...]:
    """The recipients a PATCH sets: the accounts asked for that exist (`existing`; others are left
    out, as Pleroma does), and the owner always; sorted, once each."""
    chosen = {a for a in wanted_recipients(wanted) if a in existing}
    chosen.add(owner_id)
    return tuple(sorted(chosen))


def shown_accounts(recipients: Sequence[str], viewer_id: str) -> tuple[str, ...]:
    """The entity's `accounts`: the recipients but the viewer, or the viewer alone when nobody else is
    left (a conversation with oneself)."""
    others = tuple(a for a in recipients if a != viewer_id)
    return others or (viewer_id,)


def owned(participation: Participation | None, viewer_id: str) -> Participation:
    """The viewer's own participation, or NotFound exactly as for an unknown id."""
    if participation is None or participation.account_id != viewer_id:
        raise unknown_conversation()
    return participation


def reply_recipients(participation: Participation, author_id: str) -> tuple[str, ...]:
    """Whom a status sent into a conversation (`in_reply_to_conversation_id`) addresses: its recipients
    but the author."""
    return tuple(a for a in participation.recipients if a != author_id)


def order_key(participation: Participation) -> tuple[str, str]:
    """Conversation lists run newest activity first: by last status, then by participation id."""
    return (participation.last_status_id, participation.id)


def cursor_key(cursor_id: str, found: Participation | None) -> tuple[str, str]:
    """Where a page cursor (`max_id`, `since_id`, `min_id`: participation ids, as Pleroma's Link header
    gives them) stands in that order. An id that is not one of the owner's participations is read as a
    point in time (ids sort by creation), the way Mastodon pages conversations by status id."""
    return order_key(found) if found is not None else (cursor_id, cursor_id)
