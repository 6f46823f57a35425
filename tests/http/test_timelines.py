"""Timelines over HTTP: home, public, hashtag and account statuses, their parameters, pages and Link
headers, and that no list shows a status to a viewer who may not see it."""

from __future__ import annotations

import pytest

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
    return r.json()["id"]


def ids(r):
    assert r.status_code == 200, r.text
    return [s["id"] for s in r.json()]


def follow(client, who, whom, **body):
    r = client.post(f"/api/v1/accounts/{whom[0].id}/follow", headers=who[1], json=body)
    assert r.status_code == 200, r.text


def test_home_is_own_followed_and_mentioning_statuses(client, alice, bob, carol):
    follow(client, bob, alice)
    a_public = post(client, alice, "public")
    a_private = post(client, alice, "friends", visibility="private")
    c_direct = post(client, carol, "@bob psst", visibility="direct")
    c_public = post(client, carol, "not followed")
    b_own = post(client, bob, "mine", visibility="direct")
    assert ids(client.get("/api/v1/timelines/home", headers=bob[1])) == [b_own, c_direct, a_private, a_public]
    assert ids(client.get("/api/v1/timelines/home", headers=carol[1])) == [c_public, c_direct]


def test_home_needs_a_user(client, api):
    r = client.get("/api/v1/timelines/home")
    assert (r.status_code, r.json()) == (403, {"error": "Invalid credentials."})
    account, _ = api.login("writer", scopes="write")
    r = client.get(
        "/api/v1/timelines/home", headers={"Authorization": f"Bearer {api.token(account, 'write')}"}
    )
    assert (r.status_code, r.json()) == (403, {"error": "Insufficient permissions: read:statuses."})


def test_home_pages_with_link_headers(client, alice):
    posted = [post(client, alice, f"n{i}") for i in range(5)][::-1]
    r = client.get("/api/v1/timelines/home", headers=alice[1], params={"limit": 2})
    assert ids(r) == posted[:2]
    assert r.links["next"]["url"] == f"http://127.0.0.1:4000/api/v1/timelines/home?limit=2&max_id={posted[1]}"
    assert r.links["prev"]["url"] == f"http://127.0.0.1:4000/api/v1/timelines/home?limit=2&min_id={posted[0]}"
    r = client.get("/api/v1/timelines/home", headers=alice[1], params={"limit": 2, "max_id": posted[1]})
    assert ids(r) == posted[2:4]
    r = client.get("/api/v1/timelines/home", headers=alice[1], params={"min_id": posted[3], "limit": 2})
    assert ids(r) == posted[1:3]
    r = client.get("/api/v1/timelines/home", headers=alice[1], params={"since_id": posted[0]})
    assert ids(r) == [] and "link" not in r.headers


def test_reblogs_reach_home_unless_their_booster_is_followed_without_reblogs(client, alice, bob, carol):
    follow(client, bob, alice)
    follow(client, bob, carol, reblogs=False)
    original = post(client, carol, "by carol")
    boost = client.post(f"/api/v1/statuses/{original}/reblog", headers=alice[1]).json()
    assert ids(client.get("/api/v1/timelines/home", headers=bob[1])) == [boost["id"], original]
    follow(client, bob, alice, reblogs=False)
    assert ids(client.get("/api/v1/timelines/home", headers=bob[1])) == [original]


def test_public_is_local_public_statuses_for_anyone(client, alice, bob):
    public = post(client, alice, "hello")
    post(client, alice, "quiet", visibility="unlisted")
    post(client, alice, "friends", visibility="private")
    client.post(f"/api/v1/statuses/{public}/reblog", headers=bob[1])
    assert ids(client.get("/api/v1/timelines/public")) == [public]
    assert ids(client.get("/api/v1/timelines/public", params={"local": "true"})) == [public]
    assert ids(client.get("/api/v1/timelines/public", params={"remote": "1"})) == []
    assert ids(client.get("/api/v1/timelines/public", params={"only_media": "true"})) == []
    assert ids(client.get("/api/v1/timelines/public", headers=bob[1])) == [public]


def test_blocked_and_muted_authors_leave_the_lists(client, alice, bob, carol):
    a = post(client, alice, "from alice")
    c = post(client, carol, "from carol")
    client.post(f"/api/v1/accounts/{alice[0].id}/block", headers=bob[1])
    client.post(f"/api/v1/accounts/{carol[0].id}/mute", headers=bob[1])
    assert ids(client.get("/api/v1/timelines/public", headers=bob[1])) == []
    assert ids(client.get("/api/v1/timelines/public", headers=alice[1])) == [c, a]
    assert ids(client.get(f"/api/v1/accounts/{carol[0].id}/statuses", headers=bob[1])) == []


def test_a_hashtag_timeline(client, alice):
    tagged = post(client, alice, "I like #Cats")
    post(client, alice, "#cats but quietly", visibility="unlisted")
    post(client, alice, "#dogs")
    for tag in ("cats", "CATS"):
        assert ids(client.get(f"/api/v1/timelines/tag/{tag}")) == [tagged]
    assert ids(client.get("/api/v1/timelines/tag/nothing")) == []


def test_an_accounts_statuses_and_their_filters(client, api, alice, bob):
    follow(client, bob, alice)
    first = post(client, alice, "first")
    reply = post(client, alice, "again", in_reply_to_id=first)
    private = post(client, alice, "friends", visibility="private")
    boost = client.post(f"/api/v1/statuses/{post(client, bob, 'by bob')}/reblog", headers=alice[1]).json()[
        "id"
    ]
    url = f"/api/v1/accounts/{alice[0].id}/statuses"
    assert ids(client.get(url, headers=bob[1])) == [boost, private, reply, first]
    assert ids(client.get(url)) == [boost, reply, first]
    assert ids(client.get(url, headers=bob[1], params={"exclude_reblogs": "true"})) == [private, reply, first]
    assert ids(client.get(url, headers=bob[1], params={"exclude_replies": "1"})) == [boost, private, first]
    assert ids(client.get(url, params={"only_media": "true"})) == []
    assert ids(client.get(url, params={"pinned": "true"})) == []
    assert ids(client.get("/api/v1/accounts/alice/statuses", params={"limit": 1})) == [boost]
    r = client.get("/api/v1/accounts/nobody/statuses")
    assert (r.status_code, r.json()) == (404, {"error": "Record not found"})


def test_no_list_shows_a_status_its_viewer_may_not_see(client, alice, bob, carol):
    """Every list route, read by someone outside a direct and a private status's audience."""
    follow(client, bob, alice)
    direct = post(client, alice, "@bob #secret for bob", visibility="direct")
    private = post(client, alice, "#secret friends", visibility="private")
    hidden = {direct, private}
    client.post(f"/api/v1/statuses/{direct}/favourite", headers=bob[1])
    client.post(f"/api/v1/statuses/{private}/bookmark", headers=bob[1])
    routes = [
        "/api/v1/timelines/home",
        "/api/v1/timelines/public",
        "/api/v1/timelines/tag/secret",
        f"/api/v1/accounts/{alice[0].id}/statuses",
        "/api/v1/favourites",
        "/api/v1/bookmarks",
    ]
    for route in routes:
        for headers in (carol[1], {}):
            r = client.get(route, headers=headers)
            if r.status_code == 403:
                assert not headers  # the user-only lists refuse anonymous callers
                continue
            assert hidden.isdisjoint(ids(r)), route
    # The audience does see them.
    assert hidden <= set(ids(client.get(f"/api/v1/accounts/{alice[0].id}/statuses", headers=bob[1])))
    assert hidden <= set(ids(client.get("/api/v1/timelines/home", headers=bob[1])))
