"""Domain errors become HTTP answers here, and only here."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from plerome.domain.errors import (
    AccountBlocked,
    Conflict,
    DomainError,
    Forbidden,
    InvalidCredentials,
    NotFound,
    Throttled,
    TooLarge,
    Unauthorized,
    Unprocessable,
)

from .json import Json

log = logging.getLogger("plerome.http")

# Pleroma answers missing credentials with 403, not 401.
STATUS: dict[type[DomainError], int] = {
    NotFound: 404,
    InvalidCredentials: 400,
    AccountBlocked: 403,
    Forbidden: 403,
    Unauthorized: 403,
    Unprocessable: 422,
    Conflict: 409,
    TooLarge: 413,
    Throttled: 429,
    DomainError: 400,
}


@dataclass(frozen=True)
class ErrorPolicy:
    """How one group of routes answers some errors differently from the table above.

    A value is a status code, or (status code, replacement message).
    """

    overrides: Mapping[type[DomainError], int | tuple[int, str]] = field(default_factory=dict)


DEFAULT = ErrorPolicy()


def error_response(exc: DomainError, policy: ErrorPolicy = DEFAULT) -> Response:
    message = exc.message
    status = None
    for cls in type(exc).__mro__:
        if cls in policy.overrides:
            rule = policy.overrides[cls]
            status, message = rule if isinstance(rule, tuple) else (rule, message)
            break
        if cls in STATUS:
            status = STATUS[cls]
            break
    body: dict[str, object] = {"error": message}
    headers = {}
    if isinstance(exc, AccountBlocked):
        body["identifier"] = exc.identifier
    if isinstance(exc, Throttled):
        headers["Retry-After"] = str(exc.retry_after)
    return Json(body, status_code=status or 400, headers=headers)


def internal_error(request: Request, exc: Exception) -> Response:
    log.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return Json({"error": "Internal server error"}, status_code=500)


# Starlette's router raises HTTPException for paths and methods nothing serves.
HTTP_TEXT = {404: "Not found", 405: "Method not allowed"}


async def http_error(request: Request, exc: Exception) -> Response:
    """Starlette's HTTPException (an unrouted path, a method the route lacks) as a JSON error."""
    if not isinstance(exc, HTTPException):
        return internal_error(request, exc)
    status = exc.status_code
    if status in (204, 304):  # no body allowed
        return Response(status_code=status, headers=exc.headers)
    return Json({"error": HTTP_TEXT.get(status, exc.detail)}, status_code=status, headers=exc.headers)
