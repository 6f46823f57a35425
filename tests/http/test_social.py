"""The social graph over HTTP: follow, unfollow, block, mute and subscribe as megalodon (JSON) and
Mastodon.py (forms) send them, the errors of each, and the lists and relationships they make."""

from __future__ import annotations

from datetime import timedelta

import pytest

from plerome.adapters.memory import FixedClock
from plerome.domain.pagination import Page
from plerome.domain.usecases.accounts import create_account
from plerome.domain.usecases.oauth import cli_token
from plerome.entrypoints import wiring
from plerome.entrypoints.asgi import create_app
from plerome.ports.notifications import NotificationQuery

UPDATE = "/api/v1/accounts/update_credentials"
DEFAULT_RELATIONSHIP = {
    "following": False,
    "followed_by": False,
    "blocking": False,
    "blocked_by": False,
    "muting": False,
    "muting_notifications": False,
    "subscribing": False,
    "notifying": False,
    "requested": False,
    "domain_blocking": False,
    "showing_reblogs": True,
    "endorsed": False,
    "note": "",
}


def relationship(account_id: str, **flags) -> dict:
    return {"id": account_id, **DEFAULT_RELATIONSHIP, **flags}


@pytest.fixture
def alice(api):
    return api.login("alice")


@pytest.fixture
def bob(api):
    return api.login("bob")


def lock(client, headers) -> None:
    assert client.patch(UPDATE, json={"locked": True}, headers=headers).status_code == 200


def notifications_of(api, account) -> list[tuple[str, str]]:
    found = api.client.portal.call(
        lambda: api.svc.ctx.stores.notifications.list(account.id, NotificationQuery(), Page())
    )
    return [(n.type, n.from_account_id) for n in found]


def post(client, path, headers, **kw):
    return client.post(path, headers=headers, **kw)


# --- follow and unfollow --------------------------------------------------------------------------


def test_megalodon_follows_with_an_empty_json_body_and_reads_every_field(client, api, alice, bob):
    (a, ah), (b, _) = alice, bob
    r = post(client, f"/api/v1/accounts/{b.id}/follow", ah, json={})
    assert r.status_code == 200, r.text
    assert r.json() == relationship(b.id, following=True)
    assert notifications_of(api, b) == [("follow", a.id)]


def test_megalodon_reblog_and_notify_options(client, alice, bob):
    (_, ah), (b, _) = alice, bob
    path = f"/api/v1/accounts/{b.id}/follow"
    assert post(client, path, ah, json={"reblog": False}).json() == relationship(
        b.id, following=True, showing_reblogs=False
    )
    # subscribeAccount sends only {notify}: the reblogs choice stays
    assert post(client, path, ah, json={"notify": True}).json() == relationship(
        b.id, following=True, showing_reblogs=False, subscribing=True, notifying=True
    )
    assert post(client, path, ah, json={"notify": False, "reblogs": True}).json() == relationship(
        b.id, following=True
    )


def test_mastodon_py_form_booleans(client, alice, bob):
    (_, ah), (b, _) = alice, bob
    path = f"/api/v1/accounts/{b.id}/follow"
    r = post(client, path, ah, data={"reblogs": "0", "notify": "1"})
    assert r.json() == relationship(
        b.id, following=True, showing_reblogs=False, subscribing=True, notifying=True
    )
    r = post(client, path, ah, data={"reblogs": "1", "notify": "0"})
    assert r.json() == relationship(b.id, following=True)


def test_following_again_sends_no_second_notification(client, api, alice, bob):
    (a, ah), (b, _) = alice, bob
    for _ in range(3):
        assert post(client, f"/api/v1/accounts/{b.id}/follow", ah, json={}).status_code == 200
    assert notifications_of(api, b) == [("follow", a.id)]


def test_the_followed_account_sees_its_follower(client, alice, bob):
    (a, ah), (b, bh) = alice, bob
    post(client, f"/api/v1/accounts/{b.id}/follow", ah, json={})
    r = client.get("/api/v1/accounts/relationships", params={"id[]": a.id}, headers=bh)
    assert r.json() == [relationship(a.id, followed_by=True)]


def test_unfollow_with_megalodons_empty_body_and_with_no_body(client, alice, bob):
    (_, ah), (b, _) = alice, bob
    post(client, f"/api/v1/accounts/{b.id}/follow", ah, json={"notify": True})
    r = post(client, f"/api/v1/accounts/{b.id}/unfollow", ah, json={})
    assert r.status_code == 200
    assert r.json() == relationship(b.id)
    assert post(client, f"/api/v1/accounts/{b.id}/unfollow", ah).json() == relationship(b.id)


def test_following_a_locked_account_is_a_request_until_authorized(client, api, alice, bob):
    (a, ah), (b, bh) = alice, bob
    lock(client, bh)
    r = post(client, f"/api/v1/accounts/{b.id}/follow", ah, json={})
    assert r.json() == relationship(b.id, requested=True)
    assert notifications_of(api, b) == [("follow_request", a.id)]
    requests = client.get("/api/v1/follow_requests", headers=bh)
    assert [x["id"] for x in requests.json()] == [a.id]
    assert "Link" in requests.headers
    r = post(client, f"/api/v1/follow_requests/{a.id}/authorize", bh, json={})
    assert r.status_code == 200
    assert r.json() == relationship(a.id, followed_by=True)
    assert client.get("/api/v1/follow_requests", headers=bh).json() == []
    assert notifications_of(api, a) == []  # the follower is not notified
    r = client.get("/api/v1/accounts/relationships", params={"id[]": b.id}, headers=ah)
    assert r.json() == [relationship(b.id, following=True)]


def test_rejecting_a_request_and_withdrawing_one(client, api, alice, bob):
    (a, ah), (b, bh) = alice, bob
    lock(client, bh)
    post(client, f"/api/v1/accounts/{b.id}/follow", ah, json={})
    r = post(client, f"/api/v1/follow_requests/{a.id}/reject", bh)
    assert r.json() == relationship(a.id)
    r = post(client, f"/api/v1/follow_requests/{a.id}/reject", bh)
    assert (r.status_code, r.json()) == (404, {"error": "Record not found"})
    post(client, f"/api/v1/accounts/{b.id}/follow", ah, json={})
    assert post(client, f"/api/v1/accounts/{b.id}/unfollow", ah).json() == relationship(b.id)
    assert client.get("/api/v1/follow_requests", headers=bh).json() == []


def test_answering_a_request_that_does_not_exist_is_404(client, alice, bob):
    (a, _), (_, bh) = alice, bob
    for verb in ("authorize", "reject"):
        for who in (a.id, "nobody", "%00"):
            r = post(client, f"/api/v1/follow_requests/{who}/{verb}", bh)
            assert (r.status_code, r.json()) == (404, {"error": "Record not found"})


def test_following_or_unfollowing_yourself_is_400(client, alice):
    a, ah = alice
    r = post(client, f"/api/v1/accounts/{a.id}/follow", ah, json={})
    assert (r.status_code, r.json()) == (400, {"error": "Can not follow yourself"})
    r = post(client, f"/api/v1/accounts/{a.id}/unfollow", ah)
    assert (r.status_code, r.json()) == (400, {"error": "Can not unfollow yourself"})


def test_following_across_a_block_is_403_both_ways(client, api, alice, bob):
    (a, ah), (b, bh) = alice, bob
    post(client, f"/api/v1/accounts/{a.id}/block", bh)
    r = post(client, f"/api/v1/accounts/{b.id}/follow", ah, json={})
    assert (r.status_code, r.json()) == (403, {"error": "Could not follow user: bob blocked you."})
    r = post(client, f"/api/v1/accounts/{a.id}/follow", bh, json={})
    assert (r.status_code, r.json()) == (403, {"error": "Could not follow user: you are blocking alice."})
    assert notifications_of(api, a) == [] and notifications_of(api, b) == []


@pytest.mark.parametrize("target", ["doesntexist", "%00", "x" * 300, "%C3%A9", "9" * 40])
@pytest.mark.parametrize("verb", ["follow", "unfollow", "block", "unblock", "mute", "unmute"])
def test_unknown_or_malformed_ids_are_404(client, alice, target, verb):
    r = post(client, f"/api/v1/accounts/{target}/{verb}", alice[1], json={})
    assert (r.status_code, r.json()) == (404, {"error": "Record not found"})


@pytest.mark.parametrize(
    ("body", "error"),
    [
        ({"reblogs": "maybe"}, "Invalid value for reblogs: expected a boolean"),
        ({"notify": "sometimes"}, "Invalid value for notify: expected a boolean"),
    ],
)
def test_bad_follow_options_are_400_and_follow_nobody(client, alice, bob, body, error):
    (_, ah), (b, _) = alice, bob
    r = post(client, f"/api/v1/accounts/{b.id}/follow", ah, data=body)
    assert (r.status_code, r.json()) == (400, {"error": error})
    r = post(
        client,
        f"/api/v1/accounts/{b.id}/follow",
        {"Content-Type": "application/json", **ah},
        content=b"{nope",
    )
    assert r.status_code == 400
    assert client.get("/api/v1/accounts/relationships", params={"id": b.id}, headers=ah).json() == [
        relationship(b.id)
    ]


# --- scopes and logins ----------------------------------------------------------------------------

ACTIONS = [
    ("follow", "Insufficient permissions: follow | write:follows.", "write:follows"),
    ("unfollow", "Insufficient permissions: follow | write:follows.", "write:follows"),
    ("block", "Insufficient permissions: follow | write:blocks.", "write:blocks"),
    ("unblock", "Insufficient permissions: follow | write:blocks.", "write:blocks"),
    ("mute", "Insufficient permissions: follow | write:mutes.", "write:mutes"),
    ("unmute", "Insufficient permissions: follow | write:mutes.", "write:mutes"),
]


@pytest.mark.parametrize(("verb", "error", "enough"), ACTIONS)
def test_actions_need_their_scope_or_follow(client, api, bob, verb, error, enough):
    b, _ = bob
    reader, rh = api.login("reader", scopes="read")
    r = post(client, f"/api/v1/accounts/{b.id}/{verb}", rh, json={})
    assert (r.status_code, r.json()) == (403, {"error": error})
    for scopes in (enough, "follow", "write"):
        h = {"Authorization": f"Bearer {api.token(reader, scopes)}"}
        assert post(client, f"/api/v1/accounts/{b.id}/{verb}", h, json={}).status_code == 200, scopes


def test_actions_need_a_login(client, bob):
    b, _ = bob
    for verb, _, _ in ACTIONS:
        r = client.post(f"/api/v1/accounts/{b.id}/{verb}")
        assert (r.status_code, r.json()) == (403, {"error": "Invalid credentials."})
    for path in (
        "/api/v1/accounts/relationships",
        "/api/v1/blocks",
        "/api/v1/mutes",
        "/api/v1/follow_requests",
    ):
        r = client.get(path)
        assert (r.status_code, r.json()) == (403, {"error": "Invalid credentials."})


@pytest.mark.parametrize(
    ("path", "error", "enough"),
    [
        ("/api/v1/accounts/relationships", "Insufficient permissions: read:follows.", "read:follows"),
        ("/api/v1/blocks", "Insufficient permissions: follow | read:blocks.", "read:blocks"),
        ("/api/v1/mutes", "Insufficient permissions: follow | read:mutes.", "read:mutes"),
        ("/api/v1/follow_requests", "Insufficient permissions: follow | read:follows.", "read:follows"),
    ],
)
def test_reading_needs_its_scope(client, api, path, error, enough):
    reader, rh = api.login("reader", scopes="write")
    r = client.get(path, headers=rh)
    assert (r.status_code, r.json()) == (403, {"error": error})
    h = {"Authorization": f"Bearer {api.token(reader, enough)}"}
    assert client.get(path, headers=h).status_code == 200


def test_basic_auth_skips_the_scope_check(client, api, basic_auth, bob):
    b, _ = bob
    api.user("carol", "pw")
    r = post(client, f"/api/v1/accounts/{b.id}/follow", basic_auth("carol", "pw"), json={})
    assert r.json()["following"] is True


# --- block ----------------------------------------------------------------------------------------


def test_block_ends_follows_both_ways_and_unblock_lifts_it(client, alice, bob):
    (a, ah), (b, bh) = alice, bob
    post(client, f"/api/v1/accounts/{b.id}/follow", ah, json={"notify": True})
    post(client, f"/api/v1/accounts/{a.id}/follow", bh, json={})
    r = post(client, f"/api/v1/accounts/{b.id}/block", ah)
    assert r.json() == relationship(b.id, blocking=True)
    assert client.get("/api/v1/accounts/relationships", params={"id[]": a.id}, headers=bh).json() == [
        relationship(a.id, blocked_by=True)
    ]
    assert client.get(f"/api/v1/accounts/{a.id}/followers", headers=ah).json() == []
    assert client.get(f"/api/v1/accounts/{a.id}/following", headers=ah).json() == []
    blocks = client.get("/api/v1/blocks", headers=ah)
    assert [x["id"] for x in blocks.json()] == [b.id]
    assert post(client, f"/api/v1/accounts/{b.id}/unblock", ah).json() == relationship(b.id)
    assert client.get("/api/v1/blocks", headers=ah).json() == []


def test_blocking_or_muting_yourself_is_400(client, alice):
    a, ah = alice
    for verb in ("block", "unblock", "mute", "unmute"):
        r = post(client, f"/api/v1/accounts/{a.id}/{verb}", ah)
        assert (r.status_code, r.json()) == (400, {"error": f"Can not {verb} yourself"})


# --- mute -----------------------------------------------------------------------------------------


def test_mute_with_and_without_notifications(client, alice, bob):
    (_, ah), (b, _) = alice, bob
    r = post(client, f"/api/v1/accounts/{b.id}/mute", ah)
    assert r.json() == relationship(b.id, muting=True, muting_notifications=True)
    r = post(client, f"/api/v1/accounts/{b.id}/mute", ah, data={"notifications": "false"})
    assert r.json() == relationship(b.id, muting=True)
    r = post(client, f"/api/v1/accounts/{b.id}/mute", ah, json={"notifications": True, "expires_in": 3600})
    assert r.json() == relationship(b.id, muting=True, muting_notifications=True)
    assert [x["id"] for x in client.get("/api/v1/mutes", headers=ah).json()] == [b.id]
    assert post(client, f"/api/v1/accounts/{b.id}/unmute", ah, json={}).json() == relationship(b.id)
    assert client.get("/api/v1/mutes", headers=ah).json() == []


def test_a_timed_mute_ends_on_its_own(make_settings, checked_client):
    clock = FixedClock()
    c = checked_client(create_app(services=wiring.build(make_settings(), clock=clock)))
    svc = c.app.state.services
    me = c.portal.call(lambda: create_account(svc.ctx, "alice", "alice@example.test", "pw"))
    them = c.portal.call(lambda: create_account(svc.ctx, "bob", "bob@example.test", "pw"))
    token = c.portal.call(lambda: cli_token(svc.ctx, me, "read write follow")).access_token
    h = {"Authorization": f"Bearer {token}"}
    r = c.post(f"/api/v1/accounts/{them.id}/mute", json={"duration": 60}, headers=h)
    assert r.json()["muting"] is True
    clock.advance(timedelta(seconds=59))
    assert [x["id"] for x in c.get("/api/v1/mutes", headers=h).json()] == [them.id]
    clock.advance(timedelta(seconds=1))
    assert c.get("/api/v1/accounts/relationships", params={"id": them.id}, headers=h).json() == [
        relationship(them.id)
    ]
    assert c.get("/api/v1/mutes", headers=h).json() == []


@pytest.mark.parametrize(
    ("body", "error"),
    [
        ({"expires_in": "soon"}, "Invalid value for expires_in: Expected `int | null`, got `str`"),
        ({"notifications": "perhaps"}, "Invalid value for notifications: expected a boolean"),
        ({"expires_in": 10**12}, "Invalid value for expires_in: the mute would last more than a century"),
    ],
)
def test_bad_mute_options_are_400_and_mute_nobody(client, alice, bob, body, error):
    (_, ah), (b, _) = alice, bob
    r = post(client, f"/api/v1/accounts/{b.id}/mute", ah, json=body)
    assert (r.status_code, r.json()) == (400, {"error": error})
    assert client.get("/api/v1/mutes", headers=ah).json() == []


# --- relationships --------------------------------------------------------------------------------


def test_relationships_in_request_order_unknown_ids_left_out(client, api, alice, bob):
    (a, ah), (b, _) = alice, bob
    c, _ = api.login("carol")
    post(client, f"/api/v1/accounts/{c.id}/follow", ah, json={})
    r = client.get(
        "/api/v1/accounts/relationships",
        params=[("id[]", c.id), ("id[]", "nobody"), ("id[]", b.id)],
        headers=ah,
    )
    assert r.status_code == 200
    assert r.json() == [relationship(c.id, following=True), relationship(b.id)]
    assert client.get(f"/api/v1/accounts/relationships?id={b.id}", headers=ah).json() == [relationship(b.id)]
    assert client.get("/api/v1/accounts/relationships", headers=ah).json() == []
    assert client.get(f"/api/v1/accounts/relationships?id[]={a.id}", headers=ah).json() == [
        relationship(a.id)
    ]


def test_relationships_with_a_nested_id_is_400(client, alice):
    r = client.get("/api/v1/accounts/relationships?id[a]=b", headers=alice[1])
    assert r.status_code == 400


# --- subscribe (Pleroma) --------------------------------------------------------------------------


@pytest.mark.parametrize("prefix", ["/api/v1/pleroma", "/api/pleroma"])
def test_subscribe_and_unsubscribe_under_both_prefixes(client, alice, bob, prefix):
    (_, ah), (b, _) = alice, bob
    r = post(client, f"{prefix}/accounts/{b.id}/subscribe", ah)
    assert r.json() == relationship(b.id, subscribing=True, notifying=True)
    r = post(client, f"{prefix}/accounts/{b.id}/unsubscribe", ah, json={})
    assert r.json() == relationship(b.id)


def test_subscribe_errors(client, api, alice, bob):
    (a, ah), (b, bh) = alice, bob
    r = post(client, "/api/v1/pleroma/accounts/nobody/subscribe", ah)
    assert (r.status_code, r.json()) == (404, {"error": "Record not found"})
    r = post(client, "/api/v1/pleroma/accounts/nobody/unsubscribe", ah)
    assert (r.status_code, r.json()) == (404, {"error": "Record not found"})
    post(client, f"/api/v1/accounts/{a.id}/block", bh)
    r = post(client, f"/api/v1/pleroma/accounts/{b.id}/subscribe", ah)
    assert (r.status_code, r.json()) == (403, {"error": "Could not subscribe: bob is blocking you"})
    _, rh = api.login("reader", scopes="read")
    r = post(client, f"/api/pleroma/accounts/{b.id}/subscribe", rh)
    assert (r.status_code, r.json()) == (403, {"error": "Insufficient permissions: follow | write:follows."})
    assert post(client, f"/api/v1/pleroma/accounts/{a.id}/subscribe", ah).json()["subscribing"] is True


# --- followers, following and the counts on account entities ----------------------------------------


def test_followers_and_following_carry_real_counts(client, api, alice, bob):
    (a, ah), (b, bh) = alice, bob
    _, ch = api.login("carol")
    post(client, f"/api/v1/accounts/{b.id}/follow", ah, json={})
    post(client, f"/api/v1/accounts/{b.id}/follow", ch, json={})
    post(client, f"/api/v1/accounts/{a.id}/follow", bh, json={})
    r = client.get(f"/api/v1/accounts/{b.id}/followers")  # anonymous
    assert r.status_code == 200
    assert [(x["username"], x["followers_count"], x["following_count"]) for x in r.json()] == [
        ("carol", 0, 1),
        ("alice", 1, 1),
    ]
    r = client.get(f"/api/v1/accounts/{a.id}/following", headers=ah)
    assert [(x["username"], x["followers_count"], x["following_count"]) for x in r.json()] == [("bob", 2, 1)]


def test_the_callers_own_entity_in_a_list_carries_its_follow_requests_count(client, api, alice, bob):
    (a, ah), (b, _) = alice, bob
    lock(client, ah)
    _, ch = api.login("carol")
    post(client, f"/api/v1/accounts/{a.id}/follow", ch, json={})
    post(client, f"/api/v1/accounts/{b.id}/follow", ah, json={})
    me = client.get(f"/api/v1/accounts/{b.id}/followers", headers=ah).json()[0]
    assert me["id"] == a.id
    assert me["follow_requests_count"] == 1
    assert me["source"]["follow_requests_count"] == 1
    other = client.get(f"/api/v1/accounts/{b.id}/followers", headers=ch).json()[0]
    assert "follow_requests_count" not in other


def test_hidden_followers_and_follows_are_empty_for_others_but_not_the_owner(client, api, alice, bob):
    (a, ah), (b, bh) = alice, bob
    client.patch(UPDATE, json={"hide_followers": True, "hide_follows": True}, headers=ah)
    post(client, f"/api/v1/accounts/{a.id}/follow", bh, json={})
    post(client, f"/api/v1/accounts/{b.id}/follow", ah, json={})
    for kind in ("followers", "following"):
        r = client.get(f"/api/v1/accounts/{a.id}/{kind}", headers=bh)
        assert (r.status_code, r.json()) == (200, [])
        assert "Link" not in r.headers
        assert client.get(f"/api/v1/accounts/{a.id}/{kind}").json() == []
        assert [x["id"] for x in client.get(f"/api/v1/accounts/{a.id}/{kind}", headers=ah).json()] == [b.id]


def test_hidden_counts_read_zero_for_others(client, api, alice, bob):
    (a, ah), (b, bh) = alice, bob
    client.patch(UPDATE, json={"hide_followers_count": True}, headers=ah)
    post(client, f"/api/v1/accounts/{a.id}/follow", bh, json={})
    entity = client.get(f"/api/v1/accounts/{b.id}/following", headers=bh).json()[0]
    assert entity["followers_count"] == 0
    entity = client.get(f"/api/v1/accounts/{b.id}/following", headers=ah).json()[0]
    assert entity["followers_count"] == 1


def test_account_lists_of_an_unknown_account_are_404(client, alice):
    for kind in ("followers", "following"):
        for who in ("nobody", "%00"):
            r = client.get(f"/api/v1/accounts/{who}/{kind}", headers=alice[1])
            assert (r.status_code, r.json()) == (404, {"error": "Record not found"})


def test_a_token_without_read_accounts_reads_lists_as_anonymous(client, api, alice):
    a, ah = alice
    client.patch(UPDATE, json={"hide_followers": True}, headers=ah)
    b, bh = api.login("bob")
    post(client, f"/api/v1/accounts/{a.id}/follow", bh, json={})
    weak = {"Authorization": f"Bearer {api.token(a, 'write')}"}
    assert client.get(f"/api/v1/accounts/{a.id}/followers", headers=weak).json() == []
    assert [x["id"] for x in client.get(f"/api/v1/accounts/{a.id}/followers", headers=ah).json()] == [b.id]


# --- account search -------------------------------------------------------------------------------


def test_account_search_by_prefix_of_nickname_or_display_name(client, api, alice):
    _, ah = alice
    api.login("alicia")
    b, bh = api.login("bob")
    client.patch(UPDATE, json={"display_name": "Alien Bob"}, headers=bh)
    r = client.get("/api/v1/accounts/search", params={"q": "ALI"})
    assert r.status_code == 200
    assert [x["username"] for x in r.json()] == ["alice", "alicia", "bob"]
    assert [x["username"] for x in client.get("/api/v1/accounts/search?q=@alice&resolve=true").json()] == [
        "alice"
    ]
    assert [x["username"] for x in client.get("/api/v1/accounts/search?q=ali&limit=1&offset=1").json()] == [
        "alicia"
    ]
    post(client, f"/api/v1/accounts/{b.id}/follow", ah, json={})
    r = client.get("/api/v1/accounts/search", params={"q": "ali", "following": "true"}, headers=ah)
    assert [x["username"] for x in r.json()] == ["bob"]
    assert r.json()[0]["followers_count"] == 1


def test_account_search_leaves_out_accounts_the_caller_blocks(client, api, alice, bob):
    (_, ah), (b, _) = alice, bob
    post(client, f"/api/v1/accounts/{b.id}/block", ah)
    assert client.get("/api/v1/accounts/search?q=bob", headers=ah).json() == []
    assert [x["id"] for x in client.get("/api/v1/accounts/search?q=bob").json()] == [b.id]


@pytest.mark.parametrize(
    ("query", "error"),
    [
        ("", "Missing field: q."),
        ("q=a&limit=lots", "Invalid value for limit: Expected `int | null`, got `str`"),
        ("q=a&following=perhaps", "Invalid value for following: expected a boolean"),
    ],
)
def test_bad_account_searches_are_400(client, query, error):
    r = client.get(f"/api/v1/accounts/search?{query}")
    assert (r.status_code, r.json()) == (400, {"error": error})


def test_account_search_limit_is_clamped(client, api):
    for i in range(45):
        api.user(f"many{i:02d}")
    assert len(client.get("/api/v1/accounts/search?q=many").json()) == 40
    assert len(client.get("/api/v1/accounts/search?q=many&limit=100").json()) == 40
    assert len(client.get("/api/v1/accounts/search?q=many&limit=0").json()) == 1
    assert client.get("/api/v1/accounts/search?q=many&offset=-3").status_code == 200
