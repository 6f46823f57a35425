"""Loading what a viewer needs to see statuses, on memory stores."""

from datetime import UTC, datetime

import pytest

from plerome.adapters.memory import FixedClock
from plerome.adapters.memory.emoji import MemoryEmojiStore
from plerome.domain.emoji_packs import ArchiveLimits
from plerome.domain.instance import InstancePolicy
from plerome.domain.statuses import Status
from plerome.domain.usecases import emoji_packs
from plerome.domain.usecases.accounts import create_account
from plerome.domain.usecases.status_views import load_views
from plerome.entrypoints.http.status_entities import conversation_number, plain_text, status_entity
from plerome.ports.statuses import Mark

pytestmark = pytest.mark.anyio
NOW = datetime(2026, 1, 1, tzinfo=UTC)


@pytest.fixture
def ctx(make_ctx):
    return make_ctx(clock=FixedClock(NOW), policy=InstancePolicy())


def status(id_, author, **kw):
    values = {"visibility": "public", "source": "hi", "content_type": "text/plain", "content": "<p>hi</p>"}
    values["context_id"] = id_
    values.update(kw)
    return Status(id=id_, account_id=author, created_at=NOW, **values)


async def test_a_reblog_view_carries_the_reblogged_status_and_the_viewers_marks(ctx):
    alice = await create_account(ctx, "alice", None, "pw")
    bob = await create_account(ctx, "bob", None, "pw")
    original = status("s1", alice.id)
    wrapper = status("s2", bob.id, reblog_of_id="s1", content="", source="")
    for st in (original, wrapper):
        await ctx.stores.statuses.add(st)
    await ctx.stores.favourites.add(Mark("f1", bob.id, "s1", NOW))
    [view] = await load_views(ctx, bob.id, [wrapper])
    assert view.author == bob
    assert view.reblog is not None and view.reblog.author == alice
    assert view.reblog.favourited and not view.favourited
    entity = status_entity(view, ctx.policy, bob.id)
    assert entity.reblog is not None and entity.reblog.id == "s1"
    assert entity.favourited is True  # a wrapper shows the viewer's marks on what it reblogs
    assert entity.pleroma.emoji_reactions == [] and entity.reblog.pleroma.local is True


async def test_a_reply_to_a_status_the_viewer_cannot_see_says_so(ctx):
    alice = await create_account(ctx, "alice", None, "pw")
    bob = await create_account(ctx, "bob", None, "pw")
    secret = status("s1", alice.id, visibility="direct")
    reply = status("s2", alice.id, in_reply_to_id="s1", in_reply_to_account_id=alice.id, context_id="s1")
    for st in (secret, reply):
        await ctx.stores.statuses.add(st)
    [view] = await load_views(ctx, bob.id, [reply])
    assert view.parent_visible is False
    [own] = await load_views(ctx, alice.id, [reply])
    assert own.parent_visible is True


def test_plain_text_is_the_html_without_tags():
    assert plain_text("<p>a &amp; b</p><p>c<br/>d</p>") == "a & b\nc\nd"


def test_conversation_numbers_are_stable_non_negative_31_bit_integers():
    n = conversation_number("000ekm411uLKxFR332")
    assert n == conversation_number("000ekm411uLKxFR332")
    assert 0 <= n < 2**31


async def test_custom_emoji_written_in_a_status_come_with_their_image_url(make_ctx):
    clock = FixedClock(NOW)
    packs = emoji_packs.EmojiPacks(
        MemoryEmojiStore(), None, clock, emoji_packs.PackLimits(10_000, ArchiveLimits(100_000, 100))
    )
    ctx = make_ctx(clock=clock, emoji=packs)
    png = b"\x89PNG\r\n\x1a\n" + b"\x02" * 8
    await emoji_packs.create_pack(ctx, "blobs")
    await emoji_packs.add_file(ctx, "blobs", emoji_packs.Upload("blobcat.png", png), "blobcat", None)
    alice = await create_account(ctx, "alice", None, "pw")
    st = status("s1", alice.id, source="hello :blobcat: and :nosuch: :blobcat:", spoiler_text=":blobcat:")
    await ctx.stores.statuses.add(st)
    [view] = await load_views(ctx, None, [st])
    assert [(e.shortcode, e.url) for e in view.emojis] == [
        ("blobcat", "https://social.example/emoji/blobs/blobcat.png")
    ]
    entity = status_entity(view, ctx.policy, None)
    assert entity.emojis[0].static_url == entity.emojis[0].url
