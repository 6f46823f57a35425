"""Builders of domain objects for the contract suites (the `stores` fixture lives in tests/conftest.py)."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from plerome.domain.accounts import Account
from plerome.domain.jobs import Job
from plerome.domain.oauth import App, AuthCode, NewToken
from plerome.domain.social import Block, Mute
from plerome.domain.statuses import Status

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


class Scene:
    """Accounts, statuses, blocks and mutes for the suites whose rows point at them (the SQL schema's
    foreign keys want them). Statuses go through `stores.statuses` where the store has it, else as the
    bare rows of the 0002 schema."""

    def __init__(self, stores: Any, make: Make) -> None:
        self.stores = stores
        self.make = make
        self._n = 0

    def _next(self) -> int:
        self._n += 1
        return self._n

    async def account(self, nickname: str | None = None) -> str:
        account = self.make.account(nickname)
        await self.stores.accounts.add(account)
        return account.id

    async def status(
        self,
        author_id: str,
        *,
        visibility: str = "public",
        context_id: str | None = None,
        mentioned: tuple[str, ...] = (),
        reblog_of: str | None = None,
        status_id: str | None = None,
    ) -> str:
        status_id = status_id or f"st{self._next():06d}"
        status = Status(
            id=status_id,
            account_id=author_id,
            created_at=NOW,
            visibility=visibility,  # type: ignore[arg-type]
            source="hi",
            content_type="text/plain",
            content="<p>hi</p>",
            context_id=context_id or status_id,
            mentioned_ids=mentioned,
            reblog_of_id=reblog_of,
        )
        statuses = getattr(self.stores, "statuses", None)
        if statuses is not None:
            await statuses.add(status)
            return status_id
        db = self.stores._db
        await db.execute(
            "INSERT INTO statuses (id, account_id, created_at, visibility, source, content_type, content,"
            " context_id, reblog_of_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            status_id,
            author_id,
            0,
            visibility,
            "hi",
            "text/plain",
            "<p>hi</p>",
            status.context_id,
            reblog_of,
        )
        for account_id in mentioned:
            await db.execute(
                "INSERT INTO status_mentions (status_id, account_id) VALUES (?, ?)", status_id, account_id
            )
        return status_id

    async def delete_status(self, status_id: str) -> None:
        statuses = getattr(self.stores, "statuses", None)
        if statuses is not None:
            await statuses.delete(status_id)
        else:
            await self.stores._db.execute("DELETE FROM statuses WHERE id = ?", status_id)

    async def block(self, blocker_id: str, blocked_id: str) -> None:
        await self.stores.social.block(Block(f"b{self._next():06d}", blocker_id, blocked_id, NOW))

    async def mute(self, muter_id: str, muted_id: str, expires_at: datetime | None = None) -> None:
        await self.stores.social.mute(
            Mute(f"m{self._next():06d}", muter_id, muted_id, True, NOW, expires_at=expires_at)
        )


@pytest.fixture
def scene(stores: Any, make: Make) -> Scene:
    return Scene(stores, make)


# --- the SQL a SQL store sends, and how the database answers it ------------------------------------


class Recording:
    """An Executor that keeps every statement it runs."""

    def __init__(self, db: Any) -> None:
        self._db = db
        self.dialect = db.dialect
        self.statements: list[tuple[str, tuple[Any, ...]]] = []

    async def fetch_one(self, sql: str, *args: Any) -> Any:
        self.statements.append((sql, args))
        return await self._db.fetch_one(sql, *args)

    async def fetch_all(self, sql: str, *args: Any) -> list[Any]:
        self.statements.append((sql, args))
        return await self._db.fetch_all(sql, *args)

    async def execute(self, sql: str, *args: Any) -> int:
        self.statements.append((sql, args))
        return await self._db.execute(sql, *args)


async def query_plan(db: Any, sql: str, args: tuple[Any, ...]) -> str:
    if db.dialect.name == "sqlite":
        rows = await db.fetch_all("EXPLAIN QUERY PLAN " + sql, *args)
        return "\n".join(r["detail"] for r in rows)
    async with db.transaction() as tx:  # with sequential scans priced out, an unusable index shows
        await tx.execute("SET LOCAL enable_seqscan = off")
        rows = await tx.fetch_all("EXPLAIN " + sql, *args)
    return "\n".join(r["QUERY PLAN"] for r in rows)


@pytest.fixture
def recording() -> type[Recording]:
    """`recording(db)`: an Executor over `db` that keeps the statements a store sends."""
    return Recording


@pytest.fixture
def plan():  # type: ignore[no-untyped-def]
    """`await plan(db, sql, args)`: the database's plan for a statement, as text."""
    return query_plan
