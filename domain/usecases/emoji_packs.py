"""Custom emoji packs: the catalogue cached in memory, managing packs and their files, and sharing packs
with other instances (a download runs as a background job, so a crash leaves no half pack)."""

from __future__ import annotations

import asyncio
import json
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlencode, urlsplit

from plerome.domain import emoji_packs as rules
from plerome.domain.emoji_packs import (
    MANIFEST,
    ArchiveLimits,
    Catalog,
    CustomEmoji,
    Manifest,
    Pack,
    RemoteFailed,
)
from plerome.domain.errors import Conflict, DomainError, InvalidInput, NotFound, TooLarge
from plerome.domain.jobs import Job
from plerome.ports.clock import Clock
from plerome.ports.emoji_store import EmojiStore
from plerome.ports.http_client import Fetched, FetchFailed, HttpClient

from .jobs import enqueue

if TYPE_CHECKING:
    from .context import Context

JSON_LIMIT = 8 * 1024 * 1024  # a remote's JSON answers (a pack's file list can be long)
STALE_STAGING_SECONDS = 24 * 3600
PACK_API_PREFIXES = ("/api/v1/pleroma", "/api/pleroma")  # newer spelling first, then Pleroma 2.x


@dataclass(frozen=True, slots=True)
class PackLimits:
    upload_bytes: int  # one emoji file, or one uploaded zip
    archive: ArchiveLimits  # a pack archive: downloaded size, unpacked size and entries
    recheck_seconds: float = 2.0  # how often the directory is looked at for changes made by others
    download_wait_seconds: float = 120.0  # how long the download route waits for its job


@dataclass(frozen=True, slots=True)
class Upload:
    filename: str
    data: bytes


@dataclass(frozen=True, slots=True)
class PackPage:
    pack: Pack
    files: Mapping[str, str]  # the requested page of the files map (all of it in pack lists)
    sha256: str | None


@dataclass(frozen=True, slots=True)
class DownloadStarted:
    job: Job
    token: str


class EmojiPacks:
    """One app's emoji packs: the store, outgoing HTTP, and the catalogue cached in memory.

    The catalogue is rebuilt after this app's own writes, and when a look at the directory (pack.json
    stamps, at most every `recheck_seconds`) shows another process changed it — so listing packs and
    pages reads nothing from disk per request.
    """

    def __init__(self, store: EmojiStore, http: HttpClient, clock: Clock, limits: PackLimits) -> None:
        self.store = store
        self.http = http
        self.limits = limits
        self._clock = clock
        self._catalog: Catalog | None = None
        self._checked_at: datetime | None = None
        self._stale = True
        self._refresh = asyncio.Lock()
        self.writing = asyncio.Lock()  # one read-modify-write of a pack at a time
        self._dirty: set[str] = set()
        self._sha: dict[str, tuple[Pack, str]] = {}  # pack name → (the loaded pack hashed, its hash)
        self._waiters: dict[str, asyncio.Future[Exception | None]] = {}

    # --- the catalogue -----------------------------------------------------------------------------

    def _fresh(self) -> bool:
        if self._catalog is None or self._stale or self._checked_at is None:
            return False
        age = (self._clock.now() - self._checked_at).total_seconds()
        return 0 <= age < self.limits.recheck_seconds

    async def catalog(self) -> Catalog:
        if self._fresh():
            assert self._catalog is not None
            return self._catalog
        async with self._refresh:
            if not self._fresh():
                await self._rebuild()
            assert self._catalog is not None
            return self._catalog

    async def _rebuild(self) -> None:
        # Taken first: a write landing while this runs marks the catalogue stale again.
        dirty, self._dirty, self._stale = self._dirty, set(), False
        checked_at = self._clock.now()
        stamps = {
            n: s for n, s in (await self.store.scan()).items() if s is not None and rules.is_pack_name(n)
        }
        old = self._catalog.packs if self._catalog is not None else {}
        unchanged = {n: p for n, p in old.items() if stamps.get(n) == p.stamp and n not in dirty}
        if self._catalog is None or not len(unchanged) == len(stamps) == len(old):
            packs = list(unchanged.values())
            for name, stamp in stamps.items():
                if name not in unchanged and (loaded := await self._load(name, stamp)) is not None:
                    packs.append(loaded)
            self._catalog = rules.build_catalog(packs)
        self._checked_at = checked_at

    async def _load(self, name: str, stamp: str) -> Pack | None:
        raw = await self.store.read(name, MANIFEST)
        if raw is None:
            return None
        try:
            manifest = rules.parse_manifest(raw)
        except InvalidInput:
            return None  # a broken pack.json: the pack is left out until it is fixed
        present = set(await self.store.files(name))
        complete = all(path in present for path in manifest.files.values())
        return Pack(name, manifest.files, manifest.metadata, complete, stamp)

    def invalidate(self, pack: str) -> None:
        """This app changed (or made, or removed) `pack`: the next read loads it again."""
        self._dirty.add(pack)
        self._stale = True

    async def pack(self, name: str) -> Pack | None:
        return (await self.catalog()).packs.get(name)

    async def download_sha256(self, pack: Pack) -> str | None:
        """The SHA-256 of the pack's archive when it can be downloaded (computed once per pack.json)."""
        if not pack.can_download:
            return None
        hit = self._sha.get(pack.name)
        if hit is None or hit[0] is not pack:  # a reloaded pack is a new object
            hit = (pack, rules.sha256_hex(await self.archive_of(pack)))
            self._sha[pack.name] = hit
        return hit[1]

    async def archive_of(self, pack: Pack) -> bytes:
        manifest = await self.store.read(pack.name, MANIFEST)
        paths = sorted(pack.paths)
        files = await self.store.read_many(pack.name, paths)
        return rules.build_archive(manifest, sorted(files.items()))

    # --- waiting for a download job ------------------------------------------------------------------

    def _expect(self, token: str) -> None:
        self._waiters[token] = asyncio.get_running_loop().create_future()

    def _finished(self, token: str, error: Exception | None) -> None:
        waiter = self._waiters.get(token)
        if waiter is not None and not waiter.done():
            waiter.set_result(error)

    async def _wait(self, ctx: Context, started: DownloadStarted, timeout: float) -> bool:
        """True when the job finished well; raises its error; False when it is still running."""
        waiter = self._waiters.get(started.token)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        try:
            while (remaining := deadline - loop.time()) > 0:
                if waiter is not None:
                    # The job usually runs in this process and says so at once; the job's row tells
                    # when a worker of another process ran it.
                    await asyncio.wait({waiter}, timeout=min(remaining, 0.5))
                    if waiter.done():
                        error = waiter.result()
                        if error is not None:
                            raise error
                        return True
                job = await ctx.stores.jobs.get(started.job.id)
                if job is not None and job.state == "done":
                    return True
                if job is not None and job.state == "failed":
                    raise _error_from_job(job.last_error or "")
                if waiter is None:
                    await asyncio.sleep(min(remaining, 0.5))
            return False
        finally:
            self._waiters.pop(started.token, None)


def _packs(ctx: Context) -> EmojiPacks:
    if ctx.emoji is None:
        raise RuntimeError("custom emoji are not configured for this app")
    return ctx.emoji


_JOB_ERRORS: dict[str, type[DomainError]] = {
    "InvalidInput": InvalidInput,
    "Conflict": Conflict,
    "NotFound": NotFound,
    "TooLarge": TooLarge,
}


def _error_from_job(last_error: str) -> DomainError:
    kind, _, message = last_error.partition(": ")
    return _JOB_ERRORS.get(kind, RemoteFailed)(message or last_error)


# --- reading -------------------------------------------------------------------------------------------


async def custom_emoji(ctx: Context) -> Mapping[str, CustomEmoji]:
    """Every custom emoji of the instance by shortcode (→ pack and file); for statuses and the emoji lists.
    Where packs repeat a shortcode, the pack whose name sorts first has it."""
    if ctx.emoji is None:
        return {}
    return (await ctx.emoji.catalog()).emoji


async def list_packs(ctx: Context, page: int, page_size: int) -> tuple[list[PackPage], int]:
    """A page of packs sorted by name, each with all its files; and how many packs there are."""
    packs = _packs(ctx)
    catalog = await packs.catalog()
    out = []
    for name in rules.paginate(catalog.names, page, page_size):
        pack = catalog.packs[name]
        out.append(PackPage(pack, pack.files, await packs.download_sha256(pack)))
    return out, len(catalog.packs)


async def show_pack(ctx: Context, name: str, page: int, page_size: int) -> PackPage:
    packs = _packs(ctx)
    name = rules.pack_name(name)
    pack = await packs.pack(name)
    if pack is None:
        raise rules.pack_does_not_exist(name)
    shortcodes = rules.paginate(pack.shortcodes, page, page_size)
    return PackPage(pack, {s: pack.files[s] for s in shortcodes}, await packs.download_sha256(pack))


async def pack_archive(ctx: Context, name: str) -> bytes:
    packs = _packs(ctx)
    name = rules.pack_name(name)
    pack = await packs.pack(name)
    if pack is None:
        raise rules.pack_does_not_exist(name)
    if not pack.can_download:
        raise rules.not_downloadable(name)
    return await packs.archive_of(pack)


async def emoji_file(ctx: Context, pack_name: str, path: str) -> bytes:
    """The bytes of a file that a pack lists (nothing else in the directory is served)."""
    packs = _packs(ctx)
    pack = await packs.pack(pack_name)
    if pack is None or path not in pack.paths:
        raise NotFound()
    data = await packs.store.read(pack_name, path)
    if data is None:
        raise NotFound()
    return data


# --- managing packs ------------------------------------------------------------------------------------


def _token() -> str:
    return secrets.token_hex(12)


async def _taken(packs: EmojiPacks, name: str) -> bool:
    return name in await packs.store.scan()


async def create_pack(ctx: Context, name: str) -> None:
    packs = _packs(ctx)
    name = rules.pack_name(name)
    async with packs.writing:
        if await _taken(packs, name):
            raise rules.pack_exists(name)
        token = _token()
        await packs.store.stage(token)
        try:
            await packs.store.stage_write(token, MANIFEST, rules.encode_manifest({}, {}))
        except BaseException:
            await packs.store.discard(token)
            raise
        published = await packs.store.publish(token, name)
        packs.invalidate(name)
    if not published:
        raise rules.pack_exists(name)


async def delete_pack(ctx: Context, name: str) -> None:
    packs = _packs(ctx)
    name = rules.pack_name(name)
    async with packs.writing:
        if await packs.pack(name) is None:
            raise rules.pack_does_not_exist(name)
        await packs.store.delete_pack(name)
        packs.invalidate(name)


async def _save(packs: EmojiPacks, name: str, files: Mapping[str, str], metadata: Mapping[str, Any]) -> None:
    await packs.store.write(name, MANIFEST, rules.encode_manifest(files, metadata))
    packs.invalidate(name)


async def update_metadata(ctx: Context, name: str, metadata: Mapping[str, Any]) -> dict[str, Any]:
    """Replace a pack's metadata. A new `fallback-src` is fetched, checked to hold every file of the
    pack, and its SHA-256 recorded."""
    packs = _packs(ctx)
    name = rules.pack_name(name)
    new = rules.validate_metadata(metadata)
    pack = await packs.pack(name)
    if pack is None:
        raise rules.pack_does_not_exist(name)
    fallback = new.get("fallback-src")
    if fallback and fallback != pack.metadata.get("fallback-src"):
        data = await _fetch_ok(packs, fallback, packs.limits.archive.max_bytes, "application/zip")
        if not pack.paths <= rules.archive_names(data, packs.limits.archive):
            raise InvalidInput(rules.FALLBACK_INCOMPLETE)
        new["fallback-src-sha256"] = rules.sha256_hex(data)
    async with packs.writing:
        current = await packs.pack(name)
        if current is None:
            raise rules.pack_does_not_exist(name)
        await _save(packs, name, current.files, new)
    return new


async def import_packs(ctx: Context) -> list[str]:
    """Give a pack.json to every directory dropped into the emoji directory without one, from its
    legacy `emoji.txt` or else from the images in it. The names of the packs made."""
    packs = _packs(ctx)
    made = []
    async with packs.writing:
        await packs.store.sweep(STALE_STAGING_SECONDS)
        for name, stamp in sorted((await packs.store.scan()).items()):
            if stamp is not None or not rules.is_pack_name(name):
                continue
            legacy = await packs.store.read(name, rules.LEGACY_LIST)
            if legacy is not None:
                files = rules.parse_emoji_txt(legacy.decode("utf-8", "replace"), name)
            else:
                files = rules.files_from_images(await packs.store.files(name))
            await _save(packs, name, files, {})
            made.append(name)
    return made


# --- files of a pack -----------------------------------------------------------------------------------


async def _pack_for_files(packs: EmojiPacks, name: str) -> Pack:
    if not rules.is_pack_name(name):
        raise InvalidInput(rules.BAD_PACK_NAME)
    pack = await packs.pack(name)
    if pack is None:
        raise rules.pack_not_found(name)
    return pack


async def _source_bytes(packs: EmojiPacks, source: Upload | str) -> Upload:
    if isinstance(source, Upload):
        data, filename = source.data, source.filename
    else:
        url = source.strip()
        data = await _fetch_ok(packs, url, packs.limits.upload_bytes, "image/*, application/zip")
        filename = rules.filename_from_url(url)
    if len(data) > packs.limits.upload_bytes:
        raise TooLarge("File is too large")
    return Upload(filename, data)


async def add_file(
    ctx: Context, name: str, source: Upload | str, shortcode: str | None, filename: str | None
) -> dict[str, str]:
    """Add an image (uploaded or fetched from a URL) to a pack, or every new emoji of a zip of images.
    The whole files map of the pack."""
    packs = _packs(ctx)
    name = name.strip()
    rules.require_values(rules.EMPTY_FILE_VALUES, name)
    await _pack_for_files(packs, name)
    upload = await _source_bytes(packs, source)
    if rules.is_zip(upload.data):
        return await _add_archive(packs, name, upload.data)
    mime = rules.image_type(upload.data)
    if mime is None:
        raise InvalidInput(rules.NOT_AN_IMAGE)
    filename = upload.filename if filename is None else filename.strip()
    shortcode = rules.shortcode_from(filename) if shortcode is None else shortcode.strip()
    rules.require_values(rules.EMPTY_FILE_VALUES, shortcode, filename)
    filename = rules.check_filename(rules.with_image_extension(filename, mime))
    rules.check_shortcode(shortcode)
    async with packs.writing:
        pack = await _pack_for_files(packs, name)
        if shortcode in (await packs.catalog()).emoji:
            raise rules.shortcode_taken(shortcode)
        if filename in pack.paths:
            raise rules.file_taken(filename)
        files = {**pack.files, shortcode: filename}
        await packs.store.write(name, filename, upload.data)
        try:
            await _save(packs, name, files, pack.metadata)
        except BaseException:
            await packs.store.delete(name, filename)
            raise
    return dict(sorted(files.items()))


async def _add_archive(packs: EmojiPacks, name: str, data: bytes) -> dict[str, str]:
    members = rules.unpack(data, packs.limits.archive, rules.is_bulk_member)
    async with packs.writing:
        pack = await _pack_for_files(packs, name)
        taken = (await packs.catalog()).emoji
        files = dict(pack.files)
        new: dict[str, bytes] = {}
        for path, content in sorted(members.items()):
            shortcode = rules.shortcode_from(path)
            if (
                not rules.is_shortcode(shortcode)
                or shortcode in taken
                or shortcode in files
                or path in pack.paths
                or rules.image_type(content) is None
            ):
                continue
            files[shortcode] = path
            new[path] = content
        written = []
        try:
            for path, content in new.items():
                await packs.store.write(name, path, content)
                written.append(path)
            await _save(packs, name, files, pack.metadata)
        except BaseException:
            for path in written:
                await packs.store.delete(name, path)
            raise
    return dict(sorted(files.items()))


async def rename_file(
    ctx: Context, name: str, shortcode: str, new_shortcode: str, new_filename: str, force: bool
) -> dict[str, str]:
    packs = _packs(ctx)
    name = rules.pack_name(name)
    await _pack_for_files(packs, name)
    shortcode, new_shortcode, new_filename = shortcode.strip(), new_shortcode.strip(), new_filename.strip()
    rules.require_values(rules.EMPTY_RENAME_VALUES, new_shortcode, new_filename)
    async with packs.writing:
        pack = await _pack_for_files(packs, name)
        if shortcode not in pack.files:
            raise rules.no_such_emoji(shortcode)
        rules.check_shortcode(new_shortcode)
        new_filename = rules.check_filename(new_filename)
        if new_shortcode != shortcode and new_shortcode in (await packs.catalog()).emoji and not force:
            raise rules.new_shortcode_taken(new_shortcode)
        files = dict(pack.files)
        old_filename = files.pop(shortcode)
        replaced = files.pop(new_shortcode, None)
        if new_filename != old_filename and new_filename in files.values():
            raise rules.file_taken(new_filename)
        files[new_shortcode] = new_filename
        moved = new_filename != old_filename
        if moved:
            await packs.store.rename(name, old_filename, new_filename)
        try:
            await _save(packs, name, files, pack.metadata)
        except BaseException:
            if moved:
                await packs.store.rename(name, new_filename, old_filename)
            raise
        if replaced is not None and replaced not in files.values():
            await packs.store.delete(name, replaced)
    return dict(sorted(files.items()))


async def delete_file(ctx: Context, name: str, shortcode: str) -> dict[str, str]:
    packs = _packs(ctx)
    name, shortcode = name.strip(), shortcode.strip()
    rules.require_values(rules.EMPTY_DELETE_VALUES, name, shortcode)
    async with packs.writing:
        pack = await _pack_for_files(packs, name)
        if shortcode not in pack.files:
            raise rules.no_such_emoji(shortcode)
        files = dict(pack.files)
        filename = files.pop(shortcode)
        await _save(packs, name, files, pack.metadata)  # first: pack.json never lists a missing file
        if filename not in files.values():
            await packs.store.delete(name, filename)
    return files


# --- other instances -------------------------------------------------------------------------------------


def _instance_root(url: str) -> str:
    url = url.strip()
    if not rules.is_http_url(url):
        raise InvalidInput("Invalid value for url: expected an http(s) URL")
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


async def _fetch(packs: EmojiPacks, url: str, max_bytes: int, accept: str = "application/json") -> Fetched:
    try:
        return await packs.http.get(url, max_bytes=max_bytes, accept=accept)
    except FetchFailed as exc:
        if exc.refused:
            raise InvalidInput(f"Refused to fetch {url}: {exc.message}") from None
        if exc.too_large:
            raise TooLarge(f"Refused to fetch {url}: it is larger than {max_bytes} bytes") from None
        raise RemoteFailed(f"Could not fetch {url}: {exc.message}") from None


async def _fetch_ok(packs: EmojiPacks, url: str, max_bytes: int, accept: str) -> bytes:
    fetched = await _fetch(packs, url, max_bytes, accept)
    if fetched.status != 200:
        raise RemoteFailed(f"Could not fetch {url}: the server answered {fetched.status}")
    return bytes(fetched.body)


def _json_object(body: bytes) -> dict[str, Any] | None:
    try:
        value = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return None
    return value if isinstance(value, dict) else None


async def _get_json(packs: EmojiPacks, url: str) -> tuple[int, dict[str, Any] | None]:
    fetched = await _fetch(packs, url, JSON_LIMIT)
    if fetched.status >= 500:
        raise RemoteFailed(f"Could not fetch {url}: the server answered {fetched.status}")
    return fetched.status, _json_object(fetched.body) if fetched.status == 200 else None


async def _require_shareable(packs: EmojiPacks, root: str) -> None:
    """The remote's nodeinfo must list `shareable_emoji_packs`."""
    _, index = await _get_json(packs, f"{root}/.well-known/nodeinfo")
    links = index.get("links") if index else None
    hrefs = [
        link["href"]
        for link in (links if isinstance(links, list) else [])
        if isinstance(link, dict) and isinstance(link.get("href"), str)
    ]
    if not hrefs:
        raise InvalidInput(rules.NOT_SHAREABLE)
    _, nodeinfo = await _get_json(packs, hrefs[-1])
    metadata = nodeinfo.get("metadata") if nodeinfo else None
    features = metadata.get("features") if isinstance(metadata, dict) else None
    if not isinstance(features, list) or "shareable_emoji_packs" not in features:
        raise InvalidInput(rules.NOT_SHAREABLE)


async def _pack_api(packs: EmojiPacks, root: str, suffix: str) -> tuple[str, int, dict[str, Any] | None]:
    """GET a pack API path under whichever spelling the remote serves: (prefix, status, JSON)."""
    status, body = 404, None
    for prefix in PACK_API_PREFIXES:
        status, body = await _get_json(packs, f"{root}{prefix}{suffix}")
        if status != 404:
            return prefix, status, body
    return PACK_API_PREFIXES[0], status, body


async def remote_packs(ctx: Context, url: str, page: int, page_size: int) -> dict[str, Any]:
    """Another instance's pack list, as it answers it."""
    packs = _packs(ctx)
    root = _instance_root(url)
    await _require_shareable(packs, root)
    query = urlencode({"page": page, "page_size": page_size})
    _, status, body = await _pack_api(packs, root, f"/emoji/packs?{query}")
    if status != 200 or body is None:
        raise RemoteFailed(f"{root} did not answer its list of emoji packs (status {status})")
    return body


async def start_download(ctx: Context, url: str, name: str, as_name: str | None) -> DownloadStarted:
    """Check the remote and its pack, then queue the job that downloads and installs it."""
    packs = _packs(ctx)
    root = _instance_root(url)
    name = rules.pack_name(name)
    local = rules.pack_name(as_name) if as_name is not None and as_name.strip() else name
    if await _taken(packs, local):
        raise rules.pack_exists(local)
    await _require_shareable(packs, root)
    query = urlencode({"name": name, "page": 1, "page_size": packs.limits.archive.max_entries})
    prefix, status, info = await _pack_api(packs, root, f"/emoji/pack?{query}")
    if status == 404:
        raise rules.pack_does_not_exist(name)
    meta = info.get("pack") if info else None
    if status != 200 or info is None or not isinstance(meta, dict):
        raise RemoteFailed(f"{root} did not answer the emoji pack {name} (status {status})")
    payload: dict[str, Any] = {"token": _token(), "name": local}
    if meta.get("can-download") is True:
        payload["url"] = f"{root}{prefix}/emoji/packs/archive?name={quote(name, safe='')}"
        payload["sha256"] = str(meta.get("download-sha256") or "")
    elif isinstance(meta.get("fallback-src"), str) and rules.is_http_url(meta["fallback-src"]):
        listed = info.get("files")
        files, _ = rules.clean_files(listed if isinstance(listed, dict) else {})
        payload["url"] = meta["fallback-src"]
        payload["sha256"] = str(meta.get("fallback-src-sha256") or "")
        payload["fallback"] = {"files": files, "metadata": _stored_metadata(meta)}
    else:
        raise InvalidInput(rules.NO_SOURCE)
    packs._expect(payload["token"])  # before the job exists: a quick worker must find someone waiting
    try:
        job = await enqueue(ctx.stores.jobs, ctx.ids, ctx.clock, rules.DOWNLOAD_JOB, payload, max_attempts=1)
    except BaseException:
        packs._waiters.pop(payload["token"], None)
        raise
    return DownloadStarted(job, payload["token"])


async def await_download(ctx: Context, started: DownloadStarted) -> bool:
    """Wait for a queued download: True when installed; its error; False when still running."""
    packs = _packs(ctx)
    return await packs._wait(ctx, started, packs.limits.download_wait_seconds)


def _stored_metadata(meta: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in meta.items() if isinstance(k, str) and k not in rules.COMPUTED}


async def run_download(ctx: Context, payload: dict[str, Any]) -> None:
    """The job: fetch the archive, check its SHA-256, unpack it safely into a staging area and rename
    that into place. Safe to run again after a crash: the staging area is started afresh."""
    packs = _packs(ctx)
    token = str(payload["token"])
    try:
        await _install(packs, payload)
    except Exception as exc:  # told to the waiting request (a surprise becomes its 500), then recorded
        packs._finished(token, exc)
        raise
    packs._finished(token, None)


async def _install(packs: EmojiPacks, payload: Mapping[str, Any]) -> None:
    token, local, url = str(payload["token"]), rules.pack_name(str(payload["name"])), str(payload["url"])
    limits = packs.limits.archive
    await packs.store.discard(token)
    await packs.store.sweep(STALE_STAGING_SECONDS)
    data = await _fetch_ok(packs, url, limits.max_bytes, "application/zip")
    if not rules.same_sha256(str(payload.get("sha256", "")), data):
        raise RemoteFailed(rules.SHA_MISMATCH)
    fallback = payload.get("fallback")
    try:
        if isinstance(fallback, dict):
            files, _ = rules.clean_files(fallback.get("files") or {})
            manifest = Manifest(files, dict(fallback.get("metadata") or {}))
            incomplete = rules.FALLBACK_INCOMPLETE
        else:
            raw = rules.unpack(data, limits, lambda p: p == MANIFEST).get(MANIFEST)
            if raw is None:
                raise RemoteFailed("The pack archive has no pack.json")
            manifest = rules.parse_manifest(raw)
            incomplete = "The pack archive does not have all files specified in pack.json"
        wanted = set(manifest.files.values())
        members = rules.unpack(data, limits, wanted.__contains__)
    except InvalidInput as exc:
        raise RemoteFailed(exc.message) from None
    if not wanted <= members.keys():
        raise RemoteFailed(incomplete)
    for path, content in members.items():
        if rules.image_type(content) is None:
            raise RemoteFailed(f'The pack file "{path}" is not a png, gif, jpeg or webp image')
    await packs.store.stage(token)
    try:
        for path, content in members.items():
            await packs.store.stage_write(token, path, content)
        metadata = _stored_metadata(manifest.metadata)
        await packs.store.stage_write(token, MANIFEST, rules.encode_manifest(manifest.files, metadata))
    except BaseException:
        await packs.store.discard(token)
        raise
    async with packs.writing:
        published = await packs.store.publish(token, local)
        packs.invalidate(local)
    if not published:
        raise rules.pack_exists(local)
