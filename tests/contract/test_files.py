"""The file store contract, for every adapter: memory and the local disk."""

import os

import pytest

from plerome.adapters.filesystem import FilesystemFiles
from plerome.adapters.memory import MemoryFiles
from plerome.domain.errors import InvalidInput

pytestmark = pytest.mark.anyio


@pytest.fixture(params=["memory", "filesystem"])
def files(request, tmp_path):
    if request.param == "memory":
        return MemoryFiles()
    return FilesystemFiles(tmp_path / "media")


async def read_all(opened):
    return b"".join([chunk async for chunk in opened.chunks])


async def test_saved_bytes_read_back_the_same(files):
    await files.save("avatars/a.png", b"\x00\x01png bytes")
    assert await files.read("avatars/a.png") == b"\x00\x01png bytes"
    assert await files.exists("avatars/a.png")


async def test_an_unknown_key_is_absent(files):
    assert await files.read("avatars/none.png") is None
    assert await files.open("avatars/none.png") is None
    assert not await files.exists("avatars/none.png")
    assert await files.delete("avatars/none.png") is False


async def test_saving_again_replaces_the_file(files):
    await files.save("k.bin", b"old and long")
    await files.save("k.bin", b"new")
    assert await files.read("k.bin") == b"new"


async def test_an_opened_file_gives_its_size_and_all_its_bytes(files):
    data = os.urandom(200_000)  # several read chunks on disk
    await files.save("big/file.bin", data)
    opened = await files.open("big/file.bin")
    assert opened.size == len(data)
    assert await read_all(opened) == data


async def test_an_empty_file_is_a_file(files):
    await files.save("empty.bin", b"")
    assert await files.exists("empty.bin")
    assert await files.read("empty.bin") == b""
    opened = await files.open("empty.bin")
    assert opened.size == 0
    assert await read_all(opened) == b""


async def test_delete_removes_once(files):
    await files.save("d/x.png", b"x")
    assert await files.delete("d/x.png") is True
    assert await files.delete("d/x.png") is False
    assert await files.read("d/x.png") is None
    assert not await files.exists("d/x.png")


async def test_keys_are_separate_files(files):
    await files.save("a/1.png", b"one")
    await files.save("a/2.png", b"two")
    await files.delete("a/1.png")
    assert await files.read("a/2.png") == b"two"


@pytest.mark.parametrize("key", ["../escape.png", "/abs.png", "a/../../b", ".hidden", "a//b", ""])
async def test_a_malformed_key_is_refused_on_save_and_absent_otherwise(files, key):
    with pytest.raises(InvalidInput):
        await files.save(key, b"x")
    assert await files.read(key) is None
    assert await files.open(key) is None
    assert not await files.exists(key)
    assert await files.delete(key) is False


async def test_a_folder_of_keys_is_not_itself_a_file(files):
    await files.save("folder/inside.png", b"x")
    assert await files.read("folder") is None
    assert await files.open("folder") is None
    assert not await files.exists("folder")
    assert await files.delete("folder") is False
    assert await files.read("folder/inside.png") == b"x"


async def test_two_stores_share_nothing(tmp_path):
    one, two = MemoryFiles(), MemoryFiles()
    await one.save("a.png", b"x")
    assert await two.read("a.png") is None


# --- the disk adapter ------------------------------------------------------------------------------


async def test_files_land_under_the_root_and_no_temporary_file_stays(tmp_path):
    files = FilesystemFiles(tmp_path / "media")
    await files.save("avatars/a.png", b"data")
    await files.save("avatars/a.png", b"data again")
    assert (tmp_path / "media" / "avatars" / "a.png").read_bytes() == b"data again"
    assert sorted(p.name for p in (tmp_path / "media" / "avatars").iterdir()) == ["a.png"]


async def test_a_failed_save_leaves_nothing_behind_and_the_old_file_intact(tmp_path):
    files = FilesystemFiles(tmp_path / "media")
    await files.save("dir/a.png", b"old")
    # The target is a non-empty folder, so the final rename fails after the bytes were written.
    (tmp_path / "media" / "dir" / "b.png").mkdir()
    (tmp_path / "media" / "dir" / "b.png" / "keep").write_bytes(b"k")
    with pytest.raises(OSError):
        await files.save("dir/b.png", b"new bytes")
    assert sorted(p.name for p in (tmp_path / "media" / "dir").iterdir()) == ["a.png", "b.png"]
    assert await files.read("dir/a.png") == b"old"


async def test_a_save_beneath_a_file_fails_cleanly(tmp_path):
    files = FilesystemFiles(tmp_path / "media")
    await files.save("a", b"file")
    with pytest.raises(OSError):
        await files.save("a/b.png", b"x")
    assert await files.read("a") == b"file"
    assert sorted(p.name for p in (tmp_path / "media").iterdir()) == ["a"]


async def test_nothing_outside_the_root_is_reachable(tmp_path):
    (tmp_path / "secret.txt").write_bytes(b"secret")
    files = FilesystemFiles(tmp_path / "media")
    assert await files.read("../secret.txt") is None
    assert await files.delete("../secret.txt") is False
    assert (tmp_path / "secret.txt").exists()
