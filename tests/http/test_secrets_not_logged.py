"""No password, token, client secret or code reaches a log record, at any level, from any logger."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import pytest
from starlette.testclient import TestClient

from plerome.domain.usecases.accounts import create_account
from plerome.entrypoints.asgi import create_app

CALLBACK = "https://client.example/cb"
PASSWORDS = ("Pw-alpha-7c1e4b", "Pw-bravo-93d0aa", "Pw-wrong-5be2f1", "Pw-signup-0f7d12")
HTTP_CLIENT_LOGGERS = ("httpx", "httpcore")  # the test's own client logs the URLs it requests


@pytest.fixture
def everything_logged(caplog) -> Iterator[pytest.LogCaptureFixture]:
    """DEBUG on every logger known now, and records of loggers that do not propagate captured too."""
    caplog.set_level(logging.DEBUG)
    patched = []
    for name, logger in list(logging.root.manager.loggerDict.items()):
        if isinstance(logger, logging.Logger):
            caplog.set_level(logging.DEBUG, logger=name)
            if not logger.propagate:
                logger.addHandler(caplog.handler)
                patched.append(logger)
    yield caplog
    for logger in patched:
        logger.removeHandler(caplog.handler)


def record_texts(caplog, skip: tuple[str, ...] = ()) -> list[str]:
    texts = []
    for record in caplog.records:
        if record.name.split(".")[0] in skip:
            continue
        texts.append(record.getMessage())
        texts.append(repr(record.args))
        texts.append(record.exc_text or "")
        texts.append(repr({k: v for k, v in vars(record).items() if k not in ("msg", "args")}))
        texts.append(caplog.handler.format(record))  # the line as a handler would write it
    return texts


def assert_not_logged(caplog, secrets: set[str], skip: tuple[str, ...] = ()) -> None:
    texts = record_texts(caplog, skip)
    leaked = {s for s in secrets if any(s in t for t in texts)}
    assert not leaked, f"logged: {sorted(leaked)}"


def test_no_flow_logs_a_secret(make_settings, everything_logged):
    secrets: set[str] = set(PASSWORDS)
    settings = make_settings(registrations_open=True)
    with TestClient(create_app(settings)) as client:
        svc = client.app.state.services
        client.portal.call(lambda: create_account(svc.ctx, "alice", "alice@example.test", PASSWORDS[0]))
        client.portal.call(lambda: create_account(svc.ctx, "bob", "bob@example.test", PASSWORDS[1]))

        app = client.post(
            "/api/v1/apps",
            data={"client_name": "Logged App", "redirect_uris": CALLBACK, "scopes": "read write"},
        ).json()
        secrets.add(app["client_secret"])
        creds = {"client_id": app["client_id"], "client_secret": app["client_secret"]}

        # password grant: wrong, then right; form and JSON
        r = client.post(
            "/oauth/token",
            data={"grant_type": "password", "username": "alice", "password": PASSWORDS[2], **creds},
        )
        assert r.status_code == 400
        pair = client.post(
            "/oauth/token",
            json={"grant_type": "password", "username": "alice", "password": PASSWORDS[0], **creds},
        ).json()
        secrets |= {pair["access_token"], pair["refresh_token"]}

        # client credentials, then sign-up with the app token
        app_token = client.post("/oauth/token", data={"grant_type": "client_credentials", **creds}).json()
        secrets |= {app_token["access_token"], app_token["refresh_token"]}
        signed_up = client.post(
            "/api/v1/accounts",
            json={
                "username": "carol",
                "password": PASSWORDS[3],
                "email": "c@example.test",
                "agreement": True,
            },
            headers={"Authorization": f"Bearer {app_token['access_token']}"},
        ).json()
        secrets |= {signed_up["access_token"], signed_up["refresh_token"]}
        # a refused sign-up (taken name) logs nothing either
        client.post(
            "/api/v1/accounts",
            data={"username": "carol", "password": PASSWORDS[3], "agreement": "1"},
            headers={"Authorization": f"Bearer {app_token['access_token']}"},
        )

        # the authorize form: shown, a wrong password, a right one, the code exchanged
        client.get("/oauth/authorize", params={"client_id": app["client_id"], "redirect_uri": CALLBACK})
        form = {
            "authorization[client_id]": app["client_id"],
            "authorization[redirect_uri]": CALLBACK,
            "authorization[name]": "bob",
        }
        r = client.post("/oauth/authorize", data={**form, "authorization[password]": PASSWORDS[2]})
        assert r.status_code == 401
        r = client.post(
            "/oauth/authorize", data={**form, "authorization[password]": PASSWORDS[1]}, follow_redirects=False
        )
        code = parse_qs(urlsplit(r.headers["location"]).query)["code"][0]
        cookie = client.cookies.get("_pleroma_key")
        secrets |= {code, cookie}
        exchanged = client.post(
            "/oauth/token",
            data={"grant_type": "authorization_code", "code": code, "redirect_uri": CALLBACK, **creds},
        ).json()
        secrets |= {exchanged["access_token"], exchanged["refresh_token"]}
        client.post(
            "/oauth/token",
            data={"grant_type": "authorization_code", "code": code, "redirect_uri": CALLBACK, **creds},
        )  # the used code, refused

        # the session confirms another authorization
        page = client.get(
            "/oauth/authorize", params={"client_id": app["client_id"], "redirect_uri": CALLBACK}
        )
        csrf = re.search(r'name="authorization\[csrf\]" value="([^"]+)"', page.text).group(1)
        secrets.add(csrf)
        r = client.post(
            "/oauth/authorize", data={**form, "authorization[csrf]": csrf}, follow_redirects=False
        )
        secrets.add(parse_qs(urlsplit(r.headers["location"]).query)["code"][0])
        assert client.get("/api/v1/accounts/verify_credentials").status_code == 200  # by cookie
        client.cookies.clear()

        # refresh, revoke
        refreshed = client.post(
            "/oauth/token",
            data={"grant_type": "refresh_token", "refresh_token": pair["refresh_token"], **creds},
        ).json()
        secrets |= {refreshed["access_token"], refreshed["refresh_token"]}
        client.post("/oauth/revoke", data={"token": refreshed["access_token"], **creds})

        # HTTP Basic: right and wrong, by nickname and by email
        for login, password in (("alice", PASSWORDS[0]), ("bob@example.test", PASSWORDS[2])):
            client.get("/api/v1/accounts/verify_credentials", auth=(login, password))
        client.post("/oauth/token", data={"grant_type": "client_credentials"}, auth=(app["client_id"], "x"))
        client.post(
            "/oauth/token",
            data={"grant_type": "client_credentials"},
            auth=(creds["client_id"], creds["client_secret"]),
        )

    assert everything_logged.records, "the capture saw nothing: is logging wired?"
    assert_not_logged(everything_logged, secrets)


def test_a_token_in_the_query_string_is_logged_only_by_the_client(make_settings, everything_logged):
    """A token in a URL is the caller's choice; plerome itself still writes it nowhere."""
    with TestClient(create_app(make_settings())) as client:
        svc = client.app.state.services
        client.portal.call(lambda: create_account(svc.ctx, "alice", "alice@example.test", PASSWORDS[0]))
        app = client.post(
            "/api/v1/apps", data={"client_name": "A", "redirect_uris": CALLBACK, "scopes": "read"}
        ).json()
        token = client.post(
            "/oauth/token",
            data={
                "grant_type": "password",
                "username": "alice",
                "password": PASSWORDS[0],
                "client_id": app["client_id"],
                "client_secret": app["client_secret"],
            },
        ).json()["access_token"]
        for value in (token, "not-a-real-token-4e1f"):
            client.get("/api/v1/accounts/verify_credentials", params={"access_token": value})
    assert_not_logged(everything_logged, {token, "not-a-real-token-4e1f"}, skip=HTTP_CLIENT_LOGGERS)


def test_an_internal_error_logs_the_path_but_not_the_query_or_body(make_settings, everything_logged):
    """The one record plerome writes on its own: an unexpected exception. It names the path only."""
    settings = make_settings()
    app = create_app(settings)
    svc = app.state.services

    async def broken(*_args, **_kwargs):
        raise RuntimeError("store fell over")

    with TestClient(app) as client:
        svc.ctx.stores.tokens.lookup = broken  # the next bearer lookup fails unexpectedly
        r = client.post(
            "/api/v1/apps/verify_credentials?access_token=q-secret-9a8b7c",
            headers={"Authorization": "Bearer h-secret-1d2e3f"},
        )
        assert r.status_code in (405, 500)
        r = client.get(
            "/api/v1/accounts/verify_credentials?access_token=q-secret-9a8b7c",
            headers={"Authorization": "Bearer h-secret-1d2e3f"},
        )
        assert r.status_code == 500
    plerome_records = [rec for rec in everything_logged.records if rec.name.startswith("plerome")]
    assert any("/api/v1/accounts/verify_credentials" in rec.getMessage() for rec in plerome_records)
    assert_not_logged(everything_logged, {"q-secret-9a8b7c", "h-secret-1d2e3f"}, skip=HTTP_CLIENT_LOGGERS)


def test_no_security_flow_logs_a_secret(make_settings, everything_logged):
    """MFA secrets and codes, mfa_tokens, backup codes, new passwords, confirmation links and captcha
    answers reach no log record either."""
    import email as email_parser
    from email import policy
    from pathlib import Path

    import pyotp

    from plerome.entrypoints import wiring
    from plerome.ports.captcha import CaptchaImage

    class KnownCaptcha:
        async def draw(self) -> CaptchaImage:
            return CaptchaImage(answer="73519", png=b"\x89PNG")

    passwords = {"Pw-mfa-8d1f2a", "Pw-new-6b0c3e", "Pw-wrong-2f9a7d", "Pw-signup-4c8e1b"}
    secrets: set[str] = set(passwords)
    settings = make_settings(registrations_open=True, account_activation_required=True, captcha="native")
    app = create_app(services=wiring.build(settings, captcha=KnownCaptcha()))
    with TestClient(app) as client:
        svc = client.app.state.services
        client.portal.call(lambda: create_account(svc.ctx, "alice", "alice@example.test", "Pw-mfa-8d1f2a"))
        oauth_app = client.post(
            "/api/v1/apps", data={"client_name": "Sec", "redirect_uris": CALLBACK, "scopes": "read write"}
        ).json()
        creds = {"client_id": oauth_app["client_id"], "client_secret": oauth_app["client_secret"]}
        secrets.add(oauth_app["client_secret"])

        def password_grant(password: str):
            return client.post(
                "/oauth/token",
                data={"grant_type": "password", "username": "alice", "password": password, **creds},
            )

        token = password_grant("Pw-mfa-8d1f2a").json()["access_token"]
        secrets.add(token)
        headers = {"Authorization": f"Bearer {token}"}

        # MFA on: setup, a wrong password, a right confirmation; backup codes
        setup = client.get("/api/pleroma/accounts/mfa/setup/totp", headers=headers).json()
        secrets |= {setup["key"], setup["provisioning_uri"]}
        totp = pyotp.TOTP(setup["key"])
        url = "/api/pleroma/accounts/mfa/confirm/totp"
        client.post(url, json={"password": "Pw-wrong-2f9a7d", "code": totp.now()}, headers=headers)
        assert (
            client.post(url, json={"password": "Pw-mfa-8d1f2a", "code": totp.now()}, headers=headers).json()
            == {}
        )
        codes = client.get("/api/pleroma/accounts/mfa/backup_codes", headers=headers).json()["codes"]
        secrets |= set(codes)

        # the password grant's challenge: a wrong code, a backup code, a TOTP code
        mfa_token = password_grant("Pw-mfa-8d1f2a").json()["mfa_token"]
        secrets.add(mfa_token)
        challenge = {"mfa_token": mfa_token, **creds}
        client.post("/oauth/mfa/challenge", data={**challenge, "challenge_type": "totp", "code": "000000"})
        issued = client.post(
            "/oauth/mfa/challenge", data={**challenge, "challenge_type": "recovery", "code": codes[0]}
        ).json()
        secrets |= {issued["access_token"], issued["refresh_token"]}

        # the authorize form's second step
        form = {
            "authorization[client_id]": oauth_app["client_id"],
            "authorization[redirect_uri]": CALLBACK,
            "authorization[name]": "alice",
            "authorization[password]": "Pw-mfa-8d1f2a",
        }
        page = client.post("/oauth/authorize", data=form).text
        form_token = re.search(r'name="mfa\[mfa_token\]" value="([^"]+)"', page).group(1)
        secrets.add(form_token)
        done = client.post(
            "/oauth/mfa/verify",
            data={"mfa[mfa_token]": form_token, "mfa[challenge_type]": "recovery", "mfa[code]": codes[1]},
            follow_redirects=False,
        )
        secrets |= {
            parse_qs(urlsplit(done.headers["location"]).query)["code"][0],
            client.cookies["_pleroma_key"],
        }
        client.cookies.clear()

        # self-service with passwords
        client.post(
            "/api/pleroma/change_password",
            json={
                "password": "Pw-mfa-8d1f2a",
                "new_password": "Pw-new-6b0c3e",
                "new_password_confirmation": "Pw-new-6b0c3e",
            },
            headers={"Authorization": f"Bearer {issued['access_token']}"},
        )
        client.post("/api/pleroma/disable_account", data={"password": "Pw-wrong-2f9a7d"}, headers=headers)

        # sign-up with a captcha, the confirmation mail and its link
        app_token = client.post("/oauth/token", data={"grant_type": "client_credentials", **creds}).json()
        secrets.add(app_token["access_token"])
        captcha = client.get("/api/v1/pleroma/captcha").json()
        secrets |= {captcha["token"], captcha["answer_data"]}
        client.post(
            "/api/v1/accounts",
            json={
                "username": "carol",
                "email": "carol@example.test",
                "password": "Pw-signup-4c8e1b",
                "agreement": True,
                "captcha_solution": "73519",
                "captcha_token": captcha["token"],
                "captcha_answer_data": captcha["answer_data"],
            },
            headers={"Authorization": f"Bearer {app_token['access_token']}"},
        )
        client.post("/api/v1/pleroma/accounts/confirmation_resend", data={"email": "carol@example.test"})
        for path in sorted((Path(settings.data_dir) / "mail").glob("*.eml")):
            body = email_parser.message_from_bytes(path.read_bytes(), policy=policy.default).get_content()
            link = next(line for line in body.splitlines() if "confirm_email" in line).strip()
            secrets.add(link.rsplit("/", 1)[1])
            client.get(urlsplit(link).path)

    assert everything_logged.records, "the capture saw nothing: is logging wired?"
    # The test's own HTTP client logs the URLs it fetches (the link's token is in its path).
    assert_not_logged(everything_logged, secrets, skip=HTTP_CLIENT_LOGGERS)
