"""Failed logins are rate limited per account (per client address for unknown accounts), in the store:
several app instances (server processes) on one database share the count."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from plerome.domain.usecases.accounts import create_account
from plerome.entrypoints.asgi import create_app

EVERY_STORE = pytest.mark.parametrize("database_url", ["memory", "sqlite", "postgres"], indirect=True)


def register_app(client) -> dict:
    return client.post(
        "/api/v1/apps", json={"client_name": "Throttled", "redirect_uris": "urn:ietf:wg:oauth:2.0:oob"}
    ).json()


def login(client, app, username="alice", password="secret", headers=None):
    return client.post(
        "/oauth/token",
        headers=headers,
        data={
            "grant_type": "password",
            "username": username,
            "password": password,
            "client_id": app["client_id"],
            "client_secret": app["client_secret"],
        },
    )


@pytest.fixture
def settings(make_settings):
    return make_settings(login_failures=5)


@EVERY_STORE
def test_past_the_limit_a_login_is_throttled_with_retry_after(client, api):
    api.user("alice")
    app = register_app(client)
    for _ in range(5):
        assert login(client, app, password="wrong").status_code == 400
    r = login(client, app)
    assert (r.status_code, r.json()) == (429, {"error": "Throttled"})
    assert 0 < int(r.headers["retry-after"]) <= 900


@EVERY_STORE
def test_a_success_resets_the_count(client, api):
    api.user("alice")
    app = register_app(client)
    for _ in range(3):
        for _ in range(4):
            assert login(client, app, password="wrong").status_code == 400
        assert login(client, app).status_code == 200


@EVERY_STORE
def test_failed_basic_logins_count_too(client, api, basic_auth):
    api.user("alice")
    for _ in range(5):
        r = client.get("/api/v1/accounts/verify_credentials", headers=basic_auth("alice", "wrong"))
        assert r.status_code == 403
    r = client.get("/api/v1/accounts/verify_credentials", headers=basic_auth("alice", "secret"))
    assert (r.status_code, r.json()) == (429, {"error": "Throttled"})


def from_address_header(app):
    """The app, seeing each request come from the address in its X-Test-Client header."""

    async def wrapped(scope, receive, send):
        if scope["type"] == "http":
            for name, value in scope["headers"]:
                if name == b"x-test-client":
                    scope = {**scope, "client": (value.decode(), 4567)}
        await app(scope, receive, send)

    return wrapped


@EVERY_STORE
def test_unknown_accounts_are_counted_per_client_address(settings):
    app = create_app(settings)
    with TestClient(from_address_header(app)) as client:
        svc = app.state.services
        client.portal.call(lambda: create_account(svc.ctx, "alice", "alice@example.test", "secret"))
        oauth_app = register_app(client)
        here, there = {"X-Test-Client": "10.0.0.1"}, {"X-Test-Client": "10.0.0.2"}
        for name in ("ghost1", "ghost2", "ghost3", "ghost4", "ghost5"):
            assert login(client, oauth_app, username=name, headers=here).status_code == 400
        assert login(client, oauth_app, username="ghost6", headers=here).status_code == 429
        assert login(client, oauth_app, headers=here).status_code == 200  # a known account counts apart
        assert login(client, oauth_app, username="ghost6", headers=there).status_code == 400


@EVERY_STORE
def test_the_count_is_shared_by_every_app_on_the_same_database(settings, client, api):
    if settings.database_url.startswith("memory"):
        pytest.skip("memory stores are one process' own")
    api.user("alice")
    app = register_app(client)
    with TestClient(create_app(settings)) as second_process:
        for c in (client, second_process) * 2 + (client,):
            assert login(c, app, password="wrong").status_code == 400
        assert login(second_process, app).status_code == 429
        assert login(client, app).status_code == 429


@pytest.mark.parametrize("database_url", ["memory", "sqlite"], indirect=True)
def test_five_hundred_successful_logins_from_one_address_are_never_throttled(client, api):
    api.user("alice")
    app = register_app(client)
    for _ in range(500):
        assert login(client, app).status_code == 200
