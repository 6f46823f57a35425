"""Two people use plerome as a new user would: sign in, post, follow, reply, write privately, favourite,
reblog, read the thread, their timelines and their notifications, and delete."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.parametrize("database_url", ["memory", "sqlite"], indirect=True)


def sign_in(client, api, nickname):
    """An app, a password login and the token it gives, as megalodon and Mastodon.py do it."""
    api.user(nickname, "correct horse")
    app = client.post(
        "/api/v1/apps",
        json={
            "client_name": "scenario",
            "redirect_uris": "urn:ietf:wg:oauth:2.0:oob",
            "scopes": "read write follow",
        },
    ).json()
    token = client.post(
        "/oauth/token",
        data={
            "grant_type": "password",
            "client_id": app["client_id"],
            "client_secret": app["client_secret"],
            "username": nickname,
            "password": "correct horse",
            "scope": "read write follow",
        },
    ).json()
    headers = {"Authorization": f"Bearer {token['access_token']}"}
    me = client.get("/api/v1/accounts/verify_credentials", headers=headers).json()
    return me, headers


def ids(r):
    assert r.status_code == 200, r.text
    return [s["id"] for s in r.json()]


def test_two_people_talk(client, api):
    alice, as_alice = sign_in(client, api, "alice")
    bob, as_bob = sign_in(client, api, "bob")

    # Alice posts; Bob follows her (megalodon: JSON), then reads his home timeline.
    hello = client.post("/api/v1/statuses", headers=as_alice, json={"status": "Hello #fediverse!"}).json()
    assert hello["application"]["name"] == "scenario"
    assert client.post(f"/api/v1/accounts/{alice['id']}/follow", headers=as_bob, json={}).json()["following"]
    assert ids(client.get("/api/v1/timelines/home", headers=as_bob)) == [hello["id"]]

    # Bob replies (Mastodon.py: a form); Alice sees the reply in her thread and timeline.
    reply = client.post(
        "/api/v1/statuses", headers=as_bob, data={"status": "@alice welcome!", "in_reply_to_id": hello["id"]}
    ).json()
    assert reply["in_reply_to_id"] == hello["id"] and reply["mentions"][0]["id"] == alice["id"]
    context = client.get(f"/api/v1/statuses/{hello['id']}/context", headers=as_alice).json()
    assert [s["id"] for s in context["descendants"]] == [reply["id"]]
    assert ids(client.get("/api/v1/timelines/home", headers=as_alice)) == [reply["id"], hello["id"]]

    # Alice writes to Bob alone; nobody else sees it, anywhere.
    dm = client.post(
        "/api/v1/statuses", headers=as_alice, json={"status": "@bob just between us", "visibility": "direct"}
    ).json()
    assert client.get(f"/api/v1/statuses/{dm['id']}", headers=as_bob).json()["visibility"] == "direct"
    assert client.get(f"/api/v1/statuses/{dm['id']}").status_code == 404
    assert dm["id"] not in ids(client.get("/api/v1/timelines/public"))
    assert dm["id"] in ids(client.get("/api/v1/timelines/home", headers=as_bob))

    # Bob favourites and reblogs Alice's post.
    fav = client.post(f"/api/v1/statuses/{hello['id']}/favourite", headers=as_bob, json={}).json()
    assert fav["favourited"] and fav["favourites_count"] == 1
    boost = client.post(f"/api/v1/statuses/{hello['id']}/reblog", headers=as_bob, json={}).json()
    assert boost["reblog"]["id"] == hello["id"] and boost["reblog"]["reblogs_count"] == 1
    seen = client.get(f"/api/v1/statuses/{hello['id']}", headers=as_alice).json()
    assert (seen["favourites_count"], seen["reblogs_count"], seen["replies_count"]) == (1, 1, 1)
    assert ids(client.get(f"/api/v1/accounts/{bob['id']}/statuses")) == [boost["id"], reply["id"]]
    assert ids(client.get("/api/v1/timelines/tag/fediverse")) == [hello["id"]]

    # Alice hears of all of it.
    notes = client.get("/api/v1/notifications", headers=as_alice).json()
    assert [(n["type"], n["account"]["id"]) for n in notes] == [
        ("reblog", bob["id"]),
        ("favourite", bob["id"]),
        ("mention", bob["id"]),
        ("follow", bob["id"]),
    ]
    assert notes[0]["status"]["id"] == hello["id"] and "pleroma" in notes[0]["status"]
    bob_notes = client.get("/api/v1/notifications", headers=as_bob).json()
    assert [(n["type"], n["status"]["id"]) for n in bob_notes] == [("mention", dm["id"])]

    # Alice deletes her post, and takes it back to redraft it.
    gone = client.delete(f"/api/v1/statuses/{hello['id']}", headers=as_alice).json()
    assert gone["text"] == "Hello #fediverse!"
    assert ids(client.get("/api/v1/timelines/home", headers=as_bob)) == [dm["id"], reply["id"]]
    assert client.get(f"/api/v1/statuses/{boost['id']}").status_code == 404
    assert client.get(f"/api/v1/statuses/{reply['id']}").json()["pleroma"]["parent_visible"] is False
