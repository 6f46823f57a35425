"""Posting, reading and marking statuses, threads and timelines, on memory stores."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from plerome.adapters.html import HtmlFormatter
from plerome.adapters.memory import FixedClock
from plerome.domain.attachments import Attachment
from plerome.domain.errors import Forbidden, InvalidInput, NotFound, Unprocessable
from plerome.domain.instance import InstancePolicy
from plerome.domain.pagination import Page
from plerome.domain.social import Block, Follow, Mute
from plerome.domain.statuses import Draft
from plerome.domain.usecases.accounts import create_account
from plerome.domain.usecases.statuses import (
    bookmark,
    delete_status,
    favourite,
    favourited_by,
    get_status,
    marked_statuses,
    post_status,
    reblog,
    reblogged_by,
    status_context,
    unbookmark,
    unfavourite,
    unreblog,
)
from plerome.domain.usecases.timelines import account_statuses, home_timeline, public_timeline, tag_timeline
from plerome.ports.notifications import NotificationQuery

pytestmark = pytest.mark.anyio
NOW = datetime(2026, 1, 1, tzinfo=UTC)
BASE = "https://social.example"


@pytest.fixture
def ctx(make_ctx):
    return make_ctx(clock=FixedClock(NOW), policy=InstancePolicy(base_url=BASE), formatter=HtmlFormatter())


@pytest.fixture
async def people(ctx):
    return [await create_account(ctx, nick, None, "pw") for nick in ("alice", "bob", "carol")]


async def post(ctx, author, text="hi", visibility="public", **kw):
    draft_fields = {k: kw.pop(k) for k in list(kw) if k in Draft.__dataclass_fields__}
    return await post_status(ctx, author, Draft(text=text, visibility=visibility, **draft_fields), **kw)


async def follow(ctx, follower, followee, **kw):
    values = {"state": "accepted", "show_reblogs": True, **kw}
    await ctx.stores.social.follow(Follow(ctx.ids.new(), follower.id, followee.id, created_at=NOW, **values))


async def notifications(ctx, account, type_=None):
    query = NotificationQuery(types=(type_,) if type_ else ())
    return await ctx.stores.notifications.list(account.id, query, Page())


# -- posting


async def test_a_post_links_its_mentions_and_tags_and_notifies_who_it_mentions(ctx, people):
    alice, bob, carol = people
    status = await post(ctx, alice, "hi @bob and @nobody, #Hello https://ex.com")
    assert status.mentioned_ids == (bob.id,)
    assert status.tags == ("hello",)
    assert f'href="{BASE}/users/bob"' in status.content
    assert f'href="{BASE}/tag/hello"' in status.content
    assert "@nobody" in status.content and 'href="https://ex.com"' in status.content
    [n] = await notifications(ctx, bob)
    assert (n.type, n.from_account_id, n.status_id) == ("mention", alice.id, status.id)
    assert await notifications(ctx, carol) == []


async def test_a_reply_joins_the_thread_addresses_the_parent_and_counts(ctx, people):
    alice, bob, _ = people
    root = await post(ctx, alice)
    reply = await post(ctx, bob, "sure", in_reply_to_id=root.id)
    again = await post(ctx, alice, "and?", in_reply_to_id=reply.id)
    assert (reply.context_id, reply.in_reply_to_id, reply.in_reply_to_account_id) == (
        root.id,
        root.id,
        alice.id,
    )
    assert reply.mentioned_ids == (alice.id,)
    assert again.context_id == root.id and again.mentioned_ids == (bob.id,)
    assert (await get_status(ctx, None, root.id)).replies_count == 1
    assert [n.type for n in await notifications(ctx, alice)] == ["mention"]


async def test_a_reply_to_a_direct_status_stays_direct(ctx, people):
    alice, bob, carol = people
    secret = await post(ctx, alice, "@bob psst", "direct")
    answer = await post(ctx, bob, "ok", "public", in_reply_to_id=secret.id)
    assert answer.visibility == "direct"
    assert answer.mentioned_ids == (alice.id,)
    with pytest.raises(NotFound):
        await get_status(ctx, carol.id, answer.id)


async def test_a_direct_status_is_seen_by_its_author_and_the_mentioned_only(ctx, people):
    alice, bob, carol = people
    status = await post(ctx, alice, "@bob secret", "direct")
    assert (await get_status(ctx, bob.id, status.id)).id == status.id
    assert (await get_status(ctx, alice.id, status.id)).id == status.id
    for viewer in (carol.id, None):
        with pytest.raises(NotFound):
            await get_status(ctx, viewer, status.id)


async def test_replying_to_what_one_cannot_see_is_not_found(ctx, people):
    alice, bob, _ = people
    secret = await post(ctx, alice, "mine", "direct")
    with pytest.raises(NotFound):
        await post(ctx, bob, "hm", in_reply_to_id=secret.id)
    with pytest.raises(NotFound):
        await post(ctx, bob, "hm", in_reply_to_id="nope")


async def test_an_idempotency_key_gives_back_the_first_status(ctx, people):
    alice, bob, _ = people
    first = await post(ctx, alice, "once", idempotency_key="k1")
    assert await post(ctx, alice, "twice", idempotency_key="k1") == first
    assert (await post(ctx, alice, "other", idempotency_key="k2")).id != first.id
    assert (await post(ctx, bob, "bob's", idempotency_key="k1")).id != first.id


async def test_media_must_be_the_posters_own_and_free(ctx, people):
    alice, bob, _ = people
    for owner, media_id in ((alice, "m1"), (alice, "m2"), (bob, "m3")):
        await ctx.stores.attachments.add(
            Attachment(media_id, owner.id, f"{media_id}.png", "image/png", "image", 1, NOW)
        )
    status = await post(ctx, alice, "", media_ids=("m2", "m1", "m2"))
    assert status.media_ids == ("m1", "m2")
    assert (await ctx.stores.attachments.get("m1")).status_id == status.id
    with pytest.raises(Unprocessable):
        await post(ctx, alice, "again", media_ids=("m1",))
    for foreign in ("m3", "nope"):
        with pytest.raises(NotFound):
            await post(ctx, alice, "theirs", media_ids=(foreign,))
    # Nothing of a refused post was kept.
    assert [s.id for s in (await account_statuses(ctx, alice, alice.id, Page())).items] == [status.id]


async def test_an_unknown_conversation_id_is_refused(ctx, people):
    with pytest.raises(NotFound, match="Unknown conversation id"):
        await post(ctx, people[0], "x", in_reply_to_conversation_id="1")


async def test_subscribers_hear_of_public_and_unlisted_statuses(ctx, people):
    alice, bob, carol = people
    await ctx.stores.social.subscribe(bob.id, alice.id, NOW)
    await ctx.stores.social.subscribe(carol.id, alice.id, NOW)
    public = await post(ctx, alice, "news")
    await post(ctx, alice, "quiet", "unlisted")
    await post(ctx, alice, "friends", "private")
    await post(ctx, alice, "@carol only you", "public")
    assert [n.status_id for n in await notifications(ctx, bob, "status")][-1] == public.id
    assert len(await notifications(ctx, bob, "status")) == 3
    # Mentioned, carol hears of that one once, as a mention.
    assert len(await notifications(ctx, carol, "status")) == 2
    assert len(await notifications(ctx, carol, "mention")) == 1


# -- deleting


async def test_deleting_ones_own_status_answers_it_with_its_source(ctx, people):
    alice, bob, _ = people
    root = await post(ctx, bob)
    status = await post(ctx, alice, "to redraft", in_reply_to_id=root.id)
    view = await delete_status(ctx, alice, status.id)
    assert view.status.source == "to redraft" and view.author == alice
    with pytest.raises(NotFound):
        await get_status(ctx, alice.id, status.id)
    assert (await get_status(ctx, None, root.id)).replies_count == 0
    assert await notifications(ctx, bob) == []


async def test_others_statuses_cannot_be_deleted_and_invisible_ones_are_not_found(ctx, people):
    alice, bob, _ = people
    public = await post(ctx, alice)
    secret = await post(ctx, alice, "mine", "direct")
    with pytest.raises(Forbidden, match="Can't delete this post"):
        await delete_status(ctx, bob, public.id)
    for status_id in (secret.id, "nope"):
        with pytest.raises(NotFound):
            await delete_status(ctx, bob, status_id)


# -- threads


async def test_a_context_is_the_visible_thread_around_a_status(ctx, people):
    alice, bob, carol = people
    root = await post(ctx, alice, "root")
    a = await post(ctx, bob, "a", in_reply_to_id=root.id)
    a1 = await post(ctx, alice, "a1", in_reply_to_id=a.id)
    b = await post(ctx, carol, "b", in_reply_to_id=root.id)
    a2 = await post(ctx, carol, "a2", in_reply_to_id=a.id)
    hidden = await post(ctx, alice, "only me", "direct", in_reply_to_id=b.id)
    a11 = await post(ctx, bob, "a11", in_reply_to_id=a1.id)
    ancestors, descendants = await status_context(ctx, bob.id, a1.id)
    assert [s.id for s in ancestors] == [root.id, a.id]
    assert [s.id for s in descendants] == [a11.id]
    _, below_root = await status_context(ctx, bob.id, root.id)
    assert [s.id for s in below_root] == [a.id, a1.id, a11.id, a2.id, b.id]
    _, as_author = await status_context(ctx, alice.id, root.id)
    assert hidden.id in [s.id for s in as_author]
    await ctx.stores.social.mute(Mute("m", bob.id, carol.id, True, NOW))
    _, muted = await status_context(ctx, bob.id, root.id)
    assert [s.id for s in muted] == [a.id, a1.id, a11.id]
    with pytest.raises(NotFound):
        await status_context(ctx, bob.id, hidden.id)


# -- favourites, reblogs, bookmarks


async def test_favouriting_counts_once_and_notifies_the_author(ctx, people):
    alice, bob, _ = people
    status = await post(ctx, alice)
    assert (await favourite(ctx, bob, status.id)).favourites_count == 1
    assert (await favourite(ctx, bob, status.id)).favourites_count == 1
    assert [n.type for n in await notifications(ctx, alice)] == ["favourite"]
    assert (await unfavourite(ctx, bob, status.id)).favourites_count == 0
    assert (await unfavourite(ctx, bob, status.id)).favourites_count == 0
    secret = await post(ctx, alice, "x", "direct")
    with pytest.raises(NotFound):
        await favourite(ctx, bob, secret.id)


async def test_a_reblog_wraps_the_status_once_and_notifies_its_author(ctx, people):
    alice, bob, _ = people
    status = await post(ctx, alice)
    wrapper = await reblog(ctx, bob, status.id)
    assert (wrapper.reblog_of_id, wrapper.account_id, wrapper.visibility) == (status.id, bob.id, "public")
    assert await reblog(ctx, bob, status.id) == wrapper
    assert await reblog(ctx, bob, wrapper.id) == wrapper  # a reblog of a reblog reblogs the original
    assert (await get_status(ctx, None, status.id)).reblogs_count == 1
    assert [n.type for n in await notifications(ctx, alice)] == ["reblog"]
    assert (await unreblog(ctx, bob, status.id)).reblogs_count == 0
    with pytest.raises(NotFound):
        await get_status(ctx, None, wrapper.id)
    assert (await unreblog(ctx, bob, status.id)).id == status.id


async def test_only_public_unlisted_and_ones_own_private_statuses_can_be_reblogged(ctx, people):
    alice, bob, _ = people
    await follow(ctx, bob, alice)
    private = await post(ctx, alice, "friends", "private")
    with pytest.raises(NotFound):
        await reblog(ctx, bob, private.id)
    own = await reblog(ctx, alice, private.id)
    assert own.visibility == "private"
    unlisted = await post(ctx, alice, "quiet", "unlisted")
    assert (await reblog(ctx, bob, unlisted.id)).visibility == "unlisted"
    public = await post(ctx, alice)
    assert (await reblog(ctx, bob, public.id, "direct")).visibility == "private"
    with pytest.raises(InvalidInput):
        await reblog(ctx, alice, public.id, "everyone")


async def test_who_favourited_and_reblogged_leaves_out_those_the_viewer_blocks(ctx, people):
    alice, bob, carol = people
    status = await post(ctx, alice)
    for who in (bob, carol):
        await favourite(ctx, who, status.id)
        await reblog(ctx, who, status.id)
    listed = await favourited_by(ctx, None, status.id, Page())
    assert [a.id for a in listed.items] == [carol.id, bob.id] and len(listed.ids) == 2
    await ctx.stores.social.block(Block("b", alice.id, carol.id, NOW))
    assert [a.id for a in (await favourited_by(ctx, alice.id, status.id, Page())).items] == [bob.id]
    boosted = await reblogged_by(ctx, alice.id, status.id, Page())
    assert [a.id for a in boosted.items] == [bob.id] and len(boosted.ids) == 2
    assert [a.id for a in (await reblogged_by(ctx, None, status.id, Page(limit=1))).items] == [carol.id]


async def test_bookmarks_and_favourites_list_by_their_marks(ctx, people):
    alice, bob, _ = people
    first, second = await post(ctx, alice, "1"), await post(ctx, alice, "2")
    await bookmark(ctx, bob, second.id)
    await bookmark(ctx, bob, first.id)
    await favourite(ctx, bob, first.id)
    listed = await marked_statuses(ctx, bob, "bookmarks", Page())
    assert [s.id for s in listed.items] == [first.id, second.id]
    assert listed.ids == sorted(listed.ids, reverse=True)
    assert [s.id for s in (await marked_statuses(ctx, bob, "favourites", Page())).items] == [first.id]
    await unbookmark(ctx, bob, first.id)
    assert [s.id for s in (await marked_statuses(ctx, bob, "bookmarks", Page())).items] == [second.id]


# -- timelines


async def test_timelines_show_what_each_viewer_may_see(ctx, people):
    alice, bob, carol = people
    await follow(ctx, bob, alice)
    public = await post(ctx, alice, "#Cats here")
    private = await post(ctx, alice, "friends", "private")
    to_bob = await post(ctx, carol, "@bob hey", "direct")
    await post(ctx, carol, "elsewhere", "unlisted")
    assert [s.id for s in (await home_timeline(ctx, bob, Page())).items] == [to_bob.id, private.id, public.id]
    assert [s.id for s in (await public_timeline(ctx, None, Page())).items] == [public.id]
    assert (await public_timeline(ctx, None, Page(), remote=True)).items == []
    assert [s.id for s in (await tag_timeline(ctx, carol.id, "#CATS", Page())).items] == [public.id]
    assert [s.id for s in (await account_statuses(ctx, carol, "alice", Page())).items] == [public.id]
    assert [s.id for s in (await account_statuses(ctx, bob, alice.id, Page())).items] == [
        private.id,
        public.id,
    ]
    assert (await account_statuses(ctx, bob, alice.id, Page(), pinned=True)).items == []
    with pytest.raises(NotFound):
        await account_statuses(ctx, bob, "nobody", Page())
