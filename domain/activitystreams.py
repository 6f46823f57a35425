"""An account and its statuses as ActivityStreams documents (what a backup holds).

Ids follow the URLs the API shows: actors at `/users/<nickname>`, objects at `/objects/<status id>`
(a status entity's `uri`), threads at `/contexts/<context id>`.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from .accounts import Account
from .attachments import Attachment
from .instance import InstancePolicy
from .statuses import Status

CONTEXT = "https://www.w3.org/ns/activitystreams"
PUBLIC = "https://www.w3.org/ns/activitystreams#Public"


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def object_id(policy: InstancePolicy, status_id: str) -> str:
    return f"{policy.base_url}/objects/{status_id}"


def file_url(policy: InstancePolicy, key: str) -> str:
    """A stored file's URL (a remote image is kept as its URL)."""
    return key if "://" in key else f"{policy.base_url}/media/{key}"


def _image(policy: InstancePolicy, key: str | None) -> dict[str, Any] | None:
    return {"type": "Image", "url": file_url(policy, key)} if key else None


def actor(account: Account, policy: InstancePolicy) -> dict[str, Any]:
    me = policy.actor_id(account.nickname)
    summary = "<br/>".join(html.escape(line) for line in account.note.split("\n")) if account.note else ""
    return {
        "@context": CONTEXT,
        "id": me,
        "type": account.actor_type,
        "preferredUsername": account.nickname,
        "name": account.display_name or account.nickname,
        "summary": summary,
        "url": policy.profile_url(account.nickname),
        "published": iso(account.created_at),
        "inbox": f"{me}/inbox",
        "outbox": f"{me}/outbox",
        "followers": f"{me}/followers",
        "following": f"{me}/following",
        "liked": f"{me}/liked",
        "bookmarks": f"{me}/bookmarks",
        "manuallyApprovesFollowers": account.locked,
        "discoverable": account.discoverable,
        "icon": _image(policy, account.avatar),
        "image": _image(policy, account.header),
        "attachment": [{"type": "PropertyValue", "name": f.name, "value": f.value} for f in account.fields],
    }


def addressing(status: Status, author_id: str, mentioned: Sequence[str]) -> tuple[list[str], list[str]]:
    """`to` and `cc` of a status by its visibility; `mentioned` are the actor ids it addresses."""
    followers = f"{author_id}/followers"
    others = [m for m in mentioned if m != author_id]
    if status.visibility == "public":
        return [PUBLIC], [followers, *others]
    if status.visibility == "unlisted":
        return [followers], [PUBLIC, *others]
    if status.visibility == "private":
        return [followers], others
    return others, []


def _attachment(policy: InstancePolicy, a: Attachment) -> dict[str, Any]:
    return {
        "type": "Document",
        "mediaType": a.mime_type,
        "url": file_url(policy, a.file_key),
        "name": a.description or None,
    }


def activity(
    status: Status,
    policy: InstancePolicy,
    nicknames: Mapping[str, str],
    attachments: Sequence[Attachment] = (),
) -> dict[str, Any]:
    """A status as its Create activity, or a reblog as its Announce. `nicknames` maps account ids to
    nicknames (the author's and the mentioned accounts'; unknown ones are left out)."""
    author = policy.actor_id(nicknames[status.account_id])
    mentioned = [
        (policy.actor_id(nicknames[i]), nicknames[i]) for i in status.mentioned_ids if i in nicknames
    ]
    to, cc = addressing(status, author, [m for m, _ in mentioned])
    published = iso(status.created_at)
    if status.reblog_of_id is not None:
        return {
            "id": f"{policy.base_url}/activities/{status.id}",
            "type": "Announce",
            "actor": author,
            "published": published,
            "to": to,
            "cc": cc,
            "object": object_id(policy, status.reblog_of_id),
        }
    thread = f"{policy.base_url}/contexts/{status.context_id}"
    note = {
        "id": object_id(policy, status.id),
        "type": "Note",
        "attributedTo": author,
        "published": published,
        "to": to,
        "cc": cc,
        "url": f"{policy.base_url}/notice/{status.id}",
        "content": status.content,
        "source": {"content": status.source, "mediaType": status.content_type},
        "summary": status.spoiler_text or None,
        "sensitive": status.sensitive,
        "inReplyTo": object_id(policy, status.in_reply_to_id) if status.in_reply_to_id else None,
        "context": thread,
        "conversation": thread,
        "tag": [
            *(
                {"type": "Mention", "href": href, "name": f"@{nick}@{policy.host}"}
                for href, nick in mentioned
            ),
            *(
                {"type": "Hashtag", "href": f"{policy.base_url}/tag/{t}", "name": f"#{t}"}
                for t in status.tags
            ),
        ],
        "attachment": [_attachment(policy, a) for a in attachments],
    }
    if status.language:
        note["contentMap"] = {status.language: status.content}
    return {
        "id": f"{object_id(policy, status.id)}/activity",
        "type": "Create",
        "actor": author,
        "published": published,
        "to": to,
        "cc": cc,
        "object": note,
    }


def collection_head(collection_id: str) -> dict[str, Any]:
    """The fields of an OrderedCollection that come before its items (a backup writes the items and
    `totalItems` after these, as it reads them)."""
    return {"@context": CONTEXT, "id": collection_id, "type": "OrderedCollection"}
