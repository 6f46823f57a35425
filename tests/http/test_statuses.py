"""Statuses over HTTP as megalodon (JSON) and Mastodon.py (forms) send them: posting, reading, deleting,
threads, favourites, reblogs, bookmarks and the lists they make, and every error on the way."""

from __future__ import annotations

import pytest

from plerome.domain.attachments import Attachment

pytestmark = pytest.mark.parametrize("database_url", ["memory", "sqlite"], indirect=True)


@pytest.fixture
def alice(api):
    return api.login("alice")


@pytest.fixture
def bob(api):
    return api.login("bob")


@pytest.fixture
def carol(api):
    return api.login("carol")


def post(client, who, status="hi", **body):
    r = client.post("/api/v1/statuses", headers=who[1], json={"status": status, **body})
    assert r.status_code == 200, r.text
    return r.json()


def add_media(api, owner, media_id):
    stores = api.svc.ctx.stores
    attachment = Attachment(media_id, owner.id, f"{media_id}.png", "image/png", "image", 10, owner.created_at)
    api.client.portal.call(stores.attachments.add, attachment)


# -- posting


def test_megalodon_posts_json_and_reads_a_full_status(client, alice, bob):
    me = post(client, alice, "hi @bob, #Plerome https://ex.com", visibility="unlisted", spoiler_text="cw")
    assert me["visibility"] == "unlisted" and me["spoiler_text"] == "cw"
    assert me["account"]["username"] == "alice" and me["account"]["emojis"] == []
    assert [m["username"] for m in me["mentions"]] == ["bob"]
    assert [t["name"] for t in me["tags"]] == ["plerome"]
    assert 'class="u-url mention"' in me["content"] and 'rel="nofollow noopener noreferrer"' in me["content"]
    pleroma = me["pleroma"]
    assert pleroma["content"] == {"text/plain": "hi @bob, #Plerome https://ex.com"}
    assert pleroma["spoiler_text"] == {"text/plain": "cw"}
    assert pleroma["emoji_reactions"] == [] and pleroma["direct_conversation_id"] is None
    assert pleroma["local"] is True and pleroma["in_reply_to_account_acct"] is None
    assert me["application"] == {"name": "plerome-cli", "website": None}
    assert (me["favourited"], me["reblogged"], me["bookmarked"]) == (False, False, False)


def test_mastodon_py_posts_a_form_with_media_content_type_and_an_idempotency_key(client, api, alice):
    account, headers = alice
    add_media(api, account, "m1")
    add_media(api, account, "m2")
    form = {
        "status": "**bold**",
        "visibility": "private",
        "media_ids[]": ["m2", "m1"],
        "content_type": "text/markdown",
        "sensitive": "1",
    }
    keyed = {**headers, "Idempotency-Key": "abc"}
    r = client.post("/api/v1/statuses", headers=keyed, data=form)
    assert r.status_code == 200, r.text
    first = r.json()
    assert first["content"] == "<p><strong>bold</strong></p>"
    assert [m["id"] for m in first["media_attachments"]] == ["m1", "m2"]
    assert first["media_attachments"][0]["url"].endswith("/media/m1.png")
    assert first["sensitive"] is True and first["visibility"] == "private"
    again = client.post("/api/v1/statuses", headers=keyed, data={"status": "other"})
    assert again.json()["id"] == first["id"]


def test_the_default_visibility_is_the_authors(client, api, alice):
    r = client.patch(
        "/api/v1/accounts/update_credentials", headers=alice[1], json={"source": {"privacy": "private"}}
    )
    assert r.status_code == 200, r.text
    assert post(client, alice)["visibility"] == "private"


@pytest.mark.parametrize(
    ("body", "status", "error"),
    [
        ({"status": "  "}, 400, "Cannot post an empty status."),
        ({"status": "x" * 5001}, 400, "The status is over the character limit"),
        ({"status": "x", "visibility": "everyone"}, 400, None),
        ({"status": "x", "content_type": "text/bbcode"}, 400, None),
        ({"status": "x", "in_reply_to_conversation_id": "1"}, 404, "Unknown conversation id"),
        (
            {"status": "x", "poll": {"options": ["a", "b"], "expires_in": 600}},
            400,
            "Polls are not supported yet",
        ),
        (
            {"status": "x", "scheduled_at": "2030-01-01T00:00:00Z"},
            400,
            "Scheduled statuses are not supported yet",
        ),
        ({"status": "x", "in_reply_to_id": "nope"}, 404, "Record not found"),
        ({"status": "x", "media_ids": ["nope"]}, 404, "Record not found"),
        ({"status": 5}, 400, None),
        ({"status": "x", "media_ids": {"a": 1}}, 400, None),
    ],
)
def test_bad_posts_are_refused(client, alice, body, status, error):
    r = client.post("/api/v1/statuses", headers=alice[1], json=body)
    assert r.status_code == status, r.text
    if error:
        assert r.json() == {"error": error}
    assert client.get(f"/api/v1/accounts/{alice[0].id}/statuses").json() == []


def test_someone_elses_media_cannot_be_posted(client, api, alice, bob):
    add_media(api, bob[0], "theirs")
    r = client.post("/api/v1/statuses", headers=alice[1], json={"status": "x", "media_ids": ["theirs"]})
    assert r.status_code == 404


def test_posting_needs_a_user_with_write_statuses(client, api):
    account, _ = api.login("reader", scopes="read")
    r = client.post("/api/v1/statuses", json={"status": "x"})
    assert (r.status_code, r.json()) == (403, {"error": "Invalid credentials."})
    reader = {"Authorization": f"Bearer {api.token(account, 'read')}"}
    r = client.post("/api/v1/statuses", headers=reader, json={"status": "x"})
    assert (r.status_code, r.json()) == (403, {"error": "Insufficient permissions: write:statuses."})
    r = client.post("/api/v1/statuses", headers=reader, content=b"{not json", params={})
    assert r.status_code in (400, 403)


def test_malformed_bodies_are_400(client, alice):
    headers = {**alice[1], "Content-Type": "application/json"}
    r = client.post("/api/v1/statuses", headers=headers, content=b'{"status": ')
    assert (r.status_code, r.json()) == (400, {"error": "Invalid JSON body"})


# -- reading and deleting


def test_a_public_status_is_shown_to_anyone_and_a_direct_one_to_its_audience(client, alice, bob, carol):
    public = post(client, alice, "hello")
    secret = post(client, alice, "@bob psst", visibility="direct")
    assert client.get(f"/api/v1/statuses/{public['id']}").json()["id"] == public["id"]
    assert client.get(f"/api/v1/statuses/{secret['id']}", headers=bob[1]).status_code == 200
    for headers in ({}, carol[1]):
        r = client.get(f"/api/v1/statuses/{secret['id']}", headers=headers)
        assert (r.status_code, r.json()) == (404, {"error": "Record not found"})
    assert client.get("/api/v1/statuses/nope").status_code == 404


def test_deleting_answers_the_status_with_its_text_and_only_for_its_author(client, alice, bob):
    mine = post(client, alice, "to redraft")
    secret = post(client, alice, "mine only", visibility="direct")
    r = client.request("DELETE", f"/api/v1/statuses/{mine['id']}", headers=bob[1], json={})
    assert (r.status_code, r.json()) == (403, {"error": "Can't delete this post"})
    r = client.delete(f"/api/v1/statuses/{secret['id']}", headers=bob[1])
    assert (r.status_code, r.json()) == (404, {"error": "Record not found"})
    r = client.delete(f"/api/v1/statuses/{mine['id']}", headers=alice[1])
    assert r.status_code == 200 and r.json()["text"] == "to redraft" and r.json()["id"] == mine["id"]
    assert client.get(f"/api/v1/statuses/{mine['id']}").status_code == 404
    assert client.delete(f"/api/v1/statuses/{mine['id']}", headers=alice[1]).status_code == 404


def test_a_context_is_the_visible_thread(client, alice, bob, carol):
    root = post(client, alice, "root")
    reply = post(client, bob, "@alice yes", in_reply_to_id=root["id"])
    hidden = post(client, alice, "@bob just us", visibility="direct", in_reply_to_id=reply["id"])
    deeper = post(client, carol, "me too", in_reply_to_id=reply["id"])
    assert reply["in_reply_to_id"] == root["id"] and reply["pleroma"]["in_reply_to_account_acct"] == "alice"
    r = client.get(f"/api/v1/statuses/{reply['id']}/context", headers=carol[1])
    assert [s["id"] for s in r.json()["ancestors"]] == [root["id"]]
    assert [s["id"] for s in r.json()["descendants"]] == [deeper["id"]]
    r = client.get(f"/api/v1/statuses/{root['id']}/context", headers=bob[1])
    assert [s["id"] for s in r.json()["descendants"]] == [reply["id"], hidden["id"], deeper["id"]]
    assert client.get(f"/api/v1/statuses/{root['id']}").json()["replies_count"] == 1
    assert client.get(f"/api/v1/statuses/{hidden['id']}/context", headers=carol[1]).status_code == 404


# -- favourites, reblogs, bookmarks


def test_favourites_count_and_list_with_link_headers(client, alice, bob, carol):
    status = post(client, alice)
    r = client.post(f"/api/v1/statuses/{status['id']}/favourite", headers=bob[1], json={})
    assert r.status_code == 200 and r.json()["favourited"] is True and r.json()["favourites_count"] == 1
    client.post(f"/api/v1/statuses/{status['id']}/favourite", headers=carol[1])
    r = client.get(f"/api/v1/statuses/{status['id']}/favourited_by")
    assert [a["username"] for a in r.json()] == ["carol", "bob"]
    assert 'rel="next"' in r.headers["link"]
    r = client.get("/api/v1/favourites", headers=bob[1])
    assert [s["id"] for s in r.json()] == [status["id"]] and "max_id=" in r.headers["link"]
    r = client.post(f"/api/v1/statuses/{status['id']}/unfavourite", headers=bob[1])
    assert r.json()["favourited"] is False and r.json()["favourites_count"] == 1
    assert client.get("/api/v1/favourites", headers=bob[1]).json() == []


def test_reblogs_wrap_the_status_and_can_be_undone(client, alice, bob):
    status = post(client, alice)
    r = client.post(
        f"/api/v1/statuses/{status['id']}/reblog", headers=bob[1], data={"visibility": "unlisted"}
    )
    wrapper = r.json()
    assert r.status_code == 200 and wrapper["reblog"]["id"] == status["id"]
    assert wrapper["visibility"] == "unlisted" and wrapper["reblogged"] is True
    assert wrapper["reblog"]["reblogs_count"] == 1 and wrapper["pleroma"]["local"] is True
    again = client.post(f"/api/v1/statuses/{status['id']}/reblog", headers=bob[1], json={})
    assert again.json()["id"] == wrapper["id"]
    by = client.get(f"/api/v1/statuses/{status['id']}/reblogged_by", headers=alice[1]).json()
    assert [a["username"] for a in by] == ["bob"]
    r = client.post(f"/api/v1/statuses/{status['id']}/unreblog", headers=bob[1])
    assert (
        r.json()["id"] == status["id"] and r.json()["reblogged"] is False and r.json()["reblogs_count"] == 0
    )
    assert client.get(f"/api/v1/statuses/{wrapper['id']}").status_code == 404


def test_others_private_statuses_cannot_be_reblogged(client, alice, bob):
    client.post(f"/api/v1/accounts/{alice[0].id}/follow", headers=bob[1])
    private = post(client, alice, "friends", visibility="private")
    assert client.get(f"/api/v1/statuses/{private['id']}", headers=bob[1]).status_code == 200
    r = client.post(f"/api/v1/statuses/{private['id']}/reblog", headers=bob[1])
    assert (r.status_code, r.json()) == (404, {"error": "Record not found"})
    r = client.post(f"/api/v1/statuses/{private['id']}/reblog", headers=alice[1])
    assert r.status_code == 200 and r.json()["visibility"] == "private"


def test_bookmarks_are_private_to_their_owner(client, alice, bob):
    first, second = post(client, alice, "1"), post(client, alice, "2")
    for status in (first, second):
        r = client.post(f"/api/v1/statuses/{status['id']}/bookmark", headers=bob[1])
        assert r.status_code == 200 and r.json()["bookmarked"] is True
    r = client.get("/api/v1/bookmarks", headers=bob[1], params={"limit": 1})
    assert [s["id"] for s in r.json()] == [second["id"]]
    following = client.get(r.links["next"]["url"].removeprefix("http://127.0.0.1:4000"), headers=bob[1])
    assert [s["id"] for s in following.json()] == [first["id"]]
    assert client.get("/api/v1/bookmarks", headers=alice[1]).json() == []
    client.post(f"/api/v1/statuses/{first['id']}/unbookmark", headers=bob[1])
    assert [s["id"] for s in client.get("/api/v1/bookmarks", headers=bob[1]).json()] == [second["id"]]
    assert client.get("/api/v1/bookmarks").status_code == 403


@pytest.mark.parametrize(
    ("scope", "path", "method"),
    [
        ("write:favourites", "favourite", "POST"),
        ("write:bookmarks", "bookmark", "POST"),
        ("write:statuses", "reblog", "POST"),
    ],
)
def test_each_action_needs_its_scope(client, api, alice, scope, path, method):
    status = post(client, alice)
    account, _ = api.login("narrow", scopes="read")
    narrow = {"Authorization": f"Bearer {api.token(account, 'read write:accounts')}"}
    r = client.request(method, f"/api/v1/statuses/{status['id']}/{path}", headers=narrow)
    assert (r.status_code, r.json()) == (403, {"error": f"Insufficient permissions: {scope}."})
    fitting = {"Authorization": f"Bearer {api.token(account, scope)}"}
    assert (
        client.request(method, f"/api/v1/statuses/{status['id']}/{path}", headers=fitting).status_code == 200
    )


# -- no route shows a status to someone who may not see it


STATUS_ROUTES = [
    ("GET", ""),
    ("DELETE", ""),
    ("GET", "/context"),
    ("POST", "/favourite"),
    ("POST", "/unfavourite"),
    ("POST", "/reblog"),
    ("POST", "/unreblog"),
    ("POST", "/bookmark"),
    ("POST", "/unbookmark"),
    ("GET", "/favourited_by"),
    ("GET", "/reblogged_by"),
]


@pytest.mark.parametrize(("method", "suffix"), STATUS_ROUTES)
def test_every_status_route_answers_record_not_found_for_an_invisible_or_unknown_status(
    client, alice, bob, carol, method, suffix
):
    secret = post(client, alice, "@bob for bob", visibility="direct")
    private = post(client, alice, "followers", visibility="private")
    for status_id in (secret["id"], private["id"], "nope", "0" * 40, "%F0%9F%98%80"):
        for headers in (carol[1], {}):
            r = client.request(method, f"/api/v1/statuses/{status_id}{suffix}", headers=headers)
            if not headers and method != "GET":
                assert r.status_code == 403  # no user at all: refused before looking
                continue
            assert (r.status_code, r.json()) == (404, {"error": "Record not found"}), (status_id, headers)


def test_lists_leave_out_statuses_their_viewer_may_no_longer_see(client, alice, bob):
    client.post(f"/api/v1/accounts/{alice[0].id}/follow", headers=bob[1])
    private = post(client, alice, "followers", visibility="private")
    client.post(f"/api/v1/statuses/{private['id']}/favourite", headers=bob[1])
    client.post(f"/api/v1/statuses/{private['id']}/bookmark", headers=bob[1])
    assert len(client.get("/api/v1/favourites", headers=bob[1]).json()) == 1
    client.post(f"/api/v1/accounts/{alice[0].id}/unfollow", headers=bob[1])
    assert client.get("/api/v1/favourites", headers=bob[1]).json() == []
    assert client.get("/api/v1/bookmarks", headers=bob[1]).json() == []


def test_statuses_count_counts_public_and_unlisted_statuses_as_pleroma_does(client, alice, bob):
    first = post(client, alice, "one")
    post(client, alice, "two", visibility="unlisted")
    post(client, alice, "three", visibility="private")
    post(client, alice, "@bob four", visibility="direct")
    reblog = client.post(f"/api/v1/statuses/{first['id']}/reblog", headers=alice[1])
    assert reblog.status_code == 200
    assert reblog.json()["account"]["statuses_count"] == 2  # reblogs, private and direct not counted
    me = client.get("/api/v1/accounts/verify_credentials", headers=alice[1]).json()
    assert me["statuses_count"] == 2
    assert client.delete(f"/api/v1/statuses/{first['id']}", headers=alice[1]).status_code == 200
    assert client.get(f"/api/v1/accounts/{alice[0].id}").json()["statuses_count"] == 1
    assert client.get(f"/api/v1/accounts/{bob[0].id}").json()["statuses_count"] == 0
