"""Creating notifications through `notify` and reading them as their recipient, on memory stores."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

import pytest

from plerome.adapters.memory import FixedClock
from plerome.domain.accounts import NotificationSettings
from plerome.domain.errors import InvalidInput, NotFound
from plerome.domain.instance import InstancePolicy
from plerome.domain.pagination import Page
from plerome.domain.social import Block, Follow, Mute
from plerome.domain.statuses import Status
from plerome.domain.usecases.accounts import create_account
from plerome.domain.usecases.notifications import (
    READ_MAX,
    NotificationFilter,
    clear_notifications,
    dismiss_notification,
    get_notification,
    list_notifications,
    mark_read,
    notify,
    unread_notification_count,
)

pytestmark = pytest.mark.anyio
NOW = datetime(2026, 1, 1, tzinfo=UTC)
EVERY = NotificationFilter()


@pytest.fixture
def ctx(make_ctx):
    return make_ctx(clock=FixedClock(NOW), policy=InstancePolicy())


@pytest.fixture
async def alice(ctx):
    return await create_account(ctx, "alice", None, "pw")


@pytest.fixture
async def bob(ctx):
    return await create_account(ctx, "bob", None, "pw")


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


async def block(ctx, blocker, blocked):
    await ctx.stores.social.block(Block(ctx.ids.new(), blocker.id, blocked.id, NOW))


async def mute(ctx, muter, muted, notifications=True, expires_at=None):
    await ctx.stores.social.mute(Mute(ctx.ids.new(), muter.id, muted.id, notifications, NOW, expires_at))


async def follow(ctx, follower, followee):
    await ctx.stores.social.follow(Follow(ctx.ids.new(), follower.id, followee.id, "accepted", True, NOW))


async def listed(ctx, viewer, wanted=EVERY, page=None):
    views = await list_notifications(ctx, viewer, wanted, page or Page())
    return [v.notification.id for v in views]


# -- notify: the rules in practice


async def test_a_follow_notifies_the_followed(ctx, alice, bob):
    n = await notify(ctx, ctx.stores, alice.id, "follow", bob.id)
    assert n is not None and (n.account_id, n.from_account_id, n.type, n.seen) == (
        alice.id,
        bob.id,
        "follow",
        False,
    )
    assert n.created_at == NOW
    assert await listed(ctx, alice) == [n.id]
    assert await unread_notification_count(ctx, alice.id) == 1


async def test_nobody_is_notified_of_themselves(ctx, alice):
    status = await post(ctx, alice)
    assert await notify(ctx, ctx.stores, alice.id, "favourite", alice.id, status_id=status.id) is None
    assert await listed(ctx, alice) == []


@pytest.mark.parametrize("who_blocks", ["recipient", "actor"])
async def test_no_notification_across_a_block_either_way(ctx, alice, bob, who_blocks):
    if who_blocks == "recipient":
        await block(ctx, alice, bob)
    else:
        await block(ctx, bob, alice)
    assert await notify(ctx, ctx.stores, alice.id, "follow", bob.id) is None


async def test_muting_notifications_stops_them_muting_only_posts_does_not(ctx, alice, bob):
    carol = await create_account(ctx, "carol", None, "pw")
    await mute(ctx, alice, bob, notifications=True)
    await mute(ctx, alice, carol, notifications=False)
    assert await notify(ctx, ctx.stores, alice.id, "follow", bob.id) is None
    assert await notify(ctx, ctx.stores, alice.id, "follow", carol.id) is not None


async def test_an_expired_mute_no_longer_stops_notifications(ctx, alice, bob):
    await mute(ctx, alice, bob, expires_at=NOW + timedelta(hours=1))
    assert await notify(ctx, ctx.stores, alice.id, "follow", bob.id) is None
    ctx.clock.advance(timedelta(hours=2))
    assert await notify(ctx, ctx.stores, alice.id, "follow", bob.id) is not None


async def test_block_from_strangers_lets_only_followed_accounts_through(ctx, alice, bob):
    carol = await create_account(ctx, "carol", None, "pw")
    strict = dataclasses.replace(alice, notification_settings=NotificationSettings(block_from_strangers=True))
    await ctx.stores.accounts.update(strict)
    await follow(ctx, alice, carol)
    await follow(ctx, bob, alice)  # being followed by bob does not make bob a friend
    assert await notify(ctx, ctx.stores, alice.id, "follow", bob.id) is None
    assert await notify(ctx, ctx.stores, alice.id, "mention", carol.id, status_id="x") is not None


async def test_deactivated_or_unknown_recipients_get_nothing(ctx, alice, bob):
    await ctx.stores.accounts.update(dataclasses.replace(alice, is_active=False))
    assert await notify(ctx, ctx.stores, alice.id, "follow", bob.id) is None
    assert await notify(ctx, ctx.stores, "nobody", "follow", bob.id) is None


async def test_a_notification_lands_with_its_transaction_or_not_at_all(ctx, alice, bob):
    with pytest.raises(RuntimeError):
        async with ctx.stores.transaction() as tx:
            assert await notify(ctx, tx, alice.id, "follow", bob.id) is not None
            raise RuntimeError("the follow failed")
    assert await listed(ctx, alice) == []
    async with ctx.stores.transaction() as tx:
        n = await notify(ctx, tx, alice.id, "follow", bob.id)
    assert n is not None and await listed(ctx, alice) == [n.id]


# -- reading


async def test_a_page_carries_actor_status_and_target(ctx, alice, bob):
    carol = await create_account(ctx, "carol", None, "pw")
    status = await post(ctx, alice)
    fav = await notify(ctx, ctx.stores, alice.id, "favourite", bob.id, status_id=status.id)
    react = await notify(
        ctx, ctx.stores, alice.id, "pleroma:emoji_reaction", bob.id, status_id=status.id, emoji="👍"
    )
    moved = await notify(ctx, ctx.stores, alice.id, "move", bob.id, target_id=carol.id)
    followed = await notify(ctx, ctx.stores, alice.id, "follow", carol.id)
    views = await list_notifications(ctx, alice, EVERY, Page())
    assert [v.notification for v in views] == [followed, moved, react, fav]
    by_type = {v.notification.type: v for v in views}
    assert by_type["favourite"].account == bob and by_type["favourite"].status.status == status
    assert by_type["pleroma:emoji_reaction"].notification.emoji == "👍"
    assert by_type["move"].target == carol and by_type["move"].status is None
    assert by_type["follow"].account == carol and by_type["follow"].status is None
    assert not any(v.muted for v in views)


async def test_blocking_after_the_fact_hides_their_notifications(ctx, alice, bob):
    n = await notify(ctx, ctx.stores, alice.id, "follow", bob.id)
    await block(ctx, alice, bob)
    assert await listed(ctx, alice) == []
    await block(ctx, bob, alice)
    await ctx.stores.social.unblock(alice.id, bob.id)
    assert await listed(ctx, alice) == []  # blocked by them: hidden too
    await ctx.stores.social.unblock(bob.id, alice.id)
    assert await listed(ctx, alice) == [n.id]


async def test_muted_notifications_are_hidden_unless_asked_for(ctx, alice, bob):
    carol = await create_account(ctx, "carol", None, "pw")
    from_bob = await notify(ctx, ctx.stores, alice.id, "follow", bob.id)
    from_carol = await notify(ctx, ctx.stores, alice.id, "follow", carol.id)
    await mute(ctx, alice, bob, notifications=True)
    await mute(ctx, alice, carol, notifications=False)
    views = await list_notifications(ctx, alice, EVERY, Page())
    assert [(v.notification.id, v.muted) for v in views] == [(from_carol.id, True)]
    with_muted = await list_notifications(ctx, alice, NotificationFilter(with_muted=True), Page())
    assert [(v.notification.id, v.muted) for v in with_muted] == [(from_carol.id, True), (from_bob.id, True)]


async def test_notifications_about_statuses_the_recipient_cannot_see_are_left_out(ctx, alice, bob):
    public = await post(ctx, bob)
    private = await post(ctx, bob, "private")
    gone = await post(ctx, bob)
    shown = await notify(ctx, ctx.stores, alice.id, "status", bob.id, status_id=public.id)
    await notify(
        ctx, ctx.stores, alice.id, "status", bob.id, status_id=private.id
    )  # alice does not follow bob
    await notify(ctx, ctx.stores, alice.id, "status", bob.id, status_id=gone.id)
    await notify(ctx, ctx.stores, alice.id, "mention", bob.id)  # no status at all
    await ctx.stores.statuses.delete(gone.id)
    assert await listed(ctx, alice) == [shown.id]


async def test_notifications_from_deactivated_accounts_are_left_out(ctx, alice, bob):
    await notify(ctx, ctx.stores, alice.id, "follow", bob.id)
    await ctx.stores.accounts.update(dataclasses.replace(bob, is_active=False))
    assert await listed(ctx, alice) == []


async def test_a_page_is_filled_from_past_the_hidden_ones(ctx, alice, bob):
    carol = await create_account(ctx, "carol", None, "pw")
    mine = [await notify(ctx, ctx.stores, alice.id, "follow", carol.id) for _ in range(2)]
    hidden = [await notify(ctx, ctx.stores, alice.id, "follow", bob.id) for _ in range(5)]
    newest = await notify(ctx, ctx.stores, alice.id, "follow", carol.id)
    await block(ctx, alice, bob)
    assert await listed(ctx, alice, page=Page(limit=2)) == [newest.id, mine[1].id]
    assert await listed(ctx, alice, page=Page(max_id=newest.id, limit=2)) == [mine[1].id, mine[0].id]
    assert await listed(ctx, alice, page=Page(min_id=mine[1].id, limit=2)) == [newest.id]
    assert await listed(ctx, alice, page=Page(min_id=mine[0].id, limit=2)) == [newest.id, mine[1].id]
    assert await listed(ctx, alice, page=Page(since_id=mine[1].id, limit=2)) == [newest.id]
    assert await listed(ctx, alice, page=Page(max_id=hidden[0].id)) == [mine[1].id, mine[0].id]


async def test_filters_by_type_and_by_actor(ctx, alice, bob):
    carol = await create_account(ctx, "carol", None, "pw")
    status = await post(ctx, alice)
    fav = await notify(ctx, ctx.stores, alice.id, "favourite", bob.id, status_id=status.id)
    fol = await notify(ctx, ctx.stores, alice.id, "follow", carol.id)
    reb = await notify(ctx, ctx.stores, alice.id, "reblog", carol.id, status_id=status.id)
    assert await listed(ctx, alice, NotificationFilter(types=("follow", "favourite"))) == [fol.id, fav.id]
    assert await listed(ctx, alice, NotificationFilter(exclude_types=("follow", ""))) == [reb.id, fav.id]
    assert await listed(ctx, alice, NotificationFilter(types=("",))) == [reb.id, fol.id, fav.id]  # blank: all
    assert await listed(ctx, alice, NotificationFilter(types=("no-such-type",))) == []
    assert await listed(ctx, alice, NotificationFilter(account_id=carol.id)) == [reb.id, fol.id]
    with pytest.raises(NotFound, match="Account is not found"):
        await listed(ctx, alice, NotificationFilter(account_id="nobody"))


async def test_one_notification_is_only_its_recipients(ctx, alice, bob):
    n = await notify(ctx, ctx.stores, alice.id, "follow", bob.id)
    assert (await get_notification(ctx, alice, n.id)).notification == n
    with pytest.raises(NotFound):
        await get_notification(ctx, bob, n.id)
    with pytest.raises(NotFound):
        await get_notification(ctx, alice, "nope")


async def test_dismiss_and_clear(ctx, alice, bob):
    first = await notify(ctx, ctx.stores, alice.id, "follow", bob.id)
    second = await notify(ctx, ctx.stores, alice.id, "follow", bob.id)
    theirs = await notify(ctx, ctx.stores, bob.id, "follow", alice.id)
    with pytest.raises(NotFound):
        await dismiss_notification(ctx, alice, theirs.id)
    await dismiss_notification(ctx, alice, first.id)
    assert await listed(ctx, alice) == [second.id]
    await clear_notifications(ctx, alice)
    assert await listed(ctx, alice) == []
    assert await listed(ctx, bob) == [theirs.id]


async def test_reading_one_notification(ctx, alice, bob):
    one = await notify(ctx, ctx.stores, alice.id, "follow", bob.id)
    two = await notify(ctx, ctx.stores, alice.id, "follow", bob.id)
    theirs = await notify(ctx, ctx.stores, bob.id, "follow", alice.id)
    view = await mark_read(ctx, alice, one.id, None)
    assert view.notification == dataclasses.replace(one, seen=True)
    assert (await get_notification(ctx, alice, one.id)).notification.seen is True
    assert (await get_notification(ctx, alice, two.id)).notification.seen is False
    assert await unread_notification_count(ctx, alice.id) == 1
    for wrong in (theirs.id, "nope"):
        with pytest.raises(InvalidInput, match=r"^Cannot get notification$"):
            await mark_read(ctx, alice, wrong, None)
    assert await unread_notification_count(ctx, bob.id) == 1


async def test_reading_up_to_an_id_answers_what_it_changed_newest_first(ctx, alice, bob):
    made = [await notify(ctx, ctx.stores, alice.id, "follow", bob.id) for _ in range(5)]
    await mark_read(ctx, alice, made[1].id, None)
    changed = await mark_read(ctx, alice, None, made[3].id)
    assert [v.notification.id for v in changed] == [made[3].id, made[2].id, made[0].id]
    assert all(v.notification.seen for v in changed)
    assert await unread_notification_count(ctx, alice.id) == 1
    assert await mark_read(ctx, alice, None, made[3].id) == []


async def test_reading_up_to_an_id_answers_at_most_80(ctx, alice, bob):
    for _ in range(READ_MAX + 3):
        await notify(ctx, ctx.stores, alice.id, "follow", bob.id)
    changed = await mark_read(ctx, alice, None, "9" * 18)
    assert len(changed) == READ_MAX == 80
    assert await unread_notification_count(ctx, alice.id) == 0


async def test_reading_wants_exactly_one_of_id_and_max_id(ctx, alice, bob):
    n = await notify(ctx, ctx.stores, alice.id, "follow", bob.id)
    with pytest.raises(InvalidInput, match="not both"):
        await mark_read(ctx, alice, n.id, n.id)
    with pytest.raises(InvalidInput, match="id or max_id"):
        await mark_read(ctx, alice, None, None)
    assert await unread_notification_count(ctx, alice.id) == 1


async def test_a_long_run_of_hidden_notifications_costs_a_few_larger_reads(ctx, alice, bob):
    carol = await create_account(ctx, "carol", None, "pw")
    old = [await notify(ctx, ctx.stores, alice.id, "follow", carol.id) for _ in range(3)]
    for _ in range(150):
        await notify(ctx, ctx.stores, alice.id, "follow", bob.id)
    newest = await notify(ctx, ctx.stores, alice.id, "follow", carol.id)
    await block(ctx, alice, bob)
    reads = []
    real_list = ctx.stores.notifications.list

    async def counted(account_id, query, page):
        reads.append(page.limit)
        return await real_list(account_id, query, page)

    ctx.stores.notifications.list = counted
    assert await listed(ctx, alice, page=Page(limit=2)) == [newest.id, old[2].id]
    assert reads == [2, 4, 8, 16, 32, 64, 128]
    assert await listed(ctx, alice, page=Page(max_id=newest.id, limit=3)) == [o.id for o in old[::-1]]
    assert await listed(ctx, alice, page=Page(min_id=old[0].id, limit=3)) == [newest.id, old[2].id, old[1].id]
    assert await listed(ctx, alice, page=Page(min_id=old[2].id, limit=3)) == [newest.id]
