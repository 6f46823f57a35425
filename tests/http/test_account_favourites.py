"""GET /api/v1/pleroma/accounts/:id/favourites (both prefixes, every store with statuses): hidden by
default from everyone, owner included; once shown, newest favourite first, as far as the reader may see.
Statuses and favourites are laid down through the stores: posting is another module's."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from urllib.parse import parse_qs, urlsplit

import pytest

from plerome.domain.statuses import Status
from plerome.ports.statuses import Mark

pytestmark = pytest.mark.parametrize("database_url", ["memory", "sqlite", "postgres"], indirect=True)

NOW = datetime(2026, 1, 1, tzinfo=UTC)
PREFIXES = ("/api/v1/pleroma", "/api/pleroma")
UPDATE = "/api/v1/accounts/update_credentials"


class World:
    def __init__(self, api) -> None:
        self.api, self.ctx = api, api.svc.ctx

    def run(self, make):
        return self.api.client.portal.call(make)

    def post(self, author, visibility="public", mentioned=()):
        sid = self.ctx.ids.new()
        status = Status(
            sid,
            author.id,
            NOW,
            visibility,
            "hi",
            "text/plain",
            "<p>hi</p>",
            context_id=sid,
            mentioned_ids=tuple(a.id for a in mentioned),
        )
        self.run(lambda: self.ctx.stores.statuses.add(status))
        return status

    def favourite(self, account, status) -> str:
        mark = Mark(self.ctx.ids.new(), account.id, status.id, NOW)
        assert self.run(lambda: self.ctx.stores.favourites.add(mark))
        return mark.id


@pytest.fixture
def world(api):
    stores = api.svc.ctx.stores
    if not hasattr(stores, "statuses"):  # the SQL stores gain them with the statuses branch
        pytest.skip("these stores have no statuses repository yet")
    return World(api)


def ids(r) -> list[str]:
    assert r.status_code == 200, r.text
    return [s["id"] for s in r.json()]


def links(r) -> dict[str, dict[str, list[str]]]:
    return {
        rel: parse_qs(urlsplit(url).query)
        for url, rel in re.findall(r'<([^>]+)>; rel="(\w+)"', r.headers.get("link", ""))
    }


@pytest.mark.parametrize("prefix", PREFIXES)
def test_hidden_favourites_are_403_for_everyone_the_owner_too(client, api, world, prefix):
    alice, headers = api.login("alice")
    _, other = api.login("bob")
    world.favourite(alice, world.post(alice))
    for who in ({}, other, headers):
        r = client.get(f"{prefix}/accounts/{alice.id}/favourites", headers=who)
        assert (r.status_code, r.json()) == (403, {"error": "Can't get favorites"})


@pytest.mark.parametrize("prefix", PREFIXES)
def test_shown_favourites_are_listed_newest_first_and_paged(client, api, world, prefix):
    alice, headers = api.login("alice")
    assert client.patch(UPDATE, headers=headers, json={"hide_favorites": False}).status_code == 200
    bob = api.user("bob")
    statuses = [world.post(bob) for _ in range(4)]
    marks = [world.favourite(alice, s) for s in reversed(statuses)]  # the oldest status favourited last
    path = f"{prefix}/accounts/{alice.id}/favourites"
    r = client.get(path)
    assert ids(r) == [s.id for s in statuses]
    body = r.json()[0]
    assert body["account"]["username"] == "bob" and isinstance(body["account"]["emojis"], list)
    assert "pleroma" in body
    r = client.get(path, params={"limit": 2})
    assert ids(r) == [statuses[0].id, statuses[1].id]
    assert links(r) == {
        "next": {"limit": ["2"], "max_id": [marks[2]]},
        "prev": {"limit": ["2"], "min_id": [marks[3]]},
    }
    assert ids(client.get(path, params={"max_id": marks[2], "limit": 2})) == [statuses[2].id, statuses[3].id]
    assert ids(client.get(path, params={"since_id": marks[2]})) == [statuses[0].id]
    assert ids(client.get(path, params={"min_id": marks[0], "limit": 1})) == [statuses[2].id]
    r = client.get(path, params={"max_id": marks[0]})
    assert (ids(r), "link" in r.headers) == ([], False)


def test_each_reader_sees_only_the_favourited_statuses_they_may_see(client, api, world):
    alice, alice_headers = api.login("alice")
    client.patch(UPDATE, headers=alice_headers, data={"hide_favorites": "false"})
    bob, bob_headers = api.login("bob")
    carol = api.user("carol")
    reader, reader_headers = api.login("reader")
    public, private = world.post(bob), world.post(bob, "private")
    to_reader = world.post(carol, "direct", mentioned=[alice, reader])
    for s in (public, private, to_reader):
        world.favourite(alice, s)
    path = f"/api/v1/pleroma/accounts/{alice.id}/favourites"
    assert ids(client.get(path)) == [public.id]
    assert ids(client.get(path, headers=reader_headers)) == [to_reader.id, public.id]
    assert ids(client.get(path, headers=alice_headers)) == [to_reader.id, public.id]
    assert client.post(f"/api/v1/accounts/{bob.id}/follow", headers=reader_headers).status_code == 200
    assert ids(client.get(path, headers=reader_headers)) == [to_reader.id, private.id, public.id]
    assert client.post(f"/api/v1/accounts/{bob.id}/block", headers=reader_headers).status_code == 200
    assert ids(client.get(path, headers=reader_headers)) == [to_reader.id]
    # a token without read:favourites reads as nobody
    weak = {"Authorization": f"Bearer {api.token(reader, 'read:accounts')}"}
    assert ids(client.get(path, headers=weak)) == [public.id]
    assert ids(client.get(path, headers=bob_headers)) == [private.id, public.id]


def test_favourites_of_an_unknown_account_are_404_and_bad_input_400(client, api, world):
    alice = api.user("alice")
    for ref in ("nobody", "a" * 300):
        r = client.get(f"/api/v1/pleroma/accounts/{ref}/favourites")
        assert (r.status_code, r.json()) == (404, {"error": "Record not found"})
    r = client.get(f"/api/v1/pleroma/accounts/{alice.id}/favourites", params={"limit": "x"})
    assert r.status_code == 400 and r.json()["error"].startswith("Invalid value for limit")
    r = client.get(f"/api/v1/pleroma/accounts/{alice.id}/favourites", headers={"Authorization": "Bearer bad"})
    assert (r.status_code, r.json()) == (403, {"error": "Invalid credentials."})
