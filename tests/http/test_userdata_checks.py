"""What issue 8 says of endpoints built elsewhere, checked end to end on every store: Pleroma's
subscribe is the same flag as Mastodon's `notify` on follow, and subscribers hear of each new status;
notifications/read with max_id answers at most 80."""

from __future__ import annotations

import pytest

from plerome.domain.usecases.notifications import notify

pytestmark = pytest.mark.parametrize("database_url", ["memory", "sqlite", "postgres"], indirect=True)


def relationship(client, headers, target_id) -> dict:
    r = client.get("/api/v1/accounts/relationships", params={"id[]": target_id}, headers=headers)
    assert r.status_code == 200, r.text
    return r.json()[0]


@pytest.mark.parametrize("prefix", ["/api/v1/pleroma", "/api/pleroma"])
def test_subscribe_and_notify_on_follow_are_one_flag(client, api, prefix):
    _, headers = api.login("alice")
    bob = api.user("bob")
    r = client.post(f"{prefix}/accounts/{bob.id}/subscribe", headers=headers)
    assert (r.json()["subscribing"], r.json()["notifying"]) == (True, True)
    assert (
        client.post(f"/api/v1/accounts/{bob.id}/follow", headers=headers, json={}).json()["notifying"] is True
    )
    r = client.post(f"/api/v1/accounts/{bob.id}/follow", headers=headers, json={"notify": False})
    assert (r.json()["following"], r.json()["notifying"], r.json()["subscribing"]) == (True, False, False)
    client.post(f"/api/v1/accounts/{bob.id}/follow", headers=headers, data={"notify": "1"})
    assert relationship(client, headers, bob.id)["subscribing"] is True
    r = client.post(f"{prefix}/accounts/{bob.id}/unsubscribe", headers=headers)
    assert (r.json()["following"], r.json()["notifying"]) == (True, False)


def test_subscribers_get_a_status_notification_for_each_new_status(client, api):
    if not any(getattr(r, "path", "") == "/api/v1/statuses" for r in client.app.routes):
        pytest.skip("POST /api/v1/statuses comes with the statuses branch")
    bob, bob_headers = api.login("bob")
    _, fan = api.login("fan")
    _, other = api.login("other")
    assert client.post(f"/api/v1/pleroma/accounts/{bob.id}/subscribe", headers=fan).status_code == 200
    posted = []
    for text, visibility in (("one", "public"), ("two", "unlisted"), ("three", "public")):
        r = client.post(
            "/api/v1/statuses", headers=bob_headers, json={"status": text, "visibility": visibility}
        )
        assert r.status_code == 200, r.text
        posted.append(r.json()["id"])
    client.post("/api/v1/statuses", headers=bob_headers, json={"status": "mine", "visibility": "private"})
    seen = client.get("/api/v1/notifications", headers=fan).json()
    assert [(n["type"], n["account"]["id"], n["status"]["id"]) for n in seen] == [
        ("status", bob.id, i) for i in reversed(posted)
    ]
    assert client.get("/api/v1/notifications", headers=other).json() == []


def test_reading_up_to_max_id_answers_at_most_80(client, api):
    me, headers = api.login("alice")
    bob = api.user("bob")
    ctx = api.svc.ctx
    made = [
        api.client.portal.call(lambda: notify(ctx, ctx.stores, me.id, "follow", bob.id)).id for _ in range(85)
    ]
    r = client.post("/api/v1/pleroma/notifications/read", headers=headers, json={"max_id": made[-1]})
    assert r.status_code == 200, r.text
    answered = [n["id"] for n in r.json()]
    assert answered == made[::-1][:80]
    assert all(n["pleroma"]["is_seen"] for n in r.json())
    me_now = client.get("/api/v1/accounts/verify_credentials", headers=headers).json()
    assert me_now["pleroma"]["unread_notifications_count"] == 0  # every one up to max_id was marked
    r = client.post("/api/pleroma/notifications/read", headers=headers, json={"max_id": made[2]})
    assert r.json() == []  # nothing left to mark up to there
