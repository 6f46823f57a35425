"""The Reactions contract, on every store; and the SQL stores' reads walk their indexes."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import anyio
import pytest

from plerome.adapters.sql.reactions import SqlReactions
from plerome.domain.reactions import Reaction, ReactionCount, ReactionFilter

from .conftest import NOW

pytestmark = pytest.mark.anyio

ANYONE = ReactionFilter()


class Reacting:
    """Reactions numbered in the order they are made (their ids order the reactors)."""

    def __init__(self, stores: Any) -> None:
        self.stores = stores
        self.n = 0

    def make(self, status_id: str, account_id: str, emoji: str) -> Reaction:
        self.n += 1
        return Reaction(f"r{self.n:06d}", status_id, account_id, emoji, NOW + timedelta(seconds=self.n))

    async def add(self, status_id: str, account_id: str, emoji: str) -> bool:
        added: bool = await self.stores.reactions.add(self.make(status_id, account_id, emoji))
        return added


@pytest.fixture
def react(stores: Any) -> Reacting:
    return Reacting(stores)


def viewer(account_id: str, **kw: Any) -> ReactionFilter:
    return ReactionFilter(viewer_id=account_id, now=NOW, **kw)


async def test_the_same_reaction_twice_is_stored_once(stores, scene, react):
    ann, bob = await scene.account(), await scene.account()
    post = await scene.status(ann)
    assert await react.add(post, bob, "👍") is True
    assert await react.add(post, bob, "👍") is False
    assert await stores.reactions.counts([post], ANYONE) == {post: [ReactionCount("👍", 1, False)]}


async def test_one_account_may_react_with_several_emoji(stores, scene, react):
    ann, bob = await scene.account(), await scene.account()
    post = await scene.status(ann)
    await react.add(post, bob, "👍")
    await react.add(post, bob, "⚠️")
    assert await stores.reactions.counts([post], viewer(bob)) == {
        post: [ReactionCount("👍", 1, True), ReactionCount("⚠️", 1, True)]
    }


async def test_removing_takes_back_only_that_reaction(stores, scene, react):
    ann, bob, cid = await scene.account(), await scene.account(), await scene.account()
    post = await scene.status(ann)
    await react.add(post, bob, "👍")
    await react.add(post, cid, "👍")
    assert await stores.reactions.remove(post, bob, "⚠️") is False
    assert await stores.reactions.remove(post, bob, "👍") is True
    assert await stores.reactions.remove(post, bob, "👍") is False
    assert await stores.reactions.counts([post], viewer(bob)) == {post: [ReactionCount("👍", 1, False)]}
    assert await stores.reactions.remove(post, cid, "👍") is True
    assert await stores.reactions.counts([post], ANYONE) == {}


async def test_emoji_come_in_the_order_they_were_first_used(stores, scene, react):
    ann, bob, cid = await scene.account(), await scene.account(), await scene.account()
    post = await scene.status(ann)
    await react.add(post, bob, "😀")
    await react.add(post, bob, "☕")
    await react.add(post, cid, "☕")
    await react.add(post, cid, "😀")
    await react.add(post, cid, "🇦")

    async def order() -> list[str]:
        return [c.emoji for c in (await stores.reactions.counts([post], ANYONE))[post]]

    assert await order() == ["😀", "☕", "🇦"]
    # the first to use an emoji leaving does not move it while others keep it
    await stores.reactions.remove(post, bob, "😀")
    assert await order() == ["😀", "☕", "🇦"]
    # an emoji everybody left starts over at the end when used again
    await stores.reactions.remove(post, cid, "😀")
    await react.add(post, bob, "😀")
    assert await order() == ["☕", "🇦", "😀"]


async def test_counts_of_many_statuses_come_in_one_call(stores, scene, react):
    ann, bob = await scene.account(), await scene.account()
    first, second, quiet = await scene.status(ann), await scene.status(ann), await scene.status(ann)
    await react.add(first, bob, "👍")
    await react.add(second, ann, "⚠️")
    counts = await stores.reactions.counts([first, second, quiet, "unknown"], viewer(ann))
    assert counts == {first: [ReactionCount("👍", 1, False)], second: [ReactionCount("⚠️", 1, True)]}
    assert await stores.reactions.counts([], viewer(ann)) == {}


async def test_blocked_and_muted_reactors_are_hidden_from_the_viewer_only(stores, scene, react):
    ann, bob, cid, dan, eve = [await scene.account() for _ in range(5)]
    post = await scene.status(ann)
    for who in (bob, cid, dan):
        await react.add(post, who, "👍")
    await react.add(post, cid, "☕")
    await scene.block(eve, bob)
    await scene.mute(eve, cid)
    counts = await stores.reactions.counts([post], viewer(eve))
    assert counts == {post: [ReactionCount("👍", 1, False)]}  # only dan's; cid's coffee is gone
    muted_too = await stores.reactions.counts([post], viewer(eve, with_muted=True))
    assert muted_too == {post: [ReactionCount("👍", 2, False), ReactionCount("☕", 1, False)]}
    assert (await stores.reactions.counts([post], viewer(ann)))[post][0].count == 3
    assert (await stores.reactions.counts([post], ANYONE))[post][0].count == 3
    reactors = await stores.reactions.reactors(post, ["👍", "☕"], viewer(eve), 40)
    assert reactors == {"👍": [dan]}
    reactors = await stores.reactions.reactors(post, ["👍", "☕"], viewer(eve, with_muted=True), 40)
    assert reactors == {"👍": [cid, dan], "☕": [cid]}


async def test_a_reactor_both_blocked_and_muted_is_taken_off_once(stores, scene, react):
    ann, bob, eve = [await scene.account() for _ in range(3)]
    post = await scene.status(ann)
    await react.add(post, bob, "👍")
    await react.add(post, ann, "👍")
    await scene.block(eve, bob)
    await scene.mute(eve, bob)
    assert await stores.reactions.counts([post], viewer(eve)) == {post: [ReactionCount("👍", 1, False)]}


async def test_an_expired_mute_hides_nothing(stores, scene, react):
    ann, bob, eve = [await scene.account() for _ in range(3)]
    post = await scene.status(ann)
    await react.add(post, bob, "👍")
    await scene.mute(eve, bob, expires_at=NOW - timedelta(seconds=1))
    assert await stores.reactions.counts([post], viewer(eve)) == {post: [ReactionCount("👍", 1, False)]}
    assert await stores.reactions.reactors(post, ["👍"], viewer(eve), 40) == {"👍": [bob]}


async def test_a_block_the_other_way_hides_nothing(stores, scene, react):
    ann, bob, eve = [await scene.account() for _ in range(3)]
    post = await scene.status(ann)
    await react.add(post, bob, "👍")
    await scene.block(bob, eve)
    assert await stores.reactions.counts([post], viewer(eve)) == {post: [ReactionCount("👍", 1, False)]}


async def test_reactors_are_the_first_so_many_the_viewer_sees_oldest_first(stores, scene, react):
    ann = await scene.account()
    people = [await scene.account() for _ in range(8)]
    post = await scene.status(ann)
    for who in people:
        await react.add(post, who, "👍")
    await react.add(post, people[5], "☕")
    await scene.block(ann, people[0])
    await scene.block(ann, people[2])
    found = await stores.reactions.reactors(post, ["👍", "☕", "😀"], viewer(ann), 3)
    assert found == {"👍": [people[1], people[3], people[4]], "☕": [people[5]]}
    everyone = await stores.reactions.reactors(post, ["👍"], ANYONE, 40)
    assert everyone == {"👍": people}
    assert await stores.reactions.reactors(post, [], ANYONE, 40) == {}


async def test_a_deleted_account_s_reactions_are_gone(stores, scene, react):
    ann, bob, cid = [await scene.account() for _ in range(3)]
    post = await scene.status(ann)
    await react.add(post, bob, "👍")
    await react.add(post, cid, "👍")
    await react.add(post, bob, "☕")
    assert await stores.accounts.delete(bob)
    assert await stores.reactions.counts([post], ANYONE) == {post: [ReactionCount("👍", 1, False)]}
    assert await stores.reactions.reactors(post, ["👍", "☕"], ANYONE, 40) == {"👍": [cid]}


async def test_a_deleted_status_s_reactions_are_gone(stores, scene, react):
    ann, bob = await scene.account(), await scene.account()
    post = await scene.status(ann)
    await react.add(post, bob, "👍")
    await scene.delete_status(post)
    assert await stores.reactions.counts([post], ANYONE) == {}
    assert await stores.reactions.reactors(post, ["👍"], ANYONE, 40) == {}


async def test_a_reaction_added_in_a_failed_transaction_is_gone(stores, scene, react):
    ann, bob = await scene.account(), await scene.account()
    post = await scene.status(ann)
    with pytest.raises(RuntimeError):
        async with stores.transaction() as tx:
            assert await tx.reactions.add(react.make(post, bob, "👍"))
            assert (await tx.reactions.counts([post], ANYONE))[post][0].count == 1
            raise RuntimeError("rolled back")
    assert await stores.reactions.counts([post], ANYONE) == {}
    assert await react.add(post, bob, "👍") is True


async def test_fifty_concurrent_reactors_give_an_exact_count(stores, scene, react):
    ann = await scene.account()
    people = [await scene.account() for _ in range(50)]
    post = await scene.status(ann)
    reactions = [react.make(post, who, "👍") for who in people]
    added: list[bool] = []

    async def one(reaction: Reaction) -> None:
        async with stores.transaction() as tx:
            added.append(await tx.reactions.add(reaction))
            added.append(await tx.reactions.add(reaction))  # twice in the same breath: still once

    async with anyio.create_task_group() as tg:
        for reaction in reactions:
            tg.start_soon(one, reaction)
    assert sorted(added) == [False] * 50 + [True] * 50
    assert await stores.reactions.counts([post], ANYONE) == {post: [ReactionCount("👍", 50, False)]}

    async def undo(who: str) -> None:
        assert await stores.reactions.remove(post, who, "👍")

    async with anyio.create_task_group() as tg:
        for who in people[:20]:
            tg.start_soon(undo, who)
    assert await stores.reactions.counts([post], ANYONE) == {post: [ReactionCount("👍", 30, False)]}


# -- the SQL the SQL stores send is answered from the indexes


async def test_sql_reads_never_walk_all_the_reactions_of_a_status(
    stores, store_kind, scene, react, recording, plan
):
    if store_kind == "memory":
        pytest.skip("no query plans in memory")
    ann, bob, eve = [await scene.account() for _ in range(3)]
    post = await scene.status(ann)
    await react.add(post, bob, "👍")
    await scene.block(eve, bob)
    await scene.mute(eve, ann)
    recorder = recording(stores._db)
    repo = SqlReactions(recorder)
    await repo.counts([post], viewer(eve))
    await repo.counts([post], viewer(eve, with_muted=True))
    await repo.counts([post], ANYONE)
    await repo.reactors(post, ["👍"], viewer(eve), 40)
    await repo.reactors(post, ["👍"], ANYONE, 40)
    plans = [await plan(stores._db, sql, args) for sql, args in recorder.statements]
    for text in plans:
        assert "Seq Scan on reactions" not in text, text
        # SQLite: reactions only ever searched through an index with status_id or account_id bound
        for line in text.splitlines():
            assert not line.strip().startswith(("SCAN r ", "SCAN x ", "SCAN m ", "SCAN reactions")), text
    counts_plans, reactor_plans = plans[:3], plans[3:]
    for text in counts_plans:
        assert "reaction_counts" in text, text
    for text in counts_plans[:2]:  # the hidden reactors are looked up by account
        assert "reactions_account" in text, text
    for text in reactor_plans:
        assert "reactions_in_order" in text, text
