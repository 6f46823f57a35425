"""CORS: any origin may call the API without credentials; pages stay same-origin, mounted or not."""

from __future__ import annotations

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Mount, Route
from starlette.testclient import TestClient

from plerome.entrypoints.asgi import create_app
from plerome.entrypoints.http.cors import Cors, route_path

ORIGIN = {"Origin": "https://fe.example"}


def preflight(client, path: str, method: str = "POST", headers: str | None = None):
    asked = {"Access-Control-Request-Method": method}
    if headers is not None:
        asked["Access-Control-Request-Headers"] = headers
    return client.options(path, headers={**ORIGIN, **asked})


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/apps",
        "/api/v1/accounts/verify_credentials",
        "/api/pleroma/emoji",
        "/api/v1/no/such/thing",
        "/oauth/token",
        "/oauth/revoke",
        "/nodeinfo/2.0.json",
        "/.well-known/nodeinfo",
    ],
)
def test_preflight_on_api_paths_is_204_with_the_allowances(client, path):
    r = preflight(client, path, headers="authorization, content-type, x-csrf-token")
    assert r.status_code == 204
    assert r.content == b""
    assert r.headers["access-control-allow-origin"] == "*"
    assert "access-control-allow-credentials" not in r.headers
    methods = {m.strip() for m in r.headers["access-control-allow-methods"].split(",")}
    assert {"GET", "POST", "PUT", "PATCH", "DELETE"} <= methods
    allowed = {h.strip().lower() for h in r.headers["access-control-allow-headers"].split(",")}
    assert {"authorization", "content-type", "idempotency-key", "x-csrf-token"} <= allowed
    assert int(r.headers["access-control-max-age"]) > 0
    assert "Link" in r.headers["access-control-expose-headers"]


def test_preflight_lists_each_header_once_and_drops_what_is_not_a_header_name(client):
    r = preflight(client, "/api/v1/apps", headers="Authorization, X-Thing, x-thing, bad header, a:b, ,")
    allowed = [h.strip() for h in r.headers["access-control-allow-headers"].split(",")]
    assert allowed == ["Authorization", "Content-Type", "Idempotency-Key", "X-Thing"]


def test_api_answers_carry_cors_headers_on_success_and_on_errors(client):
    created = client.post(
        "/api/v1/apps",
        json={"client_name": "x", "redirect_uris": "urn:ietf:wg:oauth:2.0:oob"},
        headers=ORIGIN,
    )
    refused = client.get("/api/v1/accounts/verify_credentials", headers=ORIGIN)
    unrouted = client.get("/api/v1/no/such/thing", headers=ORIGIN)
    bad_token = client.post("/oauth/token", data={"grant_type": "magic"}, headers=ORIGIN)
    assert [r.status_code for r in (created, refused, unrouted, bad_token)] == [200, 403, 404, 400]
    for r in (created, refused, unrouted, bad_token):
        assert r.headers["access-control-allow-origin"] == "*"
        exposed = {h.strip() for h in r.headers["access-control-expose-headers"].split(",")}
        assert {"Link", "X-RateLimit-Remaining", "X-Request-Id"} <= exposed
        assert "access-control-allow-credentials" not in r.headers


def test_pages_and_other_paths_get_no_cors(client):
    for r in (
        client.get("/oauth/authorize", headers=ORIGIN),
        client.get("/", headers=ORIGIN),
        client.get("/apix/v1/apps", headers=ORIGIN),
    ):
        assert "access-control-allow-origin" not in r.headers
    r = preflight(client, "/oauth/authorize")
    assert r.status_code != 204
    assert "access-control-allow-origin" not in r.headers


def test_cors_rules_follow_the_mount_prefix(make_settings):
    host = Starlette(routes=[Mount("/social", app=create_app(make_settings()))])
    with TestClient(host) as c:
        r = preflight(c, "/social/api/v1/apps")
        assert r.status_code == 204
        assert r.headers["access-control-allow-origin"] == "*"
        r = c.get("/social/api/v1/accounts/verify_credentials", headers=ORIGIN)
        assert r.status_code == 403
        assert r.headers["access-control-allow-origin"] == "*"
        r = c.get("/social/oauth/authorize", headers=ORIGIN)
        assert "access-control-allow-origin" not in r.headers


def test_a_header_the_app_set_itself_is_kept():
    async def own(request: Request) -> Response:
        return PlainTextResponse("x", headers={"Access-Control-Allow-Origin": "https://only.example"})

    with TestClient(Cors(Starlette(routes=[Route("/api/v1/own", own)]))) as c:
        r = c.get("/api/v1/own", headers=ORIGIN)
        assert r.headers.get_list("access-control-allow-origin") == ["https://only.example"]
        assert "Link" in r.headers["access-control-expose-headers"]


@pytest.mark.parametrize(
    ("path", "root_path", "expected"),
    [
        ("/api/v1/apps", "", "/api/v1/apps"),
        ("/social/api/v1/apps", "/social", "/api/v1/apps"),
        ("/social", "/social", "/"),
        ("/socialx/api/v1/apps", "/social", "/socialx/api/v1/apps"),
        ("/api/v1/apps", "/social", "/api/v1/apps"),  # a server that already strips the prefix
    ],
)
def test_route_path_is_relative_to_the_root_path(path, root_path, expected):
    assert route_path({"type": "http", "path": path, "root_path": root_path}) == expected
