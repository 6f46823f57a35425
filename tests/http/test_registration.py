"""Signing up through POST /api/v1/accounts, as Mastodon.py (form, "1") and megalodon (JSON) do."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from plerome.entrypoints.asgi import create_app

ME = "/api/v1/accounts/verify_credentials"


def app_token(client, scopes="read write follow push") -> tuple[dict, str]:
    app = client.post(
        "/api/v1/apps",
        json={"client_name": "Signup App", "redirect_uris": "urn:ietf:wg:oauth:2.0:oob", "scopes": scopes},
    ).json()
    token = client.post(
        "/oauth/token",
        data={
            "grant_type": "client_credentials",
            "client_id": app["client_id"],
            "client_secret": app["client_secret"],
        },
    ).json()["access_token"]
    return app, token


def bearer(token):
    return {"Authorization": f"Bearer {token}"}


def signup(nickname="alice", **extra):
    return {
        "username": nickname,
        "email": f"{nickname}@example.test",
        "password": "correct horse",
        "agreement": True,
        **extra,
    }


@pytest.fixture
def open_client(make_settings):
    with TestClient(create_app(make_settings(registrations_open=True))) as c:
        yield c


@pytest.fixture
def confirming_client(make_settings):
    settings = make_settings(registrations_open=True, account_activation_required=True)
    with TestClient(create_app(settings)) as c:
        yield c


def test_signing_up_answers_a_token_for_the_new_account(open_client):
    app, token = app_token(open_client, scopes="read write")
    r = open_client.post("/api/v1/accounts", json=signup(), headers=bearer(token))
    assert r.status_code == 200, r.text
    body = r.json()
    assert set(body) == {
        "id",
        "token_type",
        "access_token",
        "refresh_token",
        "expires_in",
        "scope",
        "created_at",
        "me",
    }
    assert body["token_type"] == "Bearer"
    assert body["scope"] == "read write"
    assert body["me"] == "http://127.0.0.1:4000/users/alice"
    me = open_client.get(ME, headers=bearer(body["access_token"])).json()
    assert me["username"] == "alice"
    assert me["pleroma"]["email"] == "alice@example.test"
    assert me["pleroma"]["is_confirmed"] is True
    # the new token belongs to the app that signed the user up, and refreshes like any other
    r = open_client.post(
        "/oauth/token",
        data={
            "grant_type": "refresh_token",
            "refresh_token": body["refresh_token"],
            "client_id": app["client_id"],
            "client_secret": app["client_secret"],
        },
    )
    assert r.status_code == 200


def test_the_new_account_can_log_in_with_its_password(open_client):
    app, token = app_token(open_client)
    open_client.post("/api/v1/accounts", json=signup(), headers=bearer(token))
    r = open_client.post(
        "/oauth/token",
        data={
            "grant_type": "password",
            "client_id": app["client_id"],
            "client_secret": app["client_secret"],
            "username": "alice",
            "password": "correct horse",
        },
    )
    assert r.status_code == 200


def test_mastodon_py_form_with_agreement_1(open_client):
    _, token = app_token(open_client)
    form = {**signup(), "agreement": "1", "locale": "en"}
    r = open_client.post("/api/v1/accounts", data=form, headers=bearer(token))
    assert r.status_code == 200, r.text


@pytest.mark.parametrize("value", ["true", "TRUE", "on", "yes", "1"])
def test_pleromas_boolean_forms_for_agreement(open_client, value):
    _, token = app_token(open_client)
    r = open_client.post("/api/v1/accounts", data=signup(agreement=value), headers=bearer(token))
    assert r.status_code == 200, r.text


@pytest.mark.parametrize("value", ["false", "0", "off", "no", False])
def test_an_agreement_not_given_is_refused(open_client, value):
    _, token = app_token(open_client)
    r = open_client.post("/api/v1/accounts", json=signup(agreement=value), headers=bearer(token))
    assert r.status_code == 400
    assert "agreement" in r.json()["error"]


def test_a_missing_agreement_is_a_missing_field(open_client):
    _, token = app_token(open_client)
    body = signup()
    del body["agreement"]
    r = open_client.post("/api/v1/accounts", json=body, headers=bearer(token))
    assert (r.status_code, r.json()) == (400, {"error": "Missing field: agreement."})


@pytest.mark.parametrize("missing", ["username", "password"])
def test_missing_username_or_password(open_client, missing):
    _, token = app_token(open_client)
    body = signup()
    del body[missing]
    r = open_client.post("/api/v1/accounts", json=body, headers=bearer(token))
    assert (r.status_code, r.json()) == (400, {"error": f"Missing field: {missing}."})


def test_a_user_token_may_sign_someone_up_too(open_client):
    _, token = app_token(open_client)
    alice = open_client.post("/api/v1/accounts", json=signup(), headers=bearer(token)).json()
    r = open_client.post("/api/v1/accounts", json=signup("bob"), headers=bearer(alice["access_token"]))
    assert r.status_code == 200
    assert r.json()["me"].endswith("/users/bob")


def test_without_a_token_sign_up_is_refused(open_client, basic_auth):
    r = open_client.post("/api/v1/accounts", json=signup())
    assert (r.status_code, r.json()) == (403, {"error": "Invalid credentials."})
    r = open_client.post("/api/v1/accounts", json=signup(), headers=bearer("made-up"))
    assert (r.status_code, r.json()) == (403, {"error": "Invalid credentials."})


def test_http_basic_is_not_an_app(open_client, basic_auth):
    _, token = app_token(open_client)
    open_client.post("/api/v1/accounts", json=signup(), headers=bearer(token))
    r = open_client.post("/api/v1/accounts", json=signup("bob"), headers=basic_auth("alice", "correct horse"))
    assert (r.status_code, r.json()) == (403, {"error": "Invalid credentials."})


def test_closed_registrations_are_403(client):
    _, token = app_token(client)
    r = client.post("/api/v1/accounts", json=signup(), headers=bearer(token))
    assert (r.status_code, r.json()) == (403, {"error": "Registrations are closed on this instance."})


def test_with_activation_required_the_account_waits_for_its_email(confirming_client):
    app, token = app_token(confirming_client)
    r = confirming_client.post("/api/v1/accounts", json=signup(), headers=bearer(token))
    assert (r.status_code, r.json()) == (
        200,
        {
            "identifier": "missing_confirmed_email",
            "message": "You have been registered. Please check your email for further instructions.",
        },
    )
    r = confirming_client.post(
        "/oauth/token",
        data={
            "grant_type": "password",
            "client_id": app["client_id"],
            "client_secret": app["client_secret"],
            "username": "alice",
            "password": "correct horse",
        },
    )
    assert (r.status_code, r.json()) == (
        403,
        {
            "error": "Your login is missing a confirmed e-mail address",
            "identifier": "missing_confirmed_email",
        },
    )
    svc = confirming_client.app.state.services
    alice = confirming_client.portal.call(lambda: svc.ctx.stores.accounts.by_nickname("alice"))
    assert alice.is_confirmed is False
    assert confirming_client.portal.call(lambda: svc.ctx.stores.tokens.for_account(alice.id)) == []


def test_with_activation_required_an_email_is_required(confirming_client):
    _, token = app_token(confirming_client)
    body = signup()
    del body["email"]
    r = confirming_client.post("/api/v1/accounts", json=body, headers=bearer(token))
    assert (r.status_code, r.json()) == (400, {"error": "Missing field: email."})
    r = confirming_client.post("/api/v1/accounts", json=signup(email="  "), headers=bearer(token))
    assert (r.status_code, r.json()) == (400, {"error": "Missing field: email."})


def test_without_activation_the_email_is_optional(open_client):
    _, token = app_token(open_client)
    body = signup()
    del body["email"]
    assert open_client.post("/api/v1/accounts", json=body, headers=bearer(token)).status_code == 200


@pytest.mark.parametrize("nickname", ["alice", "ALICE", "Alice"])
def test_a_taken_nickname_is_400_whatever_its_case(open_client, nickname):
    _, token = app_token(open_client)
    assert open_client.post("/api/v1/accounts", json=signup(), headers=bearer(token)).status_code == 200
    r = open_client.post(
        "/api/v1/accounts", json=signup(nickname, email="other@example.test"), headers=bearer(token)
    )
    assert (r.status_code, r.json()) == (400, {"error": "Nickname has already been taken."})


def test_a_taken_email_is_400_whatever_its_case(open_client):
    _, token = app_token(open_client)
    open_client.post("/api/v1/accounts", json=signup(), headers=bearer(token))
    r = open_client.post(
        "/api/v1/accounts", json=signup("bob", email="ALICE@Example.Test"), headers=bearer(token)
    )
    assert (r.status_code, r.json()) == (400, {"error": "Email has already been taken."})


@pytest.mark.parametrize(
    "nickname", ["al ice", "alice!", "al.ice", "ålice", "<b>", "alice@host", "a" * 65, ""]
)
def test_an_invalid_nickname_is_400(open_client, nickname):
    _, token = app_token(open_client)
    r = open_client.post(
        "/api/v1/accounts", json=signup(nickname, email="x@example.test"), headers=bearer(token)
    )
    assert r.status_code == 400
    assert r.json()["error"].startswith("Nickname")


@pytest.mark.parametrize("email", ["not-an-email", "a@b", "two@@example.test"])
def test_an_invalid_email_is_400(open_client, email):
    _, token = app_token(open_client)
    r = open_client.post("/api/v1/accounts", json=signup(email=email), headers=bearer(token))
    assert (r.status_code, r.json()) == (400, {"error": "Email has invalid format."})


def test_an_empty_password_is_400(open_client):
    _, token = app_token(open_client)
    r = open_client.post("/api/v1/accounts", json=signup(password=""), headers=bearer(token))
    assert (r.status_code, r.json()) == (400, {"error": "Password can't be blank."})


def test_wrong_types_are_400_not_500(open_client):
    _, token = app_token(open_client)
    for body in (
        signup(username={"a": 1}),
        signup(password=5),
        signup(email={"x": 1}),
        signup(agreement="maybe"),
    ):
        r = open_client.post("/api/v1/accounts", json=body, headers=bearer(token))
        assert r.status_code == 400, body
        assert "error" in r.json()
    r = open_client.post(
        "/api/v1/accounts",
        content=b"{not json",
        headers={**bearer(token), "content-type": "application/json"},
    )
    assert r.status_code == 400


def test_locale_fullname_and_bio_are_kept(open_client):
    _, token = app_token(open_client)
    body = signup(locale="pt_BR", fullname="Alice A.", bio="hello\nworld", reason="I like it")
    token_body = open_client.post("/api/v1/accounts", json=body, headers=bearer(token)).json()
    me = open_client.get(ME, headers=bearer(token_body["access_token"])).json()
    assert me["display_name"] == "Alice A."
    assert me["source"]["note"] == "hello\nworld"
    assert me["source"]["language"] == "pt-BR"


def test_a_malformed_locale_is_ignored_like_pleroma_does(open_client):
    _, token = app_token(open_client)
    token_body = open_client.post(
        "/api/v1/accounts", json=signup(locale="<script>"), headers=bearer(token)
    ).json()
    assert (
        open_client.get(ME, headers=bearer(token_body["access_token"])).json()["source"]["language"] is None
    )


def test_overlong_profile_values_refuse_the_sign_up_before_creating_anything(open_client):
    _, token = app_token(open_client)
    for extra in ({"fullname": "x" * 101}, {"bio": "x" * 5001}, {"reason": "x" * 501}):
        r = open_client.post("/api/v1/accounts", json=signup(**extra), headers=bearer(token))
        assert r.status_code == 400, extra
    assert open_client.post("/api/v1/accounts", json=signup(), headers=bearer(token)).status_code == 200
