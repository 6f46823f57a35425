"""Builders of domain objects for the contract suites (the `stores` fixture lives in tests/conftest.py)."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from plerome.domain.accounts import Account
from plerome.domain.jobs import Job
from plerome.domain.oauth import App, AuthCode, NewToken

NOW = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)


class Make:
    """Distinct, valid objects: each call numbers its own ids and secrets. `now` is the suite's time."""

    now = NOW

    def __init__(self) -> None:
        self._n = 0

    def _next(self) -> int:
        self._n += 1
        return self._n

    def account(self, nickname: str | None = None, **kw: Any) -> Account:
        n = self._next()
        nickname = nickname or f"user{n}"
        values: dict[str, Any] = {
            "id": f"acct{n:06d}",
            "nickname": nickname,
            "email": f"{nickname}@example.test",
            "password_hash": f"hash-{n}",
            "created_at": NOW,
        }
        values.update(kw)
        return Account(**values)

    def app(self, name: str = "app", owner_id: str | None = None, **kw: Any) -> App:
        n = self._next()
        values: dict[str, Any] = {
            "id": f"app{n:06d}",
            "name": name,
            "client_id": f"client-{n}",
            "client_secret": f"secret-{n}",
            "redirect_uris": ("urn:ietf:wg:oauth:2.0:oob",),
            "scopes": ("read", "write"),
            "website": None,
            "created_at": NOW,
            "owner_id": owner_id,
        }
        values.update(kw)
        return App(**values)

    def token(self, app: App, account: Account | None, **kw: Any) -> NewToken:
        n = self._next()
        values: dict[str, Any] = {
            "access_token": f"access-{n}",
            "refresh_token": f"refresh-{n}",
            "token_hash": hashlib.sha256(f"access-{n}".encode()).hexdigest(),
            "refresh_hash": hashlib.sha256(f"refresh-{n}".encode()).hexdigest(),
            "app_id": app.id,
            "account_id": account.id if account else None,
            "scopes": ("read", "write"),
            "created_at": NOW,
            "valid_until": NOW + timedelta(days=365),
        }
        values.update(kw)
        return NewToken(**values)

    def code(self, app: App, account: Account, **kw: Any) -> AuthCode:
        n = self._next()
        values: dict[str, Any] = {
            "code_hash": hashlib.sha256(f"code-{n}".encode()).hexdigest(),
            "app_id": app.id,
            "account_id": account.id,
            "scopes": ("read",),
            "redirect_uri": "https://client.example/callback",
            "created_at": NOW,
            "valid_until": NOW + timedelta(minutes=10),
        }
        values.update(kw)
        return AuthCode(**values)

    def job(self, run_at: datetime = NOW, **kw: Any) -> Job:
        n = self._next()
        values: dict[str, Any] = {
            "id": f"job{n:06d}",
            "kind": "test",
            "payload": {"n": n},
            "state": "queued",
            "attempts": 0,
            "max_attempts": 5,
            "run_at": run_at,
            "created_at": NOW,
        }
        values.update(kw)
        return Job(**values)


@pytest.fixture
def make() -> Make:
    return Make()
