"""Social graph use cases on in-memory stores with a fixed clock."""

from __future__ import annotations

import dataclasses
import re
from datetime import timedelta

import pytest

from plerome.domain.accounts import AccountCounts
from plerome.domain.errors import Forbidden, InvalidInput, NotFound
from plerome.domain.pagination import Page
from plerome.domain.social import Relationship
from plerome.domain.usecases import social
from plerome.domain.usecases.account_stats import AccountStats, account_stats
from plerome.domain.usecases.accounts import create_account
from plerome.ports.notifications import NotificationQuery

pytestmark = pytest.mark.anyio


def exactly(text: str) -> str:
    return f"^{re.escape(text)}$"


async def user(ctx, nickname, **changes):
    account = await create_account(ctx, nickname, f"{nickname}@example.test", "pw")
    if changes:
        account = dataclasses.replace(account, **changes)
        await ctx.stores.accounts.update(account)
    return account


async def notes(ctx, account):
    found = await ctx.stores.notifications.list(account.id, NotificationQuery(), Page())
    return [(n.type, n.from_account_id) for n in found]


async def rel(ctx, a, b) -> Relationship:
    return await ctx.stores.social.relationship(a.id, b.id, ctx.clock.now())


# -- follow


async def test_following_an_open_account_follows_at_once_and_notifies_it(ctx):
    alice, bob = await user(ctx, "alice"), await user(ctx, "bob")
    r = await social.follow(ctx, alice, bob.id)
    assert r == Relationship(target_id=bob.id, following=True)
    assert await notes(ctx, bob) == [("follow", alice.id)]
    assert (await rel(ctx, bob, alice)).followed_by is True


async def test_following_a_locked_account_is_a_request_and_a_follow_request_notification(ctx):
    alice, bob = await user(ctx, "alice"), await user(ctx, "bob", locked=True)
    r = await social.follow(ctx, alice, bob.id)
    assert r == Relationship(target_id=bob.id, requested=True)
    assert await notes(ctx, bob) == [("follow_request", alice.id)]
    assert [x.account.id for x in await social.follow_requests(ctx, bob, Page())] == [alice.id]


async def test_following_again_changes_options_without_a_second_notification(ctx):
    alice, bob = await user(ctx, "alice"), await user(ctx, "bob")
    first = await social.follow(ctx, alice, bob.id, reblogs=False)
    assert first.showing_reblogs is False
    again = await social.follow(ctx, alice, bob.id, notify_posts=True)
    assert again.showing_reblogs is False and again.subscribing is True  # reblogs left alone
    third = await social.follow(ctx, alice, bob.id, reblogs=True, notify_posts=False)
    assert third.showing_reblogs is True and third.subscribing is False and third.following
    assert await notes(ctx, bob) == [("follow", alice.id)]


async def test_following_yourself_is_invalid(ctx):
    alice = await user(ctx, "alice")
    with pytest.raises(InvalidInput, match=exactly("Can not follow yourself")):
        await social.follow(ctx, alice, alice.id)


async def test_following_across_a_block_is_forbidden_either_way_and_changes_nothing(ctx):
    alice, bob, carol = await user(ctx, "alice"), await user(ctx, "bob"), await user(ctx, "carol")
    await social.block(ctx, bob, alice.id)
    with pytest.raises(Forbidden, match=exactly("Could not follow user: bob blocked you.")):
        await social.follow(ctx, alice, bob.id, notify_posts=True)
    await social.block(ctx, alice, carol.id)
    with pytest.raises(Forbidden, match=exactly("Could not follow user: you are blocking carol.")):
        await social.follow(ctx, alice, carol.id)
    assert await rel(ctx, alice, bob) == Relationship(target_id=bob.id, blocked_by=True)
    assert await notes(ctx, bob) == [] and await notes(ctx, carol) == []


@pytest.mark.parametrize("target", ["nobody", "", "x" * 500, "a\x00b", "é"])
async def test_unknown_or_malformed_targets_are_not_found(ctx, target):
    alice = await user(ctx, "alice")
    for action in (social.follow, social.unfollow, social.block, social.mute, social.subscribe):
        with pytest.raises(NotFound, match=exactly("Record not found")):
            await action(ctx, alice, target)


async def test_a_deactivated_account_is_not_found(ctx):
    alice, gone = await user(ctx, "alice"), await user(ctx, "gone", is_active=False)
    with pytest.raises(NotFound):
        await social.follow(ctx, alice, gone.id)
    with pytest.raises(NotFound):
        await social.followers(ctx, alice, gone.id, Page())


async def test_a_muted_follower_still_follows_but_sends_no_notification(ctx):
    alice, bob = await user(ctx, "alice"), await user(ctx, "bob")
    await social.mute(ctx, bob, alice.id)
    assert (await social.follow(ctx, alice, bob.id)).following
    assert await notes(ctx, bob) == []


# -- unfollow


async def test_unfollow_withdraws_a_request_and_drops_the_subscription(ctx):
    alice, bob = await user(ctx, "alice"), await user(ctx, "bob", locked=True)
    await social.follow(ctx, alice, bob.id, notify_posts=True)
    assert (await rel(ctx, alice, bob)).subscribing
    r = await social.unfollow(ctx, alice, bob.id)
    assert r == Relationship(target_id=bob.id)
    assert await social.follow_requests(ctx, bob, Page()) == []
    assert await ctx.stores.social.subscribers(bob.id) == []


async def test_unfollowing_yourself_is_invalid_and_a_stranger_is_harmless(ctx):
    alice, bob = await user(ctx, "alice"), await user(ctx, "bob")
    with pytest.raises(InvalidInput, match=exactly("Can not unfollow yourself")):
        await social.unfollow(ctx, alice, alice.id)
    assert await social.unfollow(ctx, alice, bob.id) == Relationship(target_id=bob.id)


# -- block


async def test_a_block_severs_follows_requests_and_subscriptions_both_ways(ctx):
    alice, bob = await user(ctx, "alice", locked=True), await user(ctx, "bob")
    await social.follow(ctx, alice, bob.id, notify_posts=True)
    await social.follow(ctx, bob, alice.id)  # a request: alice is locked
    await social.subscribe(ctx, bob, alice.id)
    r = await social.block(ctx, alice, bob.id)
    assert r == Relationship(target_id=bob.id, blocking=True)
    assert await rel(ctx, bob, alice) == Relationship(target_id=alice.id, blocked_by=True)
    assert await social.follow_requests(ctx, alice, Page()) == []
    assert await ctx.stores.social.subscribers(alice.id) == []
    assert await ctx.stores.social.subscribers(bob.id) == []
    assert await ctx.stores.accounts.counts([alice.id, bob.id]) == {
        alice.id: AccountCounts(),
        bob.id: AccountCounts(),
    }


async def test_blocking_twice_keeps_one_block_and_unblock_ends_it(ctx):
    alice, bob = await user(ctx, "alice"), await user(ctx, "bob")
    await social.block(ctx, alice, bob.id)
    await social.block(ctx, alice, bob.id)
    assert len(await social.blocks(ctx, alice, Page())) == 1
    assert await social.unblock(ctx, alice, bob.id) == Relationship(target_id=bob.id)
    assert await social.blocks(ctx, alice, Page()) == []
    # the follows the block ended stay ended
    assert (await social.follow(ctx, alice, bob.id)).following


async def test_blocking_or_muting_yourself_is_invalid(ctx):
    alice = await user(ctx, "alice")
    for action, verb in ((social.block, "block"), (social.mute, "mute"), (social.unblock, "unblock")):
        with pytest.raises(InvalidInput, match=exactly(f"Can not {verb} yourself")):
            await action(ctx, alice, alice.id)


# -- mute


async def test_a_mute_covers_notifications_by_default_and_can_leave_them(ctx):
    alice, bob = await user(ctx, "alice"), await user(ctx, "bob")
    r = await social.mute(ctx, alice, bob.id)
    assert r.muting and r.muting_notifications
    r = await social.mute(ctx, alice, bob.id, notifications=False)
    assert r.muting and not r.muting_notifications
    assert await social.unmute(ctx, alice, bob.id) == Relationship(target_id=bob.id)


async def test_a_mute_with_expires_in_ends_on_its_own(ctx):
    alice, bob = await user(ctx, "alice"), await user(ctx, "bob")
    await social.mute(ctx, alice, bob.id, expires_in=60)
    assert [x.account.id for x in await social.mutes(ctx, alice, Page())] == [bob.id]
    ctx.clock.advance(timedelta(seconds=60))
    assert (await rel(ctx, alice, bob)).muting is False
    assert await social.mutes(ctx, alice, Page()) == []
    await social.follow(ctx, bob, alice.id)
    assert await notes(ctx, alice) == [("follow", bob.id)]  # an expired mute silences nothing


async def test_muting_again_keeps_the_mutes_place_in_the_list(ctx):
    alice, bob, carol = await user(ctx, "alice"), await user(ctx, "bob"), await user(ctx, "carol")
    await social.mute(ctx, alice, bob.id)
    await social.mute(ctx, alice, carol.id)
    before = [x.id for x in await social.mutes(ctx, alice, Page())]
    await social.mute(ctx, alice, bob.id, notifications=False, expires_in=3600)
    assert [x.id for x in await social.mutes(ctx, alice, Page())] == before


async def test_a_mute_too_long_is_refused(ctx):
    alice, bob = await user(ctx, "alice"), await user(ctx, "bob")
    with pytest.raises(InvalidInput):
        await social.mute(ctx, alice, bob.id, expires_in=10**12)
    assert (await rel(ctx, alice, bob)).muting is False


# -- follow requests


async def test_authorizing_a_request_makes_a_follower_and_notifies_nobody_more(ctx):
    alice, bob = await user(ctx, "alice"), await user(ctx, "bob", locked=True)
    await social.follow(ctx, alice, bob.id)
    r = await social.authorize_follow_request(ctx, bob, alice.id)
    assert r == Relationship(target_id=alice.id, followed_by=True)
    assert (await rel(ctx, alice, bob)).following
    assert await social.follow_requests(ctx, bob, Page()) == []
    assert await notes(ctx, alice) == []
    assert await notes(ctx, bob) == [("follow_request", alice.id)]
    # again: harmless
    assert (await social.authorize_follow_request(ctx, bob, alice.id)).followed_by


async def test_rejecting_a_request_removes_it(ctx):
    alice, bob = await user(ctx, "alice"), await user(ctx, "bob", locked=True)
    await social.follow(ctx, alice, bob.id)
    assert await social.reject_follow_request(ctx, bob, alice.id) == Relationship(target_id=alice.id)
    assert (await rel(ctx, alice, bob)).requested is False
    with pytest.raises(NotFound):
        await social.reject_follow_request(ctx, bob, alice.id)


async def test_no_request_to_answer_is_not_found(ctx):
    alice, bob = await user(ctx, "alice"), await user(ctx, "bob")
    with pytest.raises(NotFound):
        await social.authorize_follow_request(ctx, bob, alice.id)
    with pytest.raises(NotFound):
        await social.authorize_follow_request(ctx, bob, "nobody")
    await social.follow(ctx, alice, bob.id)  # accepted, not a request
    with pytest.raises(NotFound):
        await social.reject_follow_request(ctx, bob, alice.id)
    assert (await rel(ctx, alice, bob)).following


# -- subscriptions


async def test_subscribe_and_unsubscribe(ctx):
    alice, bob = await user(ctx, "alice"), await user(ctx, "bob")
    assert (await social.subscribe(ctx, alice, bob.id)).subscribing
    assert await ctx.stores.social.subscribers(bob.id) == [alice.id]
    assert (await social.unsubscribe(ctx, alice, bob.id)).subscribing is False
    assert (await social.subscribe(ctx, alice, alice.id)).subscribing  # yourself: allowed


async def test_subscribing_to_someone_who_blocks_you_is_forbidden(ctx):
    alice, bob = await user(ctx, "alice"), await user(ctx, "bob")
    await social.block(ctx, bob, alice.id)
    with pytest.raises(Forbidden, match=exactly("Could not subscribe: bob is blocking you")):
        await social.subscribe(ctx, alice, bob.id)


# -- lists


async def test_followers_and_following_list_accounts_with_their_follow_ids(ctx):
    alice, bob, carol = await user(ctx, "alice"), await user(ctx, "bob"), await user(ctx, "carol")
    await social.follow(ctx, bob, alice.id)
    await social.follow(ctx, carol, alice.id)
    listed = await social.followers(ctx, None, alice.id, Page())
    assert [x.account.nickname for x in listed] == ["carol", "bob"]
    assert listed[0].id == (await ctx.stores.social.get_follow(carol.id, alice.id)).id
    assert [x.account.nickname for x in await social.following(ctx, None, bob.id, Page())] == ["alice"]
    assert [x.account.nickname for x in await social.followers(ctx, None, alice.id, Page(limit=1))] == [
        "carol"
    ]


async def test_hidden_lists_are_empty_for_others_but_not_for_the_owner(ctx):
    alice = await user(ctx, "alice", hide_followers=True, hide_follows=True)
    bob = await user(ctx, "bob")
    await social.follow(ctx, bob, alice.id)
    await social.follow(ctx, alice, bob.id)
    for lister in (social.followers, social.following):
        assert await lister(ctx, bob, alice.id, Page()) == []
        assert await lister(ctx, None, alice.id, Page()) == []
        assert [x.account.id for x in await lister(ctx, alice, alice.id, Page())] == [bob.id]


async def test_lists_leave_out_deactivated_accounts(ctx):
    alice, bob, carol = await user(ctx, "alice"), await user(ctx, "bob"), await user(ctx, "carol")
    await social.follow(ctx, bob, alice.id)
    await social.follow(ctx, carol, alice.id)
    await social.block(ctx, alice, carol.id)  # severs carol's follow
    await social.mute(ctx, alice, bob.id)
    await ctx.stores.accounts.update(dataclasses.replace(bob, is_active=False))
    await ctx.stores.accounts.update(dataclasses.replace(carol, is_active=False))
    assert await social.followers(ctx, alice, alice.id, Page()) == []
    assert await social.blocks(ctx, alice, Page()) == []
    assert await social.mutes(ctx, alice, Page()) == []


async def test_relationships_keep_the_order_asked_and_leave_out_unknown_ids(ctx):
    alice, bob, carol = await user(ctx, "alice"), await user(ctx, "bob"), await user(ctx, "carol")
    gone = await user(ctx, "gone", is_active=False)
    await social.follow(ctx, alice, carol.id)
    rels = await social.relationships(ctx, alice, [carol.id, "nobody", bob.id, carol.id, gone.id, "\x00"])
    assert [r.target_id for r in rels] == [carol.id, bob.id]
    assert rels[0].following and not rels[1].following
    assert await social.relationships(ctx, alice, []) == []
    assert await social.relationships(ctx, alice, ["nobody"]) == []


async def test_account_stats_for_a_page_count_follows_requests_and_unread_of_ones_own(ctx):
    alice, bob = await user(ctx, "alice", locked=True), await user(ctx, "bob")
    await social.follow(ctx, alice, bob.id)
    await social.follow(ctx, bob, alice.id)
    assert await account_stats(ctx, [alice.id, bob.id, alice.id], self_id=alice.id) == {
        alice.id: AccountStats(followers=0, following=1, follow_requests=1, unread_notifications=1),
        bob.id: AccountStats(followers=1, following=0),
    }
    await social.authorize_follow_request(ctx, alice, bob.id)
    stats = await account_stats(ctx, [alice.id, bob.id])
    assert stats[alice.id] == AccountStats(followers=1, following=1)  # requests: only one's own
    assert stats[bob.id] == AccountStats(followers=1, following=1)


# -- search


async def test_search_finds_local_accounts_by_nickname_or_display_name(ctx):
    alice = await user(ctx, "alice")
    await user(ctx, "alicia", display_name="Ali")
    await user(ctx, "bob", display_name="Alien Bob")
    found = await social.search_accounts(ctx, None, "@ali", limit=40)
    assert [a.nickname for a in found] == ["alice", "alicia", "bob"]
    found = await social.search_accounts(ctx, alice, "alice@social.example", limit=40)
    assert [a.nickname for a in found] == ["alice"]
    assert await social.search_accounts(ctx, None, "alice@elsewhere.example", limit=40) == []
    assert await social.search_accounts(ctx, None, "  ", limit=40) == []


async def test_search_can_keep_to_follows_and_ignores_that_for_anonymous_callers(ctx):
    alice, bob = await user(ctx, "alice"), await user(ctx, "sam_b")
    await user(ctx, "sam_c")
    await social.follow(ctx, alice, bob.id)
    assert [
        a.nickname for a in await social.search_accounts(ctx, alice, "sam", limit=5, following_only=True)
    ] == ["sam_b"]
    assert len(await social.search_accounts(ctx, None, "sam", limit=5, following_only=True)) == 2
    assert [a.nickname for a in await social.search_accounts(ctx, None, "sam", limit=5, offset=1)] == [
        "sam_c"
    ]
