"""GET /api/openapi: an OpenAPI 3.1 document generated from the route table.

Every `ApiRoute` carries a `Doc` (summary, params Struct, response type, auth, scopes, status); msgspec
describes the Structs, so a new route appears here with no hand-written schema. Plain Starlette
routes appear with a minimal operation. The document is built on first request and kept on the app.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from http import HTTPStatus
from importlib.metadata import PackageNotFoundError, version
from typing import Any

import msgspec
from starlette.applications import Starlette
from starlette.convertors import Convertor, FloatConvertor, IntegerConvertor, UUIDConvertor
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Mount, Route, compile_path

from plerome.domain.oauth import KNOWN_SCOPES

from .routing import ApiRoute, Doc, RouteTable
from .web import Web

OPENAPI_PATH = "/api/openapi"
SCHEMAS = "#/components/schemas/"
ERROR = "ApiError"  # the component every error answer conforms to
BODY_TYPES = ("application/json", "application/x-www-form-urlencoded", "multipart/form-data")
_STATE_KEY = "openapi"
_NOT_ID = re.compile(r"[^A-Za-z0-9]+")


@dataclass(frozen=True)
class Operation:
    """One routed path and method, as the document lists it."""

    path: str  # OpenAPI form: `{key:path}` is `{key}`
    method: str  # lower case
    route: BaseRoute
    convertors: dict[str, Convertor[Any]]

    @property
    def doc(self) -> Doc | None:
        return self.route.doc if isinstance(self.route, ApiRoute) else None


def operations(routes: list[BaseRoute]) -> Iterator[Operation]:
    """Every routed path and method, Mounts walked; HEAD is left out where GET serves it."""
    yield from _walk(routes, "", {})


def _walk(routes: list[BaseRoute], prefix: str, convertors: dict[str, Convertor[Any]]) -> Iterator[Operation]:
    for route in routes:
        if isinstance(route, Route):
            methods = route.methods or {"GET"}
            params = {**convertors, **route.param_convertors}
            for method in sorted(methods):
                if method == "HEAD" and "GET" in methods:
                    continue
                yield Operation(prefix + route.path_format, method.lower(), route, params)
        elif isinstance(route, Mount):
            _, mount_format, mount_convertors = compile_path(route.path)
            inner = {**convertors, **mount_convertors}
            if route.routes:
                yield from _walk(route.routes, prefix + mount_format, inner)
            else:  # an opaque ASGI app (static files...): everything under the prefix
                inner = {**convertors, **route.param_convertors}
                yield Operation(prefix + route.path_format, "get", route, inner)


def _package_version() -> str:
    try:
        return version("plerome")
    except PackageNotFoundError:  # running from a source tree that is not installed
        return "0"


class _Builder:
    def __init__(self, ops: list[Operation]) -> None:
        self.ops = ops
        types: list[Any] = []
        for op in ops:
            if op.doc is not None:
                types += [op.doc.params, op.doc.response]
        found = [t for t in dict.fromkeys(types) if t is not None]
        schemas, self.components = msgspec.json.schema_components(found, ref_template=SCHEMAS + "{name}")
        if ERROR in self.components:
            raise ValueError(f"a Struct may not be named {ERROR}: the error schema has that name")
        self.schema_of = dict(zip(found, schemas, strict=True))
        self.operation_ids: set[str] = set()

    def struct_fields(self, struct: type) -> tuple[dict[str, Any], set[str]]:
        """The properties of a params Struct's schema, and which of them are required."""
        ref = self.schema_of[struct].get("$ref", "")
        schema = self.components.get(ref.removeprefix(SCHEMAS), {})
        return schema.get("properties", {}), set(schema.get("required", ()))

    def operation(self, op: Operation) -> dict[str, Any]:
        out: dict[str, Any] = {"operationId": self._operation_id(op)}
        parameters = [_path_parameter(name, conv) for name, conv in op.convertors.items()]
        doc = op.doc
        if doc is None:
            out["summary"] = getattr(op.route, "name", None) or "Undocumented route"
            out["responses"] = {"default": {"description": "Not described by the route table"}}
            if parameters:
                out["parameters"] = parameters
            return out
        out["summary"] = doc.summary
        out["tags"] = list(doc.tags) or [_module_tag(op.route)]
        if doc.params is not None:
            if op.method in ("get", "head"):
                properties, required = self.struct_fields(doc.params)
                parameters += [
                    _query_parameter(name, schema, name in required)
                    for name, schema in properties.items()
                    if name not in op.convertors
                ]
            else:
                body_schema = self.schema_of[doc.params]
                _, required = self.struct_fields(doc.params)
                out["requestBody"] = {
                    "required": bool(required),
                    "content": {media: {"schema": body_schema} for media in BODY_TYPES},
                }
        if parameters:
            out["parameters"] = parameters
        out["responses"] = {
            str(doc.status): self._success(doc),
            "default": {"$ref": "#/components/responses/Error"},
        }
        security = _security(doc)
        if security is not None:
            out["security"] = security
            out["description"] = _auth_text(doc)
        return out

    def _success(self, doc: Doc) -> dict[str, Any]:
        answer: dict[str, Any] = {"description": _phrase(doc.status)}
        if doc.response is not None:
            answer["content"] = {doc.content_type: {"schema": self.schema_of[doc.response]}}
        elif doc.content_type != "application/json" and doc.status != 204:
            answer["content"] = {doc.content_type: {"schema": {"type": "string"}}}
        return answer

    def _operation_id(self, op: Operation) -> str:
        base = (op.method + _NOT_ID.sub("_", op.path)).rstrip("_")
        if op.path.endswith("/"):  # Mastodon.py's trailing-slash spellings are routes of their own
            base += "_slash"
        candidate, n = base, 1
        while candidate in self.operation_ids:
            n += 1
            candidate = f"{base}_{n}"
        self.operation_ids.add(candidate)
        return candidate

    def document(self, title: str, base_url: str) -> dict[str, Any]:
        paths: dict[str, dict[str, Any]] = {}
        for op in self.ops:
            paths.setdefault(op.path, {})[op.method] = self.operation(op)
        scopes = {scope: _scope_text(scope) for scope in sorted(KNOWN_SCOPES)}
        token_url = base_url + "/oauth/token"
        return {
            "openapi": "3.1.0",
            "info": {
                "title": title,
                "version": _package_version(),
                "description": "The Pleroma client API, as served by plerome.",
            },
            "servers": [{"url": base_url or "/"}],
            "paths": paths,
            "components": {
                "schemas": {
                    **self.components,
                    ERROR: {
                        "type": "object",
                        "properties": {"error": {"type": "string"}},
                        "required": ["error"],
                    },
                },
                "responses": {
                    "Error": {
                        "description": "The request was refused; `error` says why",
                        "content": {"application/json": {"schema": {"$ref": SCHEMAS + ERROR}}},
                    }
                },
                "securitySchemes": {
                    "oauth2": {
                        "type": "oauth2",
                        "description": "A token's scope grants itself and its children: `read` covers "
                        "`read:accounts`. Where an operation lists several scopes, any one of them will do.",
                        "flows": {
                            "authorizationCode": {
                                "authorizationUrl": base_url + "/oauth/authorize",
                                "tokenUrl": token_url,
                                "refreshUrl": token_url,
                                "scopes": scopes,
                            },
                            "password": {"tokenUrl": token_url, "refreshUrl": token_url, "scopes": scopes},
                            "clientCredentials": {"tokenUrl": token_url, "scopes": scopes},
                        },
                    },
                    "bearer": {"type": "http", "scheme": "bearer", "description": "An OAuth access token"},
                    "basic": {
                        "type": "http",
                        "scheme": "basic",
                        "description": "Nickname or email and password; scopes are not checked",
                    },
                    "accessToken": {
                        "type": "apiKey",
                        "in": "query",
                        "name": "access_token",
                        "description": "An OAuth access token as a parameter",
                    },
                    "session": {
                        "type": "apiKey",
                        "in": "cookie",
                        "name": "_pleroma_key",
                        "description": "The signed session cookie set by the login form",
                    },
                },
            },
        }


def _phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return f"Status {status}"


def _scope_text(scope: str) -> str:
    parent, _, child = scope.partition(":")
    return f"{parent} access to {child}" if child else f"{scope} access"


def _module_tag(route: BaseRoute) -> str:
    module = getattr(getattr(route, "endpoint", None), "__module__", "") or ""
    return module.rpartition(".")[2] or "api"


def _path_parameter(name: str, convertor: Convertor[Any]) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "string"}
    if isinstance(convertor, IntegerConvertor):
        schema = {"type": "integer", "minimum": 0}
    elif isinstance(convertor, FloatConvertor):
        schema = {"type": "number", "minimum": 0}
    elif isinstance(convertor, UUIDConvertor):
        schema = {"type": "string", "format": "uuid"}
    return {"name": name, "in": "path", "required": True, "schema": schema}


def _query_parameter(name: str, schema: dict[str, Any], required: bool) -> dict[str, Any]:
    parameter: dict[str, Any] = {"name": name, "in": "query", "required": required, "schema": schema}
    if any(s.get("type") == "array" for s in [schema, *schema.get("anyOf", ())]):
        parameter["description"] = f"Repeat as `{name}[]=a&{name}[]=b` (or `{name}=a&{name}=b`)"
    return parameter


Requirement = dict[str, list[str]]
_ANY_TOKEN: list[Requirement] = [{"bearer": []}, {"accessToken": []}, {"session": []}]


def _security(doc: Doc) -> list[Requirement] | None:
    """Alternatives a caller may satisfy; None where no credentials are read."""
    if doc.auth == "none":
        return None
    oauth: list[Requirement] = [{"oauth2": [scope]} for scope in doc.scopes] or [{"oauth2": []}]
    if doc.auth == "app":
        return oauth + _ANY_TOKEN
    users: list[Requirement] = [*oauth, *_ANY_TOKEN, {"basic": []}]
    return [{}, *users] if doc.auth == "optional" else users


def _auth_text(doc: Doc) -> str:
    scopes = " or ".join(f"`{s}`" for s in doc.scopes)
    needs = f" holding {scopes}" if scopes else ""
    return {
        "optional": f"Anonymous callers are served; a logged-in caller{needs} sees more.",
        "required": f"Needs a logged-in user (a token{needs}, or HTTP Basic).",
        "admin": f"Needs an admin account (a token{needs}, or HTTP Basic).",
        "app": "Needs an app or user token.",
    }.get(doc.auth, f"Authentication: {doc.auth}")


def build_document(routes: list[BaseRoute], *, title: str, base_url: str) -> dict[str, Any]:
    return _Builder(list(operations(routes))).document(title, base_url)


def document(app: Starlette) -> dict[str, Any]:
    """The app's document, built on first use and kept on that app instance."""
    cached = getattr(app.state, _STATE_KEY, None)
    if cached is None:
        services = getattr(app.state, "services", None)
        settings = services.settings if services is not None else None
        cached = build_document(
            app.routes,
            title=settings.instance_name if settings else "plerome",
            base_url=settings.base_url if settings else "",
        )
        setattr(app.state, _STATE_KEY, cached)
    return cached


def routes(web: Web) -> list[BaseRoute]:
    async def openapi(request: Request) -> Response:
        encoded = getattr(request.app.state, "openapi_json", None)
        if encoded is None:
            encoded = msgspec.json.encode(document(request.app))
            request.app.state.openapi_json = encoded
        return Response(encoded, media_type="application/json")

    table = RouteTable()
    table.add(OPENAPI_PATH, openapi, ["GET"], Doc("This OpenAPI document", response=dict[str, Any]))
    return table.routes
