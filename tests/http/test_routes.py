"""The route table: Pleroma paths in both spellings, Mastodon and OAuth paths in one, JSON for the rest."""

from __future__ import annotations

import re
from collections.abc import Iterable

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Match, Mount, Route
from starlette.testclient import TestClient

from plerome.domain.errors import Conflict, InvalidCredentials, NotFound
from plerome.entrypoints.asgi import create_app
from plerome.entrypoints.http.dispatch import IndexedRouter
from plerome.entrypoints.http.errors import ErrorPolicy
from plerome.entrypoints.http.json import Json
from plerome.entrypoints.http.routing import PLEROMA_PREFIXES, ApiRoute, Doc, RouteTable

V1_PLEROMA, PLEROMA = (prefix + "/" for prefix in PLEROMA_PREFIXES)  # "/api/v1/pleroma/", "/api/pleroma/"


def routed(routes: Iterable[BaseRoute], prefix: str = "") -> dict[str, set[str]]:
    """path → methods (HEAD left out), Mounts walked."""
    table: dict[str, set[str]] = {}
    for route in routes:
        if isinstance(route, Route):
            methods = set(route.methods or {"GET"}) - {"HEAD"}
            path = prefix + route.path_format
            assert not (table.get(path, set()) & methods), f"{path} {methods} is registered twice"
            table.setdefault(path, set()).update(methods)
        elif isinstance(route, Mount) and route.routes:
            for path, methods in routed(route.routes, prefix + route.path).items():
                table.setdefault(path, set()).update(methods)
    return table


def other_spellings(path: str) -> list[str]:
    """Where a Mastodon, OAuth or oauth_tokens path must not be served a second time."""
    if path.startswith(("/api/v1/", "/api/v2/")) and not path.startswith(V1_PLEROMA):
        rest = path[len("/api/v1/") :]
        return [f"/api/{rest}", V1_PLEROMA + rest, PLEROMA + rest]
    if path.startswith("/oauth/"):
        rest = path.removeprefix("/")
        return [f"/api/{rest}", f"/api/v1/{rest}", V1_PLEROMA + rest, PLEROMA + rest]
    if path == "/api/oauth_tokens" or path.startswith("/api/oauth_tokens/"):
        rest = path.removeprefix("/api/")
        return [f"/api/v1/{rest}", V1_PLEROMA + rest, PLEROMA + rest]
    return []


def spelling_problems(table: dict[str, set[str]]) -> list[str]:
    problems = []
    for path, methods in sorted(table.items()):
        for mine, other in ((V1_PLEROMA, PLEROMA), (PLEROMA, V1_PLEROMA)):
            if path.startswith(mine):
                twin = other + path.removeprefix(mine)
                if twin not in table:
                    problems.append(f"{path} has no twin {twin}")
                elif table[twin] != methods:
                    problems.append(
                        f"{path} serves {sorted(methods)} but {twin} serves {sorted(table[twin])}"
                    )
        for other in other_spellings(path):
            # Same suffix with other methods is another endpoint (Mastodon's DELETE conversation
            # beside Pleroma's PATCH one); the same method twice is one endpoint spelled twice.
            if methods & table.get(other, set()):
                problems.append(f"{path} has a second spelling {other}")
        if path.endswith("/") and path != "/" and table.get(path.rstrip("/")) != methods:
            # Mastodon.py asks for a few paths with a trailing slash: such a route is an alias.
            problems.append(f"{path} is not an alias of {path.rstrip('/')} with the same methods")
    return problems


def test_the_app_routes_every_pleroma_path_in_both_spellings_and_the_rest_in_one(client):
    table = routed(client.app.routes)
    assert spelling_problems(table) == []
    assert {"/api/v1/apps", "/oauth/token", "/api/v1/accounts/verify_credentials"} <= set(table)


async def _ok(request: Request) -> Response:
    return Json({"ok": True})


def _table(*entries: tuple[str, list[str]]) -> dict[str, set[str]]:
    return {path: set(methods) for path, methods in entries}


@pytest.mark.parametrize(
    ("table", "problem"),
    [
        (_table(("/api/v1/pleroma/emoji", ["GET"])), "/api/v1/pleroma/emoji has no twin /api/pleroma/emoji"),
        (_table(("/api/pleroma/emoji", ["GET"])), "/api/pleroma/emoji has no twin /api/v1/pleroma/emoji"),
        (
            _table(("/api/v1/pleroma/mascot", ["GET", "PUT"]), ("/api/pleroma/mascot", ["GET"])),
            "/api/pleroma/mascot serves ['GET'] but /api/v1/pleroma/mascot serves ['GET', 'PUT']",
        ),
        (
            _table(
                ("/api/v1/apps", ["POST"]),
                ("/api/v1/pleroma/apps", ["POST"]),
                ("/api/pleroma/apps", ["POST"]),
            ),
            "/api/v1/apps has a second spelling /api/pleroma/apps",
        ),
        (
            _table(("/oauth/token", ["POST"]), ("/api/v1/oauth/token", ["POST"])),
            "/oauth/token has a second spelling /api/v1/oauth/token",
        ),
        (
            _table(
                ("/api/oauth_tokens", ["GET"]),
                ("/api/v1/pleroma/oauth_tokens", ["GET"]),
                ("/api/pleroma/oauth_tokens", ["GET"]),
            ),
            "/api/oauth_tokens has a second spelling /api/v1/pleroma/oauth_tokens",
        ),
        (_table(("/api/v1/instance/", ["GET"])), "/api/v1/instance/ is not an alias of /api/v1/instance"),
    ],
)
def test_the_spelling_check_finds_each_kind_of_mistake(table, problem):
    found = spelling_problems(table)
    assert any(p.startswith(problem) for p in found), found


def test_the_spelling_check_accepts_a_sound_table():
    table = _table(
        ("/api/v1/pleroma/emoji", ["GET"]),
        ("/api/pleroma/emoji", ["GET"]),
        ("/api/v1/instance", ["GET"]),
        ("/api/v1/instance/", ["GET"]),
        ("/api/v2/instance", ["GET"]),
        ("/api/v1/media", ["POST"]),
        ("/api/v2/media", ["POST"]),
        ("/api/v1/conversations/{id}", ["DELETE"]),
        ("/api/v1/pleroma/conversations/{id}", ["GET", "PATCH"]),
        ("/api/pleroma/conversations/{id}", ["GET", "PATCH"]),
        ("/api/oauth_tokens", ["GET"]),
        ("/oauth/token", ["POST"]),
    )
    assert spelling_problems(table) == []


def test_a_path_routed_twice_for_one_method_is_caught():
    with pytest.raises(AssertionError, match="registered twice"):
        routed([Route("/api/v1/x", _ok, methods=["GET"]), Route("/api/v1/x", _ok, methods=["GET", "POST"])])


def test_route_table_pleroma_adds_both_spellings_with_one_doc_and_policy():
    policy = ErrorPolicy({Conflict: 422})
    table = RouteTable(policy=policy)
    doc = Doc("Mascot", auth="required", scopes=("read:accounts",))
    table.pleroma("/mascot", _ok, ["GET", "PUT"], doc)
    table.add("/api/v1/apps", _ok, ["POST"], Doc("Apps"))
    assert [r.path for r in table.routes] == ["/api/v1/pleroma/mascot", "/api/pleroma/mascot", "/api/v1/apps"]
    for route in table.routes:
        assert isinstance(route, ApiRoute)
        assert route.policy is policy
    first, second, _ = table.routes
    assert first.doc is second.doc is doc
    assert first.methods == second.methods == {"GET", "HEAD", "PUT"}
    assert spelling_problems(routed(table.routes)) == []


def test_the_route_guard_answers_domain_errors_by_policy_and_surprises_with_json_500():
    async def missing(request: Request) -> Response:
        raise NotFound()

    async def clash(request: Request) -> Response:
        raise Conflict("Already there")

    async def login(request: Request) -> Response:
        raise InvalidCredentials()

    async def broken(request: Request) -> Response:
        raise RuntimeError("bug")

    table = RouteTable(policy=ErrorPolicy({Conflict: 422, InvalidCredentials: (401, "Nope")}))
    for path, fn in (("/missing", missing), ("/clash", clash), ("/login", login), ("/broken", broken)):
        table.add(path, fn, ["GET"], Doc(path))
    with TestClient(Starlette(routes=table.routes)) as c:
        assert (c.get("/missing").status_code, c.get("/missing").json()) == (
            404,
            {"error": "Record not found"},
        )
        assert (c.get("/clash").status_code, c.get("/clash").json()) == (422, {"error": "Already there"})
        assert (c.get("/login").status_code, c.get("/login").json()) == (401, {"error": "Nope"})
        r = c.get("/broken")
        assert (r.status_code, r.json()) == (500, {"error": "Internal server error"})


# Paths and methods nothing serves answer JSON -------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    ["/nope", "/api/v1/no/such/thing", "/api/v9/apps", "/api/v1/%FF%FE", "/api/v1/%00", "/api/v1/caf%C3%A9"],
)
def test_an_unrouted_path_is_a_json_404(client, path):
    r = client.get(path)
    assert r.status_code == 404
    assert r.headers["content-type"] == "application/json"
    assert r.json() == {"error": "Not found"}


def test_a_method_the_route_lacks_is_a_json_405_with_allow(client):
    r = client.delete("/api/v1/apps")
    assert r.status_code == 405
    assert r.json() == {"error": "Method not allowed"}
    assert r.headers["allow"] == "POST"
    r = client.put("/api/v1/accounts/verify_credentials")
    assert r.status_code == 405
    assert set(r.headers["allow"].split(", ")) == {"GET", "HEAD"}


def test_a_trailing_slash_redirects_to_the_route_and_the_redirect_works(client, api):
    _, headers = api.login("alice")
    r = client.get("/api/v1/accounts/verify_credentials/", headers=headers, follow_redirects=False)
    assert r.status_code == 307
    assert r.headers["location"].endswith("/api/v1/accounts/verify_credentials")
    r = client.get("/api/v1/accounts/verify_credentials/", headers=headers)
    assert r.status_code == 200
    assert r.json()["username"] == "alice"
    r = client.post("/api/v1/apps/", data={"client_name": "x", "redirect_uris": "urn:ietf:wg:oauth:2.0:oob"})
    assert r.status_code == 200, "a 307 keeps the method and the body"


def test_unrouted_paths_answer_json_when_mounted_too(make_settings):
    host = Starlette(routes=[Mount("/social", app=create_app(make_settings()))])
    with TestClient(host) as c:
        r = c.get("/social/api/v1/nope")
        assert (r.status_code, r.json()) == (404, {"error": "Not found"})
        r = c.get("/social/api/v1/apps")
        assert (r.status_code, r.json()) == (405, {"error": "Method not allowed"})
        r = c.get("/social/api/v1/accounts/verify_credentials/", follow_redirects=False)
        assert r.status_code == 307
        assert r.headers["location"] == "http://testserver/social/api/v1/accounts/verify_credentials"


def concrete(path_format: str) -> str:
    """A request path that a route's template matches: each parameter filled with a plain value."""
    return re.sub(r"\{[^}]+\}", "x1", path_format)


def test_the_indexed_router_picks_the_route_a_full_scan_picks_for_every_path(client):
    router = client.app.router
    assert isinstance(router, IndexedRouter)
    checked = 0
    for route in router.routes:
        if not isinstance(route, Route):
            continue
        path = concrete(route.path_format)
        for method in sorted(route.methods or {"GET"}):
            scope = {"type": "http", "path": path, "method": method, "root_path": "", "headers": []}
            first = next(r for r in router.routes if r.matches(scope)[0] is Match.FULL)
            indexed = next(r for r in router._candidates(path) if r.matches(scope)[0] is Match.FULL)
            assert indexed is first, f"{method} {path}"
            checked += 1
    assert checked > 150


def test_the_indexed_router_keeps_the_order_routes_were_added_in():
    async def named(request: Request) -> Response:
        return Response(request.scope["route"].name)

    router = IndexedRouter(
        routes=[
            Route("/a/{anything}", named, name="param first"),
            Route("/a/b", named, name="literal second"),
            Route("/a/b/c/d/e", named, name="deep"),
            Route("/{all:path}", named, methods=["POST"], name="catch-all"),
        ]
    )
    with TestClient(Starlette(routes=router.routes)) as plain, TestClient(router) as indexed:
        for path, method in [("/a/b", "GET"), ("/a/zz", "GET"), ("/a/b/c/d/e", "GET"), ("/q", "POST")]:
            assert indexed.request(method, path).text == plain.request(method, path).text
        assert indexed.get("/a/b").text == "param first"
        assert indexed.get("/q").status_code == 405  # the catch-all matches the path, not the method
        assert indexed.get("/a/b/c/d/e").text == "deep"
        assert indexed.get("/nowhere/").status_code == plain.get("/nowhere/").status_code
