"""Shared fixtures: a fresh app per test on in-memory stores, with cheap argon2 parameters."""

from __future__ import annotations

import base64
import contextlib
import re
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from jsonschema import Draft202012Validator
from jsonschema.exceptions import best_match
from starlette.testclient import TestClient

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
