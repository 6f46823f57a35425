"""The util endpoints for one's own account: success, and each refusal with Pleroma's answer (HTTP 200
with `error` for the soft ones), under both /api/pleroma and /api/v1/pleroma."""

from __future__ import annotations

import threading

import pytest

from plerome.domain.usecases import self_service

pytestmark = pytest.mark.parametrize("database_url", ["memory", "sqlite", "postgres"], indirect=True)

PREFIXES = ("/api/pleroma", "/api/v1/pleroma")
SUCCESS = {"status": "success"}
WAIT = 10


def bearer_of(client, api, nickname, password="secret"):
    """A token got through the password grant (so it shows up as a session of a named app)."""
    api.user(nickname, password)
    app = client.post(
        "/api/v1/apps",
        json={"client_name": "Web", "redirect_uris": "urn:ietf:wg:oauth:2.0:oob", "scopes": "read write"},
    ).json()
    r = client.post(
        "/oauth/token",
        data={
            "grant_type": "password",
            "username": nickname,
            "password": password,
            "scope": "read write",
            "client_id": app["client_id"],
            "client_secret": app["client_secret"],
        },
    )
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


def can_log_in(client, nickname, password="secret") -> bool:
    r = client.get("/api/v1/accounts/verify_credentials", auth=(nickname, password))
    return r.status_code == 200


# --- delete_account / disable_account ---------------------------------------------------------------


@pytest.mark.parametrize("prefix", PREFIXES)
def test_a_wrong_or_missing_password_deletes_nothing(client, api, prefix):
    _, headers = api.login("alice")
    for body in ({"password": "wrong"}, {}):
        r = client.post(f"{prefix}/delete_account", json=body, headers=headers)
        assert (r.status_code, r.json()) == (200, {"error": "Invalid password."})
    assert client.get("/api/v1/accounts/verify_credentials", headers=headers).status_code == 200


def test_a_deleted_account_stops_at_once_and_its_data_goes_in_a_job(client, api):
    alice, headers = api.login("alice")
    svc = client.app.state.services
    removed = threading.Event()
    original = svc.job_handlers[self_service.REMOVE_ACCOUNT_JOB]

    async def watched(payload: dict) -> None:
        await original(payload)
        removed.set()

    svc.job_handlers[self_service.REMOVE_ACCOUNT_JOB] = watched
    r = client.post("/api/pleroma/delete_account?password=secret", headers=headers)
    assert (r.status_code, r.json()) == (200, SUCCESS)
    r = client.get("/api/v1/accounts/verify_credentials", headers=headers)
    assert (r.status_code, r.json()) == (403, {"error": "Invalid credentials."})
    assert removed.wait(WAIT), "the deletion job did not run"
    assert client.portal.call(svc.ctx.stores.accounts.get, alice.id) is None
    assert client.get(f"/api/v1/accounts/{alice.id}").status_code == 404
    stats = client.get("/api/v1/pleroma/healthcheck").json()["job_queue_stats"]
    assert stats["processed_jobs"] >= 1 and stats["failed_jobs"] == 0


@pytest.mark.parametrize("prefix", PREFIXES)
def test_disabling_the_account(client, api, prefix, basic_auth):
    _, headers = api.login("alice")
    r = client.post(f"{prefix}/disable_account", data={"password": "nope"}, headers=headers)
    assert (r.status_code, r.json()) == (200, {"error": "Invalid password."})
    r = client.post(f"{prefix}/disable_account?password=secret", headers=headers)
    assert (r.status_code, r.json()) == (200, SUCCESS)
    assert client.get("/api/v1/accounts/verify_credentials", headers=headers).status_code == 403
    assert (
        client.get("/api/v1/accounts/verify_credentials", headers=basic_auth("alice", "secret")).status_code
        == 403
    )


# --- change_password / change_email ------------------------------------------------------------------


@pytest.mark.parametrize("prefix", PREFIXES)
def test_changing_the_password_logs_out_everywhere(client, api, prefix):
    headers = bearer_of(client, api, "alice")
    body = {"password": "secret", "new_password": "n3w-pass", "new_password_confirmation": "n3w-pass"}
    r = client.post(f"{prefix}/change_password", json=body, headers=headers)
    assert (r.status_code, r.json()) == (200, SUCCESS)
    assert client.get("/api/v1/accounts/verify_credentials", headers=headers).status_code == 403
    assert can_log_in(client, "alice", "n3w-pass") and not can_log_in(client, "alice", "secret")


@pytest.mark.parametrize(
    ("body", "error"),
    [
        ({"password": "wrong", "new_password": "a", "new_password_confirmation": "a"}, "Invalid password."),
        (
            {"password": "secret", "new_password": "a", "new_password_confirmation": "b"},
            "New password does not match confirmation.",
        ),
        (
            {"password": "secret", "new_password": "", "new_password_confirmation": ""},
            "New password can't be blank.",
        ),
    ],
)
def test_a_refused_password_change_answers_200_with_the_error(client, api, body, error):
    _, headers = api.login("alice")
    r = client.post("/api/pleroma/change_password", data=body, headers=headers)
    assert (r.status_code, r.json()) == (200, {"error": error})
    assert can_log_in(client, "alice")


def test_a_missing_field_is_a_400(client, api):
    _, headers = api.login("alice")
    r = client.post(
        "/api/pleroma/change_password", json={"password": "secret", "new_password": "x"}, headers=headers
    )
    assert (r.status_code, r.json()) == (400, {"error": "Missing field: new_password_confirmation."})
    r = client.post("/api/pleroma/change_email", json={"password": "secret"}, headers=headers)
    assert (r.status_code, r.json()) == (400, {"error": "Missing field: email."})


@pytest.mark.parametrize("prefix", PREFIXES)
def test_changing_the_email(client, api, prefix):
    _, headers = api.login("alice")
    api.user("bob", email="bob@example.test")
    for email, error in (
        ("bob@example.test", "Email has already been taken."),
        ("not an email", "Email has invalid format."),
    ):
        r = client.post(
            f"{prefix}/change_email", json={"password": "secret", "email": email}, headers=headers
        )
        assert (r.status_code, r.json()) == (200, {"error": error})
    r = client.post(
        f"{prefix}/change_email", json={"password": "nope", "email": "a@b.example"}, headers=headers
    )
    assert r.json() == {"error": "Invalid password."}
    r = client.post(
        f"{prefix}/change_email", json={"password": "secret", "email": "new@example.test"}, headers=headers
    )
    assert (r.status_code, r.json()) == (200, SUCCESS)
    assert client.get("/api/v1/accounts/verify_credentials", headers=headers).json()["pleroma"]["email"] == (
        "new@example.test"
    )


# --- notification_settings ---------------------------------------------------------------------------


@pytest.mark.parametrize("prefix", PREFIXES)
def test_notification_settings_change_only_what_is_given(client, api, prefix):
    _, headers = api.login("alice")
    r = client.put(f"{prefix}/notification_settings?block_from_strangers=yes", headers=headers)
    assert (r.status_code, r.json()) == (200, SUCCESS)
    r = client.put(
        f"{prefix}/notification_settings", json={"hide_notification_contents": True}, headers=headers
    )
    assert r.json() == SUCCESS
    me = client.get("/api/v1/accounts/verify_credentials", headers=headers).json()
    assert me["pleroma"]["notification_settings"] == {
        "block_from_strangers": True,
        "hide_notification_contents": True,
    }
    client.put(f"{prefix}/notification_settings", data={"block_from_strangers": "0"}, headers=headers)
    me = client.get("/api/v1/accounts/verify_credentials", headers=headers).json()
    assert me["pleroma"]["notification_settings"] == {
        "block_from_strangers": False,
        "hide_notification_contents": True,
    }


def test_a_bad_boolean_is_a_400(client, api):
    _, headers = api.login("alice")
    r = client.put(
        "/api/pleroma/notification_settings", json={"block_from_strangers": "maybe"}, headers=headers
    )
    assert r.status_code == 400


# --- aliases and move_account ------------------------------------------------------------------------


@pytest.mark.parametrize("prefix", PREFIXES)
def test_aliases_are_added_shown_and_removed(client, api, prefix):
    _, headers = api.login("alice")
    api.user("bob")
    assert client.get(f"{prefix}/aliases", headers=headers).json() == {"aliases": []}
    r = client.put(f"{prefix}/aliases", json={"alias": "bob"}, headers=headers)
    assert (r.status_code, r.json()) == (200, SUCCESS)
    assert client.get(f"{prefix}/aliases", headers=headers).json() == {"aliases": ["bob@127.0.0.1:4000"]}
    me = client.get("/api/v1/accounts/verify_credentials", headers=headers).json()
    assert me["pleroma"]["also_known_as"] == ["http://127.0.0.1:4000/users/bob"]
    r = client.request("DELETE", f"{prefix}/aliases", json={"alias": "bob@127.0.0.1:4000"}, headers=headers)
    assert (r.status_code, r.json()) == (200, SUCCESS)
    assert client.get(f"{prefix}/aliases", headers=headers).json() == {"aliases": []}


def test_alias_refusals(client, api):
    _, headers = api.login("alice")
    api.user("bob")
    r = client.put("/api/pleroma/aliases", json={"alias": "nobody"}, headers=headers)
    assert (r.status_code, r.json()) == (404, {"error": "Target account does not exist."})
    r = client.request("DELETE", "/api/pleroma/aliases", json={"alias": "bob"}, headers=headers)
    assert (r.status_code, r.json()) == (404, {"error": "Account has no such alias."})
    r = client.request("DELETE", "/api/pleroma/aliases", json={"alias": "nobody"}, headers=headers)
    assert (r.status_code, r.json()) == (404, {"error": "Target account does not exist."})
    r = client.put("/api/pleroma/aliases", json={}, headers=headers)
    assert (r.status_code, r.json()) == (400, {"error": "Missing field: alias."})
    _, readonly = api.login("carol", scopes="read")
    assert client.get("/api/pleroma/aliases", headers=readonly).status_code == 200
    r = client.put("/api/pleroma/aliases", json={"alias": "bob"}, headers=readonly)
    assert (r.status_code, r.json()) == (403, {"error": "Insufficient permissions: write:accounts."})


@pytest.mark.parametrize("prefix", PREFIXES)
def test_moving_to_an_account_that_lists_this_one(client, api, prefix):
    _, alice = api.login("alice")
    _, bob = api.login("bob")
    body = {"password": "secret", "target_account": "@bob"}
    r = client.post(f"{prefix}/move_account", json=body, headers=alice)
    assert (r.status_code, r.json()) == (
        200,
        {"error": "Target account must have the origin in `alsoKnownAs`"},
    )
    client.put(f"{prefix}/aliases", json={"alias": "alice"}, headers=bob)
    r = client.post(f"{prefix}/move_account", json={**body, "password": "nope"}, headers=alice)
    assert (r.status_code, r.json()) == (200, {"error": "Invalid password."})
    r = client.post(f"{prefix}/move_account", json={**body, "target_account": "nobody"}, headers=alice)
    assert (r.status_code, r.json()) == (404, {"error": "Target account not found."})
    r = client.post(f"{prefix}/move_account", json=body, headers=alice)
    assert (r.status_code, r.json()) == (200, SUCCESS)


def test_a_move_takes_the_followers_along_and_tells_them(client, api):
    alice, alice_headers = api.login("alice")
    bob, bob_headers = api.login("bob")
    _, carol_headers = api.login("carol")
    _, dave_headers = api.login("dave")
    assert client.post(f"/api/v1/accounts/{alice.id}/follow", headers=carol_headers).status_code == 200
    assert client.post(f"/api/v1/accounts/{alice.id}/follow", headers=dave_headers).status_code == 200
    r = client.patch(
        "/api/v1/accounts/update_credentials", data={"allow_following_move": "false"}, headers=dave_headers
    )
    assert r.status_code == 200
    client.put("/api/pleroma/aliases", json={"alias": "alice"}, headers=bob_headers)
    r = client.post(
        "/api/pleroma/move_account",
        json={"password": "secret", "target_account": "bob"},
        headers=alice_headers,
    )
    assert r.json() == SUCCESS

    def following(headers) -> dict[str, bool]:
        rels = client.get(
            f"/api/v1/accounts/relationships?id[]={alice.id}&id[]={bob.id}", headers=headers
        ).json()
        return {rel["id"]: rel["following"] for rel in rels}

    assert following(carol_headers) == {alice.id: False, bob.id: True}
    assert following(dave_headers) == {alice.id: True, bob.id: False}
    [moved] = client.get("/api/v1/notifications", headers=carol_headers).json()
    assert moved["type"] == "move" and moved["account"]["id"] == alice.id and moved["target"]["id"] == bob.id
    assert [n["type"] for n in client.get("/api/v1/notifications", headers=bob_headers).json()] == ["follow"]
