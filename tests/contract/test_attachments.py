"""The Attachments contract, on every store."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

import pytest

from plerome.domain.attachments import Attachment
from plerome.domain.statuses import Status

pytestmark = pytest.mark.anyio


def media(make, owner: str, media_id: str, **kw) -> Attachment:
    values = {"file_key": f"{media_id}.png", "mime_type": "image/png", "kind": "image", "size": 7}
    values.update({"created_at": make.now, **kw})
    return Attachment(media_id, owner, **values)


async def test_an_attachment_comes_back_with_every_field(stores, make):
    owner = make.account()
    await stores.accounts.add(owner)
    full = media(
        make,
        owner.id,
        "m1",
        mime_type="video/mp4",
        kind="video",
        size=123456789012,
        description="a cat ✨",
        focus=(0.25, -1.0),
        width=640,
        height=480,
        created_at=make.now + timedelta(microseconds=5),
    )
    plain = media(make, owner.id, "m2")
    await stores.attachments.add(full)
    await stores.attachments.add(plain)
    assert await stores.attachments.get("m1") == full
    assert await stores.attachments.get("m2") == plain
    assert await stores.attachments.get("nope") is None
    changed = dataclasses.replace(full, description="", focus=None)
    await stores.attachments.update(changed)
    assert await stores.attachments.get("m1") == changed


async def test_attached_media_are_found_by_their_statuses_in_id_order(stores, make):
    owner = make.account()
    await stores.accounts.add(owner)
    for sid in ("s1", "s2"):
        await stores.statuses.add(
            Status(sid, owner.id, make.now, "public", "x", "text/plain", "x", context_id=sid)
        )
    for media_id in ("m3", "m1", "m2", "m4"):
        await stores.attachments.add(media(make, owner.id, media_id))
    await stores.attachments.attach("s1", ["m3", "m1", "m3"])
    await stores.attachments.attach("s2", ["m2"])
    await stores.attachments.attach("s2", [])
    found = await stores.attachments.for_statuses(["s1", "s2", "s3"])
    assert {k: [a.id for a in v] for k, v in found.items()} == {"s1": ["m1", "m3"], "s2": ["m2"]}
    assert found["s1"][0].status_id == "s1"
    assert await stores.attachments.for_statuses([]) == {}
    assert (await stores.attachments.get("m4")).status_id is None


async def status_of(stores, make, owner, sid: str) -> Status:
    status = Status(sid, owner.id, make.now, "public", "x", "text/plain", "x", context_id=sid)
    await stores.statuses.add(status)
    return status


async def test_an_attachment_outlives_its_deleted_status_unattached(stores, make):
    owner = make.account()
    await stores.accounts.add(owner)
    await status_of(stores, make, owner, "s1")
    await status_of(stores, make, owner, "s2")
    for media_id in ("m1", "m2", "m3"):
        await stores.attachments.add(media(make, owner.id, media_id, description=media_id))
    await stores.attachments.attach("s1", ["m1", "m2"])
    await stores.attachments.attach("s2", ["m3"])
    assert await stores.statuses.delete("s1") is True
    for media_id in ("m1", "m2"):
        kept = await stores.attachments.get(media_id)
        assert kept == media(make, owner.id, media_id, description=media_id)  # status_id back to None
    assert await stores.attachments.for_statuses(["s1"]) == {}
    assert [a.id for a in (await stores.attachments.for_statuses(["s2"]))["s2"]] == ["m3"]


async def test_an_accounts_attachments_go_with_it(stores, make):
    owner, other = make.account(), make.account()
    await stores.accounts.add(owner)
    await stores.accounts.add(other)
    await stores.attachments.add(media(make, owner.id, "m1"))
    await stores.attachments.add(media(make, other.id, "m2"))
    assert await stores.accounts.delete(owner.id) is True
    assert await stores.attachments.get("m1") is None
    assert await stores.attachments.get("m2") is not None


async def test_updating_an_unknown_attachment_creates_nothing(stores, make):
    owner = make.account()
    await stores.accounts.add(owner)
    await stores.attachments.update(media(make, owner.id, "ghost"))
    assert await stores.attachments.get("ghost") is None


async def test_attaching_moves_only_the_named_attachments(stores, make):
    owner = make.account()
    await stores.accounts.add(owner)
    await status_of(stores, make, owner, "s1")
    await status_of(stores, make, owner, "s2")
    for media_id in ("m1", "m2"):
        await stores.attachments.add(media(make, owner.id, media_id))
    await stores.attachments.attach("s1", ["m1", "unknown"])
    await stores.attachments.attach("s2", ["m2"])
    found = await stores.attachments.for_statuses(["s2", "s1"])
    assert {k: [a.id for a in v] for k, v in found.items()} == {"s1": ["m1"], "s2": ["m2"]}
    assert await stores.attachments.get("unknown") is None
