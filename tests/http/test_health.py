"""GET /api/v1/pleroma/healthcheck and /api/pleroma/healthcheck."""

import dataclasses
from datetime import UTC, datetime

import anyio
import pytest
from starlette.testclient import TestClient

from plerome.domain.jobs import Job
from plerome.entrypoints import wiring
from plerome.entrypoints.asgi import create_app
from plerome.entrypoints.http import health

PATHS = ["/api/v1/pleroma/healthcheck", "/api/pleroma/healthcheck"]


class StuckStores:
    """The app's stores, except that ping() waits for an event that nobody sets: a database that
    has stopped answering."""

    def __init__(self, inner, failure: Exception | None = None) -> None:
        self._inner = inner
        self._failure = failure
        self.pinged = anyio.Event()
        self.released = anyio.Event()

    def __getattr__(self, name):
        return getattr(self._inner, name)

    async def ping(self) -> None:
        self.pinged.set()
        if self._failure is not None:
            raise self._failure
        await self.released.wait()


def app_with(settings, failure=None):
    svc = wiring.build(settings)
    stores = StuckStores(svc.ctx.stores, failure)
    svc.ctx = dataclasses.replace(svc.ctx, stores=stores)
    return create_app(services=svc), stores


@pytest.fixture
def settings(make_settings):
    return make_settings(job_workers=0)  # no worker moves the queued job below


@pytest.mark.parametrize("path", PATHS)
def test_a_healthy_instance_answers_200_with_its_figures(client, api, path):
    job = Job(
        id="j1",
        kind="nothing",
        payload={},
        state="queued",
        attempts=0,
        max_attempts=5,
        run_at=datetime(2026, 1, 1, tzinfo=UTC),
        created_at=datetime(2026, 1, 1, tzinfo=UTC),
    )
    client.portal.call(lambda: api.svc.ctx.stores.jobs.enqueue(job))
    r = client.get(path)
    assert r.status_code == 200
    body = r.json()
    assert body["healthy"] is True
    assert body["pool_size"] == 1
    assert body["active"] + body["idle"] == 1
    assert isinstance(body["memory_used"], float)
    assert body["memory_used"] > 1.0  # MiB: a Python process is bigger than one
    assert body["job_queue_stats"] == {
        "queued": 1,
        "running": 0,
        "done": 0,
        "failed": 0,
        "processed_jobs": 0,
        "failed_jobs": 0,
    }


def test_health_needs_no_login_and_ignores_a_bad_cookie(client):
    client.cookies.set("_pleroma_key", "garbage")
    assert client.get(PATHS[0]).status_code == 200
    r = client.get(PATHS[1], headers={"Authorization": "Bearer not-a-token"})
    assert r.status_code == 200


@pytest.mark.parametrize("path", PATHS)
def test_a_store_that_does_not_answer_in_time_is_503_unhealthy(settings, monkeypatch, path):
    monkeypatch.setattr(health, "PING_TIMEOUT", 0.05)
    app, stores = app_with(settings)
    with TestClient(app) as client:
        r = client.get(path)
        assert client.portal.call(stores.pinged.is_set)
        assert not client.portal.call(stores.released.is_set)
    assert r.status_code == 503
    body = r.json()
    assert body["healthy"] is False
    assert body["job_queue_stats"] is None
    assert body["pool_size"] == 1
    assert isinstance(body["memory_used"], float)


def test_a_store_that_fails_is_503_unhealthy(settings):
    app, _ = app_with(settings, failure=ConnectionError("database is gone"))
    with TestClient(app) as client:
        r = client.get(PATHS[0])
    assert r.status_code == 503
    assert r.json()["healthy"] is False


def test_the_timeout_is_one_second():
    assert health.PING_TIMEOUT == 1.0
