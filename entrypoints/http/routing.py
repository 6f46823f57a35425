"""Routes that carry their own documentation and error policy, and the Pleroma double spelling."""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from plerome.domain.errors import DomainError

from .errors import DEFAULT, ErrorPolicy, error_response, internal_error

Endpoint = Callable[[Request], Awaitable[Response]]

PLEROMA_PREFIXES = ("/api/v1/pleroma", "/api/pleroma")


@dataclass(frozen=True)
class Doc:
    """What the OpenAPI document says of a route; also the single source of its auth rules."""

    summary: str
    params: type | None = None  # msgspec Struct read by `params()` (query and body)
    response: Any = None  # a type msgspec can describe, e.g. AccountEntity or list[Status]
    auth: str = "none"  # "none" | "optional" | "required" | "app" | "admin"
    scopes: tuple[str, ...] = ()
    status: int = 200
    content_type: str = "application/json"
    tags: tuple[str, ...] = ()


class ApiRoute(Route):
    """A Starlette Route whose endpoint answers domain errors through one policy."""

    def __init__(
        self,
        path: str,
        endpoint: Endpoint,
        *,
        methods: Sequence[str],
        doc: Doc,
        policy: ErrorPolicy = DEFAULT,
        name: str | None = None,
    ) -> None:
        self.doc = doc
        self.policy = policy
        super().__init__(path, _guarded(endpoint, policy), methods=list(methods), name=name)


def _guarded(endpoint: Endpoint, policy: ErrorPolicy) -> Endpoint:
    @functools.wraps(endpoint)
    async def run(request: Request) -> Response:
        try:
            return await endpoint(request)
        except DomainError as exc:
            return error_response(exc, policy)
        except ClientDisconnect:  # gone while sending its body: nothing was done, nobody reads this
            return Response(status_code=400)
        except Exception as exc:
            return internal_error(request, exc)
        finally:
            await request.close()  # closes the temporary files of multipart uploads

    return run


@dataclass
class RouteTable:
    """Collects a resource module's routes; `pleroma()` adds both Pleroma spellings of a path."""

    policy: ErrorPolicy = DEFAULT
    routes: list[BaseRoute] = field(default_factory=list)

    def add(self, path: str, endpoint: Endpoint, methods: Sequence[str], doc: Doc) -> None:
        self.routes.append(ApiRoute(path, endpoint, methods=methods, doc=doc, policy=self.policy))

    def pleroma(self, suffix: str, endpoint: Endpoint, methods: Sequence[str], doc: Doc) -> None:
        """Serve `/api/v1/pleroma<suffix>` and `/api/pleroma<suffix>` alike."""
        for prefix in PLEROMA_PREFIXES:
            self.add(prefix + suffix, endpoint, methods, doc)
