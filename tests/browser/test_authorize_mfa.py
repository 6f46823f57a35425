"""The authorize form with MFA on, in a real headless Chromium against a real uvicorn server.

Chromium is Debian's (`apt-get install chromium`), driven by Playwright's Python package through
`executable_path`: no browser build is ever downloaded (PLEROME_CHROMIUM names another binary).
Without Chromium these tests skip with the reason shown; with PLEROME_REQUIRE_BROWSER=1 (as .ci/run
sets) they fail instead.
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pyotp
import pytest
import uvicorn

from plerome.entrypoints.asgi import create_app

pytestmark = pytest.mark.browser

OOB = "urn:ietf:wg:oauth:2.0:oob"
START_TIMEOUT = 30  # seconds the server may take to start


def _unavailable(reason: str) -> None:
    if os.environ.get("PLEROME_REQUIRE_BROWSER") == "1":
        pytest.fail(f"PLEROME_REQUIRE_BROWSER=1 but {reason}")
    pytest.skip(f"browser tests skipped: {reason}")


@pytest.fixture(scope="module")
def chromium() -> str:
    wanted = os.environ.get("PLEROME_CHROMIUM")  # another Chromium binary, e.g. off Debian
    candidates = [wanted] if wanted else ["/usr/bin/chromium", shutil.which("chromium")]
    path = next((p for p in candidates if p and os.path.exists(p)), None)
    if path is None:
        _unavailable(
            f"Chromium is not installed at {wanted or '/usr/bin/chromium'} (Debian: apt-get install chromium)"
        )
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        _unavailable("the playwright package is not installed (make dev installs it)")
    assert path is not None
    return path


class _Server(uvicorn.Server):
    """uvicorn that says when it is listening."""

    def __init__(self, config: uvicorn.Config, ready: threading.Event) -> None:
        super().__init__(config)
        self._ready = ready

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets=sockets)
        self._ready.set()


@pytest.fixture
def server(make_settings, tmp_path) -> Iterator[str]:
    """plerome served by uvicorn on a free port of 127.0.0.1, with its SQLite store in tmp_path."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    base = f"http://127.0.0.1:{port}"
    settings = make_settings(
        database_url=f"sqlite:///{tmp_path / 'browser.sqlite3'}", base_url=base, registrations_open=True
    )
    config = uvicorn.Config(
        create_app(settings), lifespan="on", log_level="warning", ws="none", loop="asyncio"
    )
    ready = threading.Event()
    srv = _Server(config, ready)
    thread = threading.Thread(target=srv.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        assert ready.wait(START_TIMEOUT), "uvicorn did not start"
        yield base
    finally:
        srv.should_exit = True
        thread.join(START_TIMEOUT)
        sock.close()


@dataclass
class Account:
    app: dict[str, Any]
    secret: str
    backup_codes: list[str]


def account_with_mfa(base: str) -> Account:
    """Through the API, as a client would: an app, a sign-up, TOTP on, backup codes."""
    with httpx.Client(base_url=base) as http:
        app = http.post(
            "/api/v1/apps", json={"client_name": "Browser App", "redirect_uris": OOB, "scopes": "read write"}
        ).json()
        creds = {"client_id": app["client_id"], "client_secret": app["client_secret"]}
        app_token = http.post("/oauth/token", data={"grant_type": "client_credentials", **creds}).json()
        signed_up = http.post(
            "/api/v1/accounts",
            json={
                "username": "alice",
                "email": "alice@example.test",
                "password": "pw-browser",
                "agreement": True,
            },
            headers={"Authorization": f"Bearer {app_token['access_token']}"},
        ).json()
        headers = {"Authorization": f"Bearer {signed_up['access_token']}"}
        secret = http.get("/api/pleroma/accounts/mfa/setup/totp", headers=headers).json()["key"]
        r = http.post(
            "/api/pleroma/accounts/mfa/confirm/totp",
            json={"password": "pw-browser", "code": pyotp.TOTP(secret).now()},
            headers=headers,
        )
        assert r.status_code == 200, r.text
        codes = http.get("/api/pleroma/accounts/mfa/backup_codes", headers=headers).json()["codes"]
        return Account(app=app, secret=secret, backup_codes=codes)


def exchange(base: str, account: Account, code: str) -> str:
    """The code shown by the browser, exchanged for a token; the nickname the token belongs to."""
    with httpx.Client(base_url=base) as http:
        token = http.post(
            "/oauth/token",
            data={
                "grant_type": "authorization_code",
                "code": code,
                "redirect_uri": OOB,
                "client_id": account.app["client_id"],
                "client_secret": account.app["client_secret"],
            },
        ).json()["access_token"]
        me = http.get("/api/v1/accounts/verify_credentials", headers={"Authorization": f"Bearer {token}"})
        return str(me.json()["username"])


def log_in_with_password(page: Any, base: str, account: Account) -> None:
    page.goto(f"{base}/oauth/authorize?client_id={account.app['client_id']}&redirect_uri={OOB}&scope=read")
    assert "Browser App" in page.content()
    page.fill("#name", "alice")
    page.fill("#password", "pw-browser")
    page.click("button[type=submit]")
    page.wait_for_selector("#code")
    assert "two-factor authentication" in page.inner_text("body")


@pytest.fixture
def browser_page(chromium: str) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, headless=True, args=["--no-sandbox"])
        try:
            context = browser.new_context()
            yield context.new_page()
        finally:
            browser.close()


def test_the_form_asks_for_the_totp_code_and_then_shows_the_apps_code(server, browser_page):
    page = browser_page
    account = account_with_mfa(server)
    log_in_with_password(page, server, account)

    totp = pyotp.TOTP(account.secret)
    valid = {totp.at(time.time() + 30 * d) for d in (-2, -1, 0, 1, 2)}
    wrong = next(c for c in ("000000", "111111", "222222") if c not in valid)
    page.fill("#code", wrong)
    page.click("button[type=submit]")
    page.wait_for_selector(".error")
    assert "Two-factor authentication failed." in page.inner_text(".error")
    assert not any(c["name"] == "_pleroma_key" for c in page.context.cookies())

    page.fill("#code", totp.now())
    page.click("button[type=submit]")
    page.wait_for_selector("code")
    assert exchange(server, account, page.inner_text("code")) == "alice"
    assert any(c["name"] == "_pleroma_key" for c in page.context.cookies())


def test_a_backup_code_works_in_the_form(server, browser_page):
    page = browser_page
    account = account_with_mfa(server)
    log_in_with_password(page, server, account)
    page.select_option("#challenge_type", "recovery")
    page.fill("#code", account.backup_codes[0])
    page.click("button[type=submit]")
    page.wait_for_selector("code")
    assert exchange(server, account, page.inner_text("code")) == "alice"
