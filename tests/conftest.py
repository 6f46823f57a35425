"""Shared fixtures: a fresh app per test on in-memory stores, with cheap argon2 parameters."""

from __future__ import annotations

import base64
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from starlette.testclient import TestClient

from plerome.domain.usecases.accounts import create_account
from plerome.domain.usecases.oauth import cli_token
from plerome.entrypoints.asgi import create_app
from plerome.entrypoints.settings import Settings

CHEAP_ARGON2 = {"argon2_time_cost": 1, "argon2_memory_cost": 8, "argon2_parallelism": 1}


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
def make_settings(tmp_path) -> Callable[..., Settings]:
    def make(**overrides: Any) -> Settings:
        values: dict[str, Any] = {
            "database_url": "memory://",
            "data_dir": str(tmp_path / "data"),
            "secret_key": "test-secret",
            "job_poll_seconds": 0.05,
            **CHEAP_ARGON2,
        }
        values.update(overrides)
        return Settings(**values)

    return make


@pytest.fixture
def settings(make_settings) -> Settings:
    return make_settings()


@pytest.fixture
def client(settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings)) as c:
        yield c


class Api:
    """Test helpers over one running app: make users and tokens, call with a token."""

    def __init__(self, client: TestClient) -> None:
        self.client = client
        self.svc = client.app.state.services  # type: ignore[attr-defined]

    def user(self, nickname: str, password: str = "secret", *, admin: bool = False, email: str | None = None):
        return self.client.portal.call(  # type: ignore[union-attr]
            lambda: create_account(
                self.svc.ctx, nickname, email or f"{nickname}@example.test", password, is_admin=admin
            )
        )

    def token(self, account, scopes: str = "read write follow push") -> str:
        issued = self.client.portal.call(lambda: cli_token(self.svc.ctx, account, scopes))  # type: ignore[union-attr]
        return issued.access_token

    def login(
        self, nickname: str, scopes: str = "read write follow push", **kw: Any
    ) -> tuple[Any, dict[str, str]]:
        """A new account and the Authorization header of a token for it."""
        account = self.user(nickname, **kw)
        return account, {"Authorization": f"Bearer {self.token(account, scopes)}"}


@pytest.fixture
def api(client) -> Api:
    return Api(client)


def basic(login: str, password: str) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(f"{login}:{password}".encode()).decode()}


@pytest.fixture
def basic_auth() -> Callable[[str, str], dict[str, str]]:
    return basic
