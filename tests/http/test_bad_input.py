"""Whatever the bytes, a bad request gets a 4xx `{"error": ...}`, never a 500, and writes nothing."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from plerome.entrypoints.asgi import create_app
from plerome.entrypoints.http.params import FORM_LIMIT, MAX_FIELDS

JSON = {"Content-Type": "application/json"}
FORM = {"Content-Type": "application/x-www-form-urlencoded"}
OOB = "urn:ietf:wg:oauth:2.0:oob"


@pytest.fixture
def writes(client, monkeypatch) -> list[Any]:
    """What reached the stores: every app and token added during the test."""
    stores = client.app.state.services.ctx.stores
    added: list[Any] = []
    for repo in (stores.apps, stores.tokens):
        original = repo.add

        async def spy(item: Any, _original: Any = original) -> Any:
            added.append(item)
            return await _original(item)

        monkeypatch.setattr(repo, "add", spy)
    return added


def assert_refused(r, status: int = 400, error: str | None = None) -> str:
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith("application/json")
    body = r.json()
    assert set(body) == {"error"} and isinstance(body["error"], str)
    if error is not None:
        assert body["error"] == error
    return body["error"]


def multipart(boundary: str, *fields: tuple[str, str], close: bool = True) -> bytes:
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
        for name, value in fields
    ]
    return ("".join(parts) + (f"--{boundary}--\r\n" if close else "")).encode()


def mp_headers(boundary: str) -> dict[str, str]:
    return {"Content-Type": f"multipart/form-data; boundary={boundary}"}


# POST /api/v1/apps -------------------------------------------------------------------------------------

APP_CASES: list[tuple[str, dict[str, Any], str]] = [
    ("malformed JSON", {"content": b'{"client_name": "x", ', "headers": JSON}, "Invalid JSON body"),
    (
        "JSON with a trailing comma",
        {"content": b'{"client_name": "x",}', "headers": JSON},
        "Invalid JSON body",
    ),
    ("a JSON array", {"content": b'["client_name"]', "headers": JSON}, "The JSON body must be an object"),
    ("a JSON string", {"content": b'"x"', "headers": JSON}, "The JSON body must be an object"),
    ("JSON null", {"content": b"null", "headers": JSON}, "The JSON body must be an object"),
    (
        "invalid UTF-8 in JSON",
        {
            "content": b'{"client_name": "\xff\xfe", "redirect_uris": "' + OOB.encode() + b'"}',
            "headers": JSON,
        },
        "Invalid JSON body",
    ),
    (
        "an encoded surrogate in JSON",
        {"content": b'{"client_name": "\xed\xa0\x80", "redirect_uris": "x"}', "headers": JSON},
        "Invalid JSON body",
    ),
    (
        "a lone surrogate escape in JSON",
        {"content": b'{"client_name": "\\ud800", "redirect_uris": "x"}', "headers": JSON},
        "Invalid JSON body",
    ),
    (
        "a reversed surrogate pair in JSON",
        {"content": b'{"client_name": "\\udc00\\ud800", "redirect_uris": "x"}', "headers": JSON},
        "Invalid JSON body",
    ),
    (
        "a NUL in JSON",
        {"content": b'{"client_name": "a\\u0000b", "redirect_uris": "x"}', "headers": JSON},
        "Invalid value for client_name: NUL characters are not allowed",
    ),
    (
        "a NUL in a JSON key",
        {"content": b'{"client_name": "a", "redirect_uris": "x", "k\\u0000": 1}', "headers": JSON},
        "Invalid field name: NUL characters are not allowed",
    ),
    ("a number out of range", {"content": b'{"client_name": 1e999}', "headers": JSON}, "Invalid JSON body"),
    ("an integer out of range", {"content": b'{"client_name": 1' + b"0" * 400 + b"}", "headers": JSON}, None),
    ("JSON nested very deep", {"content": b'{"a":' * 5000 + b"1" + b"}" * 5000, "headers": JSON}, None),
    ("JSON nested deep", {"content": b'{"a":' * 200 + b"1" + b"}" * 200, "headers": JSON}, None),
    (
        "percent-encoded invalid UTF-8 in a form",
        {"content": f"client_name=%FF%FE&redirect_uris={OOB}".encode(), "headers": FORM},
        "Invalid form body: not valid UTF-8",
    ),
    (
        "raw invalid UTF-8 in a form",
        {"content": b"client_name=\xff&redirect_uris=" + OOB.encode(), "headers": FORM},
        "Invalid form body: not valid UTF-8",
    ),
    (
        "an encoded surrogate in a form",
        {"content": f"client_name=%ED%A0%80&redirect_uris={OOB}".encode(), "headers": FORM},
        "Invalid form body: not valid UTF-8",
    ),
    (
        "a NUL in a form",
        {"content": f"client_name=a%00b&redirect_uris={OOB}".encode(), "headers": FORM},
        "Invalid value for client_name: NUL characters are not allowed",
    ),
    (
        "too many form fields",
        {"content": "&".join(f"f{i}=1" for i in range(MAX_FIELDS + 1)).encode(), "headers": FORM},
        f"Invalid form body: more than {MAX_FIELDS} fields",
    ),
    ("a form name nested deep", {"content": b"client_name" + b"[a]" * 100 + b"=x", "headers": FORM}, None),
    (
        "invalid UTF-8 in the query string",
        {"url": "/api/v1/apps?client_name=%FF", "json": {"client_name": "x", "redirect_uris": OOB}},
        "Invalid query string: not valid UTF-8",
    ),
    (
        "multipart with another boundary than declared",
        {
            "content": multipart("zz", ("client_name", "x"), ("redirect_uris", OOB)),
            "headers": mp_headers("yy"),
        },
        None,
    ),
    (
        "multipart without a boundary",
        {"content": b"--zz\r\n", "headers": {"Content-Type": "multipart/form-data"}},
        None,
    ),
    (
        "truncated multipart",
        {
            "content": multipart("zz", ("client_name", "x"), ("redirect_uris", OOB), close=False)[:-4],
            "headers": mp_headers("zz"),
        },
        "Invalid multipart body: truncated",
    ),
    (
        "multipart without its closing delimiter",
        {
            "content": multipart("zz", ("client_name", "x"), ("redirect_uris", OOB), close=False),
            "headers": mp_headers("zz"),
        },
        "Invalid multipart body: truncated",
    ),
    (
        "too many multipart fields",
        {
            "content": multipart("zz", *[(f"f{i}", "1") for i in range(MAX_FIELDS + 1)]),
            "headers": mp_headers("zz"),
        },
        None,
    ),
    (
        "invalid Content-Length",
        {"content": b"{}", "headers": {**JSON, "Content-Length": "abc"}},
        "Invalid Content-Length",
    ),
    ("a negative Content-Length", {"content": b"{}", "headers": {**JSON, "Content-Length": "-1"}}, None),
    (
        "a non-ASCII Content-Length",
        {"content": b"{}", "headers": {**JSON, "Content-Length": "²".encode("latin-1")}},
        None,
    ),
    (
        "scopes as an object",
        {"json": {"client_name": "x", "redirect_uris": OOB, "scopes": {"read": True}}},
        "Invalid value for scopes: Expected `str | array | null`, got `object`",
    ),
    (
        "client_name as a number",
        {"json": {"client_name": 5, "redirect_uris": OOB}},
        "Invalid value for client_name: Expected `str`, got `int`",
    ),
    ("client_name as a list in JSON", {"json": {"client_name": ["a", "b"], "redirect_uris": OOB}}, None),
    ("client_name as a nested form field", {"data": {"client_name[a]": "x", "redirect_uris": OOB}}, None),
    ("no client_name", {"json": {"redirect_uris": OOB}}, "Missing field: client_name."),
    ("no redirect_uris", {"data": {"client_name": "x"}}, "Missing field: redirect_uris."),
    ("an empty JSON object", {"json": {}}, "Missing field: client_name."),
    ("no body at all", {}, "Missing field: client_name."),
    (
        "a body of another type",
        {"content": b"client_name=x", "headers": {"Content-Type": "text/plain"}},
        None,
    ),
    (
        "a blank client_name",
        {"json": {"client_name": "  ", "redirect_uris": OOB}},
        "Missing field: client_name.",
    ),
    (
        "a huge client_name",
        {"json": {"client_name": "x" * 100_000, "redirect_uris": OOB}},
        "App fields are too long.",
    ),
    ("an unknown scope", {"json": {"client_name": "x", "redirect_uris": OOB, "scopes": "read rule"}}, None),
]


@pytest.mark.parametrize(("case", "request_kw", "error"), APP_CASES, ids=[c[0] for c in APP_CASES])
def test_bad_app_registrations_are_refused_and_create_nothing(client, writes, case, request_kw, error):
    kw = dict(request_kw)
    url = kw.pop("url", "/api/v1/apps")
    assert_refused(client.post(url, **kw), 400, error)
    assert writes == []


def test_a_sound_registration_after_bad_ones_still_works(client, writes):
    client.post("/api/v1/apps", content=b"{", headers=JSON)
    r = client.post("/api/v1/apps", data={"client_name": "ok", "redirect_uris": OOB, "scopes": "read"})
    assert r.status_code == 200, r.text
    assert len(writes) == 1


def test_a_multipart_registration_works(client):
    r = client.post(
        "/api/v1/apps",
        content=multipart("b0und", ("client_name", "x"), ("redirect_uris", OOB)),
        headers=mp_headers("b0und"),
    )
    assert r.status_code == 200, r.text
    assert r.json()["name"] == "x"


# Size limits ---------------------------------------------------------------------------------------------


def test_a_json_body_over_the_limit_is_413(client, writes):
    body = b'{"client_name": "' + b"x" * FORM_LIMIT + b'", "redirect_uris": "x"}'
    assert_refused(client.post("/api/v1/apps", content=body, headers=JSON), 413, "Request body is too large")
    assert writes == []


def chunks(total: int, size: int = 64 * 1024) -> Iterator[bytes]:
    yield b'{"client_name": "'
    for _ in range(total // size):
        yield b"x" * size
    yield b'"}'


def test_a_chunked_body_without_content_length_is_cut_off_at_the_limit(client, writes):
    # A generator body goes out with Transfer-Encoding: chunked and no Content-Length.
    r = client.post("/api/v1/apps", content=chunks(FORM_LIMIT + 1024 * 1024), headers=JSON)
    assert "content-length" not in r.request.headers
    assert_refused(r, 413, "Request body is too large")
    assert writes == []


def test_a_content_length_over_the_limit_is_refused_before_reading(client):
    r = client.post("/api/v1/apps", content=b"{}", headers={**FORM, "Content-Length": str(FORM_LIMIT + 1)})
    assert_refused(r, 413, "Request body is too large")


def test_a_multipart_body_over_the_upload_limit_is_413(make_settings, checked_client):
    c = checked_client(create_app(make_settings(upload_limit=1000)))
    body = multipart("zz", ("client_name", "x" * (1024 * 1024 + 2000)), ("redirect_uris", OOB))
    assert_refused(c.post("/api/v1/apps", content=body, headers=mp_headers("zz")), 413, "File is too large")


def test_a_multipart_field_over_the_form_limit_is_refused(client):
    body = multipart("zz", ("client_name", "x" * (FORM_LIMIT + 1)), ("redirect_uris", OOB))
    error = assert_refused(client.post("/api/v1/apps", content=body, headers=mp_headers("zz")), 400)
    assert error.startswith("Invalid multipart body")


# POST /oauth/token -----------------------------------------------------------------------------------


@pytest.fixture
def registered(client, api) -> dict[str, str]:
    api.user("alice", "secret")
    app = client.post("/api/v1/apps", json={"client_name": "t", "redirect_uris": OOB}).json()
    return {"client_id": app["client_id"], "client_secret": app["client_secret"]}


TOKEN_CASES: list[tuple[str, Any, str | None]] = [
    (
        "malformed JSON",
        lambda app: {"content": b'{"grant_type": "password"', "headers": JSON},
        "Invalid JSON body",
    ),
    (
        "a JSON array",
        lambda app: {"content": json.dumps([app]).encode(), "headers": JSON},
        "The JSON body must be an object",
    ),
    (
        "invalid UTF-8 in the password",
        lambda app: {
            "content": b"grant_type=password&username=alice&password=%FF&client_id="
            + app["client_id"].encode()
            + b"&client_secret="
            + app["client_secret"].encode(),
            "headers": FORM,
        },
        "Invalid form body: not valid UTF-8",
    ),
    (
        "a NUL in the username",
        lambda app: {
            "json": {**app, "grant_type": "password", "username": "ali\x00ce", "password": "secret"}
        },
        "Invalid value for username: NUL characters are not allowed",
    ),
    (
        "a lone surrogate in the password",
        lambda app: {
            "content": b'{"grant_type": "password", "username": "alice", "password": "\\ud800", '
            + b'"client_id": "'
            + app["client_id"].encode()
            + b'"}',
            "headers": JSON,
        },
        "Invalid JSON body",
    ),
    (
        "the password as a list",
        lambda app: {"json": {**app, "grant_type": "password", "username": "alice", "password": ["secret"]}},
        None,
    ),
    (
        "grant_type as an object",
        lambda app: {"json": {**app, "grant_type": {"password": 1}}},
        "Invalid value for grant_type: Expected `str | null`, got `object`",
    ),
    ("no grant_type", lambda app: {"json": app}, "Bad request"),
    (
        "a huge username",
        lambda app: {"json": {**app, "grant_type": "password", "username": "a" * 200_000, "password": "x"}},
        "Invalid credentials",
    ),
    (
        "a huge password",
        lambda app: {
            "json": {**app, "grant_type": "password", "username": "alice", "password": "p" * 200_000}
        },
        "Invalid credentials",
    ),
    (
        "a wrong client secret",
        lambda app: {
            "data": {
                **app,
                "client_secret": "nope",
                "grant_type": "password",
                "username": "alice",
                "password": "secret",
            }
        },
        None,
    ),
    (
        "code grant without a code",
        lambda app: {"data": {**app, "grant_type": "authorization_code"}},
        "Missing field: code.",
    ),
    (
        "truncated multipart",
        lambda app: {
            "content": multipart("zz", ("grant_type", "client_credentials"), *app.items(), close=False),
            "headers": mp_headers("zz"),
        },
        "Invalid multipart body: truncated",
    ),
]


@pytest.mark.parametrize(("case", "build", "error"), TOKEN_CASES, ids=[c[0] for c in TOKEN_CASES])
def test_bad_token_requests_are_refused_and_issue_nothing(client, registered, writes, case, build, error):
    assert_refused(client.post("/oauth/token", **build(registered)), 400, error)
    assert writes == []


def test_the_same_token_request_done_right_issues_a_token(client, registered, writes):
    r = client.post(
        "/oauth/token",
        data={**registered, "grant_type": "password", "username": "alice", "password": "secret"},
    )
    assert r.status_code == 200, r.text
    assert len(writes) == 1


# GET /api/v1/accounts/verify_credentials with parameters ----------------------------------------------

QUERY_CASES = [
    ("with_pleroma_settings=maybe", "Invalid value for with_pleroma_settings: expected a boolean"),
    ("with_pleroma_settings=%FF", "Invalid query string: not valid UTF-8"),
    ("with_pleroma_settings=%00", None),
    (
        "with_pleroma_settings=" + quote("\ud800", errors="surrogatepass"),
        "Invalid query string: not valid UTF-8",
    ),
    ("with_pleroma_settings[a]=1", None),
    ("with_pleroma_settings=" + "t" * 60_000, "Invalid value for with_pleroma_settings: expected a boolean"),
    (
        "&".join(f"f{i}=1" for i in range(MAX_FIELDS + 1)),
        f"Invalid query string: more than {MAX_FIELDS} fields",
    ),
    ("x" + "[a]" * 200 + "=1", None),
]


@pytest.mark.parametrize(("query", "error"), QUERY_CASES, ids=[q[:40] for q, _ in QUERY_CASES])
def test_bad_query_parameters_are_400(client, bob, query, error):
    assert_refused(client.get(f"/api/v1/accounts/verify_credentials?{query}", headers=bob), 400, error)


@pytest.mark.parametrize("value", ["1", "true", "ON", "yes", "0", "false", "Off", "no"])
def test_boolean_spellings_are_accepted(client, bob, value):
    r = client.get(f"/api/v1/accounts/verify_credentials?with_pleroma_settings={value}", headers=bob)
    assert r.status_code == 200, r.text
    assert ("settings_store" in r.json()["pleroma"]) is (value.lower() in ("1", "true", "on", "yes"))


# Random input ---------------------------------------------------------------------------------------

CONTENT_TYPES = st.sampled_from(
    [
        "application/json",
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=zz",
        "multipart/form-data",
        "text/plain",
        "application/activity+json",
    ]
)
TEXT = st.text(max_size=40)
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | TEXT,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(TEXT, inner, max_size=4),
    max_leaves=12,
)
FIELD_NAMES = st.sampled_from(
    [
        "client_name",
        "redirect_uris",
        "scopes",
        "scopes[]",
        "website",
        "grant_type",
        "username",
        "password",
        "client_id",
    ]
) | st.text(max_size=12)
RANDOM = settings(
    max_examples=60, deadline=None, database=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
PATHS = st.sampled_from(["/api/v1/apps", "/oauth/token"])


def assert_answered(r) -> None:
    assert r.status_code < 500, r.text
    assert r.headers["content-type"].startswith("application/json")
    if r.status_code >= 400:
        assert isinstance(r.json()["error"], str)


@RANDOM
@given(path=PATHS, content_type=CONTENT_TYPES, body=st.binary(max_size=300))
def test_random_bytes_never_cause_a_server_error(client, path, content_type, body):
    assert_answered(client.post(path, content=body, headers={"Content-Type": content_type}))


@RANDOM
@given(path=PATHS, fields=st.lists(st.tuples(FIELD_NAMES, TEXT), max_size=8))
def test_random_forms_never_cause_a_server_error(client, path, fields):
    assert_answered(client.post(path, data=dict(fields)))
    assert_answered(client.post(path, content=multipart("b0und", *fields), headers=mp_headers("b0und")))


@RANDOM
@given(path=PATHS, body=st.dictionaries(FIELD_NAMES, JSON_VALUES, max_size=6))
def test_random_json_objects_never_cause_a_server_error(client, path, body):
    assert_answered(client.post(path, json=body))


@pytest.fixture
def bob(api) -> dict[str, str]:
    return api.login("bob")[1]


@RANDOM
@given(query=st.lists(st.tuples(FIELD_NAMES, TEXT), max_size=6), raw=st.binary(max_size=60))
def test_random_query_strings_never_cause_a_server_error(client, bob, query, raw):
    for url in (
        "/api/v1/accounts/verify_credentials?" + "&".join(f"{quote(k)}={quote(v)}" for k, v in query),
        "/api/v1/accounts/verify_credentials?" + quote(raw.decode("latin-1"), safe="=&[]%"),
    ):
        assert_answered(client.get(url, headers=bob))


# Odd but valid shapes still work -------------------------------------------------------------------


def test_a_repeated_form_key_gives_a_single_field_its_last_value(client):
    r = client.post(
        "/api/v1/apps", content=f"client_name=a&client_name=b&redirect_uris={OOB}".encode(), headers=FORM
    )
    assert r.status_code == 200, r.text
    assert r.json()["name"] == "b"


def test_bracketed_form_lists_fill_list_fields(client):
    body = f"client_name=a&redirect_uris={OOB}&scopes[]=read&scopes[]=write".encode()
    r = client.post("/api/v1/apps", content=body, headers=FORM)
    assert r.status_code == 200, r.text
    assert r.json()["scopes"] == ["read", "write"]


def test_the_body_wins_over_the_query_string(client):
    r = client.post("/api/v1/apps?client_name=query", json={"client_name": "body", "redirect_uris": OOB})
    assert r.status_code == 200, r.text
    assert r.json()["name"] == "body"


def test_non_ascii_digits_as_form_indexes_are_not_indexes(client, api):
    _, headers = api.login("digits")
    r = client.patch(
        "/api/v1/accounts/update_credentials", headers=headers, data={"fields_attributes[²][name]": "x"}
    )
    assert r.status_code < 500


def test_a_client_gone_while_sending_its_body_is_no_server_error(client, writes, caplog):
    """wrk and browsers drop connections mid-request: that is not an internal error to log."""
    app = client.app
    sent: list[dict[str, Any]] = []
    arrivals = iter([{"type": "http.request", "body": b'{"client_name": "x', "more_body": True}])

    async def receive() -> dict[str, Any]:
        return next(arrivals, {"type": "http.disconnect"})

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/api/v1/apps",
        "raw_path": b"/api/v1/apps",
        "root_path": "",
        "query_string": b"",
        "headers": [(b"content-type", b"application/json"), (b"host", b"testserver")],
        "client": ("127.0.0.1", 1234),
        "server": ("testserver", 80),
    }
    client.portal.call(app, scope, receive, send)
    assert sent[0]["status"] == 400
    assert writes == []
    assert not [r for r in caplog.records if "unhandled error" in r.getMessage()]
