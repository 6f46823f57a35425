"""The social graph over HTTP on every store: relationships, blocks, mutes, subscriptions, follow
requests, account lists with their Link headers, counts and search.

Follows are laid down through the store here: a new follow notifies, and these routes must not wait
for the notification store of every backend. tests/http/test_social.py drives `follow` itself.
"""

from __future__ import annotations

import re

import pytest

from plerome.domain.social import Follow

pytestmark = pytest.mark.parametrize("database_url", ["memory", "sqlite", "postgres"], indirect=True)


def follow(api, follower, followee, state="accepted") -> str:
    svc = api.svc
    edge = Follow(svc.ctx.ids.new(), follower.id, followee.id, state, True, svc.ctx.clock.now())
    api.client.portal.call(lambda: svc.ctx.stores.social.follow(edge))
    return edge.id


def links(response) -> dict[str, str]:
    """rel → the query string of its URL."""
    return {
        rel: url.split("?", 1)[1]
        for url, rel in re.findall(r'<([^>]+)>; rel="(\w+)"', response.headers["Link"])
    }


def test_block_mute_subscribe_and_relationships(client, api):
    a, ah = api.login("alice")
    b, bh = api.login("bob")
    c, _ = api.login("carol")
    follow(api, a, b)
    follow(api, b, a)
    r = client.get("/api/v1/accounts/relationships", params=[("id[]", b.id), ("id[]", c.id)], headers=ah)
    assert [(x["id"], x["following"], x["followed_by"]) for x in r.json()] == [
        (b.id, True, True),
        (c.id, False, False),
    ]

    assert client.post(f"/api/v1/pleroma/accounts/{c.id}/subscribe", headers=ah).json()["notifying"] is True
    r = client.post(
        f"/api/v1/accounts/{c.id}/mute", data={"notifications": "0", "expires_in": "600"}, headers=ah
    )
    assert (r.json()["muting"], r.json()["muting_notifications"], r.json()["subscribing"]) == (
        True,
        False,
        True,
    )
    r = client.post(f"/api/v1/accounts/{b.id}/block", json={}, headers=ah)
    assert r.json()["blocking"] is True
    assert (r.json()["following"], r.json()["followed_by"]) == (False, False)
    r = client.get("/api/v1/accounts/relationships", params={"id[]": a.id}, headers=bh)
    assert r.json()[0]["blocked_by"] is True

    assert [x["id"] for x in client.get("/api/v1/blocks", headers=ah).json()] == [b.id]
    assert [x["id"] for x in client.get("/api/v1/mutes", headers=ah).json()] == [c.id]
    r = client.post(f"/api/pleroma/accounts/{a.id}/subscribe", headers=bh)
    assert (r.status_code, r.json()) == (403, {"error": "Could not subscribe: alice is blocking you"})

    assert client.post(f"/api/v1/accounts/{b.id}/unblock", headers=ah).json()["blocking"] is False
    assert client.post(f"/api/v1/accounts/{c.id}/unmute", headers=ah).json()["muting"] is False
    assert (
        client.post(f"/api/v1/pleroma/accounts/{c.id}/unsubscribe", headers=ah).json()["subscribing"] is False
    )
    assert client.get("/api/v1/blocks", headers=ah).json() == []
    assert client.get("/api/v1/mutes", headers=ah).json() == []


def test_follow_requests_are_listed_authorized_and_rejected(client, api):
    star, sh = api.login("star")
    fans = [api.login(f"fan{i}")[0] for i in range(3)]
    for fan in fans:
        follow(api, fan, star, state="pending")
    listed = client.get("/api/v1/follow_requests", headers=sh)
    assert [x["username"] for x in listed.json()] == ["fan2", "fan1", "fan0"]
    me = client.get("/api/v1/accounts/relationships", params={"id": fans[0].id}, headers=sh).json()[0]
    assert me["followed_by"] is False
    r = client.post(f"/api/v1/follow_requests/{fans[0].id}/authorize", headers=sh)
    assert r.json()["followed_by"] is True
    r = client.post(f"/api/v1/follow_requests/{fans[1].id}/reject", json={}, headers=sh)
    assert r.json()["followed_by"] is False
    assert [x["username"] for x in client.get("/api/v1/follow_requests", headers=sh).json()] == ["fan2"]
    assert [x["username"] for x in client.get(f"/api/v1/accounts/{star.id}/followers").json()] == ["fan0"]
    r = client.post(f"/api/v1/follow_requests/{fans[1].id}/authorize", headers=sh)
    assert (r.status_code, r.json()) == (404, {"error": "Record not found"})


def test_account_lists_page_by_their_edge_ids_with_link_headers(client, api):
    star, sh = api.login("star")
    fans = [api.login(f"fan{i}")[0] for i in range(5)]
    edges = [follow(api, fan, star) for fan in fans]
    first = client.get(f"/api/v1/accounts/{star.id}/followers", params={"limit": 2}, headers=sh)
    assert [x["username"] for x in first.json()] == ["fan4", "fan3"]
    nav = links(first)
    assert nav["next"] == f"limit=2&max_id={edges[3]}"
    assert nav["prev"] == f"limit=2&min_id={edges[4]}"
    second = client.get(f"/api/v1/accounts/{star.id}/followers?{nav['next']}", headers=sh)
    assert [x["username"] for x in second.json()] == ["fan2", "fan1"]
    back = client.get(f"/api/v1/accounts/{star.id}/followers?{links(second)['prev']}", headers=sh)
    assert [x["username"] for x in back.json()] == ["fan4", "fan3"]
    last = client.get(f"/api/v1/accounts/{star.id}/followers?limit=2&max_id={edges[1]}", headers=sh)
    assert [x["username"] for x in last.json()] == ["fan0"]
    empty = client.get(f"/api/v1/accounts/{star.id}/followers?limit=2&max_id={edges[0]}", headers=sh)
    assert empty.json() == [] and "Link" not in empty.headers
    since = client.get(f"/api/v1/accounts/{star.id}/followers?since_id={edges[2]}", headers=sh)
    assert [x["username"] for x in since.json()] == ["fan4", "fan3"]

    for fan in fans:
        client.post(f"/api/v1/accounts/{fan.id}/block", headers=sh)
    blocks = client.get("/api/v1/blocks?limit=3", headers=sh)
    assert [x["username"] for x in blocks.json()] == ["fan4", "fan3", "fan2"]
    older = client.get(f"/api/v1/blocks?{links(blocks)['next']}", headers=sh)
    assert [x["username"] for x in older.json()] == ["fan1", "fan0"]


def test_account_entities_in_lists_carry_real_counts(client, api):
    a, ah = api.login("alice")
    b, _ = api.login("bob")
    c, _ = api.login("carol")
    follow(api, a, b)
    follow(api, c, b)
    follow(api, b, a)
    follow(api, c, a, state="pending")
    r = client.get(f"/api/v1/accounts/{b.id}/followers", headers=ah)
    assert [(x["username"], x["followers_count"], x["following_count"]) for x in r.json()] == [
        ("carol", 0, 1),
        ("alice", 1, 1),
    ]
    mine = r.json()[1]
    assert mine["follow_requests_count"] == 1
    r = client.get(f"/api/v1/accounts/{a.id}/following", headers=ah)
    assert [(x["username"], x["followers_count"]) for x in r.json()] == [("bob", 2)]


def test_account_search(client, api):
    a, ah = api.login("alice")
    api.login("alicia")
    b, bh = api.login("bob")
    client.patch("/api/v1/accounts/update_credentials", json={"display_name": "Alien Bob"}, headers=bh)
    r = client.get("/api/v1/accounts/search", params={"q": "Ali", "limit": 5})
    assert [x["username"] for x in r.json()] == ["alice", "alicia", "bob"]
    follow(api, a, b)
    r = client.get("/api/v1/accounts/search", params={"q": "ali", "following": "1"}, headers=ah)
    assert [(x["username"], x["followers_count"]) for x in r.json()] == [("bob", 1)]
    client.post(f"/api/v1/accounts/{b.id}/block", headers=ah)
    assert [x["username"] for x in client.get("/api/v1/accounts/search?q=ali", headers=ah).json()] == [
        "alice",
        "alicia",
    ]
