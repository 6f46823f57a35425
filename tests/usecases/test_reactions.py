"""Reacting, taking reactions back and listing them, on memory stores."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from plerome.adapters.memory import FixedClock
from plerome.adapters.memory.emoji import MemoryEmojiStore
from plerome.domain import emoji_packs as rules
from plerome.domain.emoji_packs import ArchiveLimits
from plerome.domain.errors import InvalidInput, NotFound
from plerome.domain.instance import InstancePolicy
from plerome.domain.pagination import Page
from plerome.domain.social import Block, Mute
from plerome.domain.statuses import Status
from plerome.domain.usecases import emoji_packs
from plerome.domain.usecases.accounts import create_account
from plerome.domain.usecases.notifications import NotificationFilter, list_notifications
from plerome.domain.usecases.reactions import list_reactions, react, unreact
from plerome.domain.usecases.status_views import ReactionSummary, load_views
from plerome.ports.notifications import NotificationQuery

pytestmark = pytest.mark.anyio
NOW = datetime(2026, 1, 1, tzinfo=UTC)
BASE = "https://social.example"


class NoHttp:
    async def get(self, url, *, max_bytes, accept="application/json"):
        raise AssertionError("no outgoing requests here")


@pytest.fixture
def emoji_store():
    store = MemoryEmojiStore()
    files = {"blob": "blob.png", "blob_cat": "cat.png"}
    content = {path: b"\x89PNG\r\n\x1a\n" + b"\x00" * 8 for path in files.values()}
    content["pack.json"] = rules.encode_manifest(files, {})
    store.put_directory("blobs", content)
    return store


@pytest.fixture
def ctx(make_ctx, emoji_store):
    clock = FixedClock(NOW)
    limits = emoji_packs.PackLimits(
        upload_bytes=1000, archive=ArchiveLimits(100_000, 100), recheck_seconds=60
    )
    packs = emoji_packs.EmojiPacks(emoji_store, NoHttp(), clock, limits)
    return make_ctx(clock=clock, policy=InstancePolicy(base_url=BASE), emoji=packs)


@pytest.fixture
async def people(ctx):
    return [await create_account(ctx, name, None, "pw") for name in ("ann", "bob", "cid", "dan")]


async def post(ctx, author, visibility="public", **kw):
    status_id = ctx.ids.new()
    status = Status(
        id=status_id,
        account_id=author.id,
        created_at=NOW,
        visibility=visibility,
        source="hi",
        content_type="text/plain",
        content="<p>hi</p>",
        context_id=status_id,
        **kw,
    )
    await ctx.stores.statuses.add(status)
    return status


async def reaction_notifications(ctx, account):
    query = NotificationFilter(types=("pleroma:emoji_reaction",))
    return [v.notification for v in await list_notifications(ctx, account, query, Page())]


async def test_reacting_stores_the_fully_qualified_emoji_and_tells_the_author(ctx, people):
    ann, bob, *_ = people
    st = await post(ctx, ann)
    assert (await react(ctx, bob, st.id, "⚠")).id == st.id
    [view] = await list_reactions(ctx, ann.id, st.id)
    assert (view.name, view.count, view.me, view.url) == ("⚠️", 1, False, None)
    assert view.accounts == (bob,)
    [n] = await reaction_notifications(ctx, ann)
    assert (n.from_account_id, n.status_id, n.emoji) == (bob.id, st.id, "⚠️")


async def test_reacting_twice_is_idempotent_and_notifies_once(ctx, people):
    ann, bob, *_ = people
    st = await post(ctx, ann)
    await react(ctx, bob, st.id, "👍")
    await react(ctx, bob, st.id, "👍")
    [view] = await list_reactions(ctx, bob.id, st.id)
    assert (view.count, view.me) == (1, True)
    assert len(await reaction_notifications(ctx, ann)) == 1


async def test_reacting_to_ones_own_status_notifies_nobody(ctx, people):
    ann, *_ = people
    st = await post(ctx, ann)
    await react(ctx, ann, st.id, "👍")
    assert await reaction_notifications(ctx, ann) == []


async def test_a_custom_emoji_reaction_has_its_image_everywhere(ctx, people):
    ann, bob, *_ = people
    st = await post(ctx, ann)
    await react(ctx, bob, st.id, ":blob_cat:")
    [view] = await list_reactions(ctx, ann.id, st.id)
    assert (view.name, view.url) == ("blob_cat", f"{BASE}/emoji/blobs/cat.png")
    [status_view] = await load_views(ctx, ann.id, [st])
    assert status_view.reactions == (ReactionSummary("blob_cat", 1, False, f"{BASE}/emoji/blobs/cat.png"),)
    query = NotificationFilter(types=("pleroma:emoji_reaction",))
    [n] = await list_notifications(ctx, ann, query, Page())
    assert (n.notification.emoji, n.emoji_url) == (":blob_cat:", f"{BASE}/emoji/blobs/cat.png")


@pytest.mark.parametrize("emoji", ["x", ":nope:", "👍👍", ""])
async def test_anything_but_one_emoji_cannot_be_added(ctx, people, emoji):
    ann, bob, *_ = people
    st = await post(ctx, ann)
    with pytest.raises(InvalidInput, match="Could not add reaction emoji"):
        await react(ctx, bob, st.id, emoji)


async def test_taking_back_a_reaction_one_does_not_have_is_refused(ctx, people):
    ann, bob, *_ = people
    st = await post(ctx, ann)
    with pytest.raises(InvalidInput, match="Could not remove reaction emoji"):
        await unreact(ctx, bob, st.id, "👍")
    await react(ctx, bob, st.id, "👍")
    assert (await unreact(ctx, bob, st.id, "👍")).id == st.id
    assert await list_reactions(ctx, bob.id, st.id) == []
    with pytest.raises(InvalidInput, match="Could not remove reaction emoji"):
        await unreact(ctx, bob, st.id, "👍")


async def test_a_status_the_viewer_cannot_see_is_not_found_on_every_reaction_use_case(ctx, people):
    ann, bob, cid, _ = people
    secret = await post(ctx, ann, "direct", mentioned_ids=(cid.id,))
    await react(ctx, cid, secret.id, "👍")
    for attempt in (
        react(ctx, bob, secret.id, "👍"),
        unreact(ctx, bob, secret.id, "👍"),
        list_reactions(ctx, bob.id, secret.id),
        list_reactions(ctx, None, secret.id, "👍"),
        react(ctx, bob, "unknown", "👍"),
        list_reactions(ctx, bob.id, "unknown"),
    ):
        with pytest.raises(NotFound) as caught:
            await attempt
        assert caught.value.message == "Record not found"
    assert [v.count for v in await list_reactions(ctx, cid.id, secret.id)] == [1]


async def test_a_blocking_author_hides_the_status_from_reactions(ctx, people):
    ann, bob, *_ = people
    st = await post(ctx, ann)
    await ctx.stores.social.block(Block("b1", ann.id, bob.id, NOW))
    with pytest.raises(NotFound):
        await react(ctx, bob, st.id, "👍")


async def test_reacting_to_a_reblog_reacts_to_what_it_reblogs(ctx, people):
    ann, bob, cid, _ = people
    original = await post(ctx, ann)
    wrapper = await post(ctx, bob, reblog_of_id=original.id)
    assert (await react(ctx, cid, wrapper.id, "👍")).id == original.id
    assert [v.count for v in await list_reactions(ctx, cid.id, original.id)] == [1]


async def test_lists_follow_first_use_and_hide_blocked_and_muted_reactors(ctx, people):
    ann, bob, cid, dan = people
    st = await post(ctx, ann)
    await react(ctx, bob, st.id, "😀")
    await react(ctx, cid, st.id, "☕")
    await react(ctx, dan, st.id, "😀")
    await react(ctx, cid, st.id, "😀")
    await ctx.stores.social.block(Block("b1", ann.id, bob.id, NOW))
    await ctx.stores.social.mute(Mute("m1", ann.id, cid.id, True, NOW))
    seen = await list_reactions(ctx, ann.id, st.id)
    assert [(v.name, v.count, v.accounts) for v in seen] == [("😀", 1, (dan,))]
    seen = await list_reactions(ctx, ann.id, st.id, with_muted=True)
    assert [(v.name, v.count, v.accounts) for v in seen] == [("😀", 2, (dan, cid)), ("☕", 1, (cid,))]
    everyone = await list_reactions(ctx, None, st.id)
    assert [(v.name, v.count, v.accounts) for v in everyone] == [
        ("😀", 3, (bob, dan, cid)),
        ("☕", 1, (cid,)),
    ]
    # the status entity shows the same counts
    [view] = await load_views(ctx, ann.id, [st])
    assert view.reactions == (ReactionSummary("😀", 1, False),)


async def test_one_emoji_of_the_list(ctx, people):
    ann, bob, *_ = people
    st = await post(ctx, ann)
    await react(ctx, bob, st.id, "⚠️")
    await react(ctx, bob, st.id, "👍")
    assert [v.name for v in await list_reactions(ctx, ann.id, st.id, "⚠")] == ["⚠️"]
    assert await list_reactions(ctx, ann.id, st.id, "☕") == []
    assert await list_reactions(ctx, ann.id, st.id, "not an emoji") == []


async def test_lists_show_at_most_forty_reactors_and_the_whole_count(ctx, people):
    ann, *_ = people
    st = await post(ctx, ann)
    reactors = [await create_account(ctx, f"fan{i}", None, "pw") for i in range(45)]
    for fan in reactors:
        await react(ctx, fan, st.id, "👍")
    [view] = await list_reactions(ctx, ann.id, st.id)
    assert view.count == 45
    assert view.accounts == tuple(reactors[:40])


async def test_the_reaction_notification_goes_with_a_failed_reaction(ctx, people, monkeypatch):
    ann, bob, *_ = people
    st = await post(ctx, ann)

    async def broken(*args, **kwargs):
        raise RuntimeError("notifications are down")

    monkeypatch.setattr("plerome.domain.usecases.reactions.notify", broken)
    with pytest.raises(RuntimeError):
        await react(ctx, bob, st.id, "👍")
    assert await list_reactions(ctx, ann.id, st.id) == []
    assert await ctx.stores.notifications.list(ann.id, NotificationQuery(), Page()) == []
