"""Backups on in-memory stores and archives: asking, the job and its zip, listing, pruning."""

from __future__ import annotations

import dataclasses
import io
import json
import zipfile
from datetime import timedelta

import pytest

from plerome.adapters.memory.archives import MemoryArchives
from plerome.domain.attachments import Attachment
from plerome.domain.errors import InvalidInput, NotFound
from plerome.domain.instance import InstancePolicy
from plerome.domain.social import Follow
from plerome.domain.statuses import Status
from plerome.domain.usecases import backups
from plerome.domain.usecases.accounts import create_account
from plerome.ports.statuses import Mark

pytestmark = pytest.mark.anyio
BASE = "https://social.example"


@pytest.fixture
def ctx(make_ctx):
    return make_ctx(policy=InstancePolicy(base_url=BASE), archives=MemoryArchives())


class World:
    def __init__(self, ctx) -> None:
        self.ctx = ctx

    async def user(self, nickname, **changes):
        account = await create_account(self.ctx, nickname, f"{nickname}@example.test", "pw")
        if changes:
            account = dataclasses.replace(account, **changes)
            await self.ctx.stores.accounts.update(account)
        return account

    async def post(self, author, text="hello", visibility="public", **kw) -> Status:
        sid = self.ctx.ids.new()
        status = Status(
            id=sid,
            account_id=author.id,
            created_at=self.ctx.clock.now(),
            visibility=visibility,
            source=text,
            content_type="text/plain",
            content=f"<p>{text}</p>",
            context_id=kw.pop("context_id", sid),
            **kw,
        )
        await self.ctx.stores.statuses.add(status)
        return status

    async def mark(self, kind, account, status) -> None:
        store = self.ctx.stores.favourites if kind == "favourites" else self.ctx.stores.bookmarks
        await store.add(Mark(self.ctx.ids.new(), account.id, status.id, self.ctx.clock.now()))

    async def follow(self, a, b) -> None:
        await self.ctx.stores.social.follow(
            Follow(self.ctx.ids.new(), a.id, b.id, "accepted", True, self.ctx.clock.now())
        )


@pytest.fixture
def world(ctx):
    return World(ctx)


async def run_queued(ctx) -> int:
    """Run every queued backup job, as a worker would; how many ran."""
    ran = 0
    while (
        job := await ctx.stores.jobs.claim(ctx.clock.now(), ctx.clock.now() + timedelta(minutes=1))
    ) is not None:
        await backups.run_backup(ctx, json.loads(json.dumps(job.payload)))
        await ctx.stores.jobs.complete(job.id, ctx.clock.now())
        ran += 1
    return ran


def unzip(data: bytes) -> dict[str, object]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        assert z.testzip() is None
        return {name: json.loads(z.read(name)) for name in z.namelist()}


async def contents(ctx, account, backup) -> dict[str, object]:
    opened = await backups.open_backup(ctx, account, backup.file_name)
    return unzip(b"".join([c async for c in opened.chunks]))


async def test_asking_records_a_pending_backup_and_queues_its_job_with_it(ctx, world):
    alice = await world.user("alice")
    woken = []
    listed = await backups.request_backup(ctx, alice, 7, wake=lambda: woken.append(1))
    assert woken == [1]
    [backup] = listed
    assert (backup.state, backup.processed, backup.file_size, backup.processed_number) == (
        "pending",
        False,
        0,
        0,
    )
    assert backup.file_name.startswith("archive-alice-20260101T120000-") and backup.file_name.endswith(".zip")
    assert (await ctx.stores.jobs.stats()).queued == 1


async def test_one_backup_per_interval_and_a_failed_one_does_not_count(ctx, world):
    alice = await world.user("alice")
    await backups.request_backup(ctx, alice, 7)
    ctx.clock.advance(timedelta(hours=23))
    with pytest.raises(InvalidInput, match=r"^Last export was less than a day ago$"):
        await backups.request_backup(ctx, alice, 1)
    ctx.clock.advance(timedelta(days=6))
    with pytest.raises(InvalidInput, match=r"^Last export was less than 7 days ago$"):
        await backups.request_backup(ctx, alice, 7)
    ctx.clock.advance(timedelta(hours=1))
    assert len(await backups.request_backup(ctx, alice, 7)) == 2
    latest = (await ctx.stores.backups.for_account(alice.id))[0]
    await ctx.stores.backups.update(dataclasses.replace(latest, state="failed"))
    assert len(await backups.request_backup(ctx, alice, 7)) == 3
    assert len(await backups.request_backup(ctx, await world.user("bob"), 7)) == 1  # per account
    assert (await ctx.stores.jobs.stats()).queued == 4


async def test_the_job_writes_a_zip_of_the_account(ctx, world):
    alice, bob, carol = (
        await world.user("alice", note="hi", display_name="Alice"),
        await world.user("bob"),
        await world.user("carol"),
    )
    first = await world.post(alice, "first #tea", tags=("tea",))
    ctx.clock.advance(timedelta(minutes=1))
    theirs = await world.post(bob, "bob's")
    reply = await world.post(
        alice,
        "@bob a reply",
        "private",
        in_reply_to_id=theirs.id,
        in_reply_to_account_id=bob.id,
        mentioned_ids=(bob.id,),
        context_id=theirs.context_id,
    )
    secret = await world.post(alice, "@carol psst", "direct", mentioned_ids=(carol.id,))
    await ctx.stores.attachments.add(
        Attachment("m1", alice.id, "media/m1.png", "image/png", "image", 3, ctx.clock.now(), status_id=None)
    )
    pic = await world.post(alice, "a picture", media_ids=("m1",))
    await ctx.stores.attachments.attach(pic.id, ["m1"])
    boost = await world.post(alice, "", reblog_of_id=theirs.id, context_id=theirs.context_id)
    await world.mark("favourites", alice, theirs)
    await world.mark("favourites", alice, first)
    await world.mark("bookmarks", alice, theirs)
    await world.follow(alice, bob)
    await world.follow(carol, alice)
    await world.follow(bob, alice)

    [backup] = await backups.request_backup(ctx, alice, 7)
    assert await run_queued(ctx) == 1
    [done] = await backups.list_backups(ctx, alice)
    assert (done.state, done.processed) == ("complete", True)
    assert done.file_size == await ctx.archives.size(backup.file_name) > 0
    assert done.processed_number == 5 + 2 + 1 + 1 + 2  # outbox, likes, bookmarks, following, followers

    files = await contents(ctx, alice, done)
    assert sorted(files) == sorted(
        ["actor.json", "outbox.json", "likes.json", "bookmarks.json", "following.json", "followers.json"]
    )
    me = f"{BASE}/users/alice"
    actor = files["actor.json"]
    assert (actor["id"], actor["preferredUsername"], actor["name"], actor["summary"]) == (
        me,
        "alice",
        "Alice",
        "hi",
    )
    outbox = files["outbox.json"]
    assert (outbox["type"], outbox["id"], outbox["totalItems"]) == ("OrderedCollection", f"{me}/outbox", 5)
    items = outbox["orderedItems"]
    assert [i["type"] for i in items] == ["Announce", "Create", "Create", "Create", "Create"]
    assert items[0]["object"] == f"{BASE}/objects/{theirs.id}"
    objects = {i["object"]["id"].rsplit("/", 1)[1]: i["object"] for i in items[1:]}
    assert list(objects) == [pic.id, secret.id, reply.id, first.id]  # newest first
    assert objects[secret.id]["to"] == [f"{BASE}/users/carol"] and objects[secret.id]["cc"] == []
    assert objects[reply.id]["inReplyTo"] == f"{BASE}/objects/{theirs.id}"
    assert objects[pic.id]["attachment"][0]["url"] == f"{BASE}/media/media/m1.png"
    assert boost.id in items[0]["id"]
    assert files["likes.json"]["orderedItems"] == [
        f"{BASE}/objects/{first.id}",
        f"{BASE}/objects/{theirs.id}",
    ]
    assert files["bookmarks.json"]["orderedItems"] == [f"{BASE}/objects/{theirs.id}"]
    assert files["following.json"]["orderedItems"] == [f"{BASE}/users/bob"]
    assert files["followers.json"]["orderedItems"] == [f"{BASE}/users/bob", f"{BASE}/users/carol"]
    assert files["followers.json"]["totalItems"] == 2


async def test_the_job_reads_a_page_at_a_time_and_records_its_progress(ctx, world, monkeypatch):
    alice = await world.user("alice")
    for n in range(7):
        await world.post(alice, f"post {n}")
    monkeypatch.setattr(backups, "PAGE", 3)
    limits, progress = [], []
    timeline, update = ctx.stores.statuses.timeline, ctx.stores.backups.update

    async def spy_timeline(query, page):
        limits.append(page.limit)
        return await timeline(query, page)

    async def spy_update(backup):
        progress.append((backup.state, backup.processed_number))
        await update(backup)

    monkeypatch.setattr(ctx.stores.statuses, "timeline", spy_timeline)
    monkeypatch.setattr(ctx.stores.backups, "update", spy_update)
    [backup] = await backups.request_backup(ctx, alice, 7)
    await run_queued(ctx)
    assert limits == [3, 3, 3]
    assert progress == [("running", 0), ("running", 3), ("running", 6), ("running", 7), ("complete", 7)]
    outbox = (await contents(ctx, alice, backup))["outbox.json"]
    assert [i["object"]["source"]["content"] for i in outbox["orderedItems"]] == [
        f"post {n}" for n in range(6, -1, -1)
    ]


async def test_an_empty_account_makes_empty_collections(ctx, world):
    alice = await world.user("alice")
    [backup] = await backups.request_backup(ctx, alice, 7)
    await run_queued(ctx)
    files = await contents(ctx, alice, backup)
    for name in ("outbox.json", "likes.json", "bookmarks.json", "following.json", "followers.json"):
        assert (files[name]["orderedItems"], files[name]["totalItems"]) == ([], 0)


async def test_a_failed_job_marks_the_backup_failed_and_a_second_run_completes_it(ctx, world, monkeypatch):
    alice = await world.user("alice")
    await world.post(alice)
    [backup] = await backups.request_backup(ctx, alice, 7)
    real = ctx.stores.favourites.by_account

    async def broken(account_id, page):
        raise RuntimeError("the store went away")

    monkeypatch.setattr(ctx.stores.favourites, "by_account", broken)
    with pytest.raises(RuntimeError):
        await backups.run_backup(ctx, {"backup_id": backup.id})
    failed = await ctx.stores.backups.get(backup.id)
    assert (failed.state, failed.processed) == ("failed", False)
    assert await ctx.archives.size(backup.file_name) is None  # no half zip
    with pytest.raises(NotFound):
        await backups.open_backup(ctx, alice, backup.file_name)
    monkeypatch.setattr(ctx.stores.favourites, "by_account", real)
    await backups.run_backup(ctx, {"backup_id": backup.id})
    assert (await ctx.stores.backups.get(backup.id)).state == "complete"


async def test_running_a_finished_or_missing_backup_again_changes_nothing(ctx, world):
    alice = await world.user("alice")
    [backup] = await backups.request_backup(ctx, alice, 7)
    await run_queued(ctx)
    done = await ctx.stores.backups.get(backup.id)
    await backups.run_backup(ctx, {"backup_id": backup.id})
    await backups.run_backup(ctx, {"backup_id": "nope"})
    await backups.run_backup(ctx, {})
    assert await ctx.stores.backups.get(backup.id) == done


async def test_only_the_owner_downloads_and_only_once_it_is_done(ctx, world):
    alice, bob = await world.user("alice"), await world.user("bob")
    [backup] = await backups.request_backup(ctx, alice, 7)
    with pytest.raises(NotFound):
        await backups.open_backup(ctx, alice, backup.file_name)  # not processed yet
    await run_queued(ctx)
    assert (await backups.open_backup(ctx, alice, backup.file_name)).size > 0
    for who, name in ((bob, backup.file_name), (alice, "archive-nope.zip"), (alice, "../etc/passwd")):
        with pytest.raises(NotFound):
            await backups.open_backup(ctx, who, name)


async def test_backups_older_than_thirty_days_are_pruned_with_their_files(ctx, world):
    alice, bob = await world.user("alice"), await world.user("bob")
    [old] = await backups.request_backup(ctx, alice, 7)
    await run_queued(ctx)
    ctx.clock.advance(timedelta(days=29))
    await backups.request_backup(ctx, bob, 7)
    await run_queued(ctx)
    assert len(await backups.list_backups(ctx, alice)) == 1
    ctx.clock.advance(timedelta(days=1))
    assert len(await backups.list_backups(ctx, alice)) == 1  # thirty days old: not older yet
    ctx.clock.advance(timedelta(seconds=1))
    assert await backups.list_backups(ctx, alice) == []  # listing prunes
    assert await ctx.archives.size(old.file_name) is None
    assert len(await backups.list_backups(ctx, bob)) == 1
    ctx.clock.advance(timedelta(days=30))
    assert await backups.prune_backups(ctx) == 1
    assert ctx.archives.names() == []


async def test_an_account_deleted_before_its_backup_ran_leaves_no_backup(ctx, world):
    alice = await world.user("alice")
    [backup] = await backups.request_backup(ctx, alice, 7)
    await ctx.stores.accounts.delete(alice.id)
    await run_queued(ctx)
    assert await ctx.stores.backups.get(backup.id) is None
    assert ctx.archives.names() == []
