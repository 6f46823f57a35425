"""Logging in with MFA on: the password grant, POST /oauth/mfa/challenge, and the authorize form's
second step. The app runs on a fixed clock, so codes are those of known steps."""

from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pyotp
import pytest

from plerome.adapters.memory import FixedClock
from plerome.domain.usecases.accounts import create_account
from plerome.entrypoints import wiring
from plerome.entrypoints.asgi import create_app

pytestmark = pytest.mark.parametrize("database_url", ["memory", "sqlite", "postgres"], indirect=True)

CALLBACK = "https://client.example/callback"


@pytest.fixture
def clock():
    return FixedClock()


@pytest.fixture
def client(make_settings, clock, checked_client):
    svc = wiring.build(make_settings(login_failures=4), clock=clock)
    return checked_client(create_app(services=svc))


class Alice:
    """An account with TOTP on, and an app to log in to."""

    def __init__(self, client, clock):
        self.client, self.clock = client, clock
        svc = client.app.state.services
        client.portal.call(lambda: create_account(svc.ctx, "alice", "alice@example.test", "secret"))
        self.app = client.post(
            "/api/v1/apps",
            json={"client_name": "MFA App", "redirect_uris": CALLBACK, "scopes": "read write"},
        ).json()
        token = self.password_grant(scope="read write").json()["access_token"]
        self.headers = {"Authorization": f"Bearer {token}"}
        setup = client.get("/api/pleroma/accounts/mfa/setup/totp", headers=self.headers).json()
        self.secret = setup["key"]
        r = client.post(
            "/api/pleroma/accounts/mfa/confirm/totp",
            json={"password": "secret", "code": self.code()},
            headers=self.headers,
        )
        assert r.status_code == 200, r.text

    def code(self, offset: int = 0) -> str:
        return pyotp.TOTP(self.secret).at(self.clock.now() + timedelta(seconds=offset))

    def wrong_code(self) -> str:
        valid = {self.code(offset) for offset in (-30, 0, 30)}
        return next(c for c in ("000000", "111111", "222222") if c not in valid)

    def creds(self) -> dict[str, str]:
        return {"client_id": self.app["client_id"], "client_secret": self.app["client_secret"]}

    def password_grant(self, **extra):
        return self.client.post(
            "/oauth/token",
            data={
                "grant_type": "password",
                "username": "alice",
                "password": "secret",
                **self.creds(),
                **extra,
            },
        )

    def mfa_token(self) -> str:
        r = self.password_grant()
        assert r.status_code == 403, r.text
        return r.json()["mfa_token"]

    def challenge(self, mfa_token: str, code: str, challenge_type: str = "totp", **extra):
        body = {
            "mfa_token": mfa_token,
            "challenge_type": challenge_type,
            "code": code,
            **self.creds(),
            **extra,
        }
        return self.client.post("/oauth/mfa/challenge", json=body)


@pytest.fixture
def alice(client, clock):
    return Alice(client, clock)


def test_password_grant_then_challenge_then_token(client, alice):
    r = alice.password_grant(scope="read")
    assert r.status_code == 403
    body = r.json()
    assert body["error"] == "mfa_required" and body["supported_challenge_types"] == "totp"
    assert len(body["mfa_token"]) >= 32
    alice.clock.advance(timedelta(seconds=30))  # a step after the one that confirmed the setup
    r = alice.challenge(body["mfa_token"], alice.code())
    assert r.status_code == 200, r.text
    token = r.json()
    assert token["scope"] == "read" and token["me"].endswith("/users/alice")
    me = client.get(
        "/api/v1/accounts/verify_credentials", headers={"Authorization": f"Bearer {token['access_token']}"}
    )
    assert me.status_code == 200 and me.json()["username"] == "alice"


def test_the_code_that_confirmed_the_setup_logs_in_once_only(alice):
    code = alice.code()
    assert alice.challenge(alice.mfa_token(), code).status_code == 200
    r = alice.challenge(alice.mfa_token(), code)
    assert (r.status_code, r.json()) == (400, {"error": "Invalid code"})


def test_every_failure_of_the_challenge_is_invalid_code(client, alice):
    token = alice.mfa_token()
    other = client.post("/api/v1/apps", json={"client_name": "Other", "redirect_uris": CALLBACK}).json()
    attempts = [
        alice.challenge(token, alice.wrong_code()),
        alice.challenge("not-a-token", alice.code()),
        alice.challenge(token, alice.code(), challenge_type="sms"),
        alice.challenge(token, alice.code(), client_secret="wrong"),
        alice.challenge(
            token, alice.code(), client_id=other["client_id"], client_secret=other["client_secret"]
        ),
        client.post("/oauth/mfa/challenge", data={**alice.creds(), "mfa_token": token}),
        client.post("/oauth/mfa/challenge", data={}),
    ]
    for r in attempts:
        assert (r.status_code, r.json()) == (400, {"error": "Invalid code"})
    assert alice.challenge(token, alice.code()).status_code == 200  # the token was not used up


def test_an_mfa_token_expires_after_fifteen_minutes(alice):
    token = alice.mfa_token()
    alice.clock.advance(timedelta(minutes=15))
    assert alice.challenge(token, alice.code()).json() == {"error": "Invalid code"}


def test_a_recovery_code_works_once(client, alice):
    codes = client.get("/api/pleroma/accounts/mfa/backup_codes", headers=alice.headers).json()["codes"]
    r = alice.challenge(alice.mfa_token(), codes[2], challenge_type="recovery")
    assert r.status_code == 200, r.text
    r = alice.challenge(alice.mfa_token(), codes[2], challenge_type="recovery")
    assert r.json() == {"error": "Invalid code"}
    assert alice.challenge(alice.mfa_token(), codes[3], challenge_type="recovery").status_code == 200


def test_wrong_codes_are_throttled_with_retry_after(alice):
    token = alice.mfa_token()
    for _ in range(4):
        assert alice.challenge(token, alice.wrong_code()).status_code == 400
    r = alice.challenge(alice.mfa_token(), alice.code())
    assert (r.status_code, r.json()) == (429, {"error": "Throttled"})
    assert 0 < int(r.headers["retry-after"]) <= 900
    alice.clock.advance(timedelta(minutes=15))
    assert alice.challenge(alice.mfa_token(), alice.code()).status_code == 200


# --- the authorize form --------------------------------------------------------------------------------


def authorize(client, alice, password="secret", state="xyz"):
    fields = {
        "authorization[client_id]": alice.app["client_id"],
        "authorization[redirect_uri]": CALLBACK,
        "authorization[scope]": "read",
        "authorization[state]": state,
        "authorization[name]": "alice",
        "authorization[password]": password,
    }
    return client.post("/oauth/authorize", data=fields, follow_redirects=False)


def hidden(page: str, name: str) -> str:
    return re.search(rf'name="mfa\[{name}\]" value="([^"]*)"', page).group(1)


def test_the_form_asks_for_the_code_and_then_sends_the_user_back(client, alice):
    r = authorize(client, alice)
    assert r.status_code == 200 and "set-cookie" not in r.headers
    assert 'action="/oauth/mfa/verify"' in r.text and hidden(r.text, "state") == "xyz"
    token = hidden(r.text, "mfa_token")
    verify = {"mfa[mfa_token]": token, "mfa[state]": "xyz", "mfa[challenge_type]": "totp"}

    wrong = client.post(
        "/oauth/mfa/verify", data={**verify, "mfa[code]": alice.wrong_code()}, follow_redirects=False
    )
    assert wrong.status_code == 401
    assert "Two-factor authentication failed." in wrong.text and hidden(wrong.text, "mfa_token") == token

    alice.clock.advance(timedelta(seconds=30))
    done = client.post(
        "/oauth/mfa/verify", data={**verify, "mfa[code]": alice.code()}, follow_redirects=False
    )
    assert done.status_code == 302
    location = urlsplit(done.headers["location"])
    assert location.geturl().startswith(CALLBACK)
    query = parse_qs(location.query)
    assert query["state"] == ["xyz"]
    assert done.headers["set-cookie"].startswith("_pleroma_key=")
    exchanged = client.post(
        "/oauth/token",
        data={
            "grant_type": "authorization_code",
            "code": query["code"][0],
            "redirect_uri": CALLBACK,
            **alice.creds(),
        },
    )
    assert exchanged.status_code == 200 and exchanged.json()["scope"] == "read"
    again = client.post(
        "/oauth/mfa/verify", data={**verify, "mfa[code]": alice.code(30)}, follow_redirects=False
    )
    assert again.status_code == 401  # the form's mfa_token worked once


def test_the_form_takes_a_recovery_code_too(client, alice):
    codes = client.get("/api/pleroma/accounts/mfa/backup_codes", headers=alice.headers).json()["codes"]
    token = hidden(authorize(client, alice).text, "mfa_token")
    r = client.post(
        "/oauth/mfa/verify",
        data={"mfa[mfa_token]": token, "mfa[challenge_type]": "recovery", "mfa[code]": codes[0]},
        follow_redirects=False,
    )
    assert r.status_code == 302 and "code=" in r.headers["location"]


def test_a_password_grant_token_cannot_finish_the_form_nor_the_reverse(client, alice):
    grant_token = alice.mfa_token()
    r = client.post(
        "/oauth/mfa/verify",
        data={"mfa[mfa_token]": grant_token, "mfa[code]": alice.code()},
        follow_redirects=False,
    )
    assert r.status_code == 401
    form_token = hidden(authorize(client, alice).text, "mfa_token")
    assert alice.challenge(form_token, alice.code()).status_code == 200  # same app, client secret given


def test_a_wrong_password_on_the_form_shows_no_second_step(client, alice):
    r = authorize(client, alice, password="wrong")
    assert r.status_code == 401 and "mfa[code]" not in r.text


def test_the_form_is_throttled_too(client, alice):
    for _ in range(4):
        assert authorize(client, alice, password="wrong").status_code == 401
    r = authorize(client, alice)
    assert r.status_code == 429 and "try again later" in r.text
