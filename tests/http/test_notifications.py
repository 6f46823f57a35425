"""Notification endpoints through the ASGI app, as megalodon (JSON bodies, `exclude_types[]`) and
Mastodon.py (forms, `types[]=mention`, "1"/"0" booleans) call them. Statuses and notifications are made
directly through the stores and `notify` here: the status endpoints are another module's."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from urllib.parse import urlsplit

import pytest

from plerome.domain.social import Block, Follow, Mute
from plerome.domain.statuses import Status
from plerome.domain.usecases.notifications import notify

pytestmark = pytest.mark.parametrize("database_url", ["memory", "sqlite", "postgres"], indirect=True)

LIST = "/api/v1/notifications"
NOW = datetime(2026, 1, 1, tzinfo=UTC)
READ_PATHS = ("/api/v1/pleroma/notifications/read", "/api/pleroma/notifications/read")


class World:
    """Accounts, statuses, relationships and notifications made behind the API's back."""

    def __init__(self, api) -> None:
        self.api = api
        self.ctx = api.svc.ctx

    def run(self, make):
        return self.api.client.portal.call(make)

    def post(self, author, visibility="public", text="hello"):
        status_id = self.ctx.ids.new()
        status = Status(
            id=status_id,
            account_id=author.id,
            created_at=NOW,
            visibility=visibility,
            source=text,
            content_type="text/plain",
            content=f"<p>{text}</p>",
            context_id=status_id,
        )
        self.run(lambda: self.ctx.stores.statuses.add(status))
        return status

    def notify(self, recipient, type_, actor, **kw):
        n = self.run(lambda: notify(self.ctx, self.ctx.stores, recipient.id, type_, actor.id, **kw))
        assert n is not None
        return n

    def block(self, blocker, blocked):
        self.run(lambda: self.ctx.stores.social.block(Block(self.ctx.ids.new(), blocker.id, blocked.id, NOW)))

    def mute(self, muter, muted, notifications=True):
        mute = Mute(self.ctx.ids.new(), muter.id, muted.id, notifications, NOW)
        self.run(lambda: self.ctx.stores.social.mute(mute))

    def follow(self, follower, followee):
        follow = Follow(self.ctx.ids.new(), follower.id, followee.id, "accepted", True, NOW)
        self.run(lambda: self.ctx.stores.social.follow(follow))


@pytest.fixture
def world(api):
    return World(api)


@pytest.fixture
def alice(api):
    return api.login("alice")


@pytest.fixture
def bob(api):
    return api.login("bob")


def ids(r) -> list[str]:
    assert r.status_code == 200, r.text
    return [n["id"] for n in r.json()]


def links(r) -> dict[str, str]:
    """rel → the path and query of each Link."""
    found = re.findall(r'<([^>]+)>; rel="(\w+)"', r.headers.get("link", ""))
    out = {}
    for url, rel in found:
        parts = urlsplit(url)
        out[rel] = f"{parts.path}?{parts.query}"
    return out


# --- GET /api/v1/notifications ---------------------------------------------------------------------


def test_no_notifications_is_an_empty_list_without_links(client, world, alice):
    _, headers = alice
    r = client.get(LIST, headers=headers)
    assert (r.status_code, r.json()) == (200, [])
    assert "link" not in r.headers


def test_each_type_carries_what_the_clients_read(client, world, alice, bob):
    me, headers = alice
    other, _ = bob
    carol = world.api.user("carol")
    status = world.post(me, text="my post")
    mention = world.post(other, text="hi @alice")
    made = {
        "follow": world.notify(me, "follow", other),
        "mention": world.notify(me, "mention", other, status_id=mention.id),
        "favourite": world.notify(me, "favourite", other, status_id=status.id),
        "reblog": world.notify(me, "reblog", other, status_id=status.id),
        "pleroma:emoji_reaction": world.notify(
            me, "pleroma:emoji_reaction", other, status_id=status.id, emoji="👍"
        ),
        "move": world.notify(me, "move", other, target_id=carol.id),
        "follow_request": world.notify(me, "follow_request", carol),
    }
    r = client.get(LIST, headers=headers)
    assert r.status_code == 200, r.text
    body = {n["type"]: n for n in r.json()}
    assert [n["id"] for n in r.json()] == sorted((n.id for n in made.values()), reverse=True)
    for type_, n in made.items():
        entity = body[type_]
        assert entity["id"] == n.id
        assert entity["created_at"].endswith("Z")
        assert entity["pleroma"] == {"is_seen": False, "is_muted": False}
        assert entity["account"]["emojis"] == []
    assert set(body["follow"]) == {"id", "type", "created_at", "account", "pleroma"}
    assert body["follow"]["account"]["id"] == other.id
    assert body["follow_request"]["account"]["id"] == carol.id and "status" not in body["follow_request"]
    assert body["mention"]["status"]["id"] == mention.id
    assert body["mention"]["status"]["pleroma"]["content"] == {"text/plain": "hi @alice"}
    for type_ in ("favourite", "reblog", "pleroma:emoji_reaction"):
        assert body[type_]["status"]["id"] == status.id
        assert body[type_]["status"]["account"]["id"] == me.id
        assert "emoji_reactions" in body[type_]["status"]["pleroma"]
    assert body["pleroma:emoji_reaction"]["emoji"] == "👍"
    assert body["pleroma:emoji_reaction"]["emoji_url"] is None
    assert "emoji" not in body["favourite"]
    assert body["move"]["target"]["id"] == carol.id and "status" not in body["move"]


def test_pages_and_their_link_headers(client, world, alice, bob):
    me, headers = alice
    other, _ = bob
    made = [world.notify(me, "follow", other).id for _ in range(5)]
    newest_first = made[::-1]
    r = client.get(LIST, params={"limit": 2}, headers=headers)
    assert ids(r) == newest_first[:2]
    nav = links(r)
    assert nav["next"] == f"{LIST}?limit=2&max_id={newest_first[1]}"
    assert nav["prev"] == f"{LIST}?limit=2&min_id={newest_first[0]}"
    second = client.get(nav["next"], headers=headers)
    assert ids(second) == newest_first[2:4]
    assert ids(client.get(links(second)["prev"], headers=headers)) == newest_first[:2]
    assert ids(client.get(LIST, params={"min_id": made[0], "limit": 2}, headers=headers)) == [
        made[2],
        made[1],
    ]
    assert ids(client.get(LIST, params={"since_id": made[2]}, headers=headers)) == [made[4], made[3]]
    assert ids(client.get(LIST, params={"max_id": made[0]}, headers=headers)) == []
    assert len(ids(client.get(LIST, params={"limit": 500}, headers=headers))) == 5


def test_type_filters_as_mastodon_py_and_megalodon_send_them(client, world, alice, bob):
    me, headers = alice
    other, _ = bob
    status = world.post(me)
    fol = world.notify(me, "follow", other).id
    men = world.notify(me, "mention", other, status_id=status.id).id
    fav = world.notify(me, "favourite", other, status_id=status.id).id
    assert ids(client.get(f"{LIST}?types[]=mention", headers=headers)) == [men]
    assert ids(client.get(f"{LIST}?types[]=mention&types[]=follow", headers=headers)) == [men, fol]
    assert ids(client.get(f"{LIST}?include_types[]=favourite", headers=headers)) == [fav]
    assert ids(client.get(f"{LIST}?exclude_types[]=follow&exclude_types[]=favourite", headers=headers)) == [
        men
    ]
    assert ids(client.get(f"{LIST}?exclude_types[]=", headers=headers)) == [fav, men, fol]
    assert ids(client.get(f"{LIST}?types[]=poll", headers=headers)) == []
    filtered = client.get(f"{LIST}?types[]=mention&types[]=follow&limit=1", headers=headers)
    assert ids(filtered) == [men]
    assert links(filtered)["next"] == f"{LIST}?types%5B%5D=mention&types%5B%5D=follow&limit=1&max_id={men}"
    assert ids(client.get(links(filtered)["next"], headers=headers)) == [fol]


def test_only_those_of_one_account(client, world, alice, bob):
    me, headers = alice
    other, _ = bob
    carol = world.api.user("carol")
    from_bob = world.notify(me, "follow", other).id
    world.notify(me, "follow", carol)
    assert ids(client.get(LIST, params={"account_id": other.id}, headers=headers)) == [from_bob]
    r = client.get(LIST, params={"account_id": "nobody"}, headers=headers)
    assert (r.status_code, r.json()) == (404, {"error": "Account is not found"})


def test_blocked_and_muted_accounts_notifications_are_not_listed(client, world, alice, bob):
    me, headers = alice
    other, _ = bob
    carol, dave = world.api.user("carol"), world.api.user("dave")
    from_bob = world.notify(me, "follow", other).id
    from_carol = world.notify(me, "follow", carol).id
    from_dave = world.notify(me, "follow", dave).id
    world.block(me, other)
    world.mute(me, carol, notifications=True)
    world.mute(me, dave, notifications=False)  # their posts muted, their notifications still wanted
    r = client.get(LIST, headers=headers)
    assert ids(r) == [from_dave]
    assert r.json()[0]["pleroma"]["is_muted"] is True
    with_muted = client.get(LIST, params={"with_muted": "1"}, headers=headers)
    assert ids(with_muted) == [from_dave, from_carol]
    assert [n["pleroma"]["is_muted"] for n in with_muted.json()] == [True, True]
    assert from_bob not in ids(client.get(LIST, params={"with_muted": "true"}, headers=headers))


def test_a_status_the_recipient_cannot_see_leaves_its_notification_out(client, world, alice, bob):
    me, headers = alice
    other, _ = bob
    public = world.post(other)
    followers_only = world.post(other, "private")
    shown = world.notify(me, "status", other, status_id=public.id).id
    hidden = world.notify(me, "status", other, status_id=followers_only.id).id
    assert ids(client.get(LIST, headers=headers)) == [shown]
    r = client.get(f"{LIST}/{hidden}", headers=headers)
    assert (r.status_code, r.json()) == (404, {"error": "Record not found"})
    world.follow(me, other)
    assert ids(client.get(LIST, headers=headers)) == [hidden, shown]


# --- one notification, dismiss, clear ----------------------------------------------------------------


def test_one_notification_and_only_ones_own(client, world, alice, bob):
    me, headers = alice
    other, other_headers = bob
    n = world.notify(me, "follow", other)
    r = client.get(f"{LIST}/{n.id}", headers=headers)
    assert r.status_code == 200, r.text
    assert (r.json()["id"], r.json()["type"], r.json()["account"]["id"]) == (n.id, "follow", other.id)
    for who, ref in ((other_headers, n.id), (headers, "nope"), (headers, "9" * 40)):
        r = client.get(f"{LIST}/{ref}", headers=who)
        assert (r.status_code, r.json()) == (404, {"error": "Record not found"})


def test_dismiss_by_path_and_by_body(client, world, alice, bob):
    me, headers = alice
    other, other_headers = bob
    a, b, c = (world.notify(me, "follow", other).id for _ in range(3))
    r = client.post(f"{LIST}/{a}/dismiss", headers=other_headers, json={})
    assert (r.status_code, r.json()) == (404, {"error": "Record not found"})
    r = client.post(f"{LIST}/{a}/dismiss", headers=headers, json={})
    assert (r.status_code, r.json()) == (200, {})
    r = client.post(f"{LIST}/{a}/dismiss", headers=headers)
    assert r.status_code == 404
    r = client.post(f"{LIST}/dismiss", headers=headers, data={"id": b})  # Mastodon.py: a form
    assert (r.status_code, r.json()) == (200, {})
    r = client.post(f"{LIST}/dismiss", headers=headers, json={"id": c})
    assert (r.status_code, r.json()) == (200, {})
    assert ids(client.get(LIST, headers=headers)) == []
    r = client.post(f"{LIST}/dismiss", headers=headers, json={})
    assert (r.status_code, r.json()) == (400, {"error": "Missing field: id."})


def test_clear_removes_only_ones_own(client, world, alice, bob):
    me, headers = alice
    other, other_headers = bob
    world.notify(me, "follow", other)
    world.notify(me, "follow", other)
    theirs = world.notify(other, "follow", me).id
    r = client.post(f"{LIST}/clear", headers=headers)
    assert (r.status_code, r.json()) == (200, {})
    assert ids(client.get(LIST, headers=headers)) == []
    assert ids(client.get(LIST, headers=other_headers)) == [theirs]


# --- POST /api/v1/pleroma/notifications/read --------------------------------------------------------


@pytest.mark.parametrize("path", READ_PATHS)
def test_reading_one_by_id_answers_it_seen(client, world, alice, bob, path):
    me, headers = alice
    other, _ = bob
    one, two = world.notify(me, "follow", other).id, world.notify(me, "follow", other).id
    r = client.post(path, headers=headers, json={"id": one})
    assert r.status_code == 200, r.text
    assert (r.json()["id"], r.json()["pleroma"]["is_seen"]) == (one, True)
    seen = {n["id"]: n["pleroma"]["is_seen"] for n in client.get(LIST, headers=headers).json()}
    assert seen == {one: True, two: False}


@pytest.mark.parametrize("path", READ_PATHS)
def test_reading_up_to_max_id_answers_those_it_marked(client, world, alice, bob, path):
    me, headers = alice
    other, _ = bob
    made = [world.notify(me, "follow", other).id for _ in range(4)]
    client.post(path, headers=headers, data={"id": made[0]})
    r = client.post(path, headers=headers, data={"max_id": made[2]})  # Mastodon.py-style form
    assert r.status_code == 200, r.text
    assert [(n["id"], n["pleroma"]["is_seen"]) for n in r.json()] == [(made[2], True), (made[1], True)]
    seen = [n["pleroma"]["is_seen"] for n in client.get(LIST, headers=headers).json()]
    assert seen == [False, True, True, True]
    assert client.post(path, headers=headers, json={"max_id": made[3]}).json()[0]["id"] == made[3]


def test_reading_refuses_what_it_cannot_do(client, world, alice, bob):
    me, headers = alice
    other, other_headers = bob
    n = world.notify(me, "follow", other).id
    path = READ_PATHS[0]
    for who, body in ((headers, {"id": "nope"}), (other_headers, {"id": n, "max_id": ""})):
        r = client.post(path, headers=who, json=body)  # unknown, and someone else's
        assert (r.status_code, r.json()) == (400, {"error": "Cannot get notification"})
    r = client.post(path, headers=headers, json={})
    assert (r.status_code, r.json()) == (400, {"error": "You must pass an id or max_id"})
    r = client.post(path, headers=headers, json={"id": n, "max_id": n})
    assert (r.status_code, r.json()) == (400, {"error": "Pass either id or max_id, not both"})
    r = client.post(path, headers=headers, json={"id": ["a", "b"]})
    assert r.status_code == 400 and r.json()["error"].startswith("Invalid value for id")
    assert client.get(f"{LIST}/{n}", headers=headers).json()["pleroma"]["is_seen"] is False


# --- auth, scopes, and the unread count on the account ----------------------------------------------


def test_reading_needs_read_notifications_and_changing_needs_write(client, world, api):
    me = api.user("alice")
    reader = {"Authorization": f"Bearer {api.token(me, 'read:notifications')}"}
    n = world.notify(me, "follow", api.user("bob")).id
    assert ids(client.get(LIST, headers=reader)) == [n]
    assert client.get(f"{LIST}/{n}", headers=reader).status_code == 200
    for path in (f"{LIST}/clear", f"{LIST}/{n}/dismiss", READ_PATHS[0], READ_PATHS[1]):
        r = client.post(path, headers=reader, json={"id": n})
        assert (r.status_code, r.json()) == (403, {"error": "Insufficient permissions: write:notifications."})
    writer = {"Authorization": f"Bearer {api.token(me, 'write:notifications')}"}
    r = client.get(LIST, headers=writer)
    assert (r.status_code, r.json()) == (403, {"error": "Insufficient permissions: read:notifications."})
    assert client.post(f"{LIST}/{n}/dismiss", headers=writer).status_code == 200
    for method, path in (("GET", LIST), ("GET", f"{LIST}/{n}"), ("POST", f"{LIST}/clear")):
        r = client.request(method, path)
        assert (r.status_code, r.json()) == (403, {"error": "Invalid credentials."})


def test_the_self_account_counts_its_unread_notifications(client, world, alice, bob):
    me, headers = alice
    other, _ = bob
    made = [world.notify(me, "follow", other).id for _ in range(3)]

    def unread() -> int:
        r = client.get("/api/v1/accounts/verify_credentials", headers=headers)
        assert r.status_code == 200, r.text
        return r.json()["pleroma"]["unread_notifications_count"]

    assert unread() == 3
    client.post(READ_PATHS[0], headers=headers, json={"max_id": made[1]})
    assert unread() == 1
    client.post(f"{LIST}/clear", headers=headers)
    assert unread() == 0


def test_query_parameters_are_checked(client, world, alice):
    _, headers = alice
    r = client.get(LIST, params={"limit": "many"}, headers=headers)
    assert r.status_code == 400 and r.json()["error"].startswith("Invalid value for limit")
    r = client.get(LIST, params={"with_muted": "perhaps"}, headers=headers)
    assert (r.status_code, r.json()) == (400, {"error": "Invalid value for with_muted: expected a boolean"})
