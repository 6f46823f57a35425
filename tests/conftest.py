"""Shared fixtures: a fresh app per test on in-memory stores, with cheap argon2 parameters."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import os
import re
import secrets
import threading
from collections.abc import AsyncIterator, Callable, Coroutine, Iterator
from typing import Any, TypeVar
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import asyncpg
import httpx
import pytest
from jsonschema import Draft202012Validator
from jsonschema.exceptions import best_match
from starlette.testclient import TestClient

from plerome.adapters.memory import MemoryStores
from plerome.adapters.postgres import PostgresDatabase
from plerome.adapters.sql import SqlStores
from plerome.adapters.sqlite import SqliteDatabase
from plerome.domain.usecases.accounts import create_account
from plerome.domain.usecases.oauth import cli_token
from plerome.entrypoints.asgi import create_app
from plerome.entrypoints.http import openapi
from plerome.entrypoints.settings import Settings

CHEAP_ARGON2 = {"argon2_time_cost": 1, "argon2_memory_cost": 8, "argon2_parallelism": 1}


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
def make_settings(tmp_path, database_url) -> Callable[..., Settings]:
    def make(**overrides: Any) -> Settings:
        values: dict[str, Any] = {
            "database_url": database_url,
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
        check_responses(c)
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


# -- databases: memory, SQLite in tmp_path, and Postgres in one fresh schema per test run

STORE_KINDS = ["memory", "sqlite", "postgres"]
T = TypeVar("T")


def run_async(make: Callable[[], Coroutine[Any, Any, T]]) -> T:
    """Run a coroutine to completion from synchronous fixture code, in a thread with its own loop
    (so it never meets a loop the test runner keeps in this thread)."""
    outcome: dict[str, Any] = {}

    def target() -> None:
        try:
            outcome["value"] = asyncio.run(make())
        except BaseException as exc:
            outcome["error"] = exc

    thread = threading.Thread(target=target)
    thread.start()
    thread.join()
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


def postgres_url() -> str:
    """PLEROME_TEST_POSTGRES_URL, or skip (fail under PLEROME_REQUIRE_POSTGRES=1); never probes a server."""
    url = os.environ.get("PLEROME_TEST_POSTGRES_URL", "")
    if not url:
        if os.environ.get("PLEROME_REQUIRE_POSTGRES") == "1":
            pytest.fail("PLEROME_REQUIRE_POSTGRES=1 but PLEROME_TEST_POSTGRES_URL is not set")
        pytest.skip("Postgres tests skipped: PLEROME_TEST_POSTGRES_URL not set")
    return url


def with_search_path(url: str, schema: str) -> str:
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query) if k != "search_path"] + [("search_path", schema)]
    return urlunsplit(parts._replace(query=urlencode(query)))


def new_schema_name() -> str:
    return f"plerome_test_{os.getpid()}_{secrets.token_hex(4)}"


async def create_schema(url: str, schema: str) -> None:
    conn = await asyncpg.connect(url)
    try:
        await conn.execute(f'CREATE SCHEMA "{schema}"')
    finally:
        await conn.close()


async def drop_schema(url: str, schema: str) -> None:
    conn = await asyncpg.connect(url)
    try:
        await conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
    finally:
        await conn.close()


async def truncate_all(db: PostgresDatabase) -> None:
    """Empty every table but the migration record (new tables from later migrations included)."""
    rows = await db.fetch_all(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()"
        " AND table_type = 'BASE TABLE' AND table_name <> 'schema_migrations'"
    )
    if rows:
        names = ", ".join(f'"{r["table_name"]}"' for r in rows)
        await db.execute(f"TRUNCATE {names} RESTART IDENTITY CASCADE")


@pytest.fixture(scope="session")
def postgres_session_url() -> Iterator[str]:
    """A DSN selecting one fresh, migrated schema for this test run; the schema is dropped at the end."""
    base = postgres_url()
    schema = new_schema_name()
    url = with_search_path(base, schema)

    async def setup() -> None:
        await create_schema(base, schema)
        db = PostgresDatabase(url, pool_size=1, auto_migrate=False)
        try:
            await db.migrate()
        finally:
            await db.close()

    run_async(setup)
    try:
        yield url
    finally:
        run_async(lambda: drop_schema(base, schema))


@pytest.fixture
async def fresh_postgres_url() -> AsyncIterator[str]:
    """A DSN selecting an empty schema of this test's own (not migrated), dropped afterwards."""
    base = postgres_url()
    schema = new_schema_name()
    await create_schema(base, schema)
    try:
        yield with_search_path(base, schema)
    finally:
        await drop_schema(base, schema)


@pytest.fixture(params=STORE_KINDS)
def store_kind(request) -> str:
    if request.param == "postgres":
        postgres_url()
    return str(request.param)


@pytest.fixture
async def stores(store_kind, tmp_path, request) -> AsyncIterator[Any]:
    """Every repository on one backend: each test runs once per kind in STORE_KINDS."""
    if store_kind == "memory":
        yield MemoryStores()
        return
    db: SqliteDatabase | PostgresDatabase
    if store_kind == "sqlite":
        db = SqliteDatabase(str(tmp_path / "contract.sqlite3"), readers=2)
    else:
        db = PostgresDatabase(
            request.getfixturevalue("postgres_session_url"), pool_size=4, auto_migrate=False
        )
        await truncate_all(db)
    try:
        yield SqlStores(db)
    finally:
        await db.close()


@pytest.fixture
def database_url_for(tmp_path, request) -> Callable[[str], str]:
    """The URL of a fresh, empty store of the named kind (for apps built from Settings)."""

    def url(kind: str) -> str:
        if kind == "memory":
            return "memory://"
        if kind == "sqlite":
            return f"sqlite:///{tmp_path / 'app.sqlite3'}"
        if kind == "postgres":
            pg_url = request.getfixturevalue("postgres_session_url")

            async def empty() -> None:
                db = PostgresDatabase(pg_url, pool_size=1, auto_migrate=False)
                try:
                    await truncate_all(db)
                finally:
                    await db.close()

            run_async(empty)
            return str(pg_url)
        raise ValueError(f"unknown store kind {kind!r}")

    return url


@pytest.fixture
def database_url(request, database_url_for) -> str:
    """The store the app under test uses: memory, unless a module runs on several with
    `pytestmark = pytest.mark.parametrize("database_url", ["memory", "sqlite"], indirect=True)`."""
    return database_url_for(getattr(request, "param", "memory"))


# --- Every answer the shared `client` gets is checked against the app's OpenAPI document -------------


class ResponseChecker:
    """An httpx response hook: a documented route's answer with its documented status must match the
    response schema; an error answer of a JSON route, or of an unrouted path, must be `{"error": ...}`.
    Validators are built once per app and per operation, on first use."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.ops: list[tuple[re.Pattern[str], openapi.Operation]] | None = None
        self.validators: dict[tuple[str, str, int], Draft202012Validator] = {}

    def _load(self) -> list[tuple[re.Pattern[str], openapi.Operation]]:
        if self.ops is None:  # on the first answer: a test that sends nothing pays nothing
            self.document = openapi.document(self.app)
            self.components = self.document["components"]
            self.error = self._validator({"$ref": openapi.SCHEMAS + openapi.ERROR})
            self.ops = [(self._regex(op), op) for op in openapi.operations(self.app.routes)]
        return self.ops

    @staticmethod
    def _regex(op: openapi.Operation) -> re.Pattern[str]:
        parts = re.split(r"\{(\w+)\}", op.path)
        pattern = "".join(
            re.escape(part) if i % 2 == 0 else f"(?:{op.convertors[part].regex})"
            for i, part in enumerate(parts)
        )
        return re.compile(f"^{pattern}$")

    def _validator(self, schema: dict[str, Any]) -> Draft202012Validator:
        return Draft202012Validator({**schema, "components": self.components})

    def match(self, method: str, path: str) -> openapi.Operation | None:
        method = "get" if method == "HEAD" else method.lower()
        return next((op for regex, op in self._load() if op.method == method and regex.match(path)), None)

    def __call__(self, response: httpx.Response) -> None:
        request = response.request
        status = response.status_code
        if request.method == "HEAD" or 300 <= status < 400:
            return
        op = self.match(request.method, request.url.path)
        if op is not None and op.doc is None:
            return  # a plain Starlette route: nothing is documented about it
        content_type = response.headers.get("content-type", "")
        where = f"{request.method} {request.url.path} answered {status} ({content_type or 'no type'})"
        if op is not None and op.doc is not None and status == op.doc.status:
            answer = self.document["paths"][op.path][op.method]["responses"][str(status)]
            schema = answer.get("content", {}).get("application/json", {}).get("schema")
            if schema is not None:
                assert content_type.startswith("application/json"), f"{where}, documented as JSON"
                key = (op.path, op.method, status)
                if key not in self.validators:
                    self.validators[key] = self._validator(schema)
                self._check(self.validators[key], response, where)
        elif status >= 400 and (op is None or op.doc.content_type == "application/json"):
            assert content_type.startswith("application/json"), f"{where}: errors must be JSON"
            self._check(self.error, response, where)

    @staticmethod
    def _check(validator: Draft202012Validator, response: httpx.Response, where: str) -> None:
        response.read()
        error = best_match(validator.iter_errors(response.json()))
        if error is not None:
            at = "".join(f"[{p!r}]" for p in error.absolute_path) or "the body"
            raise AssertionError(f"{where} not matching its OpenAPI schema at {at}: {error.message}")


def check_responses(client: TestClient) -> ResponseChecker:
    """Turn the OpenAPI check on for a TestClient of a plerome app (not one mounted in a host)."""
    checker = ResponseChecker(client.app)
    client.event_hooks = {**client.event_hooks, "response": [*client.event_hooks["response"], checker]}
    return checker


@pytest.fixture
def checked_client() -> Iterator[Callable[..., TestClient]]:
    """A factory of running TestClients for apps built in the test, answers checked like `client`'s."""
    with contextlib.ExitStack() as stack:

        def make(app: Any, **kw: Any) -> TestClient:
            c = stack.enter_context(TestClient(app, **kw))
            check_responses(c)
            return c

        yield make


# --- waiting for background jobs ---------------------------------------------------------------------


class JobWatch:
    """Counts the jobs of one kind an app's workers finish (whatever their outcome), so a test can wait
    on that instead of sleeping."""

    WAIT = 30  # seconds: a bound for a broken test, never a pause for a working one

    def __init__(self, svc: Any, kind: str) -> None:
        self.finished = 0
        self.errors: list[BaseException] = []
        self._changed = threading.Condition()
        original = svc.job_handlers[kind]

        async def watched(payload: Any) -> None:
            try:
                await original(payload)
            except Exception as exc:
                self.errors.append(exc)
                raise
            finally:
                with self._changed:
                    self.finished += 1
                    self._changed.notify_all()

        svc.job_handlers[kind] = watched

    def wait(self, count: int = 1) -> None:
        with self._changed:
            assert self._changed.wait_for(lambda: self.finished >= count, self.WAIT), "the job did not finish"
        assert self.errors == []


@pytest.fixture
def job_watch() -> Callable[[Any, str], JobWatch]:
    """`job_watch(services, kind)`: watch the jobs of `kind` that app runs."""
    return JobWatch
