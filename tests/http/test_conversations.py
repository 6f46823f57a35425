"""Conversations over HTTP: Mastodon's list, read and delete, Pleroma's show, statuses, PATCH, read."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from plerome.domain.statuses import Status
from plerome.domain.usecases.conversations import record_direct_status

pytestmark = pytest.mark.parametrize("database_url", ["memory", "sqlite", "postgres"], indirect=True)

PREFIXES = ("/api/v1/pleroma", "/api/pleroma")


def post(api, author, *to, visibility="direct", reply_to=None, context_id=None):
    """A status straight into the stores, recorded into its conversation as posting does. A reply's
    thread is its parent's id unless `context_id` says otherwise."""
    ctx = api.svc.ctx
    status_id = ctx.ids.new()
    status = Status(
        id=status_id,
        account_id=author.id,
        created_at=datetime.now(UTC),
        visibility=visibility,
        source="hi",
        content_type="text/plain",
        content="<p>hi</p>",
        context_id=context_id or (reply_to if reply_to else status_id),
        in_reply_to_id=reply_to,
        mentioned_ids=tuple(a.id for a in to),
    )

    async def add():
        async with ctx.stores.transaction() as tx:
            await tx.statuses.add(status)
            await record_direct_status(ctx, tx, status)

    api.client.portal.call(add)
    return status_id


@pytest.fixture
def people(api):
    return {name: api.login(name) for name in ("ann", "bob", "cid")}


def conversations(client, headers, **params):
    r = client.get("/api/v1/conversations", headers=headers, params=params)
    assert r.status_code == 200, r.text
    return r


def test_a_direct_status_shows_in_everyone_s_conversations(client, api, people):
    (ann, ann_h), (bob, bob_h), (cid, _) = people["ann"], people["bob"], people["cid"]
    sid = post(api, ann, bob, cid)
    [mine] = conversations(client, ann_h).json()
    [theirs] = conversations(client, bob_h).json()
    assert mine["id"] != theirs["id"]
    assert (mine["unread"], theirs["unread"]) == (False, True)
    assert sorted(a["id"] for a in theirs["accounts"]) == sorted([ann.id, cid.id])
    assert sorted(a["id"] for a in theirs["pleroma"]["recipients"]) == sorted([ann.id, bob.id, cid.id])
    assert theirs["last_status"]["id"] == sid
    assert theirs["last_status"]["pleroma"]["direct_conversation_id"] == theirs["id"]
    assert theirs["last_status"]["visibility"] == "direct"


def test_mastodon_py_s_trailing_slash_and_the_link_header(client, api, people):
    (ann, ann_h), (bob, _), (cid, _) = people["ann"], people["bob"], people["cid"]
    post(api, ann, bob)
    post(api, ann, cid)
    r = client.get("/api/v1/conversations/", headers=ann_h, params={"limit": 1})
    assert r.status_code == 200
    [newest] = r.json()
    assert [a["id"] for a in newest["accounts"]] == [cid.id]
    link = r.headers["link"]
    assert f"max_id={newest['id']}" in link and 'rel="next"' in link
    nxt = conversations(client, ann_h, max_id=newest["id"], limit=1).json()
    assert [a["id"] for a in nxt[0]["accounts"]] == [bob.id]
    assert conversations(client, ann_h, max_id=nxt[0]["id"]).json() == []
    assert "link" not in conversations(client, ann_h, max_id=nxt[0]["id"]).headers
    only_bob = conversations(client, ann_h, **{"recipients[]": bob.id}).json()
    assert [c["id"] for c in only_bob] == [nxt[0]["id"]]


def test_reading_one_and_deleting_one(client, api, people):
    (ann, _), (bob, bob_h) = people["ann"], people["bob"]
    first = post(api, ann, bob)
    [c] = conversations(client, bob_h).json()
    r = client.post(f"/api/v1/conversations/{c['id']}/read", headers=bob_h)
    assert r.status_code == 200 and r.json()["unread"] is False and r.json()["id"] == c["id"]
    me = client.get("/api/v1/accounts/verify_credentials", headers=bob_h).json()
    assert me["pleroma"]["unread_conversation_count"] == 0
    r = client.delete(f"/api/v1/conversations/{c['id']}", headers=bob_h)
    assert (r.status_code, r.json()) == (200, {})
    assert conversations(client, bob_h).json() == []
    post(api, ann, bob, reply_to=first)
    [back] = conversations(client, bob_h).json()
    assert back["id"] != c["id"] and back["unread"] is True


def test_the_unread_conversation_count_is_real(client, api, people):
    (ann, ann_h), (bob, bob_h), (cid, _) = people["ann"], people["bob"], people["cid"]
    post(api, ann, bob)
    post(api, cid, bob)
    me = client.get("/api/v1/accounts/verify_credentials", headers=bob_h).json()
    assert me["pleroma"]["unread_conversation_count"] == 2
    author = client.get("/api/v1/accounts/verify_credentials", headers=ann_h).json()
    assert author["pleroma"]["unread_conversation_count"] == 0


@pytest.mark.parametrize("prefix", PREFIXES)
def test_pleroma_show_statuses_and_read_all(client, api, people, prefix):
    (ann, ann_h), (bob, bob_h), (cid, _) = people["ann"], people["bob"], people["cid"]
    first = post(api, ann, bob)
    second = post(api, bob, ann, reply_to=first)
    post(api, ann, cid, reply_to=second, context_id=first)  # bob is not addressed: not his to see
    public = post(api, bob, visibility="public", reply_to=second, context_id=first)
    [c] = conversations(client, bob_h).json()
    assert c["last_status"]["id"] == second  # the newest direct status that reached bob
    shown = client.get(f"{prefix}/conversations/{c['id']}", headers=bob_h)
    assert shown.status_code == 200 and shown.json()["id"] == c["id"]
    r = client.get(f"{prefix}/conversations/{c['id']}/statuses", headers=bob_h)
    assert r.status_code == 200, r.text
    assert [s["id"] for s in r.json()] == [first, second, public]  # oldest first
    page = client.get(f"{prefix}/conversations/{c['id']}/statuses", headers=bob_h, params={"limit": 2})
    assert [s["id"] for s in page.json()] == [second, public]
    assert f"max_id={second}" in page.headers["link"] and f"min_id={public}" in page.headers["link"]
    older = client.get(
        f"{prefix}/conversations/{c['id']}/statuses", headers=bob_h, params={"max_id": second}
    ).json()
    assert [s["id"] for s in older] == [first]
    assert c["unread"] is False  # bob wrote the last of it
    post(api, cid, bob)
    unread = [x["id"] for x in conversations(client, bob_h).json() if x["unread"]]
    read = client.post(f"{prefix}/conversations/read", headers=bob_h)
    assert read.status_code == 200
    assert [(x["id"], x["unread"]) for x in read.json()] == [(unread[0], False)]
    assert client.post(f"{prefix}/conversations/read", headers=bob_h).json() == []
    # ann wrote last in that thread (to cid): her side of it is read
    [mine] = conversations(client, ann_h).json()
    assert mine["unread"] is False


@pytest.mark.parametrize("prefix", PREFIXES)
def test_patching_recipients(client, api, people, prefix):
    (ann, ann_h), (bob, _), (cid, _) = people["ann"], people["bob"], people["cid"]
    post(api, ann, bob)
    [c] = conversations(client, ann_h).json()
    r = client.patch(
        f"{prefix}/conversations/{c['id']}", headers=ann_h, json={"recipients": [cid.id, "nobody"]}
    )
    assert r.status_code == 200, r.text
    assert [a["id"] for a in r.json()["accounts"]] == [cid.id]
    assert sorted(a["id"] for a in r.json()["pleroma"]["recipients"]) == sorted([ann.id, cid.id])
    # a form, as Mastodon.py and Pleroma-FE send lists
    r = client.patch(
        f"{prefix}/conversations/{c['id']}", headers=ann_h, data={"recipients[]": [bob.id, cid.id]}
    )
    assert sorted(a["id"] for a in r.json()["accounts"]) == sorted([bob.id, cid.id])
    # nobody else: the conversation is with oneself
    r = client.patch(f"{prefix}/conversations/{c['id']}", headers=ann_h, json={"recipients": []})
    assert [a["id"] for a in r.json()["accounts"]] == [ann.id]
    r = client.patch(f"{prefix}/conversations/{c['id']}", headers=ann_h, json={})
    assert (r.status_code, r.json()) == (400, {"error": "Missing field: recipients."})
    r = client.patch(f"{prefix}/conversations/{c['id']}", headers=ann_h, json={"recipients": [{"id": "x"}]})
    assert r.status_code == 400


def test_non_participants_get_unknown_conversation_id_on_every_route(client, api, people):
    (ann, ann_h), (bob, _), (_, cid_h) = people["ann"], people["bob"], people["cid"]
    post(api, ann, bob)
    [c] = conversations(client, ann_h).json()
    for pid in (c["id"], "unknown", "0"):
        for method, path, kw in (
            ("GET", f"/api/v1/pleroma/conversations/{pid}", {}),
            ("GET", f"/api/pleroma/conversations/{pid}", {}),
            ("GET", f"/api/v1/pleroma/conversations/{pid}/statuses", {}),
            ("PATCH", f"/api/v1/pleroma/conversations/{pid}", {"json": {"recipients": []}}),
            ("POST", f"/api/v1/conversations/{pid}/read", {}),
            ("DELETE", f"/api/v1/conversations/{pid}", {}),
        ):
            r = client.request(method, path, headers=cid_h, **kw)
            assert r.status_code == 404, (method, path, r.text)
            assert r.json() == {"error": "Unknown conversation id"}
    assert conversations(client, cid_h).json() == []


def test_conversations_need_a_user_and_the_scopes(client, api, people):
    ann_h = people["ann"][1]
    r = client.get("/api/v1/conversations")
    assert (r.status_code, r.json()) == (403, {"error": "Invalid credentials."})
    _, reader = api.login("reader", scopes="read")
    r = client.post("/api/v1/pleroma/conversations/read", headers=reader)
    assert (r.status_code, r.json()) == (403, {"error": "Insufficient permissions: write:conversations."})
    _, writer = api.login("writer", scopes="write")
    r = client.get("/api/v1/conversations", headers=writer)
    assert (r.status_code, r.json()) == (403, {"error": "Insufficient permissions: read:statuses."})
    assert client.post("/api/v1/pleroma/conversations/read", headers=ann_h).status_code == 200


def test_direct_statuses_elsewhere_carry_the_reader_s_conversation_id(client, api, people):
    (ann, ann_h), (bob, bob_h) = people["ann"], people["bob"]
    sid = post(api, ann, bob)
    [c] = conversations(client, bob_h).json()
    r = client.put(f"/api/v1/pleroma/statuses/{sid}/reactions/%F0%9F%91%8D", headers=bob_h)
    assert r.json()["pleroma"]["direct_conversation_id"] == c["id"]
    [mine] = conversations(client, ann_h).json()
    r = client.get(f"/api/v1/pleroma/conversations/{mine['id']}/statuses", headers=ann_h)
    assert r.json()[0]["pleroma"]["direct_conversation_id"] == mine["id"]


def test_posting_a_direct_status_starts_a_conversation_and_replies_go_into_it(client, api, people):
    (ann, ann_h), (_, bob_h), (cid, cid_h) = people["ann"], people["bob"], people["cid"]
    r = client.post("/api/v1/statuses", headers=ann_h, json={"status": "@bob psst", "visibility": "direct"})
    assert r.status_code == 200, r.text
    dm = r.json()
    [c] = conversations(client, bob_h).json()
    assert c["unread"] is True and c["last_status"]["id"] == dm["id"]
    assert dm["pleroma"]["direct_conversation_id"] == conversations(client, ann_h).json()[0]["id"]
    # bob answers into the conversation: direct, in its thread, to exactly its recipients
    r = client.post(
        "/api/v1/statuses",
        headers=bob_h,
        json={"status": "no mention needed, @cid is not added", "in_reply_to_conversation_id": c["id"]},
    )
    assert r.status_code == 200, r.text
    answer = r.json()
    assert answer["visibility"] == "direct"
    assert [m["id"] for m in answer["mentions"]] == [ann.id]
    assert answer["pleroma"]["conversation_id"] == dm["pleroma"]["conversation_id"]
    assert answer["pleroma"]["direct_conversation_id"] == c["id"]
    [mine] = conversations(client, ann_h).json()
    assert mine["unread"] is True and mine["last_status"]["id"] == answer["id"]
    assert conversations(client, cid_h).json() == []
    # after a PATCH, replies reach the new recipients
    client.patch(f"/api/v1/pleroma/conversations/{mine['id']}", headers=ann_h, json={"recipients": [cid.id]})
    r = client.post(
        "/api/v1/statuses",
        headers=ann_h,
        data={"status": "hi cid", "in_reply_to_conversation_id": mine["id"]},
    )
    assert r.status_code == 200, r.text
    assert [m["id"] for m in r.json()["mentions"]] == [cid.id]
    [theirs] = conversations(client, cid_h).json()
    assert theirs["last_status"]["id"] == r.json()["id"]
    statuses = client.get(f"/api/v1/pleroma/conversations/{theirs['id']}/statuses", headers=cid_h).json()
    assert [s["id"] for s in statuses] == [r.json()["id"]]  # the earlier ones were not addressed to cid
    # someone else's conversation id cannot be replied into
    r = client.post(
        "/api/v1/statuses", headers=cid_h, json={"status": "x", "in_reply_to_conversation_id": c["id"]}
    )
    assert (r.status_code, r.json()) == (404, {"error": "Unknown conversation id"})
