"""The emoji store port: the same behaviour from the filesystem adapter and the in-memory one."""

import os

import pytest

from plerome.adapters.filesystem.emoji import FilesystemEmojiStore
from plerome.adapters.memory.emoji import MemoryEmojiStore

pytestmark = pytest.mark.anyio

PNG = b"\x89PNG\r\n\x1a\n" + b"\x01" * 8


@pytest.fixture(params=["memory", "filesystem"])
def store(request, tmp_path):
    if request.param == "memory":
        return MemoryEmojiStore()
    return FilesystemEmojiStore(tmp_path / "emoji")


async def new_pack(store, name, files=None, manifest=b'{"files": {}, "pack": {}}'):
    await store.stage("t" + name.encode().hex())
    for path, data in (files or {}).items():
        await store.stage_write("t" + name.encode().hex(), path, data)
    if manifest is not None:
        await store.stage_write("t" + name.encode().hex(), "pack.json", manifest)
    return await store.publish("t" + name.encode().hex(), name)


async def test_an_empty_store_has_no_packs(store):
    assert await store.scan() == {}


async def test_a_published_pack_appears_at_once_with_its_files(store):
    assert await new_pack(store, "cats", {"a.png": PNG, "sub/b.png": PNG})
    scan = await store.scan()
    assert list(scan) == ["cats"] and scan["cats"]
    assert sorted(await store.files("cats")) == ["a.png", "pack.json", "sub/b.png"]
    assert await store.read("cats", "sub/b.png") == PNG
    assert await store.read("cats", "missing.png") is None


async def test_publishing_over_an_existing_pack_fails_and_discards_the_staging(store):
    assert await new_pack(store, "cats", {"a.png": PNG})
    assert not await new_pack(store, "cats", {"other.png": PNG})
    assert sorted(await store.files("cats")) == ["a.png", "pack.json"]


async def test_staging_again_starts_afresh(store):
    await store.stage("tok")
    await store.stage_write("tok", "left.png", PNG)
    await store.stage("tok")
    await store.stage_write("tok", "pack.json", b"{}")
    assert await store.publish("tok", "fresh")
    assert await store.files("fresh") == ["pack.json"]


async def test_a_discarded_staging_area_never_becomes_a_pack(store):
    await store.stage("tok")
    await store.stage_write("tok", "pack.json", b"{}")
    await store.discard("tok")
    assert await store.scan() == {}


async def test_the_stamp_changes_when_pack_json_is_replaced(store):
    await new_pack(store, "cats")
    before = (await store.scan())["cats"]
    await store.write("cats", "pack.json", b'{"files": {"a": "a.png"}, "pack": {}}')
    after = (await store.scan())["cats"]
    assert after != before
    await store.write("cats", "a.png", PNG)
    assert (await store.scan())["cats"] == after


async def test_a_directory_without_pack_json_is_listed_without_a_stamp(store):
    await new_pack(store, "legacy", {"emoji.txt": b"a, a.png"}, manifest=None)
    assert await store.scan() == {"legacy": None}


async def test_writes_make_sub_directories_and_replace(store):
    await new_pack(store, "cats")
    await store.write("cats", "deep/er/a.png", PNG)
    await store.write("cats", "deep/er/a.png", b"GIF89a")
    assert await store.read("cats", "deep/er/a.png") == b"GIF89a"


async def test_writing_into_a_missing_pack_fails(store):
    with pytest.raises(FileNotFoundError):
        await store.write("nope", "a.png", PNG)


async def test_rename_moves_a_file_between_directories(store):
    await new_pack(store, "cats", {"old/a.png": PNG})
    await store.rename("cats", "old/a.png", "new/b.png")
    assert await store.read("cats", "old/a.png") is None
    assert await store.read("cats", "new/b.png") == PNG
    assert "old/a.png" not in await store.files("cats")


async def test_delete_removes_a_file_and_tolerates_a_missing_one(store):
    await new_pack(store, "cats", {"sub/a.png": PNG})
    await store.delete("cats", "sub/a.png")
    await store.delete("cats", "sub/a.png")
    assert await store.files("cats") == ["pack.json"]


async def test_read_many_returns_the_files_that_exist(store):
    await new_pack(store, "cats", {"a.png": PNG, "b.png": b"GIF89a"})
    assert await store.read_many("cats", ["a.png", "b.png", "c.png"]) == {"a.png": PNG, "b.png": b"GIF89a"}


async def test_a_deleted_pack_is_gone(store):
    await new_pack(store, "cats", {"a.png": PNG})
    assert await store.delete_pack("cats")
    assert not await store.delete_pack("cats")
    assert await store.scan() == {}
    assert await store.read("cats", "a.png") is None


@pytest.mark.parametrize("path", ["../escape.png", "/etc/passwd", "a/../../x.png", "a\\b.png", ""])
async def test_paths_leaving_the_pack_are_refused(store, path):
    await new_pack(store, "cats")
    with pytest.raises(ValueError):
        await store.write("cats", path, PNG)
    with pytest.raises(ValueError):
        await store.read("cats", path)


@pytest.mark.parametrize("pack", ["..", ".partial-x", "a/b", ""])
async def test_pack_names_leaving_the_root_are_refused(store, pack):
    with pytest.raises(ValueError):
        await store.read(pack, "pack.json")


# --- the filesystem adapter's own promises ---


async def test_atomic_writes_leave_no_temporary_files(tmp_path):
    store = FilesystemEmojiStore(tmp_path / "emoji")
    await new_pack(store, "cats")
    for i in range(3):
        await store.write("cats", "pack.json", b"{}" + b" " * i)
    assert sorted(os.listdir(tmp_path / "emoji" / "cats")) == ["pack.json"]


async def test_rename_and_delete_prune_emptied_directories(tmp_path):
    store = FilesystemEmojiStore(tmp_path / "emoji")
    await new_pack(store, "cats", {"a/b/c.png": PNG, "keep/d.png": PNG})
    await store.rename("cats", "a/b/c.png", "e.png")
    await store.delete("cats", "keep/d.png")
    assert sorted(os.listdir(tmp_path / "emoji" / "cats")) == ["e.png", "pack.json"]


async def test_hidden_files_are_not_listed(tmp_path):
    store = FilesystemEmojiStore(tmp_path / "emoji")
    await new_pack(store, "cats", {"a.png": PNG})
    (tmp_path / "emoji" / "cats" / ".a.png.123.tmp").write_bytes(b"half")
    (tmp_path / "emoji" / ".partial-old").mkdir()
    assert sorted(await store.files("cats")) == ["a.png", "pack.json"]
    assert list(await store.scan()) == ["cats"]


async def test_sweep_removes_stale_staging_and_deleted_packs_only(tmp_path):
    store = FilesystemEmojiStore(tmp_path / "emoji")
    await store.stage("fresh")
    (tmp_path / "emoji" / ".partial-stale").mkdir()
    os.utime(tmp_path / "emoji" / ".partial-stale", (0, 0))
    (tmp_path / "emoji" / ".trash-x").mkdir()
    assert await store.sweep(3600) == 2
    assert sorted(os.listdir(tmp_path / "emoji")) == [".partial-fresh"]


async def test_links_out_of_the_pack_are_neither_listed_nor_read(tmp_path):
    store = FilesystemEmojiStore(tmp_path / "emoji")
    await new_pack(store, "cats", {"a.png": PNG})
    (tmp_path / "secret").write_text("x")
    os.symlink(tmp_path / "secret", tmp_path / "emoji" / "cats" / "link.png")
    os.symlink(tmp_path, tmp_path / "emoji" / "cats" / "up")
    assert sorted(await store.files("cats")) == ["a.png", "pack.json"]
    assert await store.read("cats", "link.png") is None
    assert await store.read("cats", "up/secret") is None
    assert await store.read_many("cats", ["a.png", "link.png", "up/secret"]) == {"a.png": PNG}
