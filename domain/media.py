"""Stored files: what an upload holds (told by its content, never its name), the keys files are
stored under, and the content type a stored file is served with."""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass

from .attachments import AttachmentKind
from .errors import InvalidInput, TooLarge, Unprocessable


@dataclass(frozen=True, slots=True)
class FileType:
    mime: str
    extension: str  # of the key it is stored under: decides what it is served as
    kind: AttachmentKind = "image"


PNG = FileType("image/png", "png")
GIF = FileType("image/gif", "gif")  # animated or not, an image (as Pleroma has it; Mastodon says gifv)
JPEG = FileType("image/jpeg", "jpg")
WEBP = FileType("image/webp", "webp")
IMAGE_TYPES = (PNG, GIF, JPEG, WEBP)

MP4 = FileType("video/mp4", "mp4", "video")
MOV = FileType("video/quicktime", "mov", "video")
WEBM = FileType("video/webm", "webm", "video")
OGV = FileType("video/ogg", "ogv", "video")
MP3 = FileType("audio/mpeg", "mp3", "audio")
OGG = FileType("audio/ogg", "ogg", "audio")
WAV = FileType("audio/wav", "wav", "audio")
FLAC = FileType("audio/flac", "flac", "audio")
M4A = FileType("audio/mp4", "m4a", "audio")
# Anything else is kept as opaque bytes and only ever served as a download.
UNKNOWN = FileType("application/octet-stream", "bin", "unknown")

_WEBP_CHUNKS = (b"VP8 ", b"VP8L", b"VP8X")


def detect_image(data: bytes) -> FileType | None:
    """The image type `data` holds, judged by its leading bytes, or None when it is none we accept."""
    if data.startswith(b"\x89PNG\r\n\x1a\n") and data[12:16] == b"IHDR":
        return PNG
    if data[:6] in (b"GIF87a", b"GIF89a") and len(data) >= 13:
        return GIF
    if data.startswith(b"\xff\xd8\xff") and len(data) >= 4:
        return JPEG
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP" and data[12:16] in _WEBP_CHUNKS:
        return WEBP
    return None


def require_image(data: bytes, limit: int, label: str) -> FileType:
    """The type of an uploaded image, or the reason it is refused (`label` names it, e.g. "Avatar")."""
    if len(data) > limit:
        raise TooLarge("File is too large")
    kind = detect_image(data)
    if kind is None:
        raise Unprocessable(f"{label} must be a PNG, GIF, JPEG or WebP image.")
    return kind


def data_uri_bytes(text: str) -> bytes | None:
    """The bytes of a base64 `data:` URI (how JSON clients can send an image), or None when `text`
    is not one. The media type it declares is ignored: the content decides."""
    head, sep, payload = text.partition(",")
    if not sep or not head.lower().startswith("data:") or not head.lower().endswith(";base64"):
        return None
    try:
        return base64.b64decode(payload.strip(), validate=True)
    except (binascii.Error, ValueError):
        return None


# A key is one or more `/`-separated segments of ASCII letters, digits, `.`, `_` and `-`, each starting
# with a letter or digit: never absolute, never `..`, never a hidden (temporary) file.
_SEGMENT = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,127}")
KEY_MAX = 512


def is_valid_key(key: str) -> bool:
    if not key or len(key) > KEY_MAX or ".." in key:
        return False
    return all(_SEGMENT.fullmatch(segment) for segment in key.split("/"))


def check_key(key: str) -> str:
    if not is_valid_key(key):
        raise InvalidInput("Invalid file key")
    return key


def file_key(folder: str, unique: str, kind: FileType) -> str:
    """Where a new file is stored: `avatars/<unique>.png`. `unique` is fresh for every upload, so a
    stored file never changes and can be cached for ever. The extension comes from the type found in
    the content, and decides what the file is served as."""
    return check_key(f"{folder}/{unique}.{kind.extension}")


def image_key(kind: str, unique: str, image: FileType) -> str:
    return file_key(kind, unique, image)


# What a stored file is served as, by the extension plerome gave its key. Types a browser could run
# as a page (HTML, SVG, XML) are deliberately absent: they are served as opaque bytes.
CONTENT_TYPES = {
    "png": "image/png",
    "gif": "image/gif",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "webp": "image/webp",
    "avif": "image/avif",
    "mp4": "video/mp4",
    "webm": "video/webm",
    "ogv": "video/ogg",
    "mp3": "audio/mpeg",
    "ogg": "audio/ogg",
    "oga": "audio/ogg",
    "opus": "audio/ogg",
    "flac": "audio/flac",
    "wav": "audio/wav",
    "m4a": "audio/mp4",
    "mov": "video/quicktime",
    "txt": "text/plain; charset=utf-8",
    "json": "application/json",
    "zip": "application/zip",
    "pdf": "application/pdf",
}
OPAQUE = "application/octet-stream"


def content_type_for(key: str) -> str:
    name = key.rsplit("/", 1)[-1]
    if "." not in name:
        return OPAQUE
    return CONTENT_TYPES.get(name.rsplit(".", 1)[-1].lower(), OPAQUE)


def is_stored_key(value: str | None) -> bool:
    """Whether an account's image value names a file plerome stored (not a remote URL, not unset)."""
    return bool(value) and "://" not in (value or "") and is_valid_key(value or "")
