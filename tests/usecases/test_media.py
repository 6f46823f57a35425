"""Uploading media on memory stores and a memory file store: what is kept, what is refused, and that
a failure leaves no file behind."""

import re
import struct

import pytest

from plerome.adapters.memory import MemoryFiles
from plerome.adapters.memory.statuses import MemoryAttachments
from plerome.domain.errors import InvalidInput, NotFound, TooLarge, Unprocessable
from plerome.domain.usecases.accounts import create_account
from plerome.domain.usecases.media import get_media, update_media, upload_media

pytestmark = pytest.mark.anyio

LIMIT = 1000
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + struct.pack(">II", 64, 48) + b"\x08\x02\x00\x00\x00" + bytes(4)
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


def rows(ctx):
    """Every attachment row the memory stores hold."""
    return dict(ctx.stores._state.attachments)


async def test_an_upload_is_stored_under_a_fresh_unguessable_key_and_described(ctx, files, alice):
    a = await upload_media(ctx, alice.id, PNG, LIMIT, description="a cat", focus="0.5,-0.25")
    assert re.fullmatch(rf"attachments/{a.id}-[A-Za-z0-9_-]{{16}}\.png", a.file_key)
    assert await files.read(a.file_key) == PNG
    assert (a.kind, a.mime_type, a.size, a.width, a.height) == ("image", "image/png", len(PNG), 64, 48)
    assert (a.account_id, a.description, a.focus, a.status_id) == (alice.id, "a cat", (0.5, -0.25), None)
    assert a.created_at == ctx.clock.now()
    assert await ctx.stores.attachments.get(a.id) == a
    second = await upload_media(ctx, alice.id, PNG, LIMIT)
    assert second.file_key != a.file_key and second.description == "" and second.focus is None


async def test_audio_is_audio_and_an_unknown_file_is_kept_as_opaque_bytes(ctx, files, alice):
    song = await upload_media(ctx, alice.id, MP3, LIMIT)
    assert (song.kind, song.mime_type, song.width) == ("audio", "audio/mpeg", None)
    assert song.file_key.endswith(".mp3")
    page = await upload_media(ctx, alice.id, b"<html><script>alert(1)</script></html>", LIMIT)
    assert (page.kind, page.mime_type) == ("unknown", "application/octet-stream")
    assert page.file_key.endswith(".bin")


async def test_a_file_at_the_limit_is_taken_and_one_byte_more_is_too_large(ctx, files, alice):
    exact = PNG + bytes(LIMIT - len(PNG))
    assert (await upload_media(ctx, alice.id, exact, LIMIT)).size == LIMIT
    with pytest.raises(TooLarge, match="File is too large"):
        await upload_media(ctx, alice.id, exact + b"\x00", LIMIT)
    assert len(files.keys()) == 1 and len(rows(ctx)) == 1


@pytest.mark.parametrize(
    ("data", "kw", "error"),
    [
        (b"", {}, Unprocessable),
        (PNG, {"description": "x" * 1501}, Unprocessable),
        (PNG, {"focus": "2,0"}, InvalidInput),
        (PNG, {"focus": "left"}, InvalidInput),
    ],
)
async def test_a_refused_upload_writes_nothing(ctx, files, alice, data, kw, error):
    with pytest.raises(error):
        await upload_media(ctx, alice.id, data, LIMIT, **kw)
    assert files.keys() == [] and rows(ctx) == {}


async def test_the_file_is_removed_again_when_its_row_cannot_be_written(ctx, files, alice, monkeypatch):
    async def broken(self, attachment):
        raise RuntimeError("database gone")

    monkeypatch.setattr(MemoryAttachments, "add", broken)
    with pytest.raises(RuntimeError):
        await upload_media(ctx, alice.id, PNG, LIMIT)
    assert files.keys() == []


async def test_no_row_is_written_when_the_file_cannot_be_saved(ctx, files, alice, monkeypatch):
    async def full(key, data):
        raise OSError("disk full")

    monkeypatch.setattr(files, "save", full)
    with pytest.raises(OSError):
        await upload_media(ctx, alice.id, PNG, LIMIT)
    assert rows(ctx) == {}


async def test_only_the_owner_sees_an_upload(ctx, alice):
    bob = await create_account(ctx, "bob", None, "pw")
    a = await upload_media(ctx, alice.id, PNG, LIMIT)
    assert await get_media(ctx, alice.id, a.id) == a
    for viewer, media_id in ((bob.id, a.id), (alice.id, "nope")):
        with pytest.raises(NotFound, match="Record not found"):
            await get_media(ctx, viewer, media_id)


async def test_an_update_changes_what_is_given_and_clears_what_is_empty(ctx, alice):
    a = await upload_media(ctx, alice.id, PNG, LIMIT, description="first", focus="0,0")
    described = await update_media(ctx, alice.id, a.id, description="a dog")
    assert (described.description, described.focus) == ("a dog", (0.0, 0.0))
    moved = await update_media(ctx, alice.id, a.id, focus="-1,1")
    assert (moved.description, moved.focus) == ("a dog", (-1.0, 1.0))
    cleared = await update_media(ctx, alice.id, a.id, description="", focus="")
    assert (cleared.description, cleared.focus) == ("", None)
    assert await ctx.stores.attachments.get(a.id) == cleared
    assert cleared.file_key == a.file_key and cleared.size == a.size


async def test_an_update_by_anyone_else_or_out_of_bounds_changes_nothing(ctx, alice):
    bob = await create_account(ctx, "bob", None, "pw")
    a = await upload_media(ctx, alice.id, PNG, LIMIT, description="mine")
    with pytest.raises(NotFound):
        await update_media(ctx, bob.id, a.id, description="stolen")
    with pytest.raises(Unprocessable, match="Description is too long"):
        await update_media(ctx, alice.id, a.id, description="x" * 1501)
    with pytest.raises(InvalidInput):
        await update_media(ctx, alice.id, a.id, description="ok", focus="9,9")
    assert await ctx.stores.attachments.get(a.id) == a
