"""Cross-origin access for browser clients, as Mastodon and Pleroma allow it: any origin, no cookies.

Only the API surfaces get CORS headers (`/api/*`, the token endpoints, nodeinfo and `.well-known`);
pages such as `/oauth/authorize` stay same-origin. Paths are taken relative to `root_path`, so the
rules hold when plerome is mounted under a prefix. On those paths every OPTIONS request is a
preflight answered here (as Pleroma's CORS plug does); no route serves OPTIONS itself.
"""

from __future__ import annotations

import re

from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

CORS_PREFIXES = ("/api/", "/nodeinfo/", "/.well-known/")
CORS_PATHS = frozenset({"/oauth/token", "/oauth/revoke"})
ALLOW_METHODS = "GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS"
ALLOW_HEADERS = ("Authorization", "Content-Type", "Idempotency-Key")
EXPOSE_HEADERS = (
    "Link, X-RateLimit-Reset, X-RateLimit-Limit, X-RateLimit-Remaining, X-Request-Id, Idempotency-Key"
)
MAX_AGE = "86400"
_HEADER_NAME = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")


def route_path(scope: Scope) -> str:
    """The request path inside this app: without the prefix it is mounted under."""
    path: str = scope["path"]
    root: str = scope.get("root_path", "")
    if root and path.startswith(root) and path[len(root) : len(root) + 1] in ("", "/"):
        return path[len(root) :] or "/"
    return path


def applies(path: str) -> bool:
    return path in CORS_PATHS or path.startswith(CORS_PREFIXES)


def _allowed_headers(requested: str) -> str:
    """The standard headers plus whatever the preflight asks for (if it is a header name at all)."""
    names = list(ALLOW_HEADERS)
    known = {n.lower() for n in names}
    for raw in requested.split(","):
        name = raw.strip()
        if name and _HEADER_NAME.fullmatch(name) and name.lower() not in known:
            names.append(name)
            known.add(name.lower())
    return ", ".join(names)


class Cors:
    """Pure ASGI middleware: answers preflights itself and adds the headers to every other answer."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not applies(route_path(scope)):
            await self.app(scope, receive, send)
            return
        if scope["method"] == "OPTIONS":
            await self._preflight(scope, send)
            return

        async def send_with_cors(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers.setdefault("Access-Control-Allow-Origin", "*")
                headers.setdefault("Access-Control-Expose-Headers", EXPOSE_HEADERS)
            await send(message)

        await self.app(scope, receive, send_with_cors)

    async def _preflight(self, scope: Scope, send: Send) -> None:
        requested = Headers(scope=scope).get("access-control-request-headers", "")
        headers = [
            (b"access-control-allow-origin", b"*"),
            (b"access-control-allow-methods", ALLOW_METHODS.encode()),
            (b"access-control-allow-headers", _allowed_headers(requested).encode("latin-1")),
            (b"access-control-expose-headers", EXPOSE_HEADERS.encode()),
            (b"access-control-max-age", MAX_AGE.encode()),
        ]
        await send({"type": "http.response.start", "status": 204, "headers": headers})
        await send({"type": "http.response.body", "body": b""})
