"""OAuth over HTTP: the authorize form and its session, revoke, and every grant of /oauth/token."""

from __future__ import annotations

import dataclasses
import re
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from itsdangerous import URLSafeSerializer
from starlette.applications import Starlette
from starlette.routing import Mount
from starlette.testclient import TestClient

from plerome.adapters.memory import FixedClock
from plerome.domain.accounts import MfaSettings
from plerome.domain.usecases.accounts import AdminChange, administer_account, create_account
from plerome.entrypoints import wiring
from plerome.entrypoints.asgi import create_app

OOB = "urn:ietf:wg:oauth:2.0:oob"
CALLBACK = "https://client.example/callback?from=plerome"


def register_app(client, scopes="read write follow push", redirect_uris=CALLBACK, name="Test App", **extra):
    r = client.post(
        "/api/v1/apps",
        json={"client_name": name, "redirect_uris": redirect_uris, "scopes": scopes, **extra},
    )
    assert r.status_code == 200, r.text
    return r.json()


def password_token(client, app, username="alice", password="secret", **extra):
    return client.post(
        "/oauth/token",
        data={
            "grant_type": "password",
            "client_id": app["client_id"],
            "client_secret": app["client_secret"],
            "username": username,
            "password": password,
            **extra,
        },
    )


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def form_fields(app, redirect_uri=CALLBACK, scope="read", state="st4te", **extra):
    fields = {
        "authorization[client_id]": app["client_id"],
        "authorization[redirect_uri]": redirect_uri,
        "authorization[scope]": scope,
        "authorization[state]": state,
        "authorization[response_type]": "code",
    }
    fields.update(extra)
    return fields


def log_in(client, app, name="alice", password="secret", **kw):
    fields = form_fields(app, **kw)
    fields.update({"authorization[name]": name, "authorization[password]": password})
    return client.post("/oauth/authorize", data=fields, follow_redirects=False)


def code_from(response) -> str:
    assert response.status_code == 302, response.text
    return parse_qs(urlsplit(response.headers["location"]).query)["code"][0]


def exchange(client, app, code, redirect_uri=CALLBACK):
    return client.post(
        "/oauth/token",
        data={
            "grant_type": "authorization_code",
            "client_id": app["client_id"],
            "client_secret": app["client_secret"],
            "code": code,
            "redirect_uri": redirect_uri,
        },
    )


def hidden(html: str, name: str) -> str:
    match = re.search(rf'name="authorization\[{name}\]" value="([^"]*)"', html)
    assert match, f"no hidden {name} in page"
    return match.group(1)


def set_account(api, nickname, **changes):
    stores = api.svc.ctx.stores

    async def change():
        account = await stores.accounts.by_nickname(nickname)
        await stores.accounts.update(dataclasses.replace(account, **changes))

    api.client.portal.call(change)


# --- GET /oauth/authorize -------------------------------------------------------------------------


def test_the_form_names_the_app_and_the_scopes_escaped_and_self_contained(client):
    app = register_app(client, name='<script>alert("x")</script>', website="javascript:alert(1)")
    r = client.get(
        "/oauth/authorize",
        params={
            "client_id": app["client_id"],
            "redirect_uri": CALLBACK,
            "response_type": "code",
            "scope": "read write",
            "state": '"><b>',
        },
    )
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/html")
    page = r.text
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page
    assert "<script" not in page and "javascript:" not in page
    assert "<li>read</li><li>write</li>" in page
    assert 'name="authorization[password]"' in page and 'type="password"' in page
    assert hidden(page, "state") == "&quot;&gt;&lt;b&gt;"
    assert hidden(page, "redirect_uri") == CALLBACK
    assert not re.search(r"(src|href)=\"https?:", page)  # no external assets
    assert "frame-ancestors 'none'" in r.headers["content-security-policy"]
    assert r.headers["x-frame-options"] == "DENY"


def test_without_a_scope_the_form_asks_for_all_of_the_apps(client):
    app = register_app(client, scopes="read follow")
    r = client.get("/oauth/authorize", params={"client_id": app["client_id"], "redirect_uri": CALLBACK})
    assert "<li>read</li><li>follow</li>" in r.text


def test_an_app_with_one_redirect_uri_may_leave_it_out(client):
    app = register_app(client)
    r = client.get("/oauth/authorize", params={"client_id": app["client_id"], "response_type": "code"})
    assert r.status_code == 200
    assert hidden(r.text, "redirect_uri") == CALLBACK


@pytest.mark.parametrize(
    "query",
    [
        {"client_id": "nope", "redirect_uri": CALLBACK},
        {"redirect_uri": CALLBACK},
        {"client_id": "APP", "redirect_uri": "https://evil.example/steal"},
        {"client_id": "APP", "redirect_uri": CALLBACK + "&more=1"},
        {"client_id": "APP", "redirect_uri": CALLBACK, "response_type": "token"},
    ],
)
def test_an_unknown_app_or_unregistered_redirect_is_an_html_400_and_never_a_redirect(client, query):
    app = register_app(client, redirect_uris=f"{CALLBACK} {OOB}")
    if query.get("client_id") == "APP":
        query = {**query, "client_id": app["client_id"]}
    r = client.get("/oauth/authorize", params=query, follow_redirects=False)
    assert r.status_code == 400
    assert r.headers["content-type"].startswith("text/html")
    assert "location" not in r.headers
    assert 'class="error"' in r.text


def test_an_app_with_several_redirect_uris_must_name_one(client):
    app = register_app(client, redirect_uris=f"{CALLBACK} {OOB}")
    r = client.get("/oauth/authorize", params={"client_id": app["client_id"]})
    assert r.status_code == 400


def test_asking_for_more_than_the_app_has_shows_the_form_with_the_reason(client):
    app = register_app(client, scopes="read")
    r = client.get(
        "/oauth/authorize", params={"client_id": app["client_id"], "redirect_uri": CALLBACK, "scope": "admin"}
    )
    assert r.status_code == 401
    assert "This action is outside of authorized scopes" in r.text


def test_malformed_query_and_forms_are_html_400s_not_500s(client):
    app = register_app(client)
    r = client.get("/oauth/authorize", params={"client_id": app["client_id"], "force_login": "maybe"})
    assert r.status_code == 400
    r = client.post(
        "/oauth/authorize",
        content=b"authorization[name]=a&authorization[name]=b&authorization[client_id]="
        + app["client_id"].encode(),
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert r.status_code == 400
    assert r.headers["content-type"].startswith("text/html")
    r = client.post(
        "/oauth/authorize",
        content=b"--x\r\nbroken",
        headers={"content-type": "multipart/form-data; boundary=x"},
    )
    assert r.status_code == 400
    r = client.post("/oauth/authorize", data={"authorization[name]": "a\x00b"})
    assert r.status_code == 400


# --- POST /oauth/authorize ------------------------------------------------------------------------


def test_logging_in_redirects_with_code_and_state_keeping_the_uris_query(client, api):
    api.user("alice")
    app = register_app(client)
    r = log_in(client, app, scope="read write", state="xyz 1")
    assert r.status_code == 302
    target = urlsplit(r.headers["location"])
    assert (target.scheme, target.netloc, target.path) == ("https", "client.example", "/callback")
    query = parse_qs(target.query)
    assert query["from"] == ["plerome"]
    assert query["state"] == ["xyz 1"]
    token = exchange(client, app, query["code"][0])
    assert token.status_code == 200, token.text
    body = token.json()
    assert body["scope"] == "read write"
    assert body["me"].endswith("/users/alice")
    me = client.get("/api/v1/accounts/verify_credentials", headers=bearer(body["access_token"]))
    assert me.json()["username"] == "alice"


def test_the_flat_field_names_and_scopes_list_work_too(client, api):
    api.user("alice")
    app = register_app(client)
    r = client.post(
        "/oauth/authorize",
        data={
            "name": "alice@example.test",
            "password": "secret",
            "client_id": app["client_id"],
            "redirect_uri": CALLBACK,
            "scopes[]": ["read", "follow"],
        },
        follow_redirects=False,
    )
    assert "state" not in parse_qs(urlsplit(r.headers["location"]).query)
    assert exchange(client, app, code_from(r)).json()["scope"] == "read follow"


def test_nested_scopes_list(client, api):
    api.user("alice")
    app = register_app(client)
    fields = form_fields(app)
    del fields["authorization[scope]"]
    fields.update(
        {
            "authorization[name]": "alice",
            "authorization[password]": "secret",
            "authorization[scopes][]": ["write", "push"],
        }
    )
    r = client.post("/oauth/authorize", data=fields, follow_redirects=False)
    assert exchange(client, app, code_from(r)).json()["scope"] == "write push"


def test_an_out_of_band_app_gets_a_page_showing_the_code(client, api):
    api.user("alice")
    app = register_app(client, redirect_uris=OOB)
    r = log_in(client, app, redirect_uri=OOB)
    assert r.status_code == 200
    code = re.search(r"<code>([^<]+)</code>", r.text).group(1)
    assert exchange(client, app, code, redirect_uri=OOB).status_code == 200


def test_a_wrong_password_shows_the_form_again_with_401(client, api):
    api.user("alice")
    app = register_app(client)
    r = log_in(client, app, password="wrong")
    assert r.status_code == 401
    assert "Invalid Username/Password" in r.text
    assert 'value="alice"' in r.text  # the login is kept, the password is not
    assert "wrong" not in r.text
    assert "location" not in r.headers and "set-cookie" not in r.headers
    assert log_in(client, app, name="nobody").status_code == 401


def test_a_missing_password_is_a_failed_login(client, api):
    api.user("alice")
    app = register_app(client)
    fields = form_fields(app, **{"authorization[name]": "alice"})
    assert client.post("/oauth/authorize", data=fields).status_code == 401


def test_disabled_and_unconfirmed_accounts_get_the_form_with_403(client, api):
    api.user("alice")
    api.client.portal.call(lambda: administer_account(api.svc.ctx, "alice", AdminChange(is_active=False)))
    api.client.portal.call(
        lambda: create_account(api.svc.ctx, "carol", "carol@example.test", "secret", is_confirmed=False)
    )
    app = register_app(client)
    r = log_in(client, app)
    assert r.status_code == 403
    assert "Your account is currently disabled" in r.text
    r = log_in(client, app, name="carol")
    assert r.status_code == 403
    assert "Your login is missing a confirmed e-mail address" in r.text


def test_scopes_beyond_the_apps_are_refused_on_the_form(client, api):
    api.user("alice")
    app = register_app(client, scopes="read")
    r = log_in(client, app, scope="read write")
    assert r.status_code == 401
    assert "This action is outside of authorized scopes" in r.text


def test_a_right_password_with_an_unregistered_redirect_is_not_sent_there(client, api):
    api.user("alice")
    app = register_app(client)
    r = log_in(client, app, redirect_uri="https://evil.example/")
    assert r.status_code == 400
    assert "location" not in r.headers and "set-cookie" not in r.headers


def test_an_account_with_two_factor_auth_gets_no_code_from_the_password_alone(client, api):
    api.user("alice")
    set_account(api, "alice", mfa=MfaSettings(enabled=True, totp_secret="X", totp_confirmed=True))
    app = register_app(client)
    r = log_in(client, app)
    assert r.status_code == 200  # the form's second step: the code (tests/http/test_mfa_login.py)
    assert "two-factor" in r.text and 'name="mfa[code]"' in r.text
    assert "location" not in r.headers and "set-cookie" not in r.headers


# --- the session cookie ---------------------------------------------------------------------------


def test_logging_in_sets_a_session_cookie_that_is_a_token_of_the_same_app(client, api):
    alice = api.user("alice")
    app = register_app(client, name="Cookie App")
    r = log_in(client, app, scope="read")
    cookie = r.headers["set-cookie"]
    assert cookie.startswith("_pleroma_key=")
    attrs = {a.strip().lower() for a in cookie.split(";")[1:]}
    assert {"httponly", "path=/", "samesite=lax"} <= attrs
    assert "secure" not in attrs  # base_url is http
    listed = api.client.portal.call(lambda: api.svc.ctx.stores.tokens.for_account(alice.id))
    assert [t.app_name for t in listed] == ["Cookie App"]
    assert listed[0].token.scopes == ("read",)
    # the browser's cookie now authenticates API calls
    assert client.get("/api/v1/accounts/verify_credentials").json()["username"] == "alice"


def test_the_cookie_is_secure_when_the_instance_is_https(make_settings):
    with TestClient(create_app(make_settings(base_url="https://social.example"))) as client:
        svc = client.app.state.services
        client.portal.call(lambda: create_account(svc.ctx, "alice", "a@example.test", "secret"))
        app = register_app(client)
        r = log_in(client, app)
        assert "secure" in {a.strip().lower() for a in r.headers["set-cookie"].split(";")}


def test_a_session_is_asked_only_to_confirm_and_needs_no_password(client, api):
    api.user("alice")
    first = register_app(client, name="First")
    code_from(log_in(client, first))
    second = register_app(client, name="Second")
    page = client.get(
        "/oauth/authorize",
        params={"client_id": second["client_id"], "redirect_uri": CALLBACK, "scope": "read", "state": "s"},
    )
    assert page.status_code == 200
    assert "Authorize Second as <strong>alice</strong>?" in page.text
    assert 'type="password"' not in page.text
    fields = form_fields(
        second, scope="read", state="s", **{"authorization[csrf]": hidden(page.text, "csrf")}
    )
    r = client.post("/oauth/authorize", data=fields, follow_redirects=False)
    assert parse_qs(urlsplit(r.headers["location"]).query)["state"] == ["s"]
    token = exchange(client, second, code_from(r)).json()
    assert token["me"].endswith("/users/alice")
    assert token["scope"] == "read"
    assert "set-cookie" not in r.headers  # the session stays the one it was


def test_a_confirmation_without_the_pages_csrf_value_needs_the_password(client, api):
    api.user("alice")
    app = register_app(client)
    code_from(log_in(client, app))
    r = client.post("/oauth/authorize", data=form_fields(app), follow_redirects=False)
    assert r.status_code == 401
    r = client.post(
        "/oauth/authorize", data=form_fields(app, **{"authorization[csrf]": "0" * 64}), follow_redirects=False
    )
    assert r.status_code == 401


def test_a_non_ascii_csrf_value_is_a_failed_login_not_a_crash(client, api):
    api.user("alice")
    app = register_app(client)
    code_from(log_in(client, app))
    r = client.post("/oauth/authorize", data=form_fields(app, **{"authorization[csrf]": "é☃"}))
    assert r.status_code == 401


def test_force_login_shows_the_password_form_despite_a_session(client, api):
    api.user("alice")
    app = register_app(client)
    code_from(log_in(client, app))
    page = client.get(
        "/oauth/authorize", params={"client_id": app["client_id"], "redirect_uri": CALLBACK}
    ).text
    switch = re.search(r'<a href="([^"]+)">Sign in as someone else', page).group(1).replace("&amp;", "&")
    assert "force_login=true" in switch
    page = client.get(switch).text
    assert 'type="password"' in page
    assert "Sign in as someone else" not in page


def test_a_bearer_token_is_not_a_browser_session_on_the_form(client, api):
    _, headers = api.login("alice")
    app = register_app(client)
    page = client.get(
        "/oauth/authorize", params={"client_id": app["client_id"], "redirect_uri": CALLBACK}, headers=headers
    )
    assert 'type="password"' in page.text


def test_a_stale_session_shows_the_password_form(client, api):
    api.user("alice")
    app = register_app(client)
    code_from(log_in(client, app))
    api.client.portal.call(lambda: administer_account(api.svc.ctx, "alice", AdminChange(password="new")))
    page = client.get("/oauth/authorize", params={"client_id": app["client_id"], "redirect_uri": CALLBACK})
    assert page.status_code == 200
    assert 'type="password"' in page.text


def test_the_form_posts_to_its_own_path_when_mounted(make_settings):
    host = Starlette(routes=[Mount("/social", app=create_app(make_settings()))])
    with TestClient(host) as client:
        app = client.post(
            "/social/api/v1/apps", json={"client_name": "A", "redirect_uris": OOB, "scopes": "read"}
        ).json()
        page = client.get("/social/oauth/authorize", params={"client_id": app["client_id"]})
        assert 'action="/social/oauth/authorize"' in page.text


# --- POST /oauth/revoke ---------------------------------------------------------------------------


def test_a_revoked_token_stops_working_at_once(client, api):
    api.user("alice")
    app = register_app(client)
    token = password_token(client, app).json()["access_token"]
    assert client.get("/api/v1/accounts/verify_credentials", headers=bearer(token)).status_code == 200
    r = client.post("/oauth/revoke", data={"token": token})
    assert (r.status_code, r.json()) == (200, {})
    r = client.get("/api/v1/accounts/verify_credentials", headers=bearer(token))
    assert (r.status_code, r.json()) == (403, {"error": "Invalid credentials."})


def test_revoking_an_unknown_token_is_still_200(client):
    r = client.post("/oauth/revoke", json={"token": "never-issued"})
    assert (r.status_code, r.json()) == (200, {})


def test_revoke_without_a_token_is_400_bad_request(client):
    r = client.post("/oauth/revoke", data={})
    assert (r.status_code, r.json()) == (400, {"error": "Bad request"})


def test_revoke_with_client_credentials_only_touches_that_apps_tokens(client, api, basic_auth):
    api.user("alice")
    app = register_app(client)
    other = register_app(client, name="Other")
    token = password_token(client, app).json()["access_token"]
    alive = {"Authorization": f"Bearer {token}"}
    r = client.post(
        "/oauth/revoke", data={"token": token}, headers=basic_auth(other["client_id"], other["client_secret"])
    )
    assert (r.status_code, r.json()) == (200, {})
    assert client.get("/api/v1/accounts/verify_credentials", headers=alive).status_code == 200
    r = client.post(
        "/oauth/revoke", data={"token": token, "client_id": app["client_id"], "client_secret": "wrong"}
    )
    assert (r.status_code, r.json()) == (200, {})
    assert client.get("/api/v1/accounts/verify_credentials", headers=alive).status_code == 200
    r = client.post(
        "/oauth/revoke", data={"token": token}, headers=basic_auth(app["client_id"], app["client_secret"])
    )
    assert (r.status_code, r.json()) == (200, {})
    assert client.get("/api/v1/accounts/verify_credentials", headers=alive).status_code == 403


def test_revoking_by_refresh_token_ends_the_pair(client, api):
    api.user("alice")
    app = register_app(client)
    pair = password_token(client, app).json()
    client.post("/oauth/revoke", data={"token": pair["refresh_token"]})
    assert (
        client.get("/api/v1/accounts/verify_credentials", headers=bearer(pair["access_token"])).status_code
        == 403
    )


def test_revoking_the_session_token_clears_the_cookie(client, api):
    alice = api.user("alice")
    app = register_app(client)
    code_from(log_in(client, app))
    assert len(api.client.portal.call(lambda: api.svc.ctx.stores.tokens.for_account(alice.id))) == 1
    # The cookie holds the session's access token, signed; a browser app revokes it on logout.
    cookie = client.cookies.get("_pleroma_key")
    session_token = URLSafeSerializer("test-secret", salt="plerome-session").loads(cookie)["token"]
    r = client.post("/oauth/revoke", data={"token": session_token})
    assert r.status_code == 200
    assert "_pleroma_key=" in r.headers["set-cookie"] and "max-age=0" in r.headers["set-cookie"].lower()
    assert client.get("/api/v1/accounts/verify_credentials").status_code == 403


# --- /oauth/token grants --------------------------------------------------------------------------


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock()


@pytest.fixture
def timed(make_settings, clock):
    """A client whose app runs on a clock the test moves."""
    with TestClient(create_app(services=wiring.build(make_settings(), clock=clock))) as c:
        svc = c.app.state.services
        c.portal.call(lambda: create_account(svc.ctx, "alice", "alice@example.test", "secret"))
        yield c


def test_a_code_works_once(timed):
    app = register_app(timed)
    code = code_from(log_in(timed, app))
    assert exchange(timed, app, code).status_code == 200
    again = exchange(timed, app, code)
    assert (again.status_code, again.json()) == (400, {"error": "Invalid credentials"})


def test_a_code_with_another_redirect_uri_is_refused(timed):
    app = register_app(timed, redirect_uris=f"{CALLBACK} {OOB}")
    code = code_from(log_in(timed, app))
    r = exchange(timed, app, code, redirect_uri=OOB)
    assert (r.status_code, r.json()) == (400, {"error": "Invalid credentials"})


def test_a_code_is_refused_once_expired(timed, clock):
    app = register_app(timed)
    code = code_from(log_in(timed, app))
    clock.advance(timedelta(minutes=10, seconds=1))
    r = exchange(timed, app, code)
    assert (r.status_code, r.json()) == (400, {"error": "Invalid credentials"})


def test_a_code_still_works_just_before_it_expires(timed, clock):
    app = register_app(timed)
    code = code_from(log_in(timed, app))
    clock.advance(timedelta(minutes=9, seconds=59))
    assert exchange(timed, app, code).status_code == 200


def test_a_code_belongs_to_its_app(timed):
    app = register_app(timed)
    thief = register_app(timed, name="Thief")
    code = code_from(log_in(timed, app))
    assert exchange(timed, thief, code).status_code == 400


def test_the_code_grant_needs_a_code(client):
    app = register_app(client)
    r = client.post(
        "/oauth/token",
        data={
            "grant_type": "authorization_code",
            "client_id": app["client_id"],
            "client_secret": app["client_secret"],
        },
    )
    assert (r.status_code, r.json()) == (400, {"error": "Missing field: code."})


def test_the_token_answer_has_pleromas_shape(timed, clock):
    app = register_app(timed)
    body = password_token(timed, app).json()
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
    assert body["created_at"] == int(clock.now().timestamp())
    assert body["expires_in"] > 99 * 365 * 24 * 3600


def test_a_refresh_token_gives_a_new_pair_and_retires_the_old(client, api):
    api.user("alice")
    app = register_app(client, scopes="read write")
    old = password_token(client, app, scope="read").json()
    r = client.post(
        "/oauth/token",
        data={
            "grant_type": "refresh_token",
            "refresh_token": old["refresh_token"],
            "client_id": app["client_id"],
            "client_secret": app["client_secret"],
        },
    )
    assert r.status_code == 200, r.text
    new = r.json()
    assert new["scope"] == "read"
    assert new["me"].endswith("/users/alice")
    assert {new["access_token"], new["refresh_token"]}.isdisjoint({old["access_token"], old["refresh_token"]})
    assert (
        client.get("/api/v1/accounts/verify_credentials", headers=bearer(new["access_token"])).status_code
        == 200
    )
    assert (
        client.get("/api/v1/accounts/verify_credentials", headers=bearer(old["access_token"])).status_code
        == 403
    )
    again = client.post(
        "/oauth/token",
        data={
            "grant_type": "refresh_token",
            "refresh_token": old["refresh_token"],
            "client_id": app["client_id"],
            "client_secret": app["client_secret"],
        },
    )
    assert (again.status_code, again.json()) == (400, {"error": "Invalid credentials"})


def test_a_refresh_token_only_works_for_its_app(client, api, basic_auth):
    api.user("alice")
    app = register_app(client)
    other = register_app(client, name="Other")
    old = password_token(client, app).json()
    r = client.post(
        "/oauth/token",
        data={"grant_type": "refresh_token", "refresh_token": old["refresh_token"]},
        headers=basic_auth(other["client_id"], other["client_secret"]),
    )
    assert (r.status_code, r.json()) == (400, {"error": "Invalid credentials"})


def test_the_refresh_grant_needs_a_refresh_token(client):
    app = register_app(client)
    r = client.post(
        "/oauth/token",
        json={
            "grant_type": "refresh_token",
            "client_id": app["client_id"],
            "client_secret": app["client_secret"],
        },
    )
    assert (r.status_code, r.json()) == (400, {"error": "Missing field: refresh_token."})


def test_clients_authenticate_with_http_basic(client, api, basic_auth):
    api.user("alice")
    app = register_app(client)
    r = client.post(
        "/oauth/token",
        data={"grant_type": "password", "username": "alice", "password": "secret"},
        headers=basic_auth(app["client_id"], app["client_secret"]),
    )
    assert r.status_code == 200, r.text
    r = client.post(
        "/oauth/token",
        data={"grant_type": "password", "username": "alice", "password": "secret"},
        headers=basic_auth(app["client_id"], "wrong"),
    )
    assert (r.status_code, r.json()) == (400, {"error": "Invalid credentials"})


def test_basic_client_credentials_win_over_the_body(client, api, basic_auth):
    api.user("alice")
    app = register_app(client)
    r = client.post(
        "/oauth/token",
        data={
            "grant_type": "password",
            "username": "alice",
            "password": "secret",
            "client_id": app["client_id"],
            "client_secret": app["client_secret"],
        },
        headers=basic_auth(app["client_id"], "wrong"),
    )
    assert r.status_code == 400


def test_clients_authenticate_with_body_params_as_form_or_json(client, api):
    api.user("alice")
    app = register_app(client)
    assert password_token(client, app).status_code == 200
    r = client.post(
        "/oauth/token",
        json={
            "grant_type": "password",
            "client_id": app["client_id"],
            "client_secret": app["client_secret"],
            "name": "alice",
            "password": "secret",
        },
    )
    assert r.status_code == 200
    r = password_token(client, {**app, "client_secret": "wrong"})
    assert (r.status_code, r.json()) == (400, {"error": "Invalid credentials"})
    r = password_token(client, {**app, "client_id": "unknown"})
    assert (r.status_code, r.json()) == (400, {"error": "Invalid credentials"})


def test_a_malformed_basic_header_on_the_token_endpoint_is_no_client(client):
    for value in ("Basic !!!", "Basic " + "é", "Basic"):
        r = client.post(
            "/oauth/token",
            data={"grant_type": "client_credentials"},
            headers={"Authorization": value.encode("utf-8")},
        )
        assert (r.status_code, r.json()) == (400, {"error": "Invalid credentials"})


def test_a_token_can_be_narrowed_but_not_widened(client, api):
    api.user("alice")
    app = register_app(client, scopes="read write")
    narrow = password_token(client, app, scope="read:accounts").json()
    assert narrow["scope"] == "read:accounts"
    assert (
        client.get("/api/v1/accounts/verify_credentials", headers=bearer(narrow["access_token"])).status_code
        == 200
    )
    r = password_token(client, app, scope="read follow admin")
    assert (r.status_code, r.json()) == (403, {"error": "Insufficient permissions: follow | admin."})
    r = password_token(client, app, scope="write")
    token = r.json()["access_token"]
    r = client.get("/api/v1/accounts/verify_credentials", headers=bearer(token))
    assert (r.status_code, r.json()) == (403, {"error": "Insufficient permissions: read:accounts."})


def test_an_app_token_has_no_me_and_is_refused_by_user_endpoints(client):
    app = register_app(client)
    r = client.post(
        "/oauth/token",
        data={
            "grant_type": "client_credentials",
            "client_id": app["client_id"],
            "client_secret": app["client_secret"],
        },
    )
    assert r.status_code == 200
    body = r.json()
    assert "me" not in body
    r = client.get("/api/v1/accounts/verify_credentials", headers=bearer(body["access_token"]))
    assert (r.status_code, r.json()) == (403, {"error": "Invalid credentials."})
    r = client.get("/api/v1/apps/verify_credentials", headers=bearer(body["access_token"]))
    assert r.status_code == 200 and r.json()["name"] == "Test App"


def test_password_grant_refusals_carry_pleromas_identifiers(client, api):
    api.user("alice")
    api.client.portal.call(
        lambda: create_account(api.svc.ctx, "carol", "carol@example.test", "secret", is_confirmed=False)
    )
    api.client.portal.call(lambda: administer_account(api.svc.ctx, "alice", AdminChange(is_active=False)))
    app = register_app(client)
    r = password_token(client, app)
    assert (r.status_code, r.json()) == (
        403,
        {"error": "Your account is currently disabled", "identifier": "account_is_disabled"},
    )
    r = password_token(client, app, username="carol")
    assert (r.status_code, r.json()) == (
        403,
        {
            "error": "Your login is missing a confirmed e-mail address",
            "identifier": "missing_confirmed_email",
        },
    )
