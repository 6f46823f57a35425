"""Follow, block and mute imports on in-memory stores: what the job does, batch by batch, and that
doing it again (a job run twice after a crash) changes nothing."""

from __future__ import annotations

import contextlib
import dataclasses
import json

import pytest

from plerome.adapters.memory.social import MemorySocialGraph
from plerome.domain.errors import InvalidInput
from plerome.domain.imports import ImportEntry
from plerome.domain.pagination import Page
from plerome.domain.usecases import imports, social
from plerome.domain.usecases.accounts import create_account
from plerome.ports.notifications import NotificationQuery

pytestmark = pytest.mark.anyio


async def user(ctx, nickname, **changes):
    account = await create_account(ctx, nickname, f"{nickname}@example.test", "pw")
    if changes:
        account = dataclasses.replace(account, **changes)
        await ctx.stores.accounts.update(account)
    return account


async def following(ctx, account) -> list[str]:
    edges = await ctx.stores.social.following(account.id, Page(limit=1000))
    found = await ctx.stores.accounts.get_many([e.followee_id for e in edges])
    return sorted(found[e.followee_id].nickname for e in edges)


async def notified(ctx, account) -> list[tuple[str, str]]:
    found = await ctx.stores.notifications.list(account.id, NotificationQuery(), Page(limit=40))
    return [(n.type, n.from_account_id) for n in found]


async def run_job(ctx, job) -> None:
    """Run a queued job's handler on its payload as a store gives it back (through JSON)."""
    await imports.run_import(ctx, json.loads(json.dumps(job.payload)))


async def test_a_follow_import_follows_every_local_account_it_names(ctx):
    me = await user(ctx, "me")
    for name in ("alice", "bob", "carol", "dave", "erin"):
        await user(ctx, name)
    text = (
        "alice @bob\n"
        "carol@social.example https://social.example/users/dave\n"
        "erin@elsewhere.example nobody me @@ https://social.example/notice/1\n"
    )
    job = await imports.start_import(ctx, me, "follow", text)
    assert job is not None and job.kind == imports.IMPORT_JOB
    await run_job(ctx, job)
    assert await following(ctx, me) == ["alice", "bob", "carol", "dave"]


async def test_unfollowable_accounts_are_skipped_and_the_rest_still_followed(ctx):
    me = await user(ctx, "me")
    alice, bob = await user(ctx, "alice"), await user(ctx, "bob")
    await user(ctx, "gone", is_active=False)
    await user(ctx, "locked", locked=True)
    await social.block(ctx, bob, me.id)
    result = await imports.import_entries(
        ctx, me.id, "follow", [ImportEntry(n) for n in ("gone", "bob", "alice", "locked", "me")]
    )
    assert result == imports.ImportResult(applied=2, skipped=3)
    assert await following(ctx, me) == ["alice"]
    assert (
        await ctx.stores.social.relationship(
            me.id, (await ctx.stores.accounts.by_nickname("locked")).id, ctx.clock.now()
        )
    ).requested
    assert await notified(ctx, alice) == [("follow", me.id)]


async def test_importing_the_same_list_again_follows_and_notifies_no_one_twice(ctx):
    me = await user(ctx, "me")
    names = [f"user{i}" for i in range(7)]
    targets = [await user(ctx, n) for n in names]
    job = await imports.start_import(ctx, me, "follow", "\n".join(names))
    await run_job(ctx, job)
    await run_job(ctx, job)  # the job run again, as after a crash
    assert await following(ctx, me) == names
    for target in targets:
        assert await notified(ctx, target) == [("follow", me.id)]
        assert (await ctx.stores.social.get_follow(me.id, target.id)).id  # one edge each


async def test_mastodon_options_carry_over_and_absent_ones_leave_what_is_set(ctx):
    me = await user(ctx, "me")
    alice, bob, carol = await user(ctx, "alice"), await user(ctx, "bob"), await user(ctx, "carol")
    await social.follow(ctx, me, carol.id, reblogs=False, notify_posts=True)
    csv = (
        "Account address,Show boosts,Notify on new posts,Languages\n"
        "alice@social.example,false,true,\n"
        "bob@social.example,true,false,\n"
        "carol@social.example,,,\n"
    )
    await run_job(ctx, await imports.start_import(ctx, me, "follow", csv))
    rel = {
        a.nickname: await ctx.stores.social.relationship(me.id, a.id, ctx.clock.now())
        for a in (alice, bob, carol)
    }
    assert [(r.following, r.showing_reblogs, r.subscribing) for r in rel.values()] == [
        (True, False, True),
        (True, True, False),
        (True, False, True),
    ]


async def test_a_block_import_blocks_and_ends_follows_both_ways(ctx):
    me = await user(ctx, "me")
    alice, bob = await user(ctx, "alice"), await user(ctx, "bob")
    await social.follow(ctx, alice, me.id)
    await run_job(ctx, await imports.start_import(ctx, me, "block", "alice\n@bob nobody"))
    blocked = await ctx.stores.social.blocks(me.id, Page())
    assert sorted(b.blocked_id for b in blocked) == sorted([alice.id, bob.id])
    assert not (await ctx.stores.social.relationship(me.id, alice.id, ctx.clock.now())).followed_by
    await run_job(ctx, await imports.start_import(ctx, me, "block", "alice bob"))
    assert len(await ctx.stores.social.blocks(me.id, Page())) == 2


async def test_a_mute_import_mutes_with_the_notifications_choice_of_the_export(ctx):
    me = await user(ctx, "me")
    alice, bob, carol = await user(ctx, "alice"), await user(ctx, "bob"), await user(ctx, "carol")
    csv = "Account address,Hide notifications\nalice,false\nbob,true\ncarol\n"
    await run_job(ctx, await imports.start_import(ctx, me, "mute", csv))
    now = ctx.clock.now()
    mutes = {m.muted_id: m.notifications for m in await ctx.stores.social.mutes(me.id, Page(), now)}
    assert mutes == {alice.id: False, bob.id: True, carol.id: True}


async def test_each_batch_is_one_short_transaction(ctx, monkeypatch):
    me = await user(ctx, "me")
    names = [f"user{i}" for i in range(7)]
    for n in names:
        await user(ctx, n)
    monkeypatch.setattr(imports, "BATCH", 3)
    opened = []
    real = ctx.stores.transaction

    @contextlib.asynccontextmanager
    async def counting():
        opened.append(1)
        async with real() as tx:
            yield tx

    monkeypatch.setattr(ctx.stores, "transaction", counting)
    result = await imports.import_entries(ctx, me.id, "follow", [ImportEntry(n) for n in names])
    assert result.applied == 7
    assert len(opened) == 3  # 3 + 3 + 1
    assert await following(ctx, me) == names


async def test_a_batch_the_store_refuses_is_done_one_by_one_around_the_bad_entry(ctx, monkeypatch):
    me = await user(ctx, "me")
    targets = {n: await user(ctx, n) for n in ("alice", "bob", "carol")}
    real = MemorySocialGraph.follow

    async def broken(self, follow):
        if follow.followee_id == targets["bob"].id:
            raise RuntimeError("disk I/O error")
        await real(self, follow)

    monkeypatch.setattr(MemorySocialGraph, "follow", broken)
    result = await imports.import_entries(ctx, me.id, "follow", [ImportEntry(n) for n in targets])
    assert result == imports.ImportResult(applied=2, skipped=1)
    assert await following(ctx, me) == ["alice", "carol"]
    assert len(await notified(ctx, targets["alice"])) == 1  # the failed batch left nothing behind


async def test_when_every_entry_fails_the_job_fails_to_be_tried_again(ctx, monkeypatch):
    me = await user(ctx, "me")
    await user(ctx, "alice")

    async def broken(self, follow):
        raise RuntimeError("database is locked")

    monkeypatch.setattr(MemorySocialGraph, "follow", broken)
    with pytest.raises(RuntimeError, match="database is locked"):
        await imports.import_entries(ctx, me.id, "follow", [ImportEntry("alice")])


async def test_a_deactivated_importer_imports_nothing(ctx):
    me = await user(ctx, "me")
    await user(ctx, "alice")
    job = await imports.start_import(ctx, me, "follow", "alice")
    await ctx.stores.accounts.update(dataclasses.replace(me, is_active=False))
    await run_job(ctx, job)
    assert await following(ctx, me) == []


async def test_starting_an_import_queues_one_job_and_wakes_the_workers(ctx):
    me = await user(ctx, "me")
    woken = []
    job = await imports.start_import(ctx, me, "mute", "alice bob", wake=lambda: woken.append(1))
    assert woken == [1]
    assert (await ctx.stores.jobs.stats()).queued == 1
    assert job.payload == {
        "account_id": me.id,
        "kind": "mute",
        "entries": [["alice", None, None, None], ["bob", None, None, None]],
    }
    assert await imports.start_import(ctx, me, "mute", " \n ", wake=lambda: woken.append(1)) is None
    assert woken == [1] and (await ctx.stores.jobs.stats()).queued == 1
    with pytest.raises(InvalidInput):
        await imports.start_import(ctx, me, "mute", " ".join(f"u{i}" for i in range(100_001)))


async def test_a_malformed_job_payload_is_refused_and_bad_entries_ignored(ctx):
    me = await user(ctx, "me")
    await user(ctx, "alice")
    with pytest.raises(ValueError):
        await imports.run_import(ctx, {"kind": "befriend", "account_id": me.id, "entries": []})
    payload = {"kind": "follow", "account_id": me.id, "entries": [["alice", "x", None, None], 7, ["a"]]}
    await imports.run_import(ctx, payload)
    assert await following(ctx, me) == ["alice"]
