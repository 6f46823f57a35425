"""update_credentials' images on memory stores and a memory file store: what is kept, what is removed."""

import dataclasses

import pytest

from plerome.adapters.memory import MemoryFiles
from plerome.adapters.memory import stores as memory_stores
from plerome.domain.errors import InvalidInput, TooLarge, Unprocessable
from plerome.domain.instance import InstancePolicy
from plerome.domain.usecases.accounts import ProfileChange, create_account, update_credentials

pytestmark = pytest.mark.anyio

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 17
GIF = b"GIF89a" + b"\x00" * 7
LIMIT = 1000


@pytest.fixture
def files():
    return MemoryFiles()


@pytest.fixture
def ctx(make_ctx, files):
    return make_ctx(policy=InstancePolicy(), files=files)


async def test_a_new_avatar_is_stored_under_a_fresh_key_and_the_old_one_removed(ctx, files):
    alice = await create_account(ctx, "alice", None, "pw")
    first = await update_credentials(ctx, alice.id, ProfileChange(), {"avatar": PNG}, LIMIT)
    assert first.avatar.startswith("avatars/") and first.avatar.endswith(".png")
    assert await files.read(first.avatar) == PNG
    second = await update_credentials(ctx, alice.id, ProfileChange(), {"avatar": GIF}, LIMIT)
    assert second.avatar.endswith(".gif")
    assert files.keys() == [second.avatar]


async def test_none_clears_an_image_and_removes_its_file(ctx, files):
    alice = await create_account(ctx, "alice", None, "pw")
    await update_credentials(ctx, alice.id, ProfileChange(), {"header": PNG}, LIMIT)
    cleared = await update_credentials(ctx, alice.id, ProfileChange(), {"header": None}, LIMIT)
    assert cleared.header is None
    assert files.keys() == []


async def test_a_remote_image_url_is_never_deleted_as_a_file(ctx, files):
    alice = await create_account(ctx, "alice", None, "pw")
    await files.save("avatars/unrelated.png", b"x")
    remote = dataclasses.replace(alice, avatar="https://elsewhere.example/avatars/unrelated.png")
    await ctx.stores.accounts.update(remote)
    await update_credentials(ctx, alice.id, ProfileChange(), {"avatar": None}, LIMIT)
    assert files.keys() == ["avatars/unrelated.png"]


@pytest.mark.parametrize(
    ("images", "error"), [({"avatar": b"text"}, Unprocessable), ({"avatar": PNG + b"\x00" * LIMIT}, TooLarge)]
)
async def test_a_refused_image_writes_nothing(ctx, files, images, error):
    alice = await create_account(ctx, "alice", None, "pw")
    with pytest.raises(error):
        await update_credentials(ctx, alice.id, ProfileChange(), {"header": PNG, **images}, LIMIT)
    assert files.keys() == []


async def test_a_refused_change_writes_no_image(ctx, files):
    alice = await create_account(ctx, "alice", None, "pw")
    with pytest.raises(InvalidInput):
        await update_credentials(ctx, alice.id, ProfileChange(privacy="everyone"), {"avatar": PNG}, LIMIT)
    assert files.keys() == []


async def test_new_files_are_removed_when_the_store_fails_and_old_ones_kept(ctx, files, monkeypatch):
    alice = await create_account(ctx, "alice", None, "pw")
    kept = (await update_credentials(ctx, alice.id, ProfileChange(), {"avatar": PNG}, LIMIT)).avatar

    async def broken(self, account):
        raise RuntimeError("disk full")

    monkeypatch.setattr(memory_stores._Accounts, "update", broken)
    with pytest.raises(RuntimeError):
        await update_credentials(ctx, alice.id, ProfileChange(), {"avatar": GIF, "header": PNG}, LIMIT)
    assert files.keys() == [kept]
    assert (await ctx.stores.accounts.get(alice.id)).avatar == kept


async def test_a_failing_removal_of_an_old_file_does_not_undo_the_update(ctx, files, monkeypatch):
    alice = await create_account(ctx, "alice", None, "pw")
    await update_credentials(ctx, alice.id, ProfileChange(), {"avatar": PNG}, LIMIT)

    async def broken(key):
        raise OSError("read-only file system")

    monkeypatch.setattr(files, "delete", broken)
    updated = await update_credentials(ctx, alice.id, ProfileChange(), {"avatar": GIF}, LIMIT)
    assert (await ctx.stores.accounts.get(alice.id)).avatar == updated.avatar
