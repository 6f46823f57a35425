"""GET/DELETE /api/oauth_tokens and GET/PATCH /api/v1/pleroma/settings/:app."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.parametrize("database_url", ["memory", "sqlite", "postgres"], indirect=True)


def test_the_sessions_of_the_account_are_listed(client, api):
    alice, headers = api.login("alice")
    api.token(alice)
    _, bob = api.login("bob")
    r = client.get("/api/oauth_tokens", headers=headers)
    assert r.status_code == 200
    sessions = r.json()
    assert len(sessions) == 2
    for s in sessions:
        assert s["app_name"] == "plerome-cli" and isinstance(s["id"], int)
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}", s["valid_until"])
    assert len(client.get("/api/oauth_tokens", headers=bob).json()) == 1
    assert client.get("/api/oauth_tokens").status_code == 403


def test_a_revoked_session_stops_working_at_once(client, api):
    alice, headers = api.login("alice")
    other = {"Authorization": f"Bearer {api.token(alice)}"}
    ids = [s["id"] for s in client.get("/api/oauth_tokens", headers=headers).json()]
    r = client.delete(f"/api/oauth_tokens/{ids[1]}", headers=headers)
    assert r.status_code == 201 and r.content == b""
    assert client.get("/api/v1/accounts/verify_credentials", headers=other).status_code == 403
    assert [s["id"] for s in client.get("/api/oauth_tokens", headers=headers).json()] == ids[:1]


def test_someone_elses_or_an_unknown_session_is_left_alone(client, api):
    _, alice = api.login("alice")
    _, bob = api.login("bob")
    [bobs] = client.get("/api/oauth_tokens", headers=bob).json()
    for token_id in (bobs["id"], 999999, "abc", "99999999999999999999999"):
        assert client.delete(f"/api/oauth_tokens/{token_id}", headers=alice).status_code == 201
    assert client.get("/api/v1/accounts/verify_credentials", headers=bob).status_code == 200
    assert client.delete(f"/api/oauth_tokens/{bobs['id']}").status_code == 403


@pytest.mark.parametrize("prefix", ["/api/v1/pleroma", "/api/pleroma"])
def test_app_settings_merge_per_user_and_app(client, api, prefix):
    _, alice = api.login("alice")
    _, bob = api.login("bob")
    url = f"{prefix}/settings/pleroma-fe"
    assert client.get(url, headers=alice).json() == {}
    r = client.patch(url, json={"theme": "dark", "nested": {"a": 1, "b": [1, 2]}, "gone": "x"}, headers=alice)
    assert r.status_code == 200
    r = client.patch(url, json={"gone": None, "nested": {"a": None, "c": "ü"}}, headers=alice)
    expected = {"theme": "dark", "nested": {"b": [1, 2], "c": "ü"}}
    assert (r.status_code, r.json()) == (200, expected)
    assert client.get(url, headers=alice).json() == expected
    assert client.get(url, headers=bob).json() == {}
    assert client.get(f"{prefix}/settings/other-app", headers=alice).json() == {}


def test_app_settings_scopes_and_bad_bodies(client, api):
    _, readonly = api.login("alice", scopes="read")
    _, writer = api.login("bob", scopes="write")
    url = "/api/v1/pleroma/settings/fe"
    assert client.get(url, headers=readonly).status_code == 200
    r = client.patch(url, json={"a": 1}, headers=readonly)
    assert (r.status_code, r.json()) == (403, {"error": "Insufficient permissions: write:accounts."})
    r = client.get(url, headers=writer)
    assert (r.status_code, r.json()) == (403, {"error": "Insufficient permissions: read:accounts."})
    for body in (b"[1, 2]", b"{not json"):
        r = client.patch(url, content=body, headers={**writer, "Content-Type": "application/json"})
        assert r.status_code == 400
    r = client.patch(url, json={"big": "x" * 1_000_001}, headers=writer)
    assert r.status_code in (400, 413)
    r = client.patch("/api/v1/pleroma/settings/" + "a" * 300, json={"a": 1}, headers=writer)
    assert r.status_code == 400
