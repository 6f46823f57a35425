"""GET /api/v1/pleroma/captcha and its answer at sign-up; confirming an email address by the mailed
link, as a user would: register, ask again, read the .eml, follow the link, log in."""

from __future__ import annotations

import base64
import email
from datetime import timedelta
from email import policy
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from plerome.adapters.memory import FixedClock
from plerome.entrypoints import wiring
from plerome.entrypoints.asgi import create_app
from plerome.ports.captcha import CaptchaImage

pytestmark = pytest.mark.parametrize("database_url", ["memory", "sqlite", "postgres"], indirect=True)


def app_token(client) -> tuple[dict, str]:
    app = client.post(
        "/api/v1/apps",
        json={"client_name": "Signup", "redirect_uris": "urn:ietf:wg:oauth:2.0:oob", "scopes": "read write"},
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


def signup(nickname: str, **extra) -> dict:
    return {
        "username": nickname,
        "email": f"{nickname}@example.test",
        "password": "pw-123",
        "agreement": True,
        **extra,
    }


# --- captcha -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/api/v1/pleroma/captcha", "/api/pleroma/captcha"])
def test_without_a_captcha_provider_the_type_is_none(client, path):
    r = client.get(path)
    assert (r.status_code, r.json()) == (200, {"type": "none"})


def test_the_native_captcha_is_a_png_picture(make_settings, checked_client):
    client = checked_client(create_app(make_settings(captcha="native")))
    body = client.get("/api/v1/pleroma/captcha").json()
    assert body["type"] == "native" and body["seconds_valid"] == 300
    assert body["token"] and body["answer_data"] and body["token"] != body["answer_data"]
    prefix = "data:image/png;base64,"
    assert body["url"].startswith(prefix)
    assert base64.b64decode(body["url"][len(prefix) :]).startswith(b"\x89PNG")
    assert client.get("/api/v1/pleroma/captcha").json()["token"] != body["token"]


class KnownAnswer:
    async def draw(self) -> CaptchaImage:
        return CaptchaImage(answer="40213", png=b"\x89PNG...")


@pytest.fixture
def clock():
    return FixedClock()


@pytest.fixture
def captcha_client(make_settings, checked_client, clock):
    settings = make_settings(captcha="native", registrations_open=True)
    return checked_client(create_app(services=wiring.build(settings, captcha=KnownAnswer(), clock=clock)))


def test_signing_up_needs_the_captcha_answered_once(captcha_client, clock):
    client = captcha_client
    _, token = app_token(client)
    headers = {"Authorization": f"Bearer {token}"}
    r = client.post("/api/v1/accounts", json=signup("alice"), headers=headers)
    assert (r.status_code, r.json()) == (
        400,
        {"error": '{"captcha":["Invalid CAPTCHA (Missing parameter: captcha_solution)"]}'},
    )
    captcha = client.get("/api/v1/pleroma/captcha").json()
    answer = {"captcha_token": captcha["token"], "captcha_answer_data": captcha["answer_data"]}
    r = client.post(
        "/api/v1/accounts", json=signup("alice", captcha_solution="11111", **answer), headers=headers
    )
    assert (r.status_code, r.json()) == (400, {"error": '{"captcha":["Invalid CAPTCHA"]}'})
    r = client.post(
        "/api/v1/accounts", json=signup("alice", captcha_solution="40213", **answer), headers=headers
    )
    assert (r.status_code, r.json()) == (400, {"error": '{"captcha":["CAPTCHA already used"]}'})

    captcha = client.get("/api/v1/pleroma/captcha").json()
    answer = {"captcha_token": captcha["token"], "captcha_answer_data": captcha["answer_data"]}
    r = client.post(
        "/api/v1/accounts", data=signup("alice", captcha_solution="40213", **answer), headers=headers
    )
    assert r.status_code == 200, r.text
    r = client.post(
        "/api/v1/accounts", json=signup("bob", captcha_solution="40213", **answer), headers=headers
    )
    assert r.json() == {"error": '{"captcha":["CAPTCHA already used"]}'}

    late = client.get("/api/v1/pleroma/captcha").json()
    clock.advance(timedelta(seconds=301))
    r = client.post(
        "/api/v1/accounts",
        json=signup(
            "bob",
            captcha_solution="40213",
            captcha_token=late["token"],
            captcha_answer_data=late["answer_data"],
        ),
        headers=headers,
    )
    assert r.json() == {"error": '{"captcha":["CAPTCHA expired"]}'}


# --- confirmation --------------------------------------------------------------------------------------


@pytest.fixture
def confirming(make_settings, checked_client, tmp_path):
    settings = make_settings(registrations_open=True, account_activation_required=True, instance_name="Conf")
    return checked_client(create_app(settings)), Path(settings.data_dir) / "mail"


def mails(folder: Path) -> list[email.message.EmailMessage]:
    return [
        email.message_from_bytes(p.read_bytes(), policy=policy.default)  # type: ignore[misc]
        for p in sorted(folder.glob("*.eml"))
    ]


def link_in(message) -> str:
    return next(line for line in message.get_content().splitlines() if "/confirm_email/" in line).strip()


def password_login(client, app, nickname):
    return client.post(
        "/oauth/token",
        data={
            "grant_type": "password",
            "username": nickname,
            "password": "pw-123",
            "client_id": app["client_id"],
            "client_secret": app["client_secret"],
        },
    )


def test_register_resend_read_the_mail_follow_the_link_log_in(confirming):
    client, folder = confirming
    app, token = app_token(client)
    r = client.post("/api/v1/accounts", json=signup("alice"), headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 200 and r.json()["identifier"] == "missing_confirmed_email"
    r = password_login(client, app, "alice")
    assert (r.status_code, r.json()) == (
        403,
        {
            "error": "Your login is missing a confirmed e-mail address",
            "identifier": "missing_confirmed_email",
        },
    )
    [registered] = mails(folder)
    assert registered["To"] == "alice@example.test" and "Conf" in registered["Subject"]

    r = client.post("/api/v1/pleroma/accounts/confirmation_resend", data={"email": "alice@example.test"})
    assert r.status_code == 204 and r.content == b""
    first, resent = mails(folder)
    old, new = urlsplit(link_in(first)), urlsplit(link_in(resent))
    assert new.geturl().startswith("http://127.0.0.1:4000/api/account/confirm_email/")

    r = client.get(old.path)
    assert r.status_code == 400 and "does not work" in r.text  # replaced by the newer link
    r = client.get(new.path)
    assert r.status_code == 200 and "confirmed" in r.text
    assert password_login(client, app, "alice").status_code == 200
    assert client.get(new.path).status_code == 400  # a link works once


@pytest.mark.parametrize(
    "path", ["/api/v1/pleroma/accounts/confirmation_resend", "/api/pleroma/accounts/confirmation_resend"]
)
def test_resending_answers_204_whoever_asks(confirming, path):
    client, folder = confirming
    for params in ({"email": "nobody@example.test"}, {"nickname": "nobody"}, {}):
        r = client.post(path, params=params)
        assert r.status_code == 204
    assert mails(folder) == []


def test_a_made_up_link_confirms_nothing(confirming):
    client, _ = confirming
    for path in ("/api/account/confirm_email/123/abc", "/api/account/confirm_email/x/" + "y" * 300):
        r = client.get(path)
        assert r.status_code == 400 and r.headers["content-type"].startswith("text/html")
