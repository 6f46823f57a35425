"""Scrobbles and an account's favourites on in-memory stores: who reads what."""

from __future__ import annotations

import dataclasses

import pytest

from plerome.domain.errors import Forbidden, MissingField, NotFound
from plerome.domain.pagination import Page
from plerome.domain.statuses import Status
from plerome.domain.usecases import social
from plerome.domain.usecases.account_favourites import account_favourites
from plerome.domain.usecases.accounts import create_account
from plerome.domain.usecases.scrobbles import account_scrobbles, scrobble
from plerome.ports.statuses import Mark

pytestmark = pytest.mark.anyio


async def user(ctx, nickname, **changes):
    account = await create_account(ctx, nickname, f"{nickname}@example.test", "pw")
    if changes:
        account = dataclasses.replace(account, **changes)
        await ctx.stores.accounts.update(account)
    return account


# -- scrobbles


async def titles(ctx, reader, ref, page=None):
    _, found = await account_scrobbles(ctx, reader.id if reader else None, ref, page or Page())
    return [s.title for s in found]


async def test_a_scrobble_is_stored_and_read_back_newest_first(ctx):
    alice = await user(ctx, "alice")
    first = await scrobble(ctx, alice, title="One", artist="<b>Band</b>", length=1000)
    await scrobble(ctx, alice, title="Two", external_link="https://music.example/2")
    assert (first.artist, first.length, first.visibility) == ("Band", 1000, "public")
    assert await titles(ctx, None, alice.id) == ["Two", "One"]
    assert await titles(ctx, None, "alice") == ["Two", "One"]  # by nickname too
    assert await titles(ctx, None, alice.id, Page(limit=1)) == ["Two"]


async def test_a_scrobble_without_a_title_is_refused(ctx):
    alice = await user(ctx, "alice")
    with pytest.raises(MissingField):
        await scrobble(ctx, alice, title=" ")
    assert await titles(ctx, alice, alice.id) == []


async def test_readers_see_the_scrobbles_their_relationship_allows(ctx):
    alice, follower, stranger, blocked = [
        await user(ctx, n) for n in ("alice", "follower", "stranger", "blocked")
    ]
    for visibility in ("public", "unlisted", "private", "direct"):
        await scrobble(ctx, alice, title=visibility, visibility=visibility)
    await social.follow(ctx, follower, alice.id)
    await social.block(ctx, alice, blocked.id)
    assert await titles(ctx, alice, alice.id) == ["direct", "private", "unlisted", "public"]
    assert await titles(ctx, follower, alice.id) == ["private", "unlisted", "public"]
    assert await titles(ctx, stranger, alice.id) == ["unlisted", "public"]
    assert await titles(ctx, None, alice.id) == ["unlisted", "public"]
    assert await titles(ctx, blocked, alice.id) == []
    await social.mute(ctx, stranger, alice.id)
    assert await titles(ctx, stranger, alice.id) == []


async def test_scrobbles_of_unknown_or_deactivated_accounts_are_not_found(ctx):
    gone = await user(ctx, "gone", is_active=False)
    for ref in ("nobody", gone.id, "bad id!"):
        with pytest.raises(NotFound):
            await account_scrobbles(ctx, None, ref, Page())


# -- favourites


async def post(ctx, author, visibility="public", **kw) -> Status:
    sid = ctx.ids.new()
    status = Status(
        sid, author.id, ctx.clock.now(), visibility, "hi", "text/plain", "<p>hi</p>", context_id=sid, **kw
    )
    await ctx.stores.statuses.add(status)
    return status


async def favourite(ctx, account, status) -> str:
    mark = Mark(ctx.ids.new(), account.id, status.id, ctx.clock.now())
    await ctx.stores.favourites.add(mark)
    return mark.id


async def test_favourites_are_hidden_by_default_even_from_their_owner(ctx):
    alice = await user(ctx, "alice")
    await favourite(ctx, alice, await post(ctx, alice))
    for reader in (None, alice.id):
        with pytest.raises(Forbidden, match=r"^Can't get favorites$"):
            await account_favourites(ctx, reader, alice.id, Page())


async def test_shown_favourites_newest_first_as_far_as_the_reader_may_see(ctx):
    alice = await user(ctx, "alice", hide_favorites=False)
    bob, carol, reader = await user(ctx, "bob"), await user(ctx, "carol"), await user(ctx, "reader")
    public = await post(ctx, bob)
    private = await post(ctx, bob, "private")
    by_carol = await post(ctx, carol)
    marks = [await favourite(ctx, alice, s) for s in (public, private, by_carol)]
    await social.block(ctx, reader, carol.id)

    async def ids(reader_id, page=None):
        statuses, page_ids = await account_favourites(ctx, reader_id, "alice", page or Page())
        return [s.id for s in statuses], page_ids

    assert await ids(None) == ([by_carol.id, public.id], marks[::-1])
    assert await ids(reader.id) == ([public.id], marks[::-1])  # carol blocked: left out
    await social.follow(ctx, reader, bob.id)
    assert await ids(reader.id) == ([private.id, public.id], marks[::-1])
    assert await ids(reader.id, Page(max_id=marks[2], limit=1)) == ([private.id], [marks[1]])
    assert await ids(alice.id) == ([by_carol.id, public.id], marks[::-1])  # not a follower of bob


async def test_favourites_of_unknown_accounts_are_not_found(ctx):
    with pytest.raises(NotFound):
        await account_favourites(ctx, None, "nobody", Page())
