"""Emoji pack use cases on the in-memory store, a fixed clock and a scripted remote."""

import json
from datetime import timedelta

import pytest

from plerome.adapters.memory import FakePasswords, FixedClock, MemoryStores, SequentialIds
from plerome.adapters.memory.emoji import MemoryEmojiStore
from plerome.adapters.system import TokenSecrets
from plerome.domain import emoji_packs as rules
from plerome.domain.emoji_packs import ArchiveLimits, RemoteFailed
from plerome.domain.errors import Conflict, InvalidInput, NotFound, TooLarge
from plerome.domain.instance import InstancePolicy
from plerome.domain.usecases import emoji_packs as uc
from plerome.domain.usecases.context import Context
from plerome.domain.usecases.jobs import run_next
from plerome.ports.http_client import Fetched, FetchFailed

pytestmark = pytest.mark.anyio

PNG = b"\x89PNG\r\n\x1a\n" + b"\x02" * 8
REMOTE = "https://remote.example"


class CountingStore(MemoryEmojiStore):
    def __init__(self):
        super().__init__()
        self.scans = 0
        self.reads: list[tuple[str, str]] = []

    async def scan(self):
        self.scans += 1
        return await super().scan()

    async def read(self, pack, path):
        self.reads.append((pack, path))
        return await super().read(pack, path)


class ScriptedHttp:
    def __init__(self):
        self.answers: dict[str, Fetched | FetchFailed] = {}
        self.asked: list[str] = []

    def json(self, url, body, status=200):
        self.answers[url] = Fetched(url, status, "application/json", json.dumps(body).encode())

    def raw(self, url, body, status=200):
        self.answers[url] = Fetched(url, status, "application/octet-stream", body)

    async def get(self, url, *, max_bytes, accept="application/json"):
        self.asked.append(url)
        answer = self.answers.get(url) or Fetched(url, 404, "text/plain", b"not found")
        if isinstance(answer, FetchFailed):
            raise answer
        if len(answer.body) > max_bytes:
            raise FetchFailed("too large", too_large=True)
        return answer


@pytest.fixture
def clock():
    return FixedClock()


@pytest.fixture
def store():
    return CountingStore()


@pytest.fixture
def http():
    return ScriptedHttp()


@pytest.fixture
def ctx(make_ctx, store, http, clock):
    limits = uc.PackLimits(
        upload_bytes=1000, archive=ArchiveLimits(100_000, 100), recheck_seconds=2.0, download_wait_seconds=5
    )
    return make_ctx(clock=clock, policy=InstancePolicy(), emoji=uc.EmojiPacks(store, http, clock, limits))


def put_pack(store, name, files, metadata=None, extra=None):
    content = {path: PNG for path in files.values()}
    content.update(extra or {})
    content["pack.json"] = rules.encode_manifest(files, metadata or {})
    store.put_directory(name, content)


async def test_lists_are_served_from_memory_between_looks_at_the_directory(ctx, store, clock):
    put_pack(store, "cats", {"blob": "blob.png"})
    await uc.list_packs(ctx, 1, 50)
    scans, reads = store.scans, len(store.reads)
    for _ in range(5):
        await uc.list_packs(ctx, 1, 50)
        await uc.show_pack(ctx, "cats", 1, 30)
        await uc.custom_emoji(ctx)
    assert (store.scans, len(store.reads)) == (scans, reads)
    clock.advance(timedelta(seconds=3))
    await uc.list_packs(ctx, 1, 50)
    assert store.scans == scans + 1
    assert len(store.reads) == reads  # unchanged pack.json: not read again


async def test_a_pack_changed_by_another_process_shows_after_the_next_look(ctx, store, clock):
    put_pack(store, "cats", {"blob": "blob.png"})
    assert set(await uc.custom_emoji(ctx)) == {"blob"}
    put_pack(store, "cats", {"blob": "blob.png", "cat": "cat.png"})
    put_pack(store, "dogs", {"dog": "dog.png"})
    assert set(await uc.custom_emoji(ctx)) == {"blob"}
    clock.advance(timedelta(seconds=3))
    assert set(await uc.custom_emoji(ctx)) == {"blob", "cat", "dog"}


async def test_own_writes_show_at_once(ctx, store):
    await uc.create_pack(ctx, "cats")
    assert [p.pack.name for p in (await uc.list_packs(ctx, 1, 50))[0]] == ["cats"]
    await uc.add_file(ctx, "cats", uc.Upload("blob.png", PNG), None, None)
    assert (await uc.custom_emoji(ctx))["blob"].path == "/emoji/cats/blob.png"
    await uc.delete_pack(ctx, "cats")
    assert await uc.custom_emoji(ctx) == {}


async def test_a_broken_pack_json_leaves_that_pack_out(ctx, store):
    put_pack(store, "good", {"a": "a.png"})
    store.put_directory("bad", {"pack.json": b"{nope"})
    packs, count = await uc.list_packs(ctx, 1, 50)
    assert count == 1 and packs[0].pack.name == "good"


async def test_a_pack_missing_a_file_cannot_be_downloaded(ctx, store):
    put_pack(store, "cats", {"a": "a.png"}, {"share-files": True})
    store._packs["cats"].pop("a.png")
    page = await uc.show_pack(ctx, "cats", 1, 30)
    assert not page.pack.can_download and page.sha256 is None
    with pytest.raises(Exception, match="cannot be downloaded"):
        await uc.pack_archive(ctx, "cats")


async def test_the_download_sha256_is_computed_once_per_pack_json(ctx, store):
    put_pack(store, "cats", {"a": "a.png"}, {"share-files": True})
    first = (await uc.show_pack(ctx, "cats", 1, 30)).sha256
    reads = len(store.reads)
    assert (await uc.show_pack(ctx, "cats", 1, 30)).sha256 == first
    assert len(store.reads) == reads
    assert first == rules.sha256_hex(await uc.pack_archive(ctx, "cats"))


async def test_custom_emoji_is_empty_without_packs_configured(ctx):
    bare = Context(
        stores=ctx.stores,
        clock=ctx.clock,
        ids=ctx.ids,
        secrets=ctx.secrets,
        passwords=ctx.passwords,
        policy=ctx.policy,
    )
    assert await uc.custom_emoji(bare) == {}


async def test_only_listed_files_are_served(ctx, store):
    put_pack(store, "cats", {"a": "a.png"}, extra={"notes.png": PNG})
    assert await uc.emoji_file(ctx, "cats", "a.png") == PNG
    for pack, path in [("cats", "notes.png"), ("cats", "pack.json"), ("dogs", "a.png")]:
        with pytest.raises(NotFound):
            await uc.emoji_file(ctx, pack, path)


async def test_a_failed_pack_json_write_leaves_the_pack_as_it_was(ctx, store):
    put_pack(store, "cats", {"a": "a.png"})
    original = store.write

    async def failing(pack, path, data):
        if path == "pack.json":
            raise OSError("disk full")
        await original(pack, path, data)

    store.write = failing
    with pytest.raises(OSError):
        await uc.add_file(ctx, "cats", uc.Upload("b.png", PNG), None, None)
    assert sorted(store._packs["cats"]) == ["a.png", "pack.json"]
    with pytest.raises(OSError):
        await uc.rename_file(ctx, "cats", "a", "a2", "moved/a2.png", False)
    assert sorted(store._packs["cats"]) == ["a.png", "pack.json"]


async def test_an_upload_past_the_limit_is_refused(ctx, store):
    put_pack(store, "cats", {})
    with pytest.raises(TooLarge):
        await uc.add_file(ctx, "cats", uc.Upload("big.png", PNG + b"\x00" * 1000), None, None)


# --- other instances ---


def shareable(http, root=REMOTE, features=("shareable_emoji_packs",)):
    http.json(f"{root}/.well-known/nodeinfo", {"links": [{"rel": "x", "href": f"{root}/nodeinfo/2.0"}]})
    http.json(f"{root}/nodeinfo/2.0", {"metadata": {"features": list(features)}})


def remote_pack(http, name, info, prefix="/api/v1/pleroma"):
    http.json(f"{REMOTE}{prefix}/emoji/pack?name={name}&page=1&page_size=100", info)


async def download(ctx, name, as_name=None, url=REMOTE):
    started = await uc.start_download(ctx, url, name, as_name)
    while await run_next(
        ctx.stores.jobs, ctx.clock, {rules.DOWNLOAD_JOB: _handler(ctx)}, timedelta(minutes=1)
    ):
        pass
    return await uc.await_download(ctx, started)


def _handler(ctx):
    async def handle(payload):
        await uc.run_download(ctx, payload)

    return handle


async def test_a_remote_without_the_feature_is_refused(ctx, http):
    shareable(http, features=("pleroma_api",))
    with pytest.raises(InvalidInput, match=rules.NOT_SHAREABLE):
        await uc.remote_packs(ctx, REMOTE, 1, 50)
    with pytest.raises(InvalidInput, match=rules.NOT_SHAREABLE):
        await uc.start_download(ctx, REMOTE, "cats", None)


async def test_a_remote_without_nodeinfo_is_refused(ctx, http):
    with pytest.raises(InvalidInput, match=rules.NOT_SHAREABLE):
        await uc.remote_packs(ctx, REMOTE, 1, 50)


async def test_an_unreachable_remote_is_a_remote_failure(ctx, http):
    http.answers[f"{REMOTE}/.well-known/nodeinfo"] = FetchFailed("connection refused")
    with pytest.raises(RemoteFailed, match="connection refused"):
        await uc.remote_packs(ctx, REMOTE, 1, 50)


async def test_a_refused_address_is_bad_input(ctx, http):
    http.answers[f"{REMOTE}/.well-known/nodeinfo"] = FetchFailed("private address", refused=True)
    with pytest.raises(InvalidInput, match="private address"):
        await uc.remote_packs(ctx, REMOTE, 1, 50)


async def test_the_remote_list_falls_back_to_the_older_path(ctx, http):
    shareable(http)
    http.json(f"{REMOTE}/api/pleroma/emoji/packs?page=2&page_size=5", {"packs": {}, "count": 0})
    assert await uc.remote_packs(ctx, REMOTE + "/some/path", 2, 5) == {"packs": {}, "count": 0}


async def test_a_shared_remote_pack_is_downloaded_checked_and_installed(ctx, http, store):
    shareable(http)
    manifest = rules.encode_manifest(
        {"a": "a.png", "b": "sub/b.png"}, {"license": "CC0", "share-files": True}
    )
    archive = rules.build_archive(manifest, [("a.png", PNG), ("sub/b.png", PNG)])
    info = {"pack": {"can-download": True, "download-sha256": rules.sha256_hex(archive)}, "files": {}}
    remote_pack(http, "cats", info)
    http.raw(f"{REMOTE}/api/v1/pleroma/emoji/packs/archive?name=cats", archive)
    assert await download(ctx, "cats", "kittens") is True
    page = await uc.show_pack(ctx, "kittens", 1, 30)
    assert dict(page.files) == {"a": "a.png", "b": "sub/b.png"}
    assert page.pack.metadata == {"license": "CC0", "share-files": True}
    assert await uc.emoji_file(ctx, "kittens", "sub/b.png") == PNG


async def test_a_wrong_sha256_installs_nothing(ctx, http, store):
    shareable(http)
    archive = rules.build_archive(rules.encode_manifest({"a": "a.png"}, {}), [("a.png", PNG)])
    remote_pack(http, "cats", {"pack": {"can-download": True, "download-sha256": "00" * 32}})
    http.raw(f"{REMOTE}/api/v1/pleroma/emoji/packs/archive?name=cats", archive)
    with pytest.raises(RemoteFailed, match=rules.SHA_MISMATCH):
        await download(ctx, "cats")
    assert await store.scan() == {}
    assert store._staging == {}


async def test_a_pack_neither_shared_nor_with_a_fallback_is_refused(ctx, http):
    shareable(http)
    remote_pack(http, "cats", {"pack": {"can-download": False}, "files": {}})
    with pytest.raises(InvalidInput, match=rules.NO_SOURCE):
        await uc.start_download(ctx, REMOTE, "cats", None)


async def test_a_fallback_archive_is_used_with_the_listed_files(ctx, http):
    shareable(http)
    archive = rules.build_archive(None, [("a.png", PNG), ("extra.png", PNG)])
    info = {
        "files": {"a": "a.png"},
        "pack": {
            "can-download": False,
            "fallback-src": "https://files.example/cats.zip",
            "fallback-src-sha256": rules.sha256_hex(archive),
        },
    }
    remote_pack(http, "cats", info)
    http.raw("https://files.example/cats.zip", archive)
    assert await download(ctx, "cats") is True
    page = await uc.show_pack(ctx, "cats", 1, 30)
    assert dict(page.files) == {"a": "a.png"}
    assert page.pack.metadata["fallback-src"] == "https://files.example/cats.zip"


async def test_a_fallback_archive_missing_files_installs_nothing(ctx, http, store):
    shareable(http)
    archive = rules.build_archive(None, [("a.png", PNG)])
    info = {
        "files": {"a": "a.png", "b": "b.png"},
        "pack": {
            "fallback-src": "https://files.example/c.zip",
            "fallback-src-sha256": rules.sha256_hex(archive),
        },
    }
    remote_pack(http, "cats", info)
    http.raw("https://files.example/c.zip", archive)
    with pytest.raises(RemoteFailed, match=rules.FALLBACK_INCOMPLETE):
        await download(ctx, "cats")
    assert await store.scan() == {}


async def test_an_archive_with_a_non_image_installs_nothing(ctx, http, store):
    shareable(http)
    manifest = rules.encode_manifest({"a": "a.png"}, {})
    archive = rules.build_archive(manifest, [("a.png", b"<svg onload=alert(1)>")])
    remote_pack(http, "cats", {"pack": {"can-download": True, "download-sha256": rules.sha256_hex(archive)}})
    http.raw(f"{REMOTE}/api/v1/pleroma/emoji/packs/archive?name=cats", archive)
    with pytest.raises(RemoteFailed, match="not a png"):
        await download(ctx, "cats")
    assert await store.scan() == {}


async def test_downloading_onto_an_existing_name_is_a_conflict(ctx, store):
    put_pack(store, "cats", {})
    with pytest.raises(Conflict, match='A pack named "cats" already exists'):
        await uc.start_download(ctx, REMOTE, "cats", None)


async def test_a_job_that_ran_elsewhere_reports_through_its_row(ctx, http):
    shareable(http)
    remote_pack(http, "cats", {"pack": {"can-download": True, "download-sha256": "00"}})
    http.raw(f"{REMOTE}/api/v1/pleroma/emoji/packs/archive?name=cats", b"PK\x05\x06" + b"\x00" * 18)
    started = await uc.start_download(ctx, REMOTE, "cats", None)
    ctx.emoji._waiters.clear()  # as if another process ran it: nobody here is told
    await run_next(ctx.stores.jobs, ctx.clock, {rules.DOWNLOAD_JOB: _handler(ctx)}, timedelta(minutes=1))
    with pytest.raises(RemoteFailed, match=rules.SHA_MISMATCH):
        await uc.await_download(ctx, started)


class CoarseStampStore(MemoryEmojiStore):
    """A filesystem whose pack.json stamps do not change between two quick writes."""

    def _stamp(self, pack):
        self._stamps[pack] = 1


async def test_own_writes_show_even_when_the_stamp_does_not_change(clock, http):
    store = CoarseStampStore()
    limits = uc.PackLimits(upload_bytes=1000, archive=ArchiveLimits(100_000, 100))
    ctx = Context(
        stores=MemoryStores(),
        clock=clock,
        ids=SequentialIds(),
        secrets=TokenSecrets(),
        passwords=FakePasswords(),
        policy=InstancePolicy(),
        emoji=uc.EmojiPacks(store, http, clock, limits),
    )
    put_pack(store, "cats", {"a": "a.png"}, {"share-files": True})
    before = (await uc.show_pack(ctx, "cats", 1, 30)).sha256
    await uc.rename_file(ctx, "cats", "a", "b", "b.png", False)
    after = await uc.show_pack(ctx, "cats", 1, 30)
    assert dict(after.files) == {"b": "b.png"}
    assert after.sha256 != before
    assert set(await uc.custom_emoji(ctx)) == {"b"}
