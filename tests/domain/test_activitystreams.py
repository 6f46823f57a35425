"""What a backup's documents hold: the actor, statuses as Create and Announce activities."""

from datetime import UTC, datetime

import pytest

from plerome.domain.accounts import Account, ProfileField
from plerome.domain.activitystreams import PUBLIC, activity, actor, addressing
from plerome.domain.attachments import Attachment
from plerome.domain.instance import InstancePolicy
from plerome.domain.statuses import Status

NOW = datetime(2026, 1, 2, 3, 4, 5, 678000, tzinfo=UTC)
POLICY = InstancePolicy(base_url="https://social.example")
ME = "https://social.example/users/alice"
BOB = "https://social.example/users/bob"


def status(**kw) -> Status:
    values = {
        "id": "s1",
        "account_id": "a",
        "created_at": NOW,
        "visibility": "public",
        "source": "hi @bob #tea",
        "content_type": "text/plain",
        "content": "<p>hi</p>",
        "context_id": "s1",
        "mentioned_ids": ("b",),
        "tags": ("tea",),
    }
    values.update(kw)
    return Status(**values)


def test_the_actor_document():
    account = Account(
        id="a",
        nickname="alice",
        email=None,
        password_hash="x",
        created_at=NOW,
        display_name="Alice",
        note="line <1>\nline 2",
        locked=True,
        avatar="avatars/x.png",
        fields=(ProfileField("site", "https://a.example"),),
    )
    doc = actor(account, POLICY)
    assert doc["id"] == ME and doc["type"] == "Person" and doc["preferredUsername"] == "alice"
    assert doc["summary"] == "line &lt;1&gt;<br/>line 2"
    assert doc["outbox"] == f"{ME}/outbox" and doc["manuallyApprovesFollowers"] is True
    assert doc["icon"] == {"type": "Image", "url": "https://social.example/media/avatars/x.png"}
    assert doc["image"] is None
    assert doc["attachment"] == [{"type": "PropertyValue", "name": "site", "value": "https://a.example"}]
    assert doc["published"] == "2026-01-02T03:04:05.678Z"


@pytest.mark.parametrize(
    "visibility, to, cc",
    [
        ("public", [PUBLIC], [f"{ME}/followers", BOB]),
        ("unlisted", [f"{ME}/followers"], [PUBLIC, BOB]),
        ("private", [f"{ME}/followers"], [BOB]),
        ("direct", [BOB], []),
    ],
)
def test_addressing_follows_visibility(visibility, to, cc):
    assert addressing(status(visibility=visibility), ME, [BOB, ME]) == (to, cc)


def test_a_status_is_a_create_of_its_note():
    media = Attachment("m1", "a", "media/m1.png", "image/png", "image", 10, NOW, description="a cat")
    doc = activity(status(in_reply_to_id="s0", language="en"), POLICY, {"a": "alice", "b": "bob"}, [media])
    assert (doc["type"], doc["actor"], doc["id"]) == (
        "Create",
        ME,
        "https://social.example/objects/s1/activity",
    )
    note = doc["object"]
    assert note["id"] == "https://social.example/objects/s1" and note["attributedTo"] == ME
    assert note["inReplyTo"] == "https://social.example/objects/s0"
    assert note["source"] == {"content": "hi @bob #tea", "mediaType": "text/plain"}
    assert note["contentMap"] == {"en": "<p>hi</p>"}
    assert note["tag"] == [
        {"type": "Mention", "href": BOB, "name": "@bob@social.example"},
        {"type": "Hashtag", "href": "https://social.example/tag/tea", "name": "#tea"},
    ]
    assert note["attachment"] == [
        {
            "type": "Document",
            "mediaType": "image/png",
            "url": "https://social.example/media/media/m1.png",
            "name": "a cat",
        }
    ]


def test_a_mention_of_a_deleted_account_is_left_out():
    doc = activity(status(), POLICY, {"a": "alice"})
    assert doc["object"]["tag"] == [
        {"type": "Hashtag", "href": "https://social.example/tag/tea", "name": "#tea"}
    ]
    assert doc["cc"] == [f"{ME}/followers"]


def test_a_reblog_is_an_announce_of_the_original():
    doc = activity(status(id="r1", reblog_of_id="s1", mentioned_ids=()), POLICY, {"a": "alice"})
    assert doc == {
        "id": "https://social.example/activities/r1",
        "type": "Announce",
        "actor": ME,
        "published": "2026-01-02T03:04:05.678Z",
        "to": [PUBLIC],
        "cc": [f"{ME}/followers"],
        "object": "https://social.example/objects/s1",
    }
