"""Scrobbles over HTTP on every store: POST /scrobble and GET /accounts/:id/scrobbles."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest

pytestmark = pytest.mark.parametrize("database_url", ["memory", "sqlite", "postgres"], indirect=True)

PREFIXES = ("/api/v1/pleroma", "/api/pleroma")


@pytest.fixture
def alice(api):
    return api.login("alice")


def scrobble(client, headers, prefix=PREFIXES[0], **kw):
    return client.post(f"{prefix}/scrobble", headers=headers, **kw)


@pytest.mark.parametrize("prefix", PREFIXES)
def test_a_scrobble_answers_its_entity(client, alice, prefix):
    me, headers = alice
    r = scrobble(
        client,
        headers,
        prefix,
        json={
            "title": "Song",
            "artist": "Band",
            "album": "Record",
            "length": 180000,
            "externalLink": "https://m.example/1",
        },
    )
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["account"]["id"] == me.id and body["account"]["username"] == "alice"
    assert {k: body[k] for k in ("title", "artist", "album", "length", "externalLink", "external_link")} == {
        "title": "Song",
        "artist": "Band",
        "album": "Record",
        "length": 180000,
        "externalLink": "https://m.example/1",
        "external_link": "https://m.example/1",
    }
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", body["created_at"])
    assert body["visibility"] == "public"


def test_a_form_with_only_a_title_and_html_is_stripped(client, alice):
    _, headers = alice
    r = scrobble(client, headers, data={"title": "<b>Bold</b> title", "external_link": "", "length": "42"})
    assert r.status_code == 200, r.text
    body = r.json()
    assert (body["title"], body["artist"], body["album"], body["length"], body["externalLink"]) == (
        "Bold title",
        None,
        None,
        42,
        None,
    )


@pytest.mark.parametrize(
    "body, error",
    [
        ({}, "Missing field: title."),
        ({"title": "  "}, "Missing field: title."),
        ({"title": 5}, "Invalid value for title: Expected `str`, got `int`"),
        ({"title": "x", "length": "long"}, "Invalid value for length: Expected `int | null`, got `str`"),
        ({"title": "x", "length": -5}, "length must be a number of milliseconds, 0 or more"),
        (
            {"title": "x", "visibility": "everyone"},
            "visibility must be one of: public, unlisted, private, direct.",
        ),
        ({"title": "x", "externalLink": "javascript:x"}, "externalLink must be an http or https URL"),
    ],
)
def test_bad_scrobbles_are_400(client, alice, body, error):
    me, headers = alice
    r = scrobble(client, headers, json=body)
    assert (r.status_code, r.json()) == (400, {"error": error})
    assert client.get(f"/api/v1/pleroma/accounts/{me.id}/scrobbles", headers=headers).json() == []


def test_scrobbling_needs_a_login_with_write(client, api, alice):
    me, _ = alice
    r = scrobble(client, {}, json={"title": "x"})
    assert (r.status_code, r.json()) == (403, {"error": "Invalid credentials."})
    reader = {"Authorization": f"Bearer {api.token(me, 'read')}"}
    r = scrobble(client, reader, json={"title": "x"})
    assert (r.status_code, r.json()) == (403, {"error": "Insufficient permissions: write."})
    writer = {"Authorization": f"Bearer {api.token(me, 'write')}"}
    assert scrobble(client, writer, json={"title": "x"}).status_code == 200


def links(r) -> dict[str, dict[str, list[str]]]:
    return {
        rel: parse_qs(urlsplit(url).query)
        for url, rel in re.findall(r'<([^>]+)>; rel="(\w+)"', r.headers.get("link", ""))
    }


@pytest.mark.parametrize("prefix", PREFIXES)
def test_scrobbles_are_listed_newest_first_by_id_or_nickname_with_links(client, alice, prefix):
    me, headers = alice
    made = [scrobble(client, headers, json={"title": f"Song {n}"}).json()["id"] for n in range(5)]
    r = client.get(f"{prefix}/accounts/{me.id}/scrobbles")  # anonymous reader
    assert [s["id"] for s in r.json()] == made[::-1]
    by_nickname = client.get(f"{prefix}/accounts/alice/scrobbles").json()
    assert [s["id"] for s in by_nickname] == made[::-1]
    r = client.get(f"{prefix}/accounts/{me.id}/scrobbles", params={"limit": 2})
    assert [s["id"] for s in r.json()] == [made[4], made[3]]
    assert links(r) == {
        "next": {"limit": ["2"], "max_id": [made[3]]},
        "prev": {"limit": ["2"], "min_id": [made[4]]},
    }
    r = client.get(f"{prefix}/accounts/{me.id}/scrobbles", params={"max_id": made[3], "limit": 2})
    assert [s["id"] for s in r.json()] == [made[2], made[1]]
    r = client.get(f"{prefix}/accounts/{me.id}/scrobbles", params={"min_id": made[0], "limit": 2})
    assert [s["id"] for s in r.json()] == [made[2], made[1]]
    r = client.get(f"{prefix}/accounts/{me.id}/scrobbles", params={"since_id": made[3]})
    assert [s["id"] for s in r.json()] == [made[4]]
    r = client.get(f"{prefix}/accounts/{me.id}/scrobbles", params={"max_id": made[0]})
    assert (r.json(), "link" in r.headers) == ([], False)


def test_each_reader_sees_the_scrobbles_the_author_let_them(client, api, alice):
    me, headers = alice
    for visibility in ("public", "unlisted", "private", "direct"):
        assert (
            scrobble(client, headers, json={"title": visibility, "visibility": visibility}).status_code == 200
        )
    follower, follower_headers = api.login("follower")
    _, stranger_headers = api.login("stranger")
    assert client.post(f"/api/v1/accounts/{me.id}/follow", headers=follower_headers).status_code == 200
    path = f"/api/v1/pleroma/accounts/{me.id}/scrobbles"

    def titles(h):
        r = client.get(path, headers=h)
        assert r.status_code == 200, r.text
        return [s["title"] for s in r.json()]

    assert titles(headers) == ["direct", "private", "unlisted", "public"]
    assert titles(follower_headers) == ["private", "unlisted", "public"]
    assert titles(stranger_headers) == ["unlisted", "public"]
    assert titles({}) == ["unlisted", "public"]
    # a token without `read` reads as anonymous (Pleroma's proceed-unauthenticated)
    assert titles({"Authorization": f"Bearer {api.token(me, 'write')}"}) == ["unlisted", "public"]
    assert client.post(f"/api/v1/accounts/{follower.id}/block", headers=headers).status_code == 200
    assert titles(follower_headers) == []


def test_scrobbles_of_an_unknown_account_are_404_and_bad_pages_400(client, alice):
    me, _ = alice
    for ref in ("nobody", "x" * 300):
        r = client.get(f"/api/v1/pleroma/accounts/{ref}/scrobbles")
        assert (r.status_code, r.json()) == (404, {"error": "Record not found"})
    r = client.get(f"/api/v1/pleroma/accounts/{me.id}/scrobbles", params={"limit": "many"})
    assert r.status_code == 400 and r.json()["error"].startswith("Invalid value for limit")
    r = client.get(f"/api/v1/pleroma/accounts/{me.id}/scrobbles", headers={"Authorization": "Bearer nope"})
    assert (r.status_code, r.json()) == (403, {"error": "Invalid credentials."})
