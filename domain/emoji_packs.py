"""Custom emoji packs: names, shortcodes, pack.json, pages, archives and whether a pack may be shared.

A pack is a directory `<pack name>/` holding `pack.json` (`{"files": {shortcode: path}, "pack": {…}}`)
and the image files it lists. Everything here is pure: bytes in, values out.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import unicodedata
import zipfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar
from urllib.parse import quote, unquote, urlsplit

from .errors import Conflict, DomainError, Forbidden, InvalidInput, NotFound, Unprocessable

T = TypeVar("T")

MANIFEST = "pack.json"
LEGACY_LIST = "emoji.txt"
DOWNLOAD_JOB = "emoji_pack_download"
# Stored names: lowercase extension → the type served. SVG is refused (it can carry scripts).
IMAGE_EXTENSIONS = {
    ".png": "image/png",
    ".gif": "image/gif",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".webp": "image/webp",
}
EXTENSION_OF = {"image/png": ".png", "image/gif": ".gif", "image/jpeg": ".jpg", "image/webp": ".webp"}
METADATA_TEXT = ("license", "homepage", "description", "fallback-src", "fallback-src-sha256")
METADATA_URLS = ("homepage", "fallback-src")
SHARE_FILES = "share-files"
COMPUTED = ("can-download", "download-sha256")

_SHORTCODE = re.compile(r"[\w+\-.]{1,100}")
_IN_TEXT = re.compile(r":([\w+\-.]{1,100}):")
_MAX_SEGMENT_BYTES = 255
_MAX_PATH_CHARS = 1024
_MAX_DEPTH = 8
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)

# The reference's texts.
EMPTY_PACK_NAME = "pack name cannot be empty"
EMPTY_FILE_VALUES = "pack name, shortcode or filename cannot be empty"
EMPTY_RENAME_VALUES = "new_shortcode or new_filename cannot be empty"
EMPTY_DELETE_VALUES = "pack name or shortcode cannot be empty"
NOT_SHAREABLE = "The requested instance does not support sharing emoji packs"
SHA_MISMATCH = "SHA256 for the pack doesn't match the one sent by the server"
NO_SOURCE = "The pack was not set as shared and there is no fallback src to download from"
FALLBACK_INCOMPLETE = "The fallback archive does not have all files specified in pack.json"
# plerome's own texts.
BAD_PACK_NAME = "pack name must be a single path segment, not hidden, without control characters"
NOT_AN_IMAGE = "The file must be a png, gif, jpeg or webp image, or a zip of them"


class RemoteFailed(DomainError):
    """Another server could not be reached or answered something unusable (the HTTP edge answers 502)."""


def pack_does_not_exist(name: str) -> NotFound:
    return NotFound(f"Pack {name} does not exist")


def pack_not_found(name: str) -> NotFound:
    """The files endpoints' wording of the same fault."""
    return NotFound(f'pack "{name}" is not found')


def pack_exists(name: str) -> Conflict:
    return Conflict(f'A pack named "{name}" already exists')


def shortcode_taken(shortcode: str) -> Conflict:
    return Conflict(f'An emoji with the "{shortcode}" shortcode already exists')


def new_shortcode_taken(shortcode: str) -> Conflict:
    return Conflict(
        f"New shortcode \"{shortcode}\" is already used. If you want to override emoji use 'force' option"
    )


def file_taken(filename: str) -> Conflict:
    return Conflict(f'The file name "{filename}" is already used by another emoji of this pack')


def no_such_emoji(shortcode: str) -> InvalidInput:
    return InvalidInput(f'Emoji "{shortcode}" does not exist')


def not_downloadable(name: str) -> Forbidden:
    return Forbidden(
        f"Pack {name} cannot be downloaded from this instance, either pack sharing was disabled for this"
        " pack or some files are missing"
    )


# --- names --------------------------------------------------------------------------------------------


def _has_control(text: str) -> bool:
    return any(unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co") for ch in text)


def _is_segment(part: str) -> bool:
    return (
        bool(part)
        and part not in (".", "..")
        and not part.startswith(".")
        and "/" not in part
        and "\\" not in part
        and not _has_control(part)
        and part == part.strip()
        and len(part.encode("utf-8", "surrogatepass")) <= _MAX_SEGMENT_BYTES
    )


def is_pack_name(name: str) -> bool:
    """A single, visible path segment: dot-names are kept for staging and never listed."""
    return _is_segment(name)


def pack_name(raw: str) -> str:
    """The trimmed pack name, or InvalidInput with the reference's text."""
    name = raw.strip()
    if not name:
        raise InvalidInput(EMPTY_PACK_NAME)
    if not is_pack_name(name):
        raise InvalidInput(BAD_PACK_NAME)
    return name


def is_shortcode(shortcode: str) -> bool:
    return _SHORTCODE.fullmatch(shortcode) is not None


def check_shortcode(shortcode: str) -> str:
    if not is_shortcode(shortcode):
        raise InvalidInput(
            f'Invalid shortcode "{shortcode}": use letters, digits, "_", "-", "+" or "." (at most 100)'
        )
    return shortcode


def safe_path(path: str) -> str | None:
    """`path` as a relative path inside a pack (`a.png`, `sub/a.png`), or None when it could leave the
    pack directory, is hidden, or is not a plain name (absolute, `..`, backslashes, control characters)."""
    if not path or len(path) > _MAX_PATH_CHARS or path.startswith("/"):
        return None
    parts = path.split("/")
    if len(parts) > _MAX_DEPTH or not all(_is_segment(p) for p in parts):
        return None
    if parts == [MANIFEST] or parts == [LEGACY_LIST]:
        return None
    return path


def check_filename(filename: str) -> str:
    """A file name for a new emoji: a safe relative path ending in an image extension."""
    path = safe_path(filename)
    if path is None:
        raise InvalidInput(f'Invalid file name "{filename}"')
    if extension(path) not in IMAGE_EXTENSIONS:
        raise InvalidInput(NOT_AN_IMAGE)
    return path


def extension(path: str) -> str:
    base = path.rsplit("/", 1)[-1]
    dot = base.rfind(".")
    return base[dot:].lower() if dot > 0 else ""


def shortcode_from(filename: str) -> str:
    """The default shortcode of a file: its base name without the extension."""
    base = filename.rsplit("/", 1)[-1]
    dot = base.rfind(".")
    return base[:dot] if dot > 0 else base


def filename_from_url(url: str) -> str:
    """The default file name of an emoji fetched from a URL: the last segment of its path."""
    return unquote(urlsplit(url).path.rsplit("/", 1)[-1])


def with_image_extension(filename: str, mime: str) -> str:
    """`filename`, given the extension of its image type when it has none."""
    return filename if extension(filename) else filename + EXTENSION_OF[mime]


def emoji_path(pack: str, filename: str) -> str:
    """Where the file is served, relative to the instance root: `/emoji/<pack>/<file>`."""
    return f"/emoji/{quote(pack, safe='')}/{quote(filename, safe='/')}"


# --- content -------------------------------------------------------------------------------------------


def image_type(data: bytes) -> str | None:
    """The image type of `data` read from its first bytes (never from a name), or None."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return "image/gif"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if len(data) >= 12 and data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return None


def is_zip(data: bytes) -> bool:
    return data[:4] in (b"PK\x03\x04", b"PK\x05\x06")


def sha256_hex(data: bytes) -> str:
    """Upper-case hex, as Pleroma writes `download-sha256` and `fallback-src-sha256`."""
    return hashlib.sha256(data).hexdigest().upper()


def same_sha256(expected: str, data: bytes) -> bool:
    return expected.strip().upper() == sha256_hex(data)


# --- pack.json -----------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Manifest:
    files: dict[str, str]
    metadata: dict[str, Any]
    dropped: tuple[str, ...] = ()  # shortcodes left out: unsafe path or unusable shortcode


def clean_files(raw: Mapping[Any, Any]) -> tuple[dict[str, str], tuple[str, ...]]:
    """The usable entries of a files map, sorted by shortcode, and the shortcodes left out."""
    files: dict[str, str] = {}
    dropped: list[str] = []
    for shortcode, path in raw.items():
        if (
            isinstance(shortcode, str)
            and isinstance(path, str)
            and is_shortcode(shortcode)
            and safe_path(path) is not None
        ):
            files[shortcode] = path
        else:
            dropped.append(str(shortcode))
    return dict(sorted(files.items())), tuple(dropped)


def parse_manifest(raw: bytes) -> Manifest:
    """A pack.json as written by Pleroma or plerome; InvalidInput when it is not one at all."""
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise InvalidInput("pack.json is not valid JSON") from None
    if not isinstance(data, dict):
        raise InvalidInput("pack.json must hold an object")
    raw_files = {} if data.get("files") is None else data["files"]
    metadata = {} if data.get("pack") is None else data["pack"]
    if not isinstance(raw_files, dict) or not isinstance(metadata, dict):
        raise InvalidInput('pack.json needs "files" and "pack" objects')
    files, dropped = clean_files(raw_files)
    stored = {k: v for k, v in metadata.items() if isinstance(k, str) and k not in COMPUTED}
    return Manifest(files=files, metadata=stored, dropped=dropped)


def encode_manifest(files: Mapping[str, str], metadata: Mapping[str, Any]) -> bytes:
    body = {"files": dict(sorted(files.items())), "pack": dict(metadata)}
    return json.dumps(body, indent=2, ensure_ascii=False).encode("utf-8") + b"\n"


def _flag(value: Any, key: str) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "1", "on", "yes"):
        return True
    if isinstance(value, str) and value.strip().lower() in ("false", "0", "off", "no", ""):
        return False
    raise InvalidInput(f"Invalid value for metadata.{key}: expected a boolean")


def is_http_url(value: str) -> bool:
    parts = urlsplit(value)
    return parts.scheme in ("http", "https") and bool(parts.hostname)


def validate_metadata(raw: Mapping[str, Any]) -> dict[str, Any]:
    """New pack metadata (it replaces the old one wholesale): the known keys, type-checked."""
    out: dict[str, Any] = {}
    for key in METADATA_TEXT:
        value = raw.get(key)
        if value is None:
            continue
        if not isinstance(value, str):
            raise InvalidInput(f"Invalid value for metadata.{key}: expected a string")
        if key in METADATA_URLS and value and not is_http_url(value):
            raise InvalidInput(f"Invalid value for metadata.{key}: expected an http(s) URL")
        if value:
            out[key] = value
    if raw.get(SHARE_FILES) is not None:
        out[SHARE_FILES] = _flag(raw[SHARE_FILES], SHARE_FILES)
    return out


def parse_emoji_txt(text: str, pack: str) -> dict[str, str]:
    """The files map of a legacy `emoji.txt` (`shortcode, file[, tags…]` per line).

    Files were often written as served paths (`/emoji/<pack>/blob.png`); those become relative to the
    pack. Unusable lines are skipped.
    """
    files: dict[str, str] = {}
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        parts = re.split(r",\s*", line)
        if len(parts) < 2:
            continue
        shortcode, path = parts[0].strip(), parts[1].strip()
        if path.startswith("/"):
            marker = f"/{pack}/"
            at = path.rfind(marker)
            path = path[at + len(marker) :] if at >= 0 else path.lstrip("/")
        if is_shortcode(shortcode) and safe_path(path) is not None and shortcode not in files:
            files[shortcode] = path
    return dict(sorted(files.items()))


def files_from_images(paths: Iterable[str]) -> dict[str, str]:
    """A files map for a directory of images: shortcode = base name; the first path (sorted) wins."""
    files: dict[str, str] = {}
    for path in sorted(paths):
        if safe_path(path) is None or extension(path) not in IMAGE_EXTENSIONS:
            continue
        shortcode = shortcode_from(path)
        if is_shortcode(shortcode) and shortcode not in files:
            files[shortcode] = path
    return dict(sorted(files.items()))


# --- the loaded catalogue ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Pack:
    name: str
    files: Mapping[str, str]  # shortcode → path, sorted by shortcode
    metadata: Mapping[str, Any]
    complete: bool  # every listed file exists
    stamp: str = ""  # changes whenever pack.json does
    shortcodes: tuple[str, ...] = field(init=False)
    paths: frozenset[str] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "shortcodes", tuple(self.files))
        object.__setattr__(self, "paths", frozenset(self.files.values()))

    @property
    def shared(self) -> bool:
        return self.metadata.get(SHARE_FILES) is True

    @property
    def can_download(self) -> bool:
        """Pleroma's rule: shared, and no listed file is missing."""
        return self.shared and self.complete


@dataclass(frozen=True, slots=True)
class CustomEmoji:
    shortcode: str
    pack: str
    filename: str

    @property
    def path(self) -> str:
        return emoji_path(self.pack, self.filename)


@dataclass(frozen=True, slots=True)
class Catalog:
    packs: Mapping[str, Pack]  # by name, sorted
    emoji: Mapping[str, CustomEmoji]  # by shortcode, sorted; the pack sorting first wins a shortcode

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(self.packs)


def build_catalog(packs: Iterable[Pack]) -> Catalog:
    by_name = {p.name: p for p in sorted(packs, key=lambda p: p.name)}
    emoji: dict[str, CustomEmoji] = {}
    for pack in by_name.values():
        for shortcode, path in pack.files.items():
            emoji.setdefault(shortcode, CustomEmoji(shortcode, pack.name, path))
    return Catalog(packs=by_name, emoji=dict(sorted(emoji.items())))


def paginate(items: Sequence[T], page: int, page_size: int) -> Sequence[T]:
    """Page `page` (from 1) of `page_size` items; past the end, nothing."""
    start = (page - 1) * page_size
    return items[start : start + page_size]


def pack_view(pack: Pack, sha256: str | None) -> dict[str, Any]:
    """The `pack` object answered for a pack: its metadata plus the computed download keys."""
    view = dict(pack.metadata)
    view["can-download"] = pack.can_download
    if pack.can_download and sha256:
        view["download-sha256"] = sha256
    return view


# --- archives ------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ArchiveLimits:
    max_bytes: int  # total unpacked size
    max_entries: int


def build_archive(manifest: bytes | None, files: Iterable[tuple[str, bytes]]) -> bytes:
    """A zip of the pack that is the same bytes for the same content (fixed times, order and modes),
    so its SHA-256 can be published and checked by whoever downloads it."""
    entries = sorted(files)
    if manifest is not None:
        entries.insert(0, (MANIFEST, manifest))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        for name, data in entries:
            info = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3
            info.external_attr = 0o644 << 16
            zf.writestr(info, data, compresslevel=6)
    return out.getvalue()


def member_path(name: str) -> str | None:
    """The path an archive member may be written to; None for directories; InvalidInput when the name
    tries to leave the pack (absolute, `..`, backslashes, drive letters)."""
    if name.endswith("/"):
        return None
    if (
        name.startswith(("/", "\\"))
        or "\\" in name
        or "\x00" in name
        or re.match(r"[A-Za-z]:", name)
        or any(part in ("..", ".") for part in name.split("/"))
    ):
        raise InvalidInput(f'The archive holds an unsafe file name "{name}"')
    return name


def _open_zip(data: bytes, limits: ArchiveLimits) -> zipfile.ZipFile:
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError):
        raise InvalidInput("The archive is not a valid zip file") from None
    if len(zf.infolist()) > limits.max_entries:
        zf.close()
        raise InvalidInput(f"The archive holds more than {limits.max_entries} files")
    return zf


def archive_names(data: bytes, limits: ArchiveLimits) -> set[str]:
    """The file names in a zip, without unpacking it (refused like `unpack` for unsafe names)."""
    with _open_zip(data, limits) as zf:
        return {p for info in zf.infolist() if (p := member_path(info.filename)) is not None}


def unpack(data: bytes, limits: ArchiveLimits, keep: Callable[[str], bool]) -> dict[str, bytes]:
    """The members of a zip that `keep` wants, by name, within the limits.

    Refuses (InvalidInput) a broken or encrypted archive, an unsafe member name, more entries than
    allowed, or more unpacked bytes than allowed — sizes are counted while inflating, not trusted from
    the archive's headers.
    """
    with _open_zip(data, limits) as zf:
        infos = zf.infolist()
        out: dict[str, bytes] = {}
        budget = limits.max_bytes
        for info in infos:
            path = member_path(info.filename)
            if path is None or not keep(path) or path in out:
                continue
            if info.flag_bits & 0x1:
                raise InvalidInput("The archive is encrypted")
            if info.compress_type not in _READABLE_COMPRESSION:
                raise InvalidInput("The archive uses a compression method that is not supported")
            if info.file_size > budget:
                raise InvalidInput("The archive unpacks to more than the allowed size")
            try:
                with zf.open(info) as member:
                    content = member.read(budget + 1)
            except (zipfile.BadZipFile, OSError, EOFError):
                raise InvalidInput("The archive is not a valid zip file") from None
            if len(content) > budget:
                raise InvalidInput("The archive unpacks to more than the allowed size")
            budget -= len(content)
            out[path] = content
        return out


_READABLE_COMPRESSION = {zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA}


def is_bulk_member(path: str) -> bool:
    """Members of an uploaded zip that may become emoji: visible image files."""
    return safe_path(path) is not None and extension(path) in IMAGE_EXTENSIONS


def empty_values(*values: str | None) -> bool:
    return any(v is None or not v.strip() for v in values)


def require_values(message: str, *values: str | None) -> None:
    if empty_values(*values):
        raise Unprocessable(message)


def shortcodes_in(text: str) -> list[str]:
    """The `:shortcode:`s written in a text, in order, once each (whether or not such emoji exist)."""
    return list(dict.fromkeys(m.group(1) for m in _IN_TEXT.finditer(text)))
