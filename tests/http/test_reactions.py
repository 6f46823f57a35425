"""Emoji reactions over HTTP: both Pleroma spellings and Akkoma's alias, lists, errors, notifications."""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import quote

import pytest

from plerome.domain.statuses import Status
from plerome.domain.usecases.conversations import record_direct_status

pytestmark = pytest.mark.parametrize("database_url", ["memory", "sqlite", "postgres"], indirect=True)

PREFIXES = ("/api/v1/pleroma", "/api/pleroma")
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 12


def post(api, author, visibility="public", mentioned=(), **kw):
    """A status straight into the stores (the posting route is another issue's), recorded into its
    conversation as posting does."""
    ctx = api.svc.ctx
    status_id = ctx.ids.new()
    status = Status(
        id=status_id,
        account_id=author.id,
        created_at=datetime.now(UTC),
        visibility=visibility,
        source="hi",
        content_type="text/plain",
        content="<p>hi</p>",
        context_id=kw.pop("context_id", status_id),
        mentioned_ids=tuple(a.id for a in mentioned),
        **kw,
    )

    async def add():
        async with ctx.stores.transaction() as tx:
            await tx.statuses.add(status)
            await record_direct_status(ctx, tx, status)

    api.client.portal.call(add)
    return status_id


@pytest.fixture
def ann(api):
    return api.login("ann")


@pytest.fixture
def bob(api):
    return api.login("bob")


def reactions_of(entity):
    return entity["pleroma"]["emoji_reactions"]


@pytest.mark.parametrize("prefix", PREFIXES)
def test_react_answers_the_status_with_the_reaction(client, api, ann, bob, prefix):
    (ann_acct, _), (_, bob_h) = ann, bob
    sid = post(api, ann_acct)
    r = client.put(f"{prefix}/statuses/{sid}/reactions/{quote('👍')}", headers=bob_h, json={})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["id"] == sid
    assert reactions_of(body) == [{"name": "👍", "count": 1, "me": True, "url": None}]


def test_the_emoji_may_come_raw_encoded_or_encoded_twice(client, api, ann, bob):
    (ann_acct, _), (_, bob_h) = ann, bob
    sid = post(api, ann_acct)
    assert client.put(f"/api/v1/pleroma/statuses/{sid}/reactions/👍", headers=bob_h).status_code == 200
    twice = quote(quote("☕"), safe="")
    r = client.put(f"/api/v1/pleroma/statuses/{sid}/reactions/{twice}", headers=bob_h)
    assert r.status_code == 200, r.text
    assert [x["name"] for x in reactions_of(r.json())] == ["👍", "☕"]


def test_unqualified_emoji_are_stored_fully_qualified(client, api, ann, bob):
    (ann_acct, _), (_, bob_h) = ann, bob
    sid = post(api, ann_acct)
    r = client.put(f"/api/v1/pleroma/statuses/{sid}/reactions/{quote('⚠')}", headers=bob_h)
    assert reactions_of(r.json())[0]["name"] == "⚠️"
    # the same reaction, however it is written
    r = client.put(f"/api/v1/pleroma/statuses/{sid}/reactions/{quote('⚠️')}", headers=bob_h)
    assert reactions_of(r.json()) == [{"name": "⚠️", "count": 1, "me": True, "url": None}]


def test_akkoma_s_mastodon_style_spelling_reacts_and_unreacts(client, api, ann, bob):
    (ann_acct, _), (_, bob_h) = ann, bob
    sid = post(api, ann_acct)
    r = client.put(f"/api/v1/statuses/{sid}/emoji_reactions/{quote('🇫🇷')}", headers=bob_h)
    assert r.status_code == 200 and reactions_of(r.json())[0]["name"] == "🇫🇷"
    r = client.delete(f"/api/v1/statuses/{sid}/emoji_reactions/{quote('🇫🇷')}", headers=bob_h)
    assert r.status_code == 200 and reactions_of(r.json()) == []


@pytest.mark.parametrize("emoji", ["x", "👍👍", ":nope:", "%F0", "🏽"])
def test_anything_but_one_emoji_is_400(client, api, ann, bob, emoji):
    (ann_acct, _), (_, bob_h) = ann, bob
    sid = post(api, ann_acct)
    for path in (f"/api/v1/pleroma/statuses/{sid}/reactions/", f"/api/v1/statuses/{sid}/emoji_reactions/"):
        r = client.put(path + quote(emoji), headers=bob_h)
        assert r.status_code == 400, r.text
        assert r.json() == {"error": "Could not add reaction emoji"}


@pytest.mark.parametrize("prefix", PREFIXES)
def test_taking_back_a_reaction(client, api, ann, bob, prefix):
    (ann_acct, _), (_, bob_h) = ann, bob
    sid = post(api, ann_acct)
    path = f"{prefix}/statuses/{sid}/reactions/{quote('👍')}"
    r = client.delete(path, headers=bob_h)
    assert r.status_code == 400
    assert r.json() == {"error": "Could not remove reaction emoji"}
    client.put(path, headers=bob_h)
    r = client.delete(path, headers=bob_h)
    assert r.status_code == 200 and r.json()["id"] == sid and reactions_of(r.json()) == []
    assert client.delete(path, headers=bob_h).status_code == 400
    bad = client.delete(f"{prefix}/statuses/{sid}/reactions/x", headers=bob_h)
    assert (bad.status_code, bad.json()) == (400, {"error": "Could not remove reaction emoji"})


def test_lists_come_in_first_use_order_with_reactors(client, api, ann, bob):
    (ann_acct, ann_h), (bob_acct, bob_h) = ann, bob
    cid_acct, cid_h = api.login("cid")
    sid = post(api, ann_acct)
    client.put(f"/api/v1/pleroma/statuses/{sid}/reactions/{quote('😀')}", headers=bob_h)
    client.put(f"/api/v1/pleroma/statuses/{sid}/reactions/{quote('☕')}", headers=cid_h)
    client.put(f"/api/v1/pleroma/statuses/{sid}/reactions/{quote('😀')}", headers=cid_h)
    for prefix in PREFIXES:
        r = client.get(f"{prefix}/statuses/{sid}/reactions", headers=cid_h)
        assert r.status_code == 200, r.text
        body = r.json()
        assert [(x["name"], x["count"], x["me"], x["url"]) for x in body] == [
            ("😀", 2, True, None),
            ("☕", 1, True, None),
        ]
        assert [a["id"] for a in body[0]["accounts"]] == body[0]["account_ids"] == [bob_acct.id, cid_acct.id]
        assert body[0]["accounts"][0]["username"] == "bob"
    anonymous = client.get(f"/api/v1/pleroma/statuses/{sid}/reactions").json()
    assert [(x["name"], x["count"], x["me"]) for x in anonymous] == [("😀", 2, False), ("☕", 1, False)]
    one = client.get(f"/api/v1/pleroma/statuses/{sid}/reactions/{quote('☕')}", headers=ann_h).json()
    assert [(x["name"], x["count"]) for x in one] == [("☕", 1)]
    assert client.get(f"/api/v1/pleroma/statuses/{sid}/reactions/{quote('👍')}").json() == []
    assert client.get(f"/api/v1/pleroma/statuses/{sid}/reactions/x").json() == []
    # the status entity carries the same counts, `me` for the reader
    shown = client.put(f"/api/v1/pleroma/statuses/{sid}/reactions/{quote('☕')}", headers=ann_h).json()
    assert reactions_of(shown) == [
        {"name": "😀", "count": 2, "me": False, "url": None},
        {"name": "☕", "count": 2, "me": True, "url": None},
    ]


def test_blocked_and_muted_reactors_are_hidden_from_the_reader(client, api, ann, bob):
    (ann_acct, ann_h), (bob_acct, bob_h) = ann, bob
    cid_acct, cid_h = api.login("cid")
    sid = post(api, ann_acct)
    client.put(f"/api/v1/pleroma/statuses/{sid}/reactions/{quote('👍')}", headers=bob_h)
    client.put(f"/api/v1/pleroma/statuses/{sid}/reactions/{quote('👍')}", headers=cid_h)
    client.put(f"/api/v1/pleroma/statuses/{sid}/reactions/{quote('🎉')}", headers=cid_h)
    assert client.post(f"/api/v1/accounts/{bob_acct.id}/block", headers=ann_h).status_code == 200
    assert client.post(f"/api/v1/accounts/{cid_acct.id}/mute", headers=ann_h).status_code == 200
    assert client.get(f"/api/v1/pleroma/statuses/{sid}/reactions", headers=ann_h).json() == []
    with_muted = client.get(
        f"/api/v1/pleroma/statuses/{sid}/reactions", params={"with_muted": "true"}, headers=ann_h
    ).json()
    assert [(x["name"], x["count"], x["account_ids"]) for x in with_muted] == [
        ("👍", 1, [cid_acct.id]),
        ("🎉", 1, [cid_acct.id]),
    ]
    _, dan_h = api.login("dan")
    others = client.get(f"/api/v1/pleroma/statuses/{sid}/reactions", headers=dan_h).json()
    assert [(x["name"], x["count"]) for x in others] == [("👍", 2), ("🎉", 1)]
    # bob is now blocked by the author: the status is gone for him
    assert client.get(f"/api/v1/pleroma/statuses/{sid}/reactions", headers=bob_h).status_code == 404


def test_statuses_one_cannot_see_are_404_like_unknown_ones_on_every_route(client, api, ann, bob):
    (ann_acct, _), (_, bob_h) = ann, bob
    cid_acct, cid_h = api.login("cid")
    secret = post(api, ann_acct, "direct", mentioned=[cid_acct])
    assert (
        client.put(f"/api/v1/pleroma/statuses/{secret}/reactions/{quote('👍')}", headers=cid_h).status_code
        == 200
    )
    emoji = quote("👍")
    for sid in (secret, "unknown-id", "000000000000000000"):
        for method, path in (
            ("PUT", f"/api/v1/pleroma/statuses/{sid}/reactions/{emoji}"),
            ("DELETE", f"/api/v1/pleroma/statuses/{sid}/reactions/{emoji}"),
            ("GET", f"/api/v1/pleroma/statuses/{sid}/reactions"),
            ("GET", f"/api/v1/pleroma/statuses/{sid}/reactions/{emoji}"),
            ("PUT", f"/api/pleroma/statuses/{sid}/reactions/{emoji}"),
            ("PUT", f"/api/v1/statuses/{sid}/emoji_reactions/{emoji}"),
            ("DELETE", f"/api/v1/statuses/{sid}/emoji_reactions/{emoji}"),
        ):
            for headers in (bob_h, {}):
                if method != "GET" and not headers:
                    continue
                r = client.request(method, path, headers=headers)
                assert r.status_code == 404, (method, path, r.text)
                assert r.json() == {"error": "Record not found"}


def test_reacting_needs_a_user_with_write_statuses(client, api, ann):
    ann_acct, _ = ann
    sid = post(api, ann_acct)
    path = f"/api/v1/pleroma/statuses/{sid}/reactions/{quote('👍')}"
    r = client.put(path)
    assert (r.status_code, r.json()) == (403, {"error": "Invalid credentials."})
    _, reader = api.login("reader", scopes="read")
    r = client.put(path, headers=reader)
    assert (r.status_code, r.json()) == (403, {"error": "Insufficient permissions: write:statuses."})
    # a token without read:statuses lists reactions as anyone would
    _, writer = api.login("writer", scopes="write")
    client.put(path, headers=writer)
    listed = client.get(f"/api/v1/pleroma/statuses/{sid}/reactions", headers=writer).json()
    assert [(x["count"], x["me"]) for x in listed] == [(1, False)]


def test_the_author_is_notified_except_of_their_own_reactions(client, api, ann, bob):
    (ann_acct, ann_h), (bob_acct, bob_h) = ann, bob
    sid = post(api, ann_acct)
    client.put(f"/api/v1/pleroma/statuses/{sid}/reactions/{quote('👍')}", headers=bob_h)
    client.put(f"/api/v1/pleroma/statuses/{sid}/reactions/{quote('👍')}", headers=bob_h)
    client.put(f"/api/v1/pleroma/statuses/{sid}/reactions/{quote('🎉')}", headers=ann_h)
    notes = client.get("/api/v1/notifications", headers=ann_h).json()
    assert [(n["type"], n["account"]["id"], n["emoji"], n["emoji_url"]) for n in notes] == [
        ("pleroma:emoji_reaction", bob_acct.id, "👍", None)
    ]
    assert notes[0]["status"]["id"] == sid


def test_custom_emoji_reactions(client, api, ann, bob):
    (ann_acct, ann_h), (_, bob_h) = ann, bob
    _, admin = api.login("admin", scopes="read write admin", admin=True)
    assert client.post("/api/v1/pleroma/emoji/pack", params={"name": "blobs"}, headers=admin).json() == "ok"
    r = client.post(
        "/api/v1/pleroma/emoji/packs/files",
        params={"name": "blobs"},
        headers=admin,
        files={"file": ("blob.png", PNG, "image/png")},
        data={"shortcode": "blob"},
    )
    assert r.status_code == 200, r.text
    sid = post(api, ann_acct)
    url = f"{client.app.state.services.base_url}/emoji/blobs/blob.png"
    r = client.put(f"/api/v1/pleroma/statuses/{sid}/reactions/:blob:", headers=bob_h)
    assert r.status_code == 200, r.text
    assert reactions_of(r.json()) == [{"name": "blob", "count": 1, "me": True, "url": url}]
    listed = client.get(f"/api/v1/pleroma/statuses/{sid}/reactions/:blob:").json()
    assert [(x["name"], x["url"]) for x in listed] == [("blob", url)]
    [note] = client.get("/api/v1/notifications", headers=ann_h).json()
    assert (note["emoji"], note["emoji_url"]) == (":blob:", url)
    r = client.put(f"/api/v1/pleroma/statuses/{sid}/reactions/:nope:", headers=bob_h)
    assert (r.status_code, r.json()) == (400, {"error": "Could not add reaction emoji"})
    assert client.delete(f"/api/v1/pleroma/statuses/{sid}/reactions/:blob:", headers=bob_h).status_code == 200


def test_nodeinfo_announces_reactions(client):
    features = client.get("/nodeinfo/2.1.json").json()["metadata"]["features"]
    assert "pleroma_emoji_reactions" in features
    assert "custom_emoji_reactions" in features
