"""The first thing a client does: register an app, log in with a password, ask who it is."""

import pytest

pytestmark = pytest.mark.parametrize("database_url", ["memory", "sqlite", "postgres"], indirect=True)


def register_app(client, scopes="read write follow push"):
    r = client.post(
        "/api/v1/apps",
        json={"client_name": "test app", "redirect_uris": "urn:ietf:wg:oauth:2.0:oob", "scopes": scopes},
    )
    assert r.status_code == 200, r.text
    return r.json()


def test_password_grant_token_works_for_verify_credentials(client, api):
    api.user("alice", "correct horse")
    app = register_app(client)
    r = client.post(
        "/oauth/token",
        data={
            "grant_type": "password",
            "client_id": app["client_id"],
            "client_secret": app["client_secret"],
            "username": "alice",
            "password": "correct horse",
        },
    )
    assert r.status_code == 200, r.text
    token = r.json()
    assert token["token_type"] == "Bearer"
    assert token["scope"] == "read write follow push"
    assert token["me"].endswith("/users/alice")
    me = client.get(
        "/api/v1/accounts/verify_credentials", headers={"Authorization": f"Bearer {token['access_token']}"}
    )
    assert me.status_code == 200
    assert me.json()["username"] == "alice"
    assert me.json()["emojis"] == []
    assert me.json()["pleroma"]["notification_settings"] == {
        "block_from_strangers": False,
        "hide_notification_contents": False,
    }


def test_wrong_password_is_400_invalid_credentials(client, api):
    api.user("alice", "correct horse")
    app = register_app(client)
    r = client.post(
        "/oauth/token",
        json={
            "grant_type": "password",
            "client_id": app["client_id"],
            "client_secret": app["client_secret"],
            "username": "alice",
            "password": "wrong",
        },
    )
    assert r.status_code == 400
    assert r.json() == {"error": "Invalid credentials"}


def test_unknown_grant_is_400_not_500(client):
    r = client.post("/oauth/token", data={"grant_type": "magic"})
    assert r.status_code == 400
    assert r.json() == {"error": "Bad request"}


def test_no_token_is_403_invalid_credentials(client):
    r = client.get("/api/v1/accounts/verify_credentials")
    assert r.status_code == 403
    assert r.json() == {"error": "Invalid credentials."}


def test_token_without_scope_is_403_insufficient_permissions(client, api):
    _, headers = api.login("bob", scopes="write")
    r = client.get("/api/v1/accounts/verify_credentials", headers=headers)
    assert r.status_code == 403
    assert r.json() == {"error": "Insufficient permissions: read:accounts."}
