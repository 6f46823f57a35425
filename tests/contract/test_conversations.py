"""The Conversations contract, on every store; and the SQL stores' lists walk their indexes."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from plerome.adapters.sql.conversations import SqlConversations
from plerome.domain.conversations import Bump, Participation, bumped
from plerome.domain.pagination import Page
from plerome.ports.conversations import ConversationQuery

from .conftest import NOW

pytestmark = pytest.mark.anyio


def bump(
    account: str, context: str, status: str, new_id: str, *, recipients: tuple[str, ...], **kw: Any
) -> Bump:
    values: dict[str, Any] = {
        "account_id": account,
        "context_id": context,
        "status_id": status,
        "new_id": new_id,
        "unread_if_new": True,
        "unread": True,
        "recipients": tuple(sorted(recipients)),
        "at": NOW,
    }
    values.update(kw)
    return Bump(**values)


async def test_a_bump_creates_a_participation_with_its_recipients(stores, scene):
    ann, bob = await scene.account(), await scene.account()
    await stores.conversations.bump(bump(ann, "c1", "s1", "p1", recipients=(ann, bob), unread_if_new=False))
    got = await stores.conversations.get("p1")
    assert got == Participation("p1", ann, "c1", False, "s1", NOW, tuple(sorted((ann, bob))))
    assert await stores.conversations.get("nope") is None


async def test_a_later_bump_keeps_id_and_recipients_and_sets_unread_as_told(stores, scene):
    ann, bob, cid = await scene.account(), await scene.account(), await scene.account()
    await stores.conversations.bump(bump(ann, "c1", "s1", "p1", recipients=(ann, bob), unread_if_new=False))
    later = NOW + timedelta(minutes=5)
    await stores.conversations.bump(bump(ann, "c1", "s2", "p9", recipients=(ann, bob, cid), at=later))
    got = await stores.conversations.get("p1")
    assert got is not None
    assert (got.unread, got.last_status_id, got.updated_at, got.recipients) == (
        True,
        "s2",
        later,
        tuple(sorted((ann, bob))),
    )
    assert await stores.conversations.get("p9") is None
    # None keeps the flag; an older status does not move the last one back
    await stores.conversations.bump(bump(ann, "c1", "s0", "p8", recipients=(ann,), unread=None))
    got = await stores.conversations.get("p1")
    assert got is not None and (got.unread, got.last_status_id) == (True, "s2")
    await stores.conversations.bump(bump(ann, "c1", "s3", "p8", recipients=(ann,), unread=False))
    got = await stores.conversations.get("p1")
    assert got is not None and (got.unread, got.last_status_id) == (False, "s3")


async def test_the_stores_bump_as_the_rule_says(stores, scene):
    ann, bob = await scene.account(), await scene.account()
    steps = [
        bump(ann, "c1", "s1", "p1", recipients=(ann, bob), unread_if_new=False, unread=False),
        bump(ann, "c1", "s2", "p2", recipients=(ann,), unread=True),
        bump(ann, "c1", "s3", "p3", recipients=(ann,), unread=None),
    ]
    expected = None
    for step in steps:
        await stores.conversations.bump(step)
        expected = bumped(expected, step)
        assert await stores.conversations.get("p1") == expected


async def test_recipients_unknown_to_the_store_are_left_out(stores, scene):
    ann = await scene.account()
    await stores.conversations.bump(bump(ann, "c1", "s1", "p1", recipients=(ann, "ghost")))
    got = await stores.conversations.get("p1")
    assert got is not None and got.recipients == (ann,)


async def test_recipients_are_replaced_as_a_whole(stores, scene):
    ann, bob, cid = await scene.account(), await scene.account(), await scene.account()
    await stores.conversations.bump(bump(ann, "c1", "s1", "p1", recipients=(ann, bob)))
    await stores.conversations.set_recipients("p1", [cid, ann, "ghost"])
    got = await stores.conversations.get("p1")
    assert got is not None and got.recipients == tuple(sorted((ann, cid)))
    await stores.conversations.set_recipients("nope", [ann])  # nothing to change: no error


async def test_a_deleted_account_leaves_recipients_and_takes_its_participations(stores, scene):
    ann, bob = await scene.account(), await scene.account()
    await stores.conversations.bump(bump(ann, "c1", "s1", "p1", recipients=(ann, bob)))
    await stores.conversations.bump(bump(bob, "c1", "s1", "p2", recipients=(ann, bob)))
    assert await stores.accounts.delete(bob)
    got = await stores.conversations.get("p1")
    assert got is not None and got.recipients == (ann,)
    assert await stores.conversations.for_contexts(bob, ["c1"]) == {}
    assert await stores.conversations.unread_count(bob) == 0


async def test_each_owner_has_one_participation_per_conversation(stores, scene):
    ann, bob = await scene.account(), await scene.account()
    await stores.conversations.bump(bump(ann, "c1", "s1", "p1", recipients=(ann, bob)))
    await stores.conversations.bump(bump(bob, "c1", "s1", "p2", recipients=(ann, bob)))
    await stores.conversations.bump(bump(ann, "c2", "s5", "p3", recipients=(ann,)))
    assert await stores.conversations.for_contexts(ann, ["c1", "c2", "c3"]) == {"c1": "p1", "c2": "p3"}
    assert await stores.conversations.for_contexts(bob, ["c1", "c2"]) == {"c1": "p2"}
    assert await stores.conversations.for_contexts(bob, []) == {}


async def test_reading_and_unread_counts(stores, scene):
    ann, bob = await scene.account(), await scene.account()
    for i in range(1, 4):
        await stores.conversations.bump(bump(ann, f"c{i}", f"s{i}", f"p{i}", recipients=(ann, bob)))
    await stores.conversations.bump(bump(bob, "c1", "s1", "p9", recipients=(ann, bob)))
    assert await stores.conversations.unread_count(ann) == 3
    assert await stores.conversations.mark_read("p2") is True
    assert await stores.conversations.mark_read("nope") is False
    assert await stores.conversations.unread_count(ann) == 2
    assert [p.id for p in await stores.conversations.unread(ann, 10)] == ["p3", "p1"]
    assert [p.id for p in await stores.conversations.unread(ann, 1)] == ["p3"]
    assert await stores.conversations.mark_all_read(ann) == 2
    assert await stores.conversations.unread_count(ann) == 0
    assert await stores.conversations.unread_count(bob) == 1  # others' are theirs
    assert await stores.conversations.mark_all_read(ann) == 0


async def test_deleting_a_participation(stores, scene):
    ann, bob = await scene.account(), await scene.account()
    await stores.conversations.bump(bump(ann, "c1", "s1", "p1", recipients=(ann, bob)))
    assert await stores.conversations.delete("p1") is True
    assert await stores.conversations.delete("p1") is False
    assert await stores.conversations.get("p1") is None
    # a new direct status brings the owner back, with a new participation
    await stores.conversations.bump(bump(ann, "c1", "s2", "p7", recipients=(ann,)))
    assert await stores.conversations.for_contexts(ann, ["c1"]) == {"c1": "p7"}


async def listing(stores: Any, account: str, page: Page, recipients: tuple[str, ...] = ()) -> list[str]:
    found = await stores.conversations.list_for(ConversationQuery(account, recipients), page)
    return [p.id for p in found]


async def test_lists_run_newest_activity_first_and_page_by_participation_id(stores, scene):
    ann, bob = await scene.account(), await scene.account()
    # participation ids and last statuses in different orders: the list follows the last statuses
    for pid, status in (("p1", "s5"), ("p2", "s3"), ("p3", "s9"), ("p4", "s1"), ("p5", "s7")):
        await stores.conversations.bump(bump(ann, f"c-{pid}", status, pid, recipients=(ann, bob)))
    await stores.conversations.bump(bump(bob, "c-p1", "s5", "q1", recipients=(ann, bob)))
    assert await listing(stores, ann, Page()) == ["p3", "p5", "p1", "p2", "p4"]
    assert await listing(stores, ann, Page(limit=2)) == ["p3", "p5"]
    assert await listing(stores, ann, Page(max_id="p5", limit=2)) == ["p1", "p2"]
    assert await listing(stores, ann, Page(since_id="p1")) == ["p3", "p5"]
    assert await listing(stores, ann, Page(min_id="p4", limit=2)) == ["p1", "p2"]
    assert await listing(stores, ann, Page(max_id="p3", since_id="p2")) == ["p5", "p1"]
    # a bump moves a conversation to the top
    await stores.conversations.bump(bump(ann, "c-p4", "s99", "x", recipients=(ann,)))
    assert await listing(stores, ann, Page(limit=2)) == ["p4", "p3"]
    # an id that is none of the owner's participations is a point in time (ids sort by time)
    assert await listing(stores, ann, Page(max_id="s6")) == ["p1", "p2"]
    # another's participation is no cursor of ann's: "q1" is read as a time, before every "s…" status
    assert await listing(stores, ann, Page(max_id="q1")) == []
    assert await listing(stores, bob, Page()) == ["q1"]


async def test_lists_can_ask_for_exactly_some_recipients(stores, scene):
    ann, bob, cid = await scene.account(), await scene.account(), await scene.account()
    await stores.conversations.bump(bump(ann, "c1", "s1", "p1", recipients=(ann, bob)))
    await stores.conversations.bump(bump(ann, "c2", "s2", "p2", recipients=(ann, bob, cid)))
    await stores.conversations.bump(bump(ann, "c3", "s3", "p3", recipients=(ann, cid)))
    assert await listing(stores, ann, Page(), (bob,)) == ["p1"]
    assert await listing(stores, ann, Page(), (bob, cid)) == ["p2"]
    assert await listing(stores, ann, Page(), (cid, ann)) == ["p3"]
    assert await listing(stores, ann, Page(), ("ghost",)) == []


async def test_a_thread_lists_its_statuses_newest_first_without_reblogs(stores, scene):
    ann, bob = await scene.account(), await scene.account()
    first = await scene.status(ann, visibility="direct", mentioned=(bob,), status_id="t1")
    await scene.status(bob, visibility="direct", context_id=first, mentioned=(ann,), status_id="t2")
    await scene.status(ann, context_id=first, status_id="t3")
    await scene.status(bob, status_id="t4")  # another thread
    await scene.status(bob, reblog_of="t3", context_id=first, status_id="t5")
    await scene.status(ann, visibility="direct", context_id=first, status_id="t6")
    thread = stores.conversations.thread
    assert await thread(first, Page()) == ["t6", "t3", "t2", "t1"]
    assert await thread(first, Page(limit=2)) == ["t6", "t3"]
    assert await thread(first, Page(max_id="t3")) == ["t2", "t1"]
    assert await thread(first, Page(min_id="t1", limit=2)) == ["t3", "t2"]
    assert await thread(first, Page(since_id="t2")) == ["t6", "t3"]
    assert await thread("nothing", Page()) == []


async def test_sql_lists_walk_the_indexes(stores, store_kind, scene, recording, plan):
    if store_kind == "memory":
        pytest.skip("no query plans in memory")
    ann, bob = await scene.account(), await scene.account()
    for i in range(1, 4):
        await stores.conversations.bump(bump(ann, f"c{i}", f"s{i}", f"p{i}", recipients=(ann, bob)))
    recorder = recording(stores._db)
    repo = SqlConversations(recorder)
    await repo.list_for(ConversationQuery(ann), Page(max_id="p2"))
    await repo.unread(ann, 10)
    await repo.unread_count(ann)
    await repo.for_contexts(ann, ["c1", "c2"])
    await repo.thread("c1", Page())
    plans = {sql: await plan(stores._db, sql, args) for sql, args in recorder.statements}
    for sql, text in plans.items():
        assert "Seq Scan on participations" not in text and "SCAN p " not in text, (sql, text)
        assert "Seq Scan on statuses" not in text and "SCAN statuses" not in text, (sql, text)
    listed = next(text for sql, text in plans.items() if "ORDER BY p.last_status_id DESC" in sql)
    assert "participations_account_order" in listed or "participations_unread" in listed, listed
