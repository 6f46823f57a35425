"""plerome mounted inside a host app, and two plerome apps in one process sharing nothing."""

from __future__ import annotations

import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Mount, Route
from starlette.testclient import TestClient

from plerome.domain.usecases.accounts import create_account
from plerome.domain.usecases.oauth import cli_token
from plerome.entrypoints.asgi import create_app
from plerome.entrypoints.services import no_wake

WAIT = 10  # seconds: a bound on waiting for an event, never a pause


def host_app(social: Starlette) -> Starlette:
    """What the README shows: the host enters plerome's lifespan inside its own."""

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        async with social.state.lifespan():
            yield

    async def home(request: Request) -> PlainTextResponse:
        return PlainTextResponse("host home")

    return Starlette(routes=[Route("/", home), Mount("/social", app=social)], lifespan=lifespan)


@pytest.fixture
def social(make_settings):
    # An hour between polls: a queued job runs at once only if queueing wakes the workers.
    return create_app(
        make_settings(base_url="http://testserver/social", job_workers=1, job_poll_seconds=3600)
    )


@pytest.fixture
def host(social):
    with TestClient(host_app(social)) as client:
        yield client


def register(client: TestClient, prefix: str = "") -> dict:
    r = client.post(
        f"{prefix}/api/v1/apps",
        json={
            "client_name": "embedded",
            "redirect_uris": "urn:ietf:wg:oauth:2.0:oob",
            "scopes": "read write",
        },
    )
    assert r.status_code == 200, r.text
    return r.json()


def password_grant(client: TestClient, app: dict, login: str, password: str, prefix: str = ""):
    return client.post(
        f"{prefix}/oauth/token",
        data={
            "grant_type": "password",
            "client_id": app["client_id"],
            "client_secret": app["client_secret"],
            "username": login,
            "password": password,
        },
    )


def test_the_host_serves_its_own_routes_and_plerome_under_the_prefix(host):
    assert host.get("/").text == "host home"
    app = register(host, "/social")
    assert app["name"] == "embedded" and app["client_id"]
    assert host.post("/api/v1/apps", json={"client_name": "x", "redirect_uris": "x://y"}).status_code == 404


def test_urls_plerome_returns_carry_the_prefix(host, social):
    svc = social.state.services
    host.portal.call(lambda: create_account(svc.ctx, "alice", "alice@example.test", "pw"))
    r = password_grant(host, register(host, "/social"), "alice", "pw", "/social")
    assert r.status_code == 200, r.text
    assert r.json()["me"] == "http://testserver/social/users/alice"
    me = host.get(
        "/social/api/v1/accounts/verify_credentials",
        headers={"Authorization": f"Bearer {r.json()['access_token']}"},
    )
    assert me.status_code == 200
    assert me.json()["url"] == "http://testserver/social/users/alice"
    assert me.json()["avatar"].startswith("http://testserver/social/")


def test_a_job_queued_through_plerome_runs_to_completion_when_mounted(host, social):
    svc = social.state.services
    ran_first: list[dict] = []
    seen_state: list[str] = []
    second_ran = threading.Event()

    async def first(payload: dict) -> None:
        ran_first.append(payload)

    async def second(payload: dict) -> None:
        # One worker runs jobs in order: by now the first job's outcome has been recorded.
        seen_state.append((await svc.ctx.stores.jobs.get(payload["after"])).state)
        second_ran.set()

    svc.job_handlers.update(first=first, second=second)
    job = host.portal.call(svc.queue_job, "first", {"n": 1})
    host.portal.call(svc.queue_job, "second", {"after": job.id})
    assert second_ran.wait(WAIT), "the mounted app's workers did not run the queued jobs"
    assert ran_first == [{"n": 1}]
    assert seen_state == ["done"]


def test_without_the_host_entering_it_the_lifespan_is_not_run(social):
    bare = Starlette(routes=[Mount("/social", app=social)])  # the mistake the README warns about
    with TestClient(bare):
        assert social.state.services.wake_workers is no_wake
    with TestClient(host_app(social)):
        assert social.state.services.wake_workers is not no_wake
    assert social.state.services.wake_workers is no_wake


# Two apps in one process


def sqlite_ready() -> bool:
    try:
        from plerome.adapters.sqlite import SqliteDatabase  # noqa: F401
    except ImportError:
        return False
    return True


@pytest.fixture(params=["memory", "sqlite"])
def two_apps(request, make_settings, tmp_path):
    if request.param == "sqlite" and not sqlite_ready():
        pytest.skip("plerome.adapters.sqlite is not built yet")

    def settings(name: str):
        url = "memory://" if request.param == "memory" else f"sqlite:///{tmp_path / name}.sqlite3"
        return make_settings(
            database_url=url, data_dir=str(tmp_path / name), job_workers=1, job_poll_seconds=3600
        )

    one, two = create_app(settings("one")), create_app(settings("two"))
    with TestClient(one) as c1, TestClient(two) as c2:
        yield c1, c2


def services_of(client: TestClient):
    return client.app.state.services  # type: ignore[attr-defined]


def test_an_account_made_in_one_app_is_unknown_in_the_other(two_apps):
    c1, c2 = two_apps
    s1, s2 = services_of(c1), services_of(c2)
    c1.portal.call(lambda: create_account(s1.ctx, "alice", "alice@example.test", "pw"))
    assert c2.portal.call(s2.ctx.stores.accounts.by_nickname, "alice") is None
    assert password_grant(c1, register(c1), "alice", "pw").status_code == 200
    refused = password_grant(c2, register(c2), "alice", "pw")
    assert (refused.status_code, refused.json()) == (400, {"error": "Invalid credentials"})


def test_a_token_of_one_app_is_refused_by_the_other(two_apps):
    c1, c2 = two_apps
    s1 = services_of(c1)
    alice = c1.portal.call(lambda: create_account(s1.ctx, "alice", "alice@example.test", "pw"))
    token = c1.portal.call(lambda: cli_token(s1.ctx, alice, "read")).access_token
    headers = {"Authorization": f"Bearer {token}"}
    assert c1.get("/api/v1/accounts/verify_credentials", headers=headers).status_code == 200
    other = c2.get("/api/v1/accounts/verify_credentials", headers=headers)
    assert (other.status_code, other.json()) == (403, {"error": "Invalid credentials."})


def test_job_handlers_belong_to_one_app(two_apps):
    c1, c2 = two_apps
    s1, s2 = services_of(c1), services_of(c2)
    called_in_one: list[dict] = []
    outcome: list[tuple[str, str | None]] = []
    checked = threading.Event()

    async def only_in_one(payload: dict) -> None:
        called_in_one.append(payload)

    async def check(payload: dict) -> None:
        job = await s2.ctx.stores.jobs.get(payload["after"])
        outcome.append((job.state, job.last_error))
        checked.set()

    s1.job_handlers["greet"] = only_in_one
    s2.job_handlers["check"] = check
    assert "greet" not in s2.job_handlers and s1.job_handlers is not s2.job_handlers
    job = c2.portal.call(s2.queue_job, "greet", {"to": "two"})
    c2.portal.call(s2.queue_job, "check", {"after": job.id})
    assert checked.wait(WAIT)
    assert outcome == [("failed", "no handler for job kind 'greet'")]
    assert called_in_one == []
    assert c1.portal.call(s1.ctx.stores.jobs.get, job.id) is None
