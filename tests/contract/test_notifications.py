"""The Notifications contract, on every store; and the SQL stores' queries walk their indexes."""

from __future__ import annotations

import dataclasses
from datetime import timedelta
from typing import Any

import pytest

from plerome.adapters.sql.notifications import SqlNotifications
from plerome.domain.notifications import Notification
from plerome.domain.pagination import Page
from plerome.domain.statuses import Status
from plerome.ports.notifications import NotificationQuery

pytestmark = pytest.mark.anyio

ALL = NotificationQuery()


class World:
    """Accounts and statuses for notifications to point at (the SQL schema's foreign keys want them)."""

    def __init__(self, stores: Any, make: Any) -> None:
        self.stores = stores
        self.make = make
        self._n = 0

    async def account(self, nickname: str | None = None) -> str:
        account = self.make.account(nickname)
        await self.stores.accounts.add(account)
        return account.id

    async def status(self, author_id: str) -> str:
        self._n += 1
        status_id = f"status{self._n:04d}"
        status = Status(
            id=status_id,
            account_id=author_id,
            created_at=self.make.now,
            visibility="public",
            source="hi",
            content_type="text/plain",
            content="<p>hi</p>",
            context_id=status_id,
        )
        statuses = getattr(self.stores, "statuses", None)
        if statuses is not None:
            await statuses.add(status)
        else:  # SQL stores from before their statuses repository: the bare row the 0002 schema asks for
            await self.stores._db.execute(
                "INSERT INTO statuses (id, account_id, created_at, visibility, source, content_type, content,"
                " context_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                status_id,
                author_id,
                0,
                "public",
                "hi",
                "text/plain",
                "<p>hi</p>",
                status_id,
            )
        return status_id

    def notification(self, n: int, to: str, from_: str, type_: str = "follow", **kw: Any) -> Notification:
        return Notification(
            id=f"n{n:04d}",
            account_id=to,
            type=type_,
            from_account_id=from_,
            created_at=self.make.now + timedelta(seconds=n, microseconds=7),
            **kw,
        )

    async def add(self, *notifications: Notification) -> None:
        for n in notifications:
            await self.stores.notifications.add(n)


@pytest.fixture
async def world(stores, make) -> World:
    return World(stores, make)


def ids(notifications: list[Notification]) -> list[str]:
    return [n.id for n in notifications]


async def test_a_notification_comes_back_whole_and_only_to_its_recipient(stores, world):
    alice, bob, carol = await world.account(), await world.account(), await world.account()
    status = await world.status(alice)
    reaction = world.notification(1, alice, bob, "pleroma:emoji_reaction", status_id=status, emoji="👍")
    move = world.notification(2, alice, bob, "move", target_id=carol)
    await world.add(reaction, move)
    assert await stores.notifications.get(alice, reaction.id) == reaction
    assert await stores.notifications.get(alice, move.id) == move
    assert await stores.notifications.get(bob, reaction.id) is None
    assert await stores.notifications.get(alice, "nope") is None


async def test_a_list_is_the_recipients_own_newest_first(stores, world):
    alice, bob = await world.account(), await world.account()
    await world.add(
        world.notification(1, alice, bob),
        world.notification(2, bob, alice),
        world.notification(3, alice, bob),
    )
    assert ids(await stores.notifications.list(alice, ALL, Page())) == ["n0003", "n0001"]
    assert ids(await stores.notifications.list(bob, ALL, Page())) == ["n0002"]


async def test_lists_filter_by_type_excluded_type_and_actor(stores, world):
    alice, bob, carol = await world.account(), await world.account(), await world.account()
    status = await world.status(alice)
    await world.add(
        world.notification(1, alice, bob, "follow"),
        world.notification(2, alice, bob, "mention", status_id=status),
        world.notification(3, alice, carol, "favourite", status_id=status),
        world.notification(4, alice, carol, "mention", status_id=status),
    )

    async def listed(**kw: Any) -> list[str]:
        return ids(await stores.notifications.list(alice, NotificationQuery(**kw), Page()))

    assert await listed(types=("mention",)) == ["n0004", "n0002"]
    assert await listed(types=("mention", "follow", "mention")) == ["n0004", "n0002", "n0001"]
    assert await listed(exclude_types=("mention",)) == ["n0003", "n0001"]
    assert await listed(types=("mention", "favourite"), exclude_types=("favourite",)) == ["n0004", "n0002"]
    assert await listed(from_account_id=carol) == ["n0004", "n0003"]
    assert await listed(from_account_id=bob, types=("mention",)) == ["n0002"]
    assert await listed(types=("poll",)) == []


async def test_pages_go_both_ways(stores, world):
    alice, bob = await world.account(), await world.account()
    await world.add(*(world.notification(i, alice, bob) for i in range(1, 8)))

    async def page(**kw: Any) -> list[str]:
        return ids(await stores.notifications.list(alice, ALL, Page(**kw)))

    assert await page(limit=3) == ["n0007", "n0006", "n0005"]
    assert await page(max_id="n0005", limit=3) == ["n0004", "n0003", "n0002"]
    assert await page(since_id="n0003", limit=2) == ["n0007", "n0006"]  # newest above it
    assert await page(min_id="n0003", limit=2) == ["n0005", "n0004"]  # just above it, newest first
    assert await page(min_id="n0006", limit=5) == ["n0007"]
    assert await page(max_id="n0006", since_id="n0002") == ["n0005", "n0004", "n0003"]
    assert await page(max_id="n0001") == []


async def test_dismiss_and_clear_touch_only_the_recipients_own(stores, world):
    alice, bob = await world.account(), await world.account()
    await world.add(
        world.notification(1, alice, bob),
        world.notification(2, alice, bob),
        world.notification(3, bob, alice),
    )
    assert await stores.notifications.dismiss(bob, "n0001") is False
    assert await stores.notifications.dismiss(alice, "n0001") is True
    assert await stores.notifications.dismiss(alice, "n0001") is False
    assert ids(await stores.notifications.list(alice, ALL, Page())) == ["n0002"]
    assert await stores.notifications.clear(alice) == 1
    assert await stores.notifications.list(alice, ALL, Page()) == []
    assert ids(await stores.notifications.list(bob, ALL, Page())) == ["n0003"]


async def test_marking_seen_up_to_an_id_and_the_unread_count(stores, world):
    alice, bob = await world.account(), await world.account()
    await world.add(
        *(world.notification(i, alice, bob) for i in range(1, 5)), world.notification(5, bob, alice)
    )
    assert await stores.notifications.unread_count(alice) == 4
    assert await stores.notifications.mark_seen(alice, "n0002") == 2
    assert await stores.notifications.mark_seen(alice, "n0002") == 0  # already seen
    assert await stores.notifications.unread_count(alice) == 2
    listed = await stores.notifications.list(alice, ALL, Page())
    assert [(n.id, n.seen) for n in listed] == [
        ("n0004", False),
        ("n0003", False),
        ("n0002", True),
        ("n0001", True),
    ]
    assert await stores.notifications.mark_seen(alice, "zzzz") == 2  # an id past every one: all
    assert await stores.notifications.unread_count(alice) == 0
    assert await stores.notifications.unread_count(bob) == 1  # someone else's stay unread


async def test_marking_one_seen(stores, world):
    alice, bob = await world.account(), await world.account()
    one, two = world.notification(1, alice, bob), world.notification(2, alice, bob)
    await world.add(one, two)
    assert await stores.notifications.mark_one_seen(bob, one.id) is False
    assert await stores.notifications.mark_one_seen(alice, "nope") is False
    assert await stores.notifications.mark_one_seen(alice, one.id) is True
    assert await stores.notifications.get(alice, one.id) == dataclasses.replace(one, seen=True)
    assert await stores.notifications.get(alice, two.id) == two
    assert await stores.notifications.mark_one_seen(alice, one.id) is True  # still theirs
    assert await stores.notifications.unread_count(alice) == 1


async def test_unseen_up_to_an_id_newest_first(stores, world):
    alice, bob = await world.account(), await world.account()
    await world.add(
        *(world.notification(i, alice, bob) for i in range(1, 7)), world.notification(7, bob, alice)
    )
    await stores.notifications.mark_one_seen(alice, "n0003")
    assert ids(await stores.notifications.unseen_up_to(alice, "n0005", 10)) == [
        "n0005",
        "n0004",
        "n0002",
        "n0001",
    ]
    assert ids(await stores.notifications.unseen_up_to(alice, "n0005", 2)) == ["n0005", "n0004"]
    assert ids(await stores.notifications.unseen_up_to(bob, "n0005", 10)) == []


async def test_deleting_what_is_about_a_status(stores, world):
    alice, bob = await world.account(), await world.account()
    first, second = await world.status(alice), await world.status(alice)
    await world.add(
        world.notification(1, alice, bob, "favourite", status_id=first),
        world.notification(2, alice, bob, "reblog", status_id=first),
        world.notification(3, alice, bob, "favourite", status_id=second),
        world.notification(4, alice, bob, "follow"),
    )
    assert await stores.notifications.delete_about_status(first) == 2
    assert ids(await stores.notifications.list(alice, ALL, Page())) == ["n0004", "n0003"]
    assert await stores.notifications.delete_about_status(first) == 0


async def test_a_notification_added_in_a_failed_transaction_is_gone(stores, world):
    alice, bob = await world.account(), await world.account()
    with pytest.raises(RuntimeError):
        async with stores.transaction() as tx:
            await tx.notifications.add(world.notification(1, alice, bob))
            assert await tx.notifications.unread_count(alice) == 1
            raise RuntimeError("rolled back")
    assert await stores.notifications.unread_count(alice) == 0
    assert await stores.notifications.list(alice, ALL, Page()) == []


# -- the SQL the SQL stores send is answered from the indexes


async def test_sql_reads_walk_the_indexes(stores, store_kind, world, recording, plan):
    if store_kind == "memory":
        pytest.skip("no query plans in memory")
    alice, bob = await world.account(), await world.account()
    await world.add(
        *(world.notification(i, alice, bob, "mention" if i % 2 else "follow") for i in range(1, 6))
    )
    recorder = recording(stores._db)
    repo = SqlNotifications(recorder)
    await repo.list(alice, NotificationQuery(types=("mention",), from_account_id=bob), Page(max_id="n0005"))
    await repo.list(alice, NotificationQuery(exclude_types=("follow",)), Page(min_id="n0001", limit=2))
    await repo.unseen_up_to(alice, "n0004", 80)
    await repo.get(alice, "n0002")
    listing = [await plan(stores._db, sql, args) for sql, args in recorder.statements]
    for text in listing[:3]:
        assert "notifications_account" in text, text
        assert "TEMP B-TREE" not in text and "Sort" not in text, text  # the index gives the order
    assert "Seq Scan" not in listing[3] and "SCAN" not in listing[3].replace("SEARCH", ""), listing[3]

    recorder.statements.clear()
    await repo.unread_count(alice)
    [(sql, args)] = recorder.statements
    assert "notifications_unread" in await plan(stores._db, sql, args)
