"""Conversations on memory stores: recording direct statuses, reading, changing, marking and leaving."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from plerome.adapters.memory import FixedClock
from plerome.domain.errors import InvalidInput, NotFound
from plerome.domain.instance import InstancePolicy
from plerome.domain.pagination import Page
from plerome.domain.social import Block, Mute
from plerome.domain.statuses import Draft, Status
from plerome.domain.usecases.account_stats import account_stats
from plerome.domain.usecases.accounts import create_account
from plerome.domain.usecases.conversations import (
    READ_MAX,
    conversation_recipients,
    conversation_statuses,
    delete_conversation,
    get_conversation,
    list_conversations,
    read_all_conversations,
    read_conversation,
    record_direct_status,
    update_recipients,
)
from plerome.domain.usecases.status_views import load_views
from plerome.domain.usecases.statuses import post_status

pytestmark = pytest.mark.anyio
NOW = datetime(2026, 1, 1, tzinfo=UTC)


@pytest.fixture
def ctx(make_ctx):
    return make_ctx(clock=FixedClock(NOW), policy=InstancePolicy())


@pytest.fixture
async def people(ctx):
    return [await create_account(ctx, name, None, "pw") for name in ("ann", "bob", "cid", "dan")]


async def post(ctx, author, *to, visibility="direct", reply_to=None, context=None):
    """What posting does: add the status and record it, in one transaction."""
    status_id = ctx.ids.new()
    if context is None:
        context = reply_to.context_id if reply_to is not None else status_id
    status = Status(
        id=status_id,
        account_id=author.id,
        created_at=NOW,
        visibility=visibility,
        source="hi",
        content_type="text/plain",
        content="<p>hi</p>",
        context_id=context,
        in_reply_to_id=reply_to.id if reply_to else None,
        in_reply_to_account_id=reply_to.account_id if reply_to else None,
        mentioned_ids=tuple(a.id for a in to),
    )
    async with ctx.stores.transaction() as tx:
        await tx.statuses.add(status)
        await record_direct_status(ctx, tx, status)
    return status


async def mine(ctx, account, page=None):
    return await list_conversations(ctx, account, page or Page())


def ids(accounts):
    return {a.id for a in accounts}


async def test_a_direct_status_starts_a_conversation_for_its_author_and_each_addressee(ctx, people):
    ann, bob, cid, _ = people
    first = await post(ctx, ann, bob, cid)
    [a] = await mine(ctx, ann)
    [b] = await mine(ctx, bob)
    [c] = await mine(ctx, cid)
    assert len({a.participation.id, b.participation.id, c.participation.id}) == 3
    assert (a.participation.unread, b.participation.unread, c.participation.unread) == (False, True, True)
    assert a.accounts == (bob, cid) and b.accounts == (ann, cid)
    assert ids(b.recipients) == ids([ann, bob, cid])
    assert b.last_status is not None and b.last_status.status.id == first.id
    assert b.last_status.direct_conversation_id == b.participation.id  # the viewer's own id


async def test_other_visibilities_start_nothing(ctx, people):
    ann, bob, *_ = people
    for visibility in ("public", "unlisted", "private"):
        await post(ctx, ann, bob, visibility=visibility)
    assert await mine(ctx, ann) == [] and await mine(ctx, bob) == []


async def test_replies_continue_the_conversation_and_mark_it_unread_for_the_others(ctx, people):
    ann, bob, cid, _ = people
    first = await post(ctx, ann, bob)
    [b] = await mine(ctx, bob)
    await read_conversation(ctx, bob, b.participation.id)
    reply = await post(ctx, bob, ann, reply_to=first)
    [a] = await mine(ctx, ann)
    [b2] = await mine(ctx, bob)
    assert b2.participation.id == b.participation.id
    assert (a.participation.unread, b2.participation.unread) == (True, False)
    assert a.last_status is not None and a.last_status.status.id == reply.id
    # someone new addressed later joins with that status's recipients; the others' stay as they were
    await post(ctx, bob, ann, cid, reply_to=reply)
    [c] = await mine(ctx, cid)
    assert ids(c.recipients) == ids([ann, bob, cid])
    [a] = await mine(ctx, ann)
    assert ids(a.recipients) == ids([ann, bob])


async def test_a_recipient_who_blocks_a_member_is_not_bothered(ctx, people):
    ann, bob, cid, _ = people
    await ctx.stores.social.block(Block("b1", cid.id, bob.id, NOW))
    await post(ctx, ann, bob, cid)
    [c] = await mine(ctx, cid)
    assert c.participation.unread is False
    [b] = await mine(ctx, bob)
    assert b.participation.unread is True


async def test_lists_run_newest_activity_first(ctx, people):
    ann, bob, cid, _ = people
    old = await post(ctx, ann, bob)
    await post(ctx, ann, cid)
    await post(ctx, bob, ann, reply_to=old)
    listed = await mine(ctx, ann)
    assert [ids(v.accounts) for v in listed] == [{bob.id}, {cid.id}]
    first_page = await mine(ctx, ann, Page(limit=1))
    rest = await mine(ctx, ann, Page(max_id=first_page[0].participation.id))
    assert [v.participation.id for v in first_page + rest] == [v.participation.id for v in listed]
    assert await list_conversations(ctx, ann, Page(), [cid.id]) == listed[1:]


async def test_a_conversation_whose_statuses_are_all_gone_leaves_the_list_but_can_be_shown(ctx, people):
    ann, bob, *_ = people
    only = await post(ctx, ann, bob)
    [b] = await mine(ctx, bob)
    await ctx.stores.statuses.delete(only.id)
    assert await mine(ctx, bob) == []
    shown = await get_conversation(ctx, bob, b.participation.id)
    assert shown.last_status is None


async def test_the_last_status_falls_back_to_the_newest_one_still_there(ctx, people):
    ann, bob, *_ = people
    first = await post(ctx, ann, bob)
    second = await post(ctx, bob, ann, reply_to=first)
    await ctx.stores.statuses.delete(second.id)
    [a] = await mine(ctx, ann)
    assert a.last_status is not None and a.last_status.status.id == first.id


async def test_a_muted_author_s_status_is_not_shown_as_the_last(ctx, people):
    ann, bob, cid, _ = people
    first = await post(ctx, ann, bob, cid)
    await post(ctx, cid, ann, bob, reply_to=first)
    await ctx.stores.social.mute(Mute("m1", ann.id, cid.id, True, NOW))
    [a] = await mine(ctx, ann)
    assert a.last_status is not None and a.last_status.status.id == first.id


async def test_full_pages_fill_themselves_past_conversations_with_nothing_to_show(ctx, people):
    ann, bob, *_ = people
    kept = await post(ctx, ann, bob)
    for _ in range(4):
        gone = await post(ctx, ann, bob)
        await ctx.stores.statuses.delete(gone.id)
    listed = await mine(ctx, bob, Page(limit=1))
    assert [v.last_status.status.id for v in listed if v.last_status] == [kept.id]


async def test_someone_elses_or_an_unknown_conversation_is_unknown(ctx, people):
    ann, bob, cid, _ = people
    await post(ctx, ann, bob)
    [a] = await mine(ctx, ann)
    pid = a.participation.id
    for attempt in (
        get_conversation(ctx, cid, pid),
        conversation_statuses(ctx, cid, pid, Page()),
        update_recipients(ctx, cid, pid, [cid.id]),
        read_conversation(ctx, cid, pid),
        delete_conversation(ctx, cid, pid),
        conversation_recipients(ctx, cid, pid),
        get_conversation(ctx, ann, "unknown"),
        # bob takes part in the same conversation, through a participation of his own
        get_conversation(ctx, bob, pid),
    ):
        with pytest.raises(NotFound) as caught:
            await attempt
        assert caught.value.message == "Unknown conversation id"


async def test_conversation_statuses_are_the_thread_the_viewer_sees_oldest_first(ctx, people):
    ann, bob, cid, _ = people
    first = await post(ctx, ann, bob)
    second = await post(ctx, bob, ann, reply_to=first)
    await post(ctx, ann, cid, reply_to=second)  # direct to cid only: bob cannot see it
    public = await post(ctx, bob, visibility="public", reply_to=second)
    [b] = await mine(ctx, bob)
    found = await conversation_statuses(ctx, bob, b.participation.id, Page())
    assert [s.id for s in found] == [first.id, second.id, public.id]
    page = await conversation_statuses(ctx, bob, b.participation.id, Page(limit=2))
    assert [s.id for s in page] == [second.id, public.id]  # the newest two, oldest first
    older = await conversation_statuses(ctx, bob, b.participation.id, Page(max_id=second.id))
    assert [s.id for s in older] == [first.id]
    above = await conversation_statuses(ctx, bob, b.participation.id, Page(min_id=first.id, limit=1))
    assert [s.id for s in above] == [second.id]


async def test_conversation_statuses_skip_muted_authors_and_fill_the_page(ctx, people):
    ann, bob, cid, _ = people
    first = await post(ctx, ann, bob, cid)
    last = first
    for _ in range(5):
        last = await post(ctx, cid, ann, bob, reply_to=last)
    await ctx.stores.social.mute(Mute("m1", bob.id, cid.id, True, NOW))
    [b] = await mine(ctx, bob)
    found = await conversation_statuses(ctx, bob, b.participation.id, Page(limit=1))
    assert [s.id for s in found] == [first.id]


async def test_changing_recipients_replaces_them_and_keeps_the_owner(ctx, people):
    ann, bob, cid, dan = people
    await post(ctx, ann, bob)
    [a] = await mine(ctx, ann)
    changed = await update_recipients(ctx, ann, a.participation.id, [cid.id, dan.id, "ghost"])
    assert ids(changed.recipients) == ids([ann, cid, dan])
    assert ids(changed.accounts) == ids([cid, dan])
    # the others' participations are theirs: bob's recipients are unchanged
    [b] = await mine(ctx, bob)
    assert ids(b.recipients) == ids([ann, bob])
    alone = await update_recipients(ctx, ann, a.participation.id, [])
    assert alone.recipients == (ann,) and alone.accounts == (ann,)
    with pytest.raises(InvalidInput):
        await update_recipients(ctx, ann, a.participation.id, [f"x{i}" for i in range(201)])


async def test_replying_into_a_conversation_reaches_its_recipients(ctx, people):
    ann, bob, cid, _ = people
    first = await post(ctx, ann, bob)
    [a] = await mine(ctx, ann)
    await update_recipients(ctx, ann, a.participation.id, [bob.id, cid.id])
    target = await conversation_recipients(ctx, ann, a.participation.id)
    assert target.context_id == first.context_id
    assert ids(target.recipients) == ids([bob, cid])
    # what the post use case then does: a direct status in that thread, to exactly those
    await post(ctx, ann, *target.recipients, context=target.context_id)
    [c] = await mine(ctx, cid)
    assert c.participation.unread is True


async def test_reading_one_or_all_and_the_unread_count(ctx, people):
    ann, bob, cid, _ = people
    await post(ctx, ann, bob)
    await post(ctx, cid, bob)
    await post(ctx, ann, cid)

    async def unread(account):
        return (await account_stats(ctx, [account.id], account.id))[account.id].unread_conversations

    assert (await unread(bob), await unread(cid), await unread(ann)) == (2, 1, 0)
    assert (await account_stats(ctx, [bob.id], ann.id))[bob.id].unread_conversations == 0  # private
    first, second = await mine(ctx, bob)
    marked = await read_conversation(ctx, bob, second.participation.id)
    assert marked.participation.unread is False
    assert await unread(bob) == 1
    everything = await read_all_conversations(ctx, bob)
    assert [v.participation.id for v in everything] == [first.participation.id]
    assert all(not v.participation.unread for v in everything)
    assert await unread(bob) == 0
    assert await read_all_conversations(ctx, bob) == []
    assert READ_MAX == 80


async def test_leaving_a_conversation_until_someone_writes_again(ctx, people):
    ann, bob, *_ = people
    first = await post(ctx, ann, bob)
    [b] = await mine(ctx, bob)
    await delete_conversation(ctx, bob, b.participation.id)
    assert await mine(ctx, bob) == []
    with pytest.raises(NotFound):
        await get_conversation(ctx, bob, b.participation.id)
    await post(ctx, ann, bob, reply_to=first)
    [back] = await mine(ctx, bob)
    assert back.participation.id != b.participation.id and back.participation.unread


async def test_direct_statuses_carry_the_viewer_s_conversation_id_everywhere(ctx, people):
    ann, bob, *_ = people
    dm = await post(ctx, ann, bob)
    public = await post(ctx, ann, visibility="public")
    [a] = await mine(ctx, ann)
    [b] = await mine(ctx, bob)
    views = {v.status.id: v for v in await load_views(ctx, bob.id, [dm, public])}
    assert views[dm.id].direct_conversation_id == b.participation.id
    assert views[public.id].direct_conversation_id is None
    [own] = await load_views(ctx, ann.id, [dm])
    assert own.direct_conversation_id == a.participation.id
    [anonymous] = await load_views(ctx, None, [dm])
    assert anonymous.direct_conversation_id is None


async def test_posting_records_direct_statuses_and_replies_into_a_conversation(ctx, people):
    ann, bob, cid, _ = people
    dm = await post_status(ctx, ann, Draft(text="@bob hello", visibility="direct"))
    [b] = await mine(ctx, bob)
    assert b.last_status is not None and b.last_status.status.id == dm.id
    await update_recipients(ctx, bob, b.participation.id, [ann.id, cid.id])
    answer = await post_status(
        ctx,
        bob,
        Draft(text="all of you", visibility="public"),
        in_reply_to_conversation_id=b.participation.id,
    )
    assert answer.visibility == "direct"
    assert answer.context_id == dm.context_id
    assert set(answer.mentioned_ids) == {ann.id, cid.id}
    [c] = await mine(ctx, cid)
    assert c.participation.unread and ids(c.recipients) == ids([ann, bob, cid])
    with pytest.raises(NotFound, match="Unknown conversation id"):
        await post_status(
            ctx, cid, Draft(text="x", visibility="direct"), in_reply_to_conversation_id=b.participation.id
        )
    public = await post_status(ctx, ann, Draft(text="@bob hi all", visibility="public"))
    assert public.visibility == "public" and len(await mine(ctx, bob)) == 1
