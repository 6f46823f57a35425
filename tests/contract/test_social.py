"""The SocialGraph contract, on every store."""

from __future__ import annotations

from datetime import timedelta

import pytest

from plerome.domain.accounts import AccountCounts
from plerome.domain.pagination import Page
from plerome.domain.social import Block, Follow, Mute, Relationship
from plerome.ports.social import AccountSearch

pytestmark = pytest.mark.anyio


class Graph:
    """Accounts and edges with ids that sort in creation order."""

    def __init__(self, stores, make) -> None:
        self.stores, self.make, self.now = stores, make, make.now
        self.n = 0

    def _id(self, kind: str) -> str:
        self.n += 1
        return f"{kind}{self.n:06d}"

    async def account(self, nickname=None, **kw):
        account = self.make.account(nickname, **kw)
        await self.stores.accounts.add(account)
        return account

    async def follow(self, a, b, state="accepted", show_reblogs=True) -> Follow:
        f = Follow(self._id("f"), a.id, b.id, state, show_reblogs, self.now)
        await self.stores.social.follow(f)
        return f

    async def block(self, a, b) -> Block:
        blk = Block(self._id("b"), a.id, b.id, self.now)
        assert await self.stores.social.block(blk) is True
        return blk

    async def mute(self, a, b, notifications=True, expires_at=None) -> Mute:
        m = Mute(self._id("m"), a.id, b.id, notifications, self.now, expires_at)
        await self.stores.social.mute(m)
        return m


@pytest.fixture
def g(stores, make) -> Graph:
    return Graph(stores, make)


# -- relationships


async def test_strangers_have_the_default_relationship(g):
    a, b = await g.account(), await g.account()
    assert await g.stores.social.relationship(a.id, b.id, g.now) == Relationship(target_id=b.id)


async def test_every_flag_of_a_relationship_is_read_from_its_own_edge(g):
    me, them = await g.account(), await g.account()
    await g.follow(me, them, show_reblogs=False)
    await g.follow(them, me)
    await g.mute(me, them, notifications=False)
    await g.stores.social.subscribe(me.id, them.id, g.now)
    rel = await g.stores.social.relationship(me.id, them.id, g.now)
    assert rel == Relationship(
        target_id=them.id,
        following=True,
        followed_by=True,
        muting=True,
        muting_notifications=False,
        subscribing=True,
        showing_reblogs=False,
    )
    back = await g.stores.social.relationship(them.id, me.id, g.now)
    assert back == Relationship(target_id=me.id, following=True, followed_by=True)


async def test_blocks_show_on_both_sides(g):
    me, them = await g.account(), await g.account()
    await g.block(me, them)
    assert (await g.stores.social.relationship(me.id, them.id, g.now)).blocking is True
    assert (await g.stores.social.relationship(me.id, them.id, g.now)).blocked_by is False
    assert (await g.stores.social.relationship(them.id, me.id, g.now)).blocked_by is True


async def test_a_pending_follow_is_requested_not_following_and_not_followed_by(g):
    me, them = await g.account(), await g.account()
    await g.follow(me, them, state="pending")
    assert await g.stores.social.relationship(me.id, them.id, g.now) == Relationship(
        target_id=them.id, requested=True
    )
    assert (await g.stores.social.relationship(them.id, me.id, g.now)).followed_by is False


async def test_relationships_answer_a_page_of_targets_each_on_its_own(g):
    me = await g.account()
    followed, blocked, muted, stranger = [await g.account() for _ in range(4)]
    await g.follow(me, followed)
    await g.block(me, blocked)
    await g.mute(me, muted)
    ids = [stranger.id, followed.id, blocked.id, muted.id, followed.id, "nobody-at-all"]
    rels = await g.stores.social.relationships(me.id, ids, g.now)
    assert set(rels) == {stranger.id, followed.id, blocked.id, muted.id, "nobody-at-all"}
    assert rels[stranger.id] == Relationship(target_id=stranger.id)
    assert rels[followed.id] == Relationship(target_id=followed.id, following=True)
    assert rels[blocked.id] == Relationship(target_id=blocked.id, blocking=True)
    assert rels[muted.id] == Relationship(target_id=muted.id, muting=True, muting_notifications=True)
    assert rels["nobody-at-all"] == Relationship(target_id="nobody-at-all")
    assert await g.stores.social.relationships(me.id, [], g.now) == {}


async def test_a_large_page_of_targets_is_fine(g):
    me = await g.account()
    them = await g.account()
    await g.follow(me, them)
    ids = [f"x{i:05d}" for i in range(3000)] + [them.id]
    rels = await g.stores.social.relationships(me.id, ids, g.now)
    assert len(rels) == 3001 and rels[them.id].following


async def test_an_expired_mute_is_no_mute(g):
    me, them, other = await g.account(), await g.account(), await g.account()
    await g.mute(me, them, expires_at=g.now)  # expires_at <= now: over
    await g.mute(me, other, expires_at=g.now + timedelta(seconds=1))
    rels = await g.stores.social.relationships(me.id, [them.id, other.id], g.now)
    assert rels[them.id].muting is False and rels[them.id].muting_notifications is False
    assert rels[other.id].muting is True
    assert await g.stores.social.get_mute(me.id, them.id, g.now) is None
    assert (await g.stores.social.get_mute(me.id, other.id, g.now)) is not None
    later = g.now + timedelta(seconds=1)
    assert (await g.stores.social.relationship(me.id, other.id, later)).muting is False
    assert await g.stores.social.mutes(me.id, Page(), later) == []
    assert [m.muted_id for m in await g.stores.social.mutes(me.id, Page(), g.now)] == [other.id]


# -- follows


async def test_a_follow_round_trips_and_following_again_replaces_it(g):
    me, them = await g.account(), await g.account()
    first = await g.follow(me, them, state="pending")
    assert await g.stores.social.get_follow(me.id, them.id) == first
    assert await g.stores.social.get_follow(them.id, me.id) is None
    second = Follow("f999999", me.id, them.id, "accepted", False, g.now + timedelta(minutes=1))
    await g.stores.social.follow(second)
    assert await g.stores.social.get_follow(me.id, them.id) == second


async def test_unfollow_removes_accepted_and_pending_follows(g):
    me, them, locked = await g.account(), await g.account(), await g.account()
    await g.follow(me, them)
    await g.follow(me, locked, state="pending")
    assert await g.stores.social.unfollow(me.id, them.id) is True
    assert await g.stores.social.unfollow(me.id, locked.id) is True
    assert await g.stores.social.unfollow(me.id, them.id) is False
    assert await g.stores.social.get_follow(me.id, locked.id) is None


async def test_followers_following_and_requests_are_separate_lists_newest_first(g):
    star = await g.account()
    fans = [await g.account() for _ in range(3)]
    asking = await g.account()
    idol = await g.account()
    follows = [await g.follow(f, star) for f in fans]
    request = await g.follow(asking, star, state="pending")
    mine = await g.follow(star, idol)
    assert await g.stores.social.followers(star.id, Page()) == follows[::-1]
    assert await g.stores.social.following(star.id, Page()) == [mine]
    assert await g.stores.social.follow_requests(star.id, Page()) == [request]
    assert await g.stores.social.followers(idol.id, Page()) == [mine]
    assert await g.stores.social.follow_requests(asking.id, Page()) == []


async def test_follow_lists_page_by_follow_id(g):
    star = await g.account()
    follows = [await g.follow(await g.account(), star) for _ in range(5)]
    ids = [f.id for f in follows]  # oldest first
    social = g.stores.social

    async def page(**kw):
        return [f.id for f in await social.followers(star.id, Page(**kw))]

    assert await page(limit=2) == [ids[4], ids[3]]
    assert await page(max_id=ids[3], limit=2) == [ids[2], ids[1]]
    assert await page(since_id=ids[2]) == [ids[4], ids[3]]
    assert await page(min_id=ids[0], limit=2) == [ids[2], ids[1]]
    assert await page(since_id=ids[0], max_id=ids[3]) == [ids[2], ids[1]]


async def test_counts_for_a_page_of_accounts(g):
    a, b, c, d = [await g.account() for _ in range(4)]
    await g.follow(a, b)
    await g.follow(c, b)
    await g.follow(d, b, state="pending")
    await g.follow(b, a)
    await g.follow(a, c, state="pending")
    counts = g.stores.accounts.counts
    assert await counts([a.id, b.id, d.id, a.id, "nobody"]) == {
        a.id: AccountCounts(followers=1, following=1, follow_requests=0),
        b.id: AccountCounts(followers=2, following=1, follow_requests=1),
        d.id: AccountCounts(),
        "nobody": AccountCounts(),
    }
    assert (await counts([c.id]))[c.id] == AccountCounts(following=1, follow_requests=1)
    assert await counts([]) == {}
    # a request accepted, a follow ended, a request withdrawn: the counters follow each change
    await g.follow(d, b)
    assert await g.stores.social.unfollow(c.id, b.id)
    assert await g.stores.social.unfollow(a.id, c.id)
    assert (await counts([b.id, c.id, d.id])) == {
        b.id: AccountCounts(followers=2, following=1),
        c.id: AccountCounts(),
        d.id: AccountCounts(following=1),
    }


# -- subscriptions


async def test_subscriptions_are_idempotent_and_listed_by_target(g):
    me, other, them = await g.account(), await g.account(), await g.account()
    await g.stores.social.subscribe(me.id, them.id, g.now)
    await g.stores.social.subscribe(me.id, them.id, g.now)
    await g.stores.social.subscribe(other.id, them.id, g.now)
    assert await g.stores.social.subscribers(them.id) == sorted([me.id, other.id])
    assert await g.stores.social.subscribers(me.id) == []
    assert await g.stores.social.unsubscribe(me.id, them.id) is True
    assert await g.stores.social.unsubscribe(me.id, them.id) is False
    assert await g.stores.social.subscribers(them.id) == [other.id]


# -- blocks and mutes


async def test_blocking_twice_is_one_block_and_unblock_removes_it(g):
    me, them = await g.account(), await g.account()
    first = await g.block(me, them)
    assert await g.stores.social.block(Block("b999999", me.id, them.id, g.now)) is False
    assert await g.stores.social.blocks(me.id, Page()) == [first]
    assert await g.stores.social.unblock(me.id, them.id) is True
    assert await g.stores.social.unblock(me.id, them.id) is False
    assert await g.stores.social.blocks(me.id, Page()) == []


async def test_block_and_mute_lists_page_by_their_own_ids(g):
    me = await g.account()
    others = [await g.account() for _ in range(3)]
    blocks = [await g.block(me, o) for o in others]
    mutes = [await g.mute(me, o) for o in others]
    assert await g.stores.social.blocks(me.id, Page(max_id=blocks[2].id)) == blocks[1::-1]
    assert await g.stores.social.blocks(me.id, Page(min_id=blocks[0].id, limit=1)) == [blocks[1]]
    assert await g.stores.social.mutes(me.id, Page(since_id=mutes[0].id), g.now) == mutes[:0:-1]
    assert await g.stores.social.blocks(others[0].id, Page()) == []


async def test_muting_again_replaces_the_mute(g):
    me, them = await g.account(), await g.account()
    await g.mute(me, them, expires_at=g.now + timedelta(hours=1))
    again = Mute("m999999", me.id, them.id, False, g.now, None)
    await g.stores.social.mute(again)
    assert await g.stores.social.get_mute(me.id, them.id, g.now) == again
    assert await g.stores.social.mutes(me.id, Page(), g.now) == [again]
    assert await g.stores.social.unmute(me.id, them.id) is True
    assert await g.stores.social.unmute(me.id, them.id) is False
    assert await g.stores.social.get_mute(me.id, them.id, g.now) is None


async def test_a_mute_keeps_its_times(g):
    me, them = await g.account(), await g.account()
    m = await g.mute(me, them, expires_at=g.now + timedelta(days=3, microseconds=7))
    assert await g.stores.social.get_mute(me.id, them.id, g.now) == m


async def test_writes_in_a_rolled_back_transaction_leave_no_edge(g):
    me, them = await g.account(), await g.account()
    with pytest.raises(RuntimeError):
        async with g.stores.transaction() as tx:
            await tx.social.follow(Follow("f1", me.id, them.id, "accepted", True, g.now))
            await tx.social.block(Block("b1", them.id, me.id, g.now))
            assert (await tx.social.relationship(me.id, them.id, g.now)).following
            raise RuntimeError("roll back")
    assert await g.stores.social.relationship(me.id, them.id, g.now) == Relationship(target_id=them.id)


# -- account search


async def search(g, prefix, **kw):
    return [a.nickname for a in await g.stores.social.search_accounts(AccountSearch(prefix, **kw))]


async def test_search_matches_nickname_prefixes_ignoring_case_exact_match_first(g):
    for nick in ("alicia", "Alice", "alice_b", "bob", "malice"):
        await g.account(nick)
    assert await search(g, "ALIC") == ["Alice", "alice_b", "alicia"]
    assert await search(g, "alice") == ["Alice", "alice_b"]
    assert await search(g, "zed") == []


async def test_search_matches_display_name_prefixes_after_nicknames(g):
    await g.account("zoe", display_name="Zoë ✨")
    await g.account("annie", display_name="zorro fan")
    await g.account("zorro", display_name="")
    await g.account("other", display_name="Anne Zorro")
    assert await search(g, "zo") == ["zoe", "zorro", "annie"]
    assert await search(g, "zoë") == ["zoe"]
    assert await search(g, "Zoë ✨") == ["zoe"]


async def test_search_punctuation_in_a_prefix_is_literal(g):
    await g.account("a-b")
    await g.account("a_b")
    await g.account("ab")
    await g.account("a%b")
    assert await search(g, "a-") == ["a-b"]
    assert await search(g, "a_") == ["a_b"]
    assert await search(g, "a%") == ["a%b"]
    assert await search(g, "a") == ["a%b", "a-b", "a_b", "ab"]


async def test_search_leaves_out_inactive_internal_and_blocked_accounts(g):
    me = await g.account("me")
    await g.account("sam_active")
    await g.account("sam_gone", is_active=False)
    await g.account("sam_relay", actor_type="Application")
    blocked = await g.account("sam_blocked")
    await g.block(me, blocked)
    assert await search(g, "sam", viewer_id=me.id) == ["sam_active"]
    assert await search(g, "sam") == ["sam_active", "sam_blocked"]


async def test_search_can_keep_to_followed_accounts(g):
    me = await g.account("me")
    friend = await g.account("kim_friend")
    asked = await g.account("kim_asked")
    await g.account("kim_stranger")
    await g.follow(me, friend)
    await g.follow(me, asked, state="pending")
    assert await search(g, "kim", viewer_id=me.id, following_only=True) == ["kim_friend"]


async def test_search_pages_by_offset_and_limit(g):
    for i in range(5):
        await g.account(f"pat{i}")
    await g.account("zz", display_name="pat fan")
    assert await search(g, "pat", limit=2) == ["pat0", "pat1"]
    assert await search(g, "pat", limit=2, offset=2) == ["pat2", "pat3"]
    assert await search(g, "pat", limit=3, offset=4) == ["pat4", "zz"]
    assert await search(g, "pat", limit=3, offset=10) == []


async def test_search_for_the_last_code_point_still_works(g):
    await g.account("q", display_name="\U0010ffff\U0010ffffx")
    assert await search(g, "\U0010ffff") == ["q"]


async def test_deleting_an_account_removes_its_edges_both_ways(g):
    me, gone = await g.account(), await g.account()
    await g.follow(me, gone)
    await g.follow(gone, me)
    await g.block(gone, me)
    await g.mute(me, gone)
    await g.stores.social.subscribe(gone.id, me.id, g.now)
    assert await g.stores.accounts.delete(gone.id) is True
    assert await g.stores.social.relationship(me.id, gone.id, g.now) == Relationship(target_id=gone.id)
    assert await g.stores.accounts.counts([me.id]) == {me.id: AccountCounts()}
    assert await g.stores.social.subscribers(me.id) == []
    assert await g.stores.social.mutes(me.id, Page(), g.now) == []
