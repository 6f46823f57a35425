"""The mascot on memory stores and a memory file store: images only, one file at a time."""

import struct

import pytest

from plerome.adapters.memory import MemoryFiles
from plerome.domain.errors import TooLarge, Unprocessable
from plerome.domain.usecases.accounts import create_account
from plerome.domain.usecases.mascot import set_mascot

pytestmark = pytest.mark.anyio

LIMIT = 1000
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + struct.pack(">II", 64, 48) + b"\x08\x02\x00\x00\x00" + bytes(4)
GIF = b"GIF89a" + struct.pack("<HH", 3, 2) + b"\x00\x00\x00;"
MP3 = b"ID3\x04\x00\x00\x00\x00\x00\x00" + b"\xff\xfb\x90\x64" + bytes(50)


@pytest.fixture
def files():
    return MemoryFiles()


@pytest.fixture
def ctx(make_ctx, files):
    return make_ctx(files=files)


@pytest.fixture
async def alice(ctx):
    return await create_account(ctx, "alice", None, "pw")


async def test_a_mascot_is_stored_on_the_account_and_a_new_one_replaces_the_old_file(ctx, files, alice):
    first = await set_mascot(ctx, alice.id, PNG, LIMIT)
    assert first.mascot.startswith("mascots/") and first.mascot.endswith(".png")
    assert await files.read(first.mascot) == PNG
    second = await set_mascot(ctx, alice.id, GIF, LIMIT)
    assert second.mascot.endswith(".gif")
    assert files.keys() == [second.mascot]
    assert (await ctx.stores.accounts.get(alice.id)).mascot == second.mascot


@pytest.mark.parametrize(
    ("data", "error", "text"),
    [
        (MP3, Unprocessable, "mascots can only be images"),
        (b"", Unprocessable, "mascots can only be images"),
        (PNG + bytes(LIMIT), TooLarge, "File is too large"),
    ],
)
async def test_a_refused_mascot_writes_nothing(ctx, files, alice, data, error, text):
    with pytest.raises(error, match=text):
        await set_mascot(ctx, alice.id, data, LIMIT)
    assert files.keys() == []
    assert (await ctx.stores.accounts.get(alice.id)).mascot is None
