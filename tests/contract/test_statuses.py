"""The Statuses and Marks contracts, on every store, and timelines against the visibility rule."""

from __future__ import annotations

import dataclasses
import random
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from plerome.adapters.sql.statuses import SqlStatuses
from plerome.adapters.sqlite import SqliteDatabase
from plerome.domain.attachments import Attachment
from plerome.domain.errors import Conflict
from plerome.domain.pagination import Page
from plerome.domain.social import Block, Follow, Mute, Relationship
from plerome.domain.statuses import Status
from plerome.domain.visibility import can_see, hidden_from_lists
from plerome.ports.statuses import Mark, TimelineQuery, ViewerMarks

pytestmark = pytest.mark.anyio
NOW = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)


# -- building the world through the ports


async def follow(stores, make, follower, followee, *, state="accepted", show_reblogs=True) -> Follow:
    f = Follow(f"f-{follower}-{followee}", follower, followee, state, show_reblogs, make.now)
    await stores.social.follow(f)
    return f


async def block(stores, make, blocker, blocked) -> None:
    await stores.social.block(Block(f"b-{blocker}-{blocked}", blocker, blocked, make.now))


async def mute(stores, make, muter, muted, expires_at=None) -> None:
    await stores.social.mute(Mute(f"m-{muter}-{muted}", muter, muted, True, make.now, expires_at))


async def attachment(stores, make, owner, attachment_id, status_id=None) -> None:
    a = Attachment(attachment_id, owner, f"{attachment_id}.png", "image/png", "image", 10, make.now)
    await stores.attachments.add(a)
    if status_id:
        await stores.attachments.attach(status_id, [attachment_id])


class World:
    def __init__(self, stores, make) -> None:
        self.stores, self.make, self.n = stores, make, 0

    async def accounts(self, *nicknames: str) -> list[str]:
        out = []
        for nickname in nicknames:
            account = self.make.account(nickname)
            await self.stores.accounts.add(account)
            out.append(account.id)
        return out

    async def post(self, author: str, **kw: Any) -> Status:
        self.n += 1
        sid = kw.pop("id", f"s{self.n:05d}")
        values: dict[str, Any] = {
            "visibility": "public",
            "source": f"status {self.n}",
            "content_type": "text/plain",
            "content": f"<p>status {self.n}</p>",
            "context_id": sid,
            "created_at": self.make.now,
        }
        values.update(kw)
        status = Status(id=sid, account_id=author, **values)
        await self.stores.statuses.add(status)
        return status

    async def reblog(self, author: str, original: Status, visibility: str = "public") -> Status:
        return await self.post(
            author,
            reblog_of_id=original.id,
            source="",
            content="",
            visibility=visibility,
            context_id=original.context_id,
        )


@pytest.fixture
def world(stores, make) -> World:
    return World(stores, make)


def ids(statuses) -> list[str]:
    return [s.id for s in statuses]


# -- Statuses


async def test_a_status_comes_back_with_every_field(world, stores, make):
    alice, bob, carol = await world.accounts("alice", "bob", "carol")
    parent = await world.post(alice)
    full = await world.post(
        bob,
        visibility="private",
        source="hi @carol @alice #Zed #alpha",
        content_type="text/markdown",
        content="<p>hi</p>",
        spoiler_text="cw",
        sensitive=True,
        language="fr",
        in_reply_to_id=parent.id,
        in_reply_to_account_id=alice,
        context_id=parent.id,
        mentioned_ids=(carol, alice),
        tags=("zed", "alpha"),
        app_name="tests",
        created_at=make.now + timedelta(microseconds=654321),
        replies_count=2,
        favourites_count=3,
        reblogs_count=4,
    )
    got = await stores.statuses.get(full.id)
    # Mentions and tags come back sorted; media are what is attached (nothing yet).
    assert got == dataclasses.replace(
        full, mentioned_ids=tuple(sorted((carol, alice))), tags=("alpha", "zed")
    )
    assert await stores.statuses.get("nope") is None
    many = await stores.statuses.get_many([full.id, "nope", parent.id, full.id])
    assert many == {full.id: got, parent.id: parent}
    assert await stores.statuses.get_many([]) == {}


async def test_a_status_id_is_stored_once(world, stores):
    [alice] = await world.accounts("alice")
    first = await world.post(alice, id="same")
    with pytest.raises(Conflict):
        await world.post(alice, id="same")
    assert await stores.statuses.get("same") == first


async def test_media_ids_are_the_attachments_attached_to_it(world, stores, make):
    [alice] = await world.accounts("alice")
    status = await world.post(alice, media_ids=("m2", "m1"))
    await attachment(stores, make, alice, "m2", status.id)
    await attachment(stores, make, alice, "m1", status.id)
    await attachment(stores, make, alice, "m3")
    assert (await stores.statuses.get(status.id)).media_ids == ("m1", "m2")
    listed = await stores.statuses.timeline(TimelineQuery("account", alice, alice, only_media=True), Page())
    assert ids(listed) == [status.id] and listed[0].media_ids == ("m1", "m2")


async def test_deleting_a_status_takes_its_reblogs_and_marks_and_lets_its_media_go(world, stores, make):
    alice, bob = await world.accounts("alice", "bob")
    status = await world.post(alice, mentioned_ids=(bob,), tags=("t",))
    other = await world.post(alice)
    wrapper = await world.reblog(bob, status)
    await attachment(stores, make, alice, "m1", status.id)
    await stores.favourites.add(Mark("f1", bob, status.id, make.now))
    await stores.bookmarks.add(Mark("b1", bob, status.id, make.now))
    assert await stores.statuses.delete(status.id) is True
    assert await stores.statuses.delete(status.id) is False
    assert await stores.statuses.get_many([status.id, wrapper.id, other.id]) == {other.id: other}
    assert await stores.favourites.marked(bob, [status.id]) == set()
    assert await stores.bookmarks.by_account(bob, Page()) == []
    assert await stores.statuses.timeline(TimelineQuery("tag", None, tag="t"), Page()) == []
    assert (await stores.attachments.get("m1")).status_id is None


async def test_a_thread_is_its_statuses_oldest_first_without_reblogs(world, stores):
    alice, bob = await world.accounts("alice", "bob")
    root = await world.post(alice)
    replies = [await world.post(bob, in_reply_to_id=root.id, context_id=root.id) for _ in range(3)]
    await world.reblog(bob, root)
    await world.post(alice)  # another thread
    assert ids(await stores.statuses.in_thread(root.id, 10)) == [root.id, *ids(replies)]
    assert ids(await stores.statuses.in_thread(root.id, 2)) == [root.id, replies[0].id]


async def test_reblogs_are_found_by_author_and_by_what_they_reblog(world, stores):
    alice, bob, carol = await world.accounts("alice", "bob", "carol")
    a, b = await world.post(alice), await world.post(alice)
    bob_a = await world.reblog(bob, a)
    carol_a = await world.reblog(carol, a)
    await world.reblog(carol, b)
    assert await stores.statuses.reblog_of(bob, a.id) == bob_a
    assert await stores.statuses.reblog_of(bob, b.id) is None
    assert await stores.statuses.reblogged(carol, [a.id, b.id, "nope"]) == {a.id, b.id}
    assert await stores.statuses.reblogged(bob, []) == set()
    assert await stores.statuses.reblogs(a.id, Page()) == [carol_a, bob_a]
    assert ids(await stores.statuses.reblogs(a.id, Page(max_id=carol_a.id))) == [bob_a.id]
    assert ids(await stores.statuses.reblogs(a.id, Page(min_id=bob_a.id))) == [carol_a.id]


async def test_statuses_count_holds_public_and_unlisted_statuses_not_reblogs_and_follows_deletes(
    world, stores
):
    alice, bob, carol = await world.accounts("alice", "bob", "carol")
    kept = [await world.post(alice), await world.post(alice, visibility="unlisted")]
    private = await world.post(alice, visibility="private")
    await world.post(alice, visibility="direct", mentioned_ids=(bob,))
    await world.reblog(bob, kept[0])

    async def posted(*ids: str) -> list[int]:
        counts = await stores.accounts.counts(ids)
        return [counts[i].statuses for i in ids]

    assert await posted(alice, bob, carol, "nobody") == [2, 0, 0, 0]
    assert await stores.accounts.statuses_total() == 2
    assert await stores.statuses.delete(private.id)
    assert await stores.statuses.delete(kept[0].id)  # its reblog goes with it
    assert await posted(alice, bob) == [1, 0]
    assert await stores.accounts.statuses_total() == 1
    assert await stores.accounts.delete(alice)
    assert await stores.accounts.statuses_total() == 0


async def test_a_viewers_marks_on_a_page_come_in_one_answer(world, stores, make):
    alice, bob = await world.accounts("alice", "bob")
    first, second, third = [await world.post(alice) for _ in range(3)]
    await stores.favourites.add(Mark("fav1", bob, first.id, make.now))
    await stores.bookmarks.add(Mark("bm1", bob, first.id, make.now))
    await stores.bookmarks.add(Mark("bm2", bob, second.id, make.now))
    await world.reblog(bob, third)
    await stores.favourites.add(Mark("fav2", alice, third.id, make.now))  # someone else's mark
    marks = await stores.statuses.viewer_marks(bob, [first.id, second.id, third.id])
    assert marks.favourited == {first.id}
    assert marks.bookmarked == {first.id, second.id}
    assert marks.reblogged == {third.id}
    assert await stores.statuses.viewer_marks(bob, []) == ViewerMarks()


async def test_counts_move_and_never_go_below_zero(world, stores):
    [alice] = await world.accounts("alice")
    status = await world.post(alice)
    await stores.statuses.adjust_counts(status.id, replies=2, favourites=1, reblogs=3)
    await stores.statuses.adjust_counts(status.id, favourites=-5, reblogs=-1)
    got = await stores.statuses.get(status.id)
    assert (got.replies_count, got.favourites_count, got.reblogs_count) == (2, 0, 2)
    await stores.statuses.adjust_counts("nope", replies=1)


async def test_an_idempotency_key_remembers_its_first_status(world, stores, make):
    alice, bob = await world.accounts("alice", "bob")
    assert await stores.statuses.idempotent(alice, "k") is None
    await stores.statuses.remember_idempotency(alice, "k", "s1", make.now)
    await stores.statuses.remember_idempotency(alice, "k", "s2", make.now)
    assert await stores.statuses.idempotent(alice, "k") == "s1"
    assert await stores.statuses.idempotent(bob, "k") is None


async def test_search_finds_visible_statuses_by_their_text(world, stores, make):
    alice, bob, carol = await world.accounts("alice", "bob", "carol")
    hit = await world.post(alice, source="The Quick brown fox")
    await world.post(alice, source="the quick fox", visibility="direct")
    await world.post(carol, source="quick as 100%_fox")
    await world.reblog(bob, hit)
    newest = await world.post(bob, source="QUICK")
    await mute(stores, make, alice, carol)
    assert ids(await stores.statuses.search(None, "quick", Page(), 0)) == [newest.id, "s00003", hit.id]
    assert ids(await stores.statuses.search(alice, "quick", Page(), 0)) == [newest.id, "s00002", hit.id]
    assert ids(await stores.statuses.search(alice, "quick", Page(), 1)) == ["s00002", hit.id]
    assert ids(await stores.statuses.search(bob, "0%_f", Page(), 0)) == ["s00003"]
    assert ids(await stores.statuses.search(bob, "%", Page(), 0)) == ["s00003"]
    assert ids(await stores.statuses.search(bob, "quick", Page(limit=1, max_id=newest.id), 0)) == ["s00003"]


# -- Marks


@pytest.mark.parametrize("kind", ["favourites", "bookmarks"])
async def test_a_mark_is_made_once_and_listed_newest_first(world, stores, make, kind):
    alice, bob = await world.accounts("alice", "bob")
    statuses = [await world.post(alice) for _ in range(4)]
    marks = getattr(stores, kind)
    made = [Mark(f"k{i}", bob, s.id, make.now) for i, s in enumerate(statuses)]
    for m in made:
        assert await marks.add(m) is True
    assert await marks.add(Mark("k9", bob, statuses[0].id, make.now)) is False
    assert await marks.add(Mark("k8", alice, statuses[0].id, make.now)) is True
    assert await marks.marked(bob, [s.id for s in statuses[:2]] + ["nope"]) == {
        statuses[0].id,
        statuses[1].id,
    }
    assert await marks.marked(bob, []) == set()
    assert await marks.by_account(bob, Page()) == made[::-1]
    assert await marks.by_account(bob, Page(max_id="k2", limit=1)) == [made[1]]
    assert await marks.by_account(bob, Page(since_id="k1")) == [made[3], made[2]]
    assert await marks.by_account(bob, Page(min_id="k0", limit=2)) == [made[2], made[1]]
    assert ids_of(await marks.accounts_for(statuses[0].id, Page())) == ["k8", "k0"]
    assert await marks.remove(bob, statuses[0].id) is True
    assert await marks.remove(bob, statuses[0].id) is False
    assert ids_of(await marks.accounts_for(statuses[0].id, Page())) == ["k8"]


def ids_of(marks: list[Mark]) -> list[str]:
    return [m.id for m in marks]


# -- timelines, case by case


async def test_the_public_timeline_is_public_statuses_without_reblogs(world, stores):
    alice, bob = await world.accounts("alice", "bob")
    public = await world.post(alice)
    await world.post(alice, visibility="unlisted")
    await world.post(alice, visibility="private")
    await world.post(alice, visibility="direct", mentioned_ids=(bob,))
    await world.reblog(bob, public)
    reply = await world.post(bob, in_reply_to_id=public.id, context_id=public.id)
    for viewer in (None, alice, bob):
        got = await stores.statuses.timeline(TimelineQuery("public", viewer), Page())
        assert ids(got) == [reply.id, public.id]


async def test_the_home_timeline_is_own_followed_and_mentioning_statuses(world, stores, make):
    me, friend, quiet, stranger, pending = await world.accounts(
        "me", "friend", "quiet", "stranger", "pending"
    )
    await follow(stores, make, me, friend)
    await follow(stores, make, me, quiet, show_reblogs=False)
    await follow(stores, make, me, pending, state="pending")
    mine = await world.post(me, visibility="private")
    theirs = await world.post(friend, visibility="private")
    secret = await world.post(friend, visibility="direct", mentioned_ids=(stranger,))
    to_me = await world.post(stranger, visibility="direct", mentioned_ids=(me,))
    await world.post(stranger)
    await world.post(pending)
    boosted = await world.reblog(friend, await world.post(stranger))
    await world.reblog(quiet, await world.post(stranger))
    quiet_own = await world.post(quiet, visibility="unlisted")
    got = await stores.statuses.timeline(TimelineQuery("home", me, now=make.now), Page())
    assert ids(got) == [quiet_own.id, boosted.id, to_me.id, theirs.id, mine.id]
    assert secret.id not in ids(got)
    assert await stores.statuses.timeline(TimelineQuery("home", None), Page()) == []


async def test_lists_drop_blocked_and_muted_authors_while_mutes_last(world, stores, make):
    me, blocked, muted, was_muted, blocker, other = await world.accounts(
        "me", "blocked", "muted", "was_muted", "blocker", "other"
    )
    for account in (blocked, muted, was_muted, blocker, other):
        await follow(stores, make, me, account)
    await block(stores, make, me, blocked)
    await block(stores, make, blocker, me)
    await mute(stores, make, me, muted, expires_at=make.now + timedelta(hours=1))
    await mute(stores, make, me, was_muted, expires_at=make.now - timedelta(hours=1))
    posts = {a: await world.post(a) for a in (blocked, muted, was_muted, blocker, other)}
    boost_of_muted = await world.reblog(other, posts[muted])
    home = await stores.statuses.timeline(TimelineQuery("home", me, now=make.now), Page())
    assert ids(home) == [posts[other].id, posts[was_muted].id]
    assert boost_of_muted.id not in ids(home)
    # Without a time, every mute hides.
    public = await stores.statuses.timeline(TimelineQuery("public", me), Page())
    assert ids(public) == [posts[other].id]
    # A blocked or muted account's own list is empty to the viewer; the blocker's is invisible.
    for author in (blocked, muted, blocker):
        assert (
            await stores.statuses.timeline(TimelineQuery("account", me, author, now=make.now), Page()) == []
        )
    listed = await stores.statuses.timeline(TimelineQuery("account", None, muted), Page())
    assert ids(listed) == [posts[muted].id]


async def test_the_own_account_list_keeps_everything_the_owner_did(world, stores, make):
    me, muted = await world.accounts("me", "muted")
    await mute(stores, make, me, muted)
    boost = await world.reblog(me, await world.post(muted))
    mine = await world.post(me, visibility="direct")
    got = await stores.statuses.timeline(TimelineQuery("account", me, me, now=make.now), Page())
    assert ids(got) == [mine.id, boost.id]
    assert await stores.statuses.timeline(TimelineQuery("home", me, now=make.now), Page()) == [
        await stores.statuses.get(mine.id)
    ]


async def test_account_lists_filter_reblogs_replies_and_media(world, stores):
    alice, bob = await world.accounts("alice", "bob")
    plain = await world.post(alice)
    reply = await world.post(alice, in_reply_to_id=plain.id, context_id=plain.id)
    media = await world.post(alice, media_ids=("m1",))
    boost = await world.reblog(alice, await world.post(bob))

    async def listed(**kw: bool) -> list[str]:
        return ids(await stores.statuses.timeline(TimelineQuery("account", bob, alice, **kw), Page()))

    assert await listed() == [boost.id, media.id, reply.id, plain.id]
    assert await listed(exclude_reblogs=True) == [media.id, reply.id, plain.id]
    assert await listed(exclude_replies=True) == [boost.id, media.id, plain.id]
    assert await listed(only_media=True) == [media.id]


async def test_the_tag_timeline_is_public_statuses_with_the_tag(world, stores):
    alice, bob = await world.accounts("alice", "bob")
    tagged = await world.post(alice, tags=("cats", "dogs"))
    await world.post(alice, tags=("cats",), visibility="unlisted")
    await world.post(alice, tags=("dogs",))
    await world.reblog(bob, tagged)
    got = await stores.statuses.timeline(TimelineQuery("tag", bob, tag="cats"), Page())
    assert ids(got) == [tagged.id]


async def test_timelines_page_like_every_list(world, stores, make):
    [me] = await world.accounts("me")
    posted = [await world.post(me) for _ in range(6)]
    newest = ids(posted[::-1])
    for kind in ("home", "public", "account"):
        q = TimelineQuery(kind, me, me, now=make.now)

        async def page(**kw: Any) -> list[str]:
            return ids(await stores.statuses.timeline(q, Page(**kw)))  # noqa: B023

        assert await page() == newest
        assert await page(limit=2) == newest[:2]
        assert await page(max_id=newest[1], limit=2) == newest[2:4]
        assert await page(since_id=newest[3]) == newest[:3]
        assert await page(min_id=newest[4], limit=2) == newest[2:4]
        assert await page(min_id=newest[4], max_id=newest[1]) == newest[2:4]


# -- timelines against the visibility rule: random worlds


class Model:
    """The graph as the test made it, to judge each status with domain.visibility."""

    def __init__(self, now) -> None:
        self.now = now
        self.follows: dict[tuple[str, str], Follow] = {}
        self.blocks: set[tuple[str, str]] = set()
        self.mutes: dict[tuple[str, str], Mute] = {}
        self.statuses: dict[str, Status] = {}

    def towards(self, viewer: str | None, author: str) -> Relationship | None:
        if viewer is None:
            return None
        f = self.follows.get((viewer, author))
        m = self.mutes.get((viewer, author))
        return Relationship(
            target_id=author,
            following=f is not None and f.state == "accepted",
            blocking=(viewer, author) in self.blocks,
            blocked_by=(author, viewer) in self.blocks,
            muting=m is not None and m.active(self.now),
        )

    def shown(self, st: Status, viewer: str | None, hide: bool) -> bool:
        for one in (st, self.statuses[st.reblog_of_id]) if st.reblog_of_id else (st,):
            towards = self.towards(viewer, one.account_id)
            if not can_see(one, viewer, towards):
                return False
            if hide and viewer != one.account_id and hidden_from_lists(one, towards):
                return False
        return True

    def in_kind(self, st: Status, q: TimelineQuery) -> bool:
        v = q.viewer_id
        if q.kind == "home":
            f = self.follows.get((v, st.account_id)) if v else None
            followed = f is not None and f.state == "accepted" and (not st.is_reblog or f.show_reblogs)
            if v is None or not (st.account_id == v or followed or v in st.mentioned_ids):
                return False
        elif q.kind in ("public", "tag"):
            if st.visibility != "public" or st.is_reblog or (q.kind == "tag" and q.tag not in st.tags):
                return False
        elif st.account_id != q.account_id:
            return False
        return not (
            (q.exclude_reblogs and st.is_reblog)
            or (q.exclude_replies and st.in_reply_to_id)
            or (q.only_media and not st.media_ids)
        )

    def expected(self, q: TimelineQuery) -> list[str]:
        hide = not (q.kind == "account" and q.account_id == q.viewer_id)
        chosen = [
            s.id for s in self.statuses.values() if self.in_kind(s, q) and self.shown(s, q.viewer_id, hide)
        ]
        return sorted(chosen, reverse=True)


async def random_world(world: World, stores, make, rng: random.Random) -> tuple[Model, list[str]]:
    model = Model(make.now)
    people = await world.accounts(*[f"p{i}" for i in range(7)])
    for a in people:
        for b in people:
            if a == b:
                continue
            roll = rng.random()
            if roll < 0.35:
                f = await follow(stores, make, a, b, state="accepted", show_reblogs=rng.random() < 0.7)
                model.follows[(a, b)] = f
            elif roll < 0.45:
                model.follows[(a, b)] = await follow(stores, make, a, b, state="pending")
            roll = rng.random()
            if roll < 0.08:
                await block(stores, make, a, b)
                model.blocks.add((a, b))
            elif roll < 0.16:
                expires = rng.choice([None, make.now - timedelta(hours=1), make.now + timedelta(hours=1)])
                await mute(stores, make, a, b, expires)
                model.mutes[(a, b)] = Mute(f"m-{a}-{b}", a, b, True, make.now, expires)
    originals: list[Status] = []
    reblogged: set[tuple[str, str]] = set()
    for _ in range(150):
        author = rng.choice(people)
        if originals and rng.random() < 0.15:
            original = rng.choice(originals)
            if (author, original.id) not in reblogged:
                reblogged.add((author, original.id))
                wrapper = await world.reblog(author, original, rng.choice(["public", "unlisted", "private"]))
                model.statuses[wrapper.id] = wrapper
                continue
        parent = rng.choice(originals) if originals and rng.random() < 0.2 else None
        status = await world.post(
            author,
            visibility=rng.choice(["public", "unlisted", "private", "direct"]),
            mentioned_ids=tuple(rng.sample(people, rng.choice([0, 0, 1, 2]))),
            tags=tuple(rng.sample(["a", "b"], rng.choice([0, 1, 2]))),
            media_ids=("m",) if rng.random() < 0.2 else (),
            in_reply_to_id=parent.id if parent else None,
            in_reply_to_account_id=parent.account_id if parent else None,
            context_id=parent.context_id if parent else f"s{world.n + 1:05d}",
        )
        originals.append(status)
        model.statuses[status.id] = status
    return model, people


async def walk(stores, q: TimelineQuery, limit: int, *, upwards: bool = False) -> list[str]:
    """Every id of a timeline, page by page: down with max_id, or up from the bottom with min_id."""
    seen: list[str] = []
    page = Page(min_id="", limit=limit) if upwards else Page(limit=limit)
    for _ in range(500):
        got = ids(await stores.statuses.timeline(q, page))
        if not got:
            return seen
        assert len(got) <= limit
        if upwards:
            seen = got + seen
            page = Page(min_id=got[0], limit=limit)
        else:
            seen += got
            page = Page(max_id=got[-1], limit=limit)
    raise AssertionError("the walk did not end")


@pytest.mark.parametrize("seed", [1, 2, 3])
async def test_every_timeline_holds_exactly_what_the_visibility_rule_allows(world, stores, make, seed):
    rng = random.Random(seed)
    model, people = await random_world(world, stores, make, rng)
    for viewer in [None, *people]:
        queries = [
            TimelineQuery("public", viewer, now=make.now),
            TimelineQuery("tag", viewer, tag="a", now=make.now),
            TimelineQuery("tag", viewer, tag="b", only_media=True, now=make.now),
            TimelineQuery("account", viewer, rng.choice(people), now=make.now),
            TimelineQuery("account", viewer, viewer or people[0], exclude_replies=True, now=make.now),
            TimelineQuery(
                "account", viewer, rng.choice(people), exclude_reblogs=True, only_media=True, now=make.now
            ),
        ]
        if viewer is not None:
            queries.append(TimelineQuery("home", viewer, now=make.now))
            queries.append(TimelineQuery("home", viewer, exclude_replies=True, now=make.now))
        for q in queries:
            want = model.expected(q)
            assert ids(await stores.statuses.timeline(q, Page(limit=40))) == want[:40], q
            if q.kind == "home":
                # The SQL stores read a window of the newest statuses first, then each source below
                # it: a window of one page makes every short page take the second way.
                for window in (50, 1) if hasattr(stores.statuses, "home_window") else (None,):
                    if window is not None:
                        stores.statuses.home_window = window
                    assert await walk(stores, q, 1) == want, (q, window)
                    assert await walk(stores, q, 2, upwards=True) == want, (q, window)
                    assert ids(await stores.statuses.timeline(q, Page(limit=5))) == want[:5], (q, window)
            elif q.kind == "public":
                assert await walk(stores, q, 7) == want, q


async def test_sqlite_timelines_are_read_through_indexes(tmp_path):
    """Every timeline query's plan on SQLite walks an index for statuses: none scans the table."""
    db = SqliteDatabase(str(tmp_path / "plans.sqlite3"), readers=0)
    recorded: list[tuple[str, tuple[Any, ...]]] = []

    class Recording:
        dialect = db.dialect

        async def fetch_all(self, sql: str, *args: Any) -> list[Any]:
            recorded.append((sql, args))
            return await db.fetch_all(sql, *args)

        async def fetch_one(self, sql: str, *args: Any) -> Any:
            recorded.append((sql, args))
            return await db.fetch_one(sql, *args)

        async def execute(self, sql: str, *args: Any) -> int:
            return await db.execute(sql, *args)

    statuses = SqlStatuses(Recording())
    try:
        for q in (
            TimelineQuery("home", "v", now=NOW),
            TimelineQuery("public", "v", only_media=True),
            TimelineQuery("tag", None, tag="x"),
            TimelineQuery("account", "v", "a", exclude_replies=True),
        ):
            for page in (Page(limit=20), Page(max_id="m", limit=20), Page(min_id="m", limit=20)):
                await statuses.timeline(q, page)
                if q.kind == "home":  # its fallback, which an empty store never reaches
                    await statuses._sources(q, page)
        details = []
        for sql, args in recorded:
            details += [r["detail"] for r in await db.fetch_all("EXPLAIN QUERY PLAN " + sql, *args)]
    finally:
        await db.close()
    # Subqueries' own results (a1, u…) are scanned; a table never is.
    tables = ("statuses", "status_mentions", "status_tags", "follows", "blocks", "mutes", "attachments")
    aliases = {
        "s",
        "e",
        "x",
        "os",
        "ox",
        "hm",
        "hf",
        "tt",
        "wf",
        "wo",
        "wm",
        "vb",
        "vm",
        "vf",
        "hb",
        "sm",
        "st",
        "sa",
    }
    scans = [d for d in details if d.startswith("SCAN ") and d.split()[1] in aliases | set(tables)]
    assert scans == [d for d in scans if " USING " in d]  # walking an index in order is fine
    # The home window walks the primary key in order, not every followee's statuses to be sorted.
    assert not [d for d in details if "MULTI-INDEX OR" in d]
    assert any("statuses_account" in d for d in details)
    assert any("status_mentions_account" in d for d in details)
    assert any("statuses_public" in d for d in details)
    assert any("status_tags_tag" in d for d in details)
