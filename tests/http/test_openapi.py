"""GET /api/openapi: a valid OpenAPI 3.1 document generated from the route table, one per app."""

from __future__ import annotations

from typing import Any

import msgspec
import pytest
from openapi_spec_validator import validate
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Mount, Route
from starlette.testclient import TestClient

from plerome.entrypoints.asgi import create_app
from plerome.entrypoints.http import openapi
from plerome.entrypoints.http.json import Json
from plerome.entrypoints.http.routing import ApiRoute, Doc, RouteTable


def refs(node: Any) -> list[str]:
    if isinstance(node, dict):
        found = [node["$ref"]] if isinstance(node.get("$ref"), str) else []
        return found + [r for v in node.values() for r in refs(v)]
    if isinstance(node, list):
        return [r for v in node for r in refs(v)]
    return []


def resolve(document: dict[str, Any], ref: str) -> Any:
    node: Any = document
    for part in ref.removeprefix("#/").split("/"):
        node = node[part]
    return node


def test_the_served_document_is_valid_openapi_3_1(client):
    r = client.get("/api/openapi")
    assert r.status_code == 200
    assert r.headers["content-type"] == "application/json"
    document = r.json()
    assert document["openapi"] == "3.1.0"
    validate(document)


def test_every_ref_points_into_the_document(client):
    document = client.get("/api/openapi").json()
    found = refs(document)
    assert found, "the entity schemas are referenced, not inlined"
    for ref in found:
        assert ref.startswith("#/components/"), ref
        assert resolve(document, ref) is not None


def test_every_routed_path_and_method_is_documented(client):
    document = client.get("/api/openapi").json()
    routed = set()
    for route in client.app.routes:
        assert isinstance(route, Route), "walk Mounts here too once the app has them"
        for method in route.methods or ():
            if method != "HEAD":
                routed.add((route.path_format, method.lower()))
    documented = {(path, method) for path, item in document["paths"].items() for method in item}
    assert routed == documented
    assert {("/api/v1/apps", "post"), ("/oauth/token", "post"), ("/api/openapi", "get")} <= documented


def test_a_doc_becomes_parameters_body_responses_and_security(client):
    paths = client.get("/api/openapi").json()["paths"]

    apps = paths["/api/v1/apps"]["post"]
    assert apps["summary"] == "Register an OAuth app"
    body = apps["requestBody"]
    assert body["required"] is True
    assert set(body["content"]) == {
        "application/json",
        "application/x-www-form-urlencoded",
        "multipart/form-data",
    }
    assert body["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/CreateApp"}
    assert apps["responses"]["200"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/AppEntity"
    }
    assert "security" not in apps

    me = paths["/api/v1/accounts/verify_credentials"]["get"]
    assert "requestBody" not in me
    assert me["parameters"] == [
        {
            "name": "with_pleroma_settings",
            "in": "query",
            "required": False,
            "schema": {"type": "boolean", "default": False},
        }
    ]
    assert {"oauth2": ["read:accounts"]} in me["security"]
    assert {"basic": []} in me["security"]
    assert {} not in me["security"], "the route needs a user"

    app_only = paths["/api/v1/apps/verify_credentials"]["get"]
    assert {"bearer": []} in app_only["security"]
    assert {"basic": []} not in app_only["security"], "a password login has no app"


def test_components_describe_the_structs_and_the_error(client):
    document = client.get("/api/openapi").json()
    schemas = document["components"]["schemas"]
    create = schemas["CreateApp"]
    assert set(create["required"]) == {"client_name", "redirect_uris"}
    assert schemas["ApiError"]["required"] == ["error"]
    oauth2 = document["components"]["securitySchemes"]["oauth2"]
    assert oauth2["flows"]["password"]["tokenUrl"] == "http://127.0.0.1:4000/oauth/token"
    assert "read:accounts" in oauth2["flows"]["password"]["scopes"]
    assert document["servers"] == [{"url": "http://127.0.0.1:4000"}]


def test_the_document_is_built_once_per_app_and_kept_on_that_app(make_settings):
    first, second = create_app(make_settings()), create_app(make_settings(instance_name="other"))
    assert openapi.document(first) is openapi.document(first)
    assert openapi.document(first) is not openapi.document(second)
    assert openapi.document(second)["info"]["title"] == "other"
    with TestClient(first) as c:
        assert c.get("/api/openapi").content == c.get("/api/openapi").content


def test_a_route_added_to_one_app_appears_in_its_document_only(make_settings):
    class Echo(msgspec.Struct):
        text: str

    async def echo(request: Request) -> Response:
        return Json({"text": request.query_params.get("text", "")})

    extended, plain = create_app(make_settings()), create_app(make_settings())
    extended.router.routes.append(
        ApiRoute("/api/v1/echo", echo, methods=["GET"], doc=Doc("Echo", Echo, Echo))
    )
    assert "/api/v1/echo" in openapi.document(extended)["paths"]
    assert "/api/v1/echo" not in openapi.document(plain)["paths"]
    validate(openapi.document(extended))


class Item(msgspec.Struct):
    name: str
    tags: list[str] = []
    nested: dict[str, int] = {}


class ItemQuery(msgspec.Struct):
    id: str = ""  # shadowed by the path parameter of the same name
    limit: int = 20
    kinds: list[str] = []


async def _ok(request: Request) -> Response:
    return JSONResponse({})


def test_paths_parameters_mounts_and_undocumented_routes():
    table = RouteTable()
    table.add(
        "/api/v1/items/{id}", _ok, ["GET"], Doc("An item", ItemQuery, Item, auth="optional", scopes=("read",))
    )
    table.add(
        "/api/v1/items/{id}", _ok, ["PUT", "DELETE"], Doc("Change an item", Item, Item, auth="required")
    )
    table.add("/api/v1/files/{key:path}", _ok, ["GET"], Doc("A file", None, None, content_type="text/plain"))
    table.add(
        "/api/v1/counts/{n:int}", _ok, ["POST"], Doc("Count", None, list[Item], status=201, auth="admin")
    )
    routes = [
        *table.routes,
        Route("/healthz", lambda r: PlainTextResponse("ok"), name="healthz"),
        Mount("/sub/{tenant}", routes=[Route("/ping", _ok, methods=["GET", "OPTIONS"])]),
        Mount("/static", app=PlainTextResponse("static")),
    ]
    document = openapi.build_document(routes, title="t", base_url="https://example.test/social")
    validate(document)
    paths = document["paths"]
    assert set(paths) == {
        "/api/v1/items/{id}",
        "/api/v1/files/{key}",
        "/api/v1/counts/{n}",
        "/healthz",
        "/sub/{tenant}/ping",
        "/static/{path}",
    }

    get_item = paths["/api/v1/items/{id}"]["get"]
    names = [(p["name"], p["in"]) for p in get_item["parameters"]]
    assert names == [("id", "path"), ("limit", "query"), ("kinds", "query")]
    assert next(p for p in get_item["parameters"] if p["name"] == "kinds")["schema"]["type"] == "array"
    assert get_item["security"][0] == {}, "anonymous callers are served"
    assert {"oauth2": ["read"]} in get_item["security"]
    assert set(paths["/api/v1/items/{id}"]) == {"get", "put", "delete"}, "HEAD goes with GET"
    assert paths["/api/v1/items/{id}"]["delete"]["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Item"
    }

    file_get = paths["/api/v1/files/{key}"]["get"]
    assert file_get["parameters"] == [
        {"name": "key", "in": "path", "required": True, "schema": {"type": "string"}}
    ]
    assert file_get["responses"]["200"]["content"] == {"text/plain": {"schema": {"type": "string"}}}

    counts = paths["/api/v1/counts/{n}"]["post"]
    assert counts["parameters"][0]["schema"]["type"] == "integer"
    assert counts["responses"]["201"]["content"]["application/json"]["schema"]["type"] == "array"
    assert "admin" in counts["description"]

    assert paths["/healthz"]["get"]["summary"] == "healthz"
    assert set(paths["/sub/{tenant}/ping"]) == {"get", "options"}
    assert paths["/sub/{tenant}/ping"]["get"]["parameters"][0]["name"] == "tenant"
    assert (
        document["components"]["securitySchemes"]["oauth2"]["flows"]["authorizationCode"]["authorizationUrl"]
        == "https://example.test/social/oauth/authorize"
    )

    ids = [op["operationId"] for item in paths.values() for op in item.values()]
    assert len(ids) == len(set(ids))


def test_trailing_slash_twins_get_distinct_operation_ids():
    table = RouteTable()
    table.add("/api/v1/instance", _ok, ["GET"], Doc("Instance"))
    table.add("/api/v1/instance/", _ok, ["GET"], Doc("Instance"))
    document = openapi.build_document(table.routes, title="t", base_url="")
    validate(document)
    ids = {document["paths"][p]["get"]["operationId"] for p in ("/api/v1/instance", "/api/v1/instance/")}
    assert len(ids) == 2


def test_a_struct_named_like_the_error_schema_is_refused():
    class ApiError(msgspec.Struct):
        code: int

    table = RouteTable()
    table.add("/x", _ok, ["GET"], Doc("x", None, ApiError))
    with pytest.raises(ValueError, match="ApiError"):
        openapi.build_document(table.routes, title="t", base_url="")


def test_the_document_is_served_when_mounted_under_a_prefix(make_settings):
    inner = create_app(make_settings(base_url="http://host.test/social"))
    host = Starlette(routes=[Mount("/social", app=inner)])
    with TestClient(host) as c:
        r = c.get("/social/api/openapi")
        assert r.status_code == 200
        assert r.json()["servers"] == [{"url": "http://host.test/social"}]
        assert "/api/v1/apps" in r.json()["paths"]


# The shared `client` fixture checks every answer against the document; these prove the check bites.


def _lying_app(make_settings, body: Any, status: int = 200, media: str = "application/json") -> Starlette:
    class Shape(msgspec.Struct):
        id: str
        count: int

    async def lie(request: Request) -> Response:
        return Response(msgspec.json.encode(body), status_code=status, media_type=media)

    app = create_app(make_settings())
    app.router.routes.append(ApiRoute("/api/v1/shape", lie, methods=["GET"], doc=Doc("A shape", None, Shape)))
    return app


def test_the_response_check_accepts_a_conforming_answer(make_settings, checked_client):
    c = checked_client(_lying_app(make_settings, {"id": "1", "count": 2}))
    assert c.get("/api/v1/shape").status_code == 200


def test_the_response_check_refuses_an_answer_off_its_schema(make_settings, checked_client):
    c = checked_client(_lying_app(make_settings, {"id": 1}))
    with pytest.raises(AssertionError, match=r"GET /api/v1/shape answered 200.*not matching"):
        c.get("/api/v1/shape")


def test_the_response_check_refuses_an_error_that_is_not_an_error_object(make_settings, checked_client):
    c = checked_client(_lying_app(make_settings, {"message": "nope"}, status=400))
    with pytest.raises(AssertionError, match="not matching"):
        c.get("/api/v1/shape")
    c = checked_client(_lying_app(make_settings, "nope", status=403, media="text/plain"))
    with pytest.raises(AssertionError, match="errors must be JSON"):
        c.get("/api/v1/shape")


def test_the_response_check_covers_unrouted_paths(client):
    r = client.get("/api/v1/no/such/thing")
    assert r.status_code == 404
    assert client.event_hooks["response"], "the shared client is checked"
