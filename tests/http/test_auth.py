"""Every way a request can say who it is (reference §1.2), and the ways it can fail without a 500."""

from __future__ import annotations

import base64
import dataclasses

import pytest
from itsdangerous import URLSafeSerializer
from starlette.testclient import TestClient

from plerome.domain.accounts import MfaSettings
from plerome.domain.usecases.accounts import AdminChange, administer_account, create_account
from plerome.domain.usecases.oauth import cli_token
from plerome.entrypoints.asgi import create_app

ME = "/api/v1/accounts/verify_credentials"
INVALID = {"error": "Invalid credentials."}


def set_account(api, nickname, **changes):
    stores = api.svc.ctx.stores

    async def change():
        account = await stores.accounts.by_nickname(nickname)
        await stores.accounts.update(dataclasses.replace(account, **changes))

    api.client.portal.call(change)


def session_cookie(token: str, secret: str = "test-secret") -> str:
    return URLSafeSerializer(secret, salt="plerome-session").dumps({"token": token})


# --- Bearer and access_token ----------------------------------------------------------------------


def test_a_bearer_token(client, api):
    _, headers = api.login("alice")
    r = client.get(ME, headers=headers)
    assert r.status_code == 200
    assert r.json()["username"] == "alice"


def test_the_scheme_name_is_case_insensitive(client, api):
    alice = api.user("alice")
    assert client.get(ME, headers={"Authorization": f"bearer {api.token(alice)}"}).status_code == 200


def test_an_unknown_bearer_token_is_invalid_credentials(client):
    r = client.get(ME, headers={"Authorization": "Bearer not-a-token"})
    assert (r.status_code, r.json()) == (403, INVALID)


def test_no_credentials_at_all_is_invalid_credentials(client):
    r = client.get(ME)
    assert (r.status_code, r.json()) == (403, INVALID)


def test_access_token_in_the_query(client, api):
    alice = api.user("alice")
    r = client.get(ME, params={"access_token": api.token(alice)})
    assert r.json()["username"] == "alice"


def test_a_bad_access_token_parameter_is_invalid_credentials(client):
    r = client.get(ME, params={"access_token": "nope"})
    assert (r.status_code, r.json()) == (403, INVALID)


@pytest.fixture
def open_client(make_settings):
    """Registrations open: POST /api/v1/accounts authenticates any token, so it can carry one in a body."""
    with TestClient(create_app(make_settings(registrations_open=True))) as c:
        svc = c.app.state.services
        alice = c.portal.call(lambda: create_account(svc.ctx, "alice", "alice@example.test", "secret"))
        c.alice_token = c.portal.call(lambda: cli_token(svc.ctx, alice, "read write")).access_token
        yield c


def sign_up(nickname):
    return {"username": nickname, "password": "pw", "email": f"{nickname}@example.test", "agreement": "true"}


def test_access_token_in_a_form_body(open_client):
    r = open_client.post("/api/v1/accounts", data={**sign_up("bob"), "access_token": open_client.alice_token})
    assert r.status_code == 200, r.text
    assert r.json()["me"].endswith("/users/bob")


def test_access_token_in_a_json_body(open_client):
    body = {**sign_up("bob"), "agreement": True, "access_token": open_client.alice_token}
    r = open_client.post("/api/v1/accounts", json=body)
    assert r.status_code == 200, r.text


def test_a_body_without_a_token_is_refused(open_client):
    r = open_client.post("/api/v1/accounts", data=sign_up("bob"))
    assert (r.status_code, r.json()) == (403, INVALID)


def test_the_authorization_header_wins_over_the_parameter(client, api):
    alice, bob = api.user("alice"), api.user("bob")
    r = client.get(
        ME, params={"access_token": api.token(bob)}, headers={"Authorization": f"Bearer {api.token(alice)}"}
    )
    assert r.json()["username"] == "alice"
    r = client.get(ME, params={"access_token": api.token(bob)}, headers={"Authorization": "Bearer wrong"})
    assert (r.status_code, r.json()) == (403, INVALID)


def test_the_authorization_header_wins_over_a_body_token(open_client):
    r = open_client.post(
        "/api/v1/accounts",
        data={**sign_up("bob"), "access_token": open_client.alice_token},
        headers={"Authorization": "Bearer wrong"},
    )
    assert (r.status_code, r.json()) == (403, INVALID)


# --- HTTP Basic -----------------------------------------------------------------------------------


def test_basic_with_the_nickname(client, api, basic_auth):
    api.user("alice", "correct horse")
    r = client.get(ME, headers=basic_auth("alice", "correct horse"))
    assert r.json()["username"] == "alice"


def test_basic_with_the_email(client, api, basic_auth):
    api.user("alice", "correct horse", email="Alice@Example.test")
    r = client.get(ME, headers=basic_auth("alice@example.test", "correct horse"))
    assert r.json()["username"] == "alice"


def test_basic_with_a_password_containing_a_colon(client, api, basic_auth):
    api.user("alice", "a:b:c")
    assert client.get(ME, headers=basic_auth("alice", "a:b:c")).status_code == 200


def test_basic_with_a_wrong_password_or_unknown_user(client, api, basic_auth):
    api.user("alice", "correct horse")
    for login, password in (("alice", "wrong"), ("nobody", "correct horse"), ("", "")):
        r = client.get(ME, headers=basic_auth(login, password))
        assert (r.status_code, r.json()) == (403, INVALID)


def test_basic_skips_scope_checks(client, api, basic_auth):
    """verify_credentials needs read:accounts; a Basic login holds no scopes and passes anyway."""
    api.user("alice")
    assert client.get(ME, headers=basic_auth("alice", "secret")).status_code == 200


def test_basic_is_refused_for_an_account_with_two_factor_auth(client, api, basic_auth):
    api.user("alice")
    set_account(api, "alice", mfa=MfaSettings(enabled=True, totp_secret="SECRET", totp_confirmed=True))
    r = client.get(ME, headers=basic_auth("alice", "secret"))
    assert (r.status_code, r.json()) == (
        403,
        {"error": "Two-factor authentication enabled, you must use a access token."},
    )
    # a token still works for that account
    alice = api.client.portal.call(lambda: api.svc.ctx.stores.accounts.by_nickname("alice"))
    assert client.get(ME, headers={"Authorization": f"Bearer {api.token(alice)}"}).status_code == 200


def test_basic_is_refused_for_a_deactivated_or_unconfirmed_account(client, api, basic_auth):
    api.user("alice")
    api.client.portal.call(lambda: administer_account(api.svc.ctx, "alice", AdminChange(is_active=False)))
    api.client.portal.call(
        lambda: create_account(api.svc.ctx, "carol", "carol@example.test", "secret", is_confirmed=False)
    )
    for login in ("alice", "carol"):
        r = client.get(ME, headers=basic_auth(login, "secret"))
        assert (r.status_code, r.json()) == (403, INVALID)


# --- the session cookie ---------------------------------------------------------------------------


def test_the_session_cookie_authenticates(client, api):
    alice = api.user("alice")
    client.cookies.set("_pleroma_key", session_cookie(api.token(alice)))
    assert client.get(ME).json()["username"] == "alice"


def test_a_tampered_cookie_is_anonymous(client, api):
    alice = api.user("alice")
    good = session_cookie(api.token(alice))
    payload, _, signature = good.rpartition(".")
    for bad in (
        good[:-2] + ("AA" if not good.endswith("AA") else "BB"),
        payload + "." + signature[::-1],
        session_cookie(api.token(alice), secret="someone-elses-key"),
        "garbage",
        "",
    ):
        client.cookies.set("_pleroma_key", bad)
        r = client.get(ME)
        assert (r.status_code, r.json()) == (403, INVALID), bad


def test_a_cookie_of_a_revoked_token_is_anonymous(client, api):
    alice = api.user("alice")
    token = api.token(alice)
    client.cookies.set("_pleroma_key", session_cookie(token))
    client.post("/oauth/revoke", data={"token": token})
    r = client.get(ME)
    assert (r.status_code, r.json()) == (403, INVALID)


def test_a_signed_cookie_of_an_unknown_token_is_anonymous(client):
    client.cookies.set("_pleroma_key", session_cookie("never-issued"))
    assert client.get(ME).status_code == 403


def test_a_signed_cookie_with_another_shape_is_anonymous(client):
    client.cookies.set("_pleroma_key", URLSafeSerializer("test-secret", salt="plerome-session").dumps([1, 2]))
    assert client.get(ME).status_code == 403
    client.cookies.set(
        "_pleroma_key", URLSafeSerializer("test-secret", salt="plerome-session").dumps({"token": 5})
    )
    assert client.get(ME).status_code == 403


def test_a_header_wins_over_the_cookie(client, api):
    alice, bob = api.user("alice"), api.user("bob")
    client.cookies.set("_pleroma_key", session_cookie(api.token(bob)))
    r = client.get(ME, headers={"Authorization": f"Bearer {api.token(alice)}"})
    assert r.json()["username"] == "alice"


# --- accounts that may no longer log in, and app tokens -------------------------------------------


def test_a_deactivated_accounts_token_is_invalid_credentials(client, api):
    _, headers = api.login("alice")
    api.client.portal.call(lambda: administer_account(api.svc.ctx, "alice", AdminChange(is_active=False)))
    r = client.get(ME, headers=headers)
    assert (r.status_code, r.json()) == (403, INVALID)


def test_a_deactivated_accounts_session_cookie_is_anonymous(client, api):
    alice = api.user("alice")
    client.cookies.set("_pleroma_key", session_cookie(api.token(alice)))
    set_account(api, "alice", is_active=False)  # tokens kept: the account check alone must refuse
    assert client.get(ME).status_code == 403


def test_a_deactivated_account_is_refused_even_if_its_tokens_survive(client, api):
    _, headers = api.login("alice")
    set_account(api, "alice", is_active=False)
    r = client.get(ME, headers=headers)
    assert (r.status_code, r.json()) == (403, INVALID)


def test_an_app_token_is_not_a_user(client):
    app = client.post(
        "/api/v1/apps", json={"client_name": "a", "redirect_uris": "urn:ietf:wg:oauth:2.0:oob"}
    ).json()
    token = client.post(
        "/oauth/token",
        data={
            "grant_type": "client_credentials",
            "client_id": app["client_id"],
            "client_secret": app["client_secret"],
        },
    ).json()["access_token"]
    r = client.get(ME, headers={"Authorization": f"Bearer {token}"})
    assert (r.status_code, r.json()) == (403, INVALID)


# --- malformed headers never 500 ------------------------------------------------------------------


@pytest.mark.parametrize(
    "header",
    [
        b"Basic !!!notbase64",
        b"Basic " + base64.b64encode(b"no-colon-here"),
        b"Basic " + base64.b64encode(b"\xff\xfe:\xff"),  # not UTF-8
        "Basic é".encode(),  # not ASCII
        b"Basic \xe9",
        b"Bearer \xe9\xff",
        b"Bearer " + b"x" * 5000,
        b"Basic",
        b"Bearer",
        b"Basic ",
    ],
)
def test_malformed_authorization_headers_are_refused_not_crashed(client, header):
    r = client.get(ME, headers={"Authorization": header})
    assert r.status_code == 403
    assert r.json() == INVALID


@pytest.mark.parametrize(
    "header", [b"Digest username=x", b"Token abc", b"Negotiate abc", b"justoneword", b""]
)
def test_unknown_schemes_are_no_credentials(client, header):
    r = client.get(ME, headers={"Authorization": header})
    assert (r.status_code, r.json()) == (403, INVALID)


def test_an_unknown_scheme_falls_back_to_the_other_credentials(client, api):
    alice = api.user("alice")
    r = client.get(ME, params={"access_token": api.token(alice)}, headers={"Authorization": "Digest x"})
    assert r.status_code == 200
