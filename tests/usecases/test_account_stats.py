"""The numbers on accounts come from the other aggregates, private ones only for the account itself."""

import dataclasses

import pytest

from plerome.domain.usecases.account_stats import account_stats
from plerome.domain.usecases.accounts import create_account
from plerome.domain.usecases.social import follow

pytestmark = pytest.mark.anyio


async def test_follows_are_counted_and_requests_and_unread_notifications_shown_only_to_oneself(ctx):
    alice = await create_account(ctx, "alice", None, "pw")
    bob = await create_account(ctx, "bob", None, "pw")
    carol = await create_account(ctx, "carol", None, "pw")
    await ctx.stores.accounts.update(dataclasses.replace(carol, locked=True))
    await follow(ctx, bob, alice.id)  # a follow, and a `follow` notification for alice
    await follow(ctx, alice, carol.id)  # a request, and a `follow_request` notification for carol

    seen_by_alice = await account_stats(ctx, [alice.id, carol.id], self_id=alice.id)
    assert seen_by_alice[alice.id].followers == 1
    assert seen_by_alice[alice.id].following == 0  # a pending request is not a follow
    assert seen_by_alice[alice.id].unread_notifications == 1
    assert seen_by_alice[carol.id].follow_requests == 0  # carol's requests are hers to see
    assert seen_by_alice[carol.id].unread_notifications == 0

    seen_by_carol = await account_stats(ctx, [carol.id], self_id=carol.id)
    assert seen_by_carol[carol.id].follow_requests == 1
    assert seen_by_carol[carol.id].unread_notifications == 1


async def test_no_accounts_no_queries(ctx):
    assert await account_stats(ctx, []) == {}
