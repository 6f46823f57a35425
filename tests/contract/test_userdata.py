"""The Scrobbles and Backups stores on every store, and the backup archives on disk and in memory."""

from __future__ import annotations

import dataclasses
import io
import os
import time
import zipfile
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest

from plerome.adapters.filesystem.archives import FilesystemArchives
from plerome.adapters.memory.archives import MemoryArchives
from plerome.domain.backups import Backup
from plerome.domain.errors import Conflict
from plerome.domain.pagination import Page
from plerome.domain.scrobbles import Scrobble

pytestmark = pytest.mark.anyio


def listen(n: int, account_id: str, now, visibility="public", **kw) -> Scrobble:
    return Scrobble(
        f"s{n:06d}", account_id, now + timedelta(seconds=n), f"Song {n}", visibility=visibility, **kw
    )


async def test_scrobbles_come_back_whole_newest_first(stores, make):
    a = make.account()
    await stores.accounts.add(a)
    full = listen(
        1, a.id, make.now, artist="Band", album="Record", length=180_000, external_link="https://t.example"
    )
    await stores.scrobbles.add(full)
    await stores.scrobbles.add(listen(2, a.id, make.now))
    found = await stores.scrobbles.by_account(a.id, ["public"], Page())
    assert [s.id for s in found] == ["s000002", "s000001"]
    assert found[1] == full
    with pytest.raises(Conflict):
        await stores.scrobbles.add(full)


async def test_scrobbles_of_one_account_and_of_the_visibilities_asked(stores, make):
    a, b = make.account(), make.account()
    for account in (a, b):
        await stores.accounts.add(account)
    for n, visibility in enumerate(("public", "unlisted", "private", "direct"), start=1):
        await stores.scrobbles.add(listen(n, a.id, make.now, visibility))
    await stores.scrobbles.add(listen(9, b.id, make.now))

    async def ids(levels):
        return [s.id for s in await stores.scrobbles.by_account(a.id, levels, Page())]

    assert await ids(["public", "unlisted", "private", "direct"]) == [
        "s000004",
        "s000003",
        "s000002",
        "s000001",
    ]
    assert await ids(["public", "unlisted"]) == ["s000002", "s000001"]
    assert await ids([]) == []


async def test_scrobbles_page_like_every_list(stores, make):
    a = make.account()
    await stores.accounts.add(a)
    for n in range(1, 8):
        await stores.scrobbles.add(listen(n, a.id, make.now))

    async def ids(**page):
        return [s.id[-1] for s in await stores.scrobbles.by_account(a.id, ["public"], Page(**page))]

    assert await ids(limit=3) == ["7", "6", "5"]
    assert await ids(max_id="s000005", limit=2) == ["4", "3"]
    assert await ids(since_id="s000005") == ["7", "6"]
    assert await ids(min_id="s000002", limit=2) == ["4", "3"]


async def test_an_accounts_scrobbles_and_backups_go_with_it(stores, make):
    a = make.account()
    await stores.accounts.add(a)
    await stores.scrobbles.add(listen(1, a.id, make.now))
    await stores.backups.add(Backup("b1", a.id, "archive-a.zip", make.now))
    assert await stores.accounts.delete(a.id)
    assert await stores.scrobbles.by_account(a.id, ["public"], Page()) == []
    assert await stores.backups.get("b1") is None


def backup(n: int, account_id: str, now, **kw) -> Backup:
    return Backup(f"b{n:06d}", account_id, f"archive-{n}.zip", now + timedelta(days=n), **kw)


async def test_backups_are_recorded_updated_and_found(stores, make):
    a, b = make.account(), make.account()
    for account in (a, b):
        await stores.accounts.add(account)
    first, second = backup(1, a.id, make.now), backup(2, a.id, make.now)
    for made in (first, second, backup(3, b.id, make.now)):
        await stores.backups.add(made)
    assert await stores.backups.get(first.id) == first
    assert await stores.backups.by_file_name("archive-2.zip") == second
    assert await stores.backups.by_file_name("nope.zip") is None
    assert [x.id for x in await stores.backups.for_account(a.id)] == [second.id, first.id]
    done = dataclasses.replace(first, state="complete", file_size=12345678901, processed_number=70000)
    await stores.backups.update(done)
    assert await stores.backups.get(first.id) == done
    with pytest.raises(Conflict):
        await stores.backups.add(dataclasses.replace(second, id="other"))  # the same file name


async def test_the_latest_backup_that_counts_is_not_a_failed_one(stores, make):
    a = make.account()
    await stores.accounts.add(a)
    assert await stores.backups.latest_counted(a.id) is None
    await stores.backups.add(backup(1, a.id, make.now, state="complete"))
    await stores.backups.add(backup(2, a.id, make.now, state="failed"))
    assert (await stores.backups.latest_counted(a.id)).id == "b000001"


async def test_old_backups_are_found_oldest_first_a_batch_at_a_time(stores, make):
    a = make.account()
    await stores.accounts.add(a)
    for n in range(1, 6):
        await stores.backups.add(backup(n, a.id, make.now))
    cutoff = make.now + timedelta(days=4)
    assert [x.id for x in await stores.backups.inserted_before(cutoff, 10)] == [
        "b000001",
        "b000002",
        "b000003",
    ]
    assert [x.id for x in await stores.backups.inserted_before(cutoff, 2)] == ["b000001", "b000002"]
    assert await stores.backups.delete("b000001") is True
    assert await stores.backups.delete("b000001") is False
    assert [x.id for x in await stores.backups.inserted_before(cutoff, 10)] == ["b000002", "b000003"]


async def test_a_rolled_back_transaction_leaves_no_scrobble_or_backup(stores, make):
    a = make.account()
    await stores.accounts.add(a)
    with pytest.raises(RuntimeError):
        async with stores.transaction() as tx:
            await tx.scrobbles.add(listen(1, a.id, make.now))
            await tx.backups.add(backup(1, a.id, make.now))
            raise RuntimeError("no")
    assert await stores.scrobbles.by_account(a.id, ["public"], Page()) == []
    assert await stores.backups.get("b000001") is None


# -- archives


@pytest.fixture(params=["memory", "filesystem"])
def archives(request, tmp_path):
    return MemoryArchives() if request.param == "memory" else FilesystemArchives(tmp_path / "backups")


async def chunks(*parts: bytes) -> AsyncIterator[bytes]:
    for part in parts:
        yield part


async def read_all(archives, name: str) -> bytes:
    opened = await archives.open(name)
    assert opened is not None
    data = b"".join([c async for c in opened.chunks])
    assert len(data) == opened.size
    return data


async def test_an_archive_is_a_zip_of_what_was_written(archives):
    big = os.urandom(300_000)  # more than one write buffer
    async with archives.create("archive-a.zip") as writer:
        await writer.add("actor.json", chunks(b'{"a":', b"1}"))
        await writer.add("big.bin", chunks(big[:100_000], big[100_000:]))
        await writer.add("empty.json", chunks())
    data = await read_all(archives, "archive-a.zip")
    assert await archives.size("archive-a.zip") == len(data)
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        assert z.namelist() == ["actor.json", "big.bin", "empty.json"]
        assert z.read("actor.json") == b'{"a":1}'
        assert z.read("big.bin") == big
        assert z.read("empty.json") == b""
        assert z.testzip() is None


async def test_an_archive_whose_writing_fails_leaves_nothing(archives, tmp_path):
    with pytest.raises(RuntimeError):
        async with archives.create("archive-b.zip") as writer:
            await writer.add("actor.json", chunks(b"{}"))
            raise RuntimeError("the store went away")
    assert await archives.open("archive-b.zip") is None
    assert await archives.size("archive-b.zip") is None
    if isinstance(archives, FilesystemArchives):
        assert list(archives.root.iterdir()) == []


async def test_writing_again_replaces_the_archive_and_delete_removes_it(archives):
    for content in (b"one", b"two"):
        async with archives.create("archive-c.zip") as writer:
            await writer.add("x", chunks(content))
    with zipfile.ZipFile(io.BytesIO(await read_all(archives, "archive-c.zip"))) as z:
        assert z.read("x") == b"two"
    assert await archives.delete("archive-c.zip") is True
    assert await archives.delete("archive-c.zip") is False
    assert await archives.open("archive-c.zip") is None


@pytest.mark.parametrize("name", ["../x.zip", "a/b.zip", ".hidden.zip", ""])
async def test_names_that_are_not_archive_names(archives, name):
    assert await archives.open(name) is None
    assert await archives.delete(name) is False
    with pytest.raises(ValueError):
        async with archives.create(name):
            pass


async def test_half_written_archives_of_dead_processes_are_removed(tmp_path):
    archives = FilesystemArchives(tmp_path / "backups")
    assert await archives.remove_partial(timedelta(hours=1)) == 0  # no folder yet
    archives.root.mkdir()
    stale = archives.root / ".archive-x.zip.0123.tmp"
    fresh = archives.root / ".archive-y.zip.4567.tmp"
    kept = archives.root / "archive-z.zip"
    for path in (stale, fresh, kept):
        path.write_bytes(b"PK")
    two_hours_ago = time.time() - 7200
    os.utime(stale, (two_hours_ago, two_hours_ago))
    os.utime(kept, (two_hours_ago, two_hours_ago))
    assert await archives.remove_partial(timedelta(hours=1)) == 1
    assert sorted(p.name for p in archives.root.iterdir()) == [fresh.name, kept.name]
