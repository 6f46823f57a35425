"""Stored files: which images plerome accepts (told by their content, never their name), the keys
files are stored under, and the content type a stored file is served with."""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass

from .errors import InvalidInput, TooLarge, Unprocessable


@dataclass(frozen=True, slots=True)
class ImageType:
    mime: str
    extension: str


PNG = ImageType("image/png", "png")
GIF = ImageType("image/gif", "gif")
JPEG = ImageType("image/jpeg", "jpg")
WEBP = ImageType("image/webp", "webp")
IMAGE_TYPES = (PNG, GIF, JPEG, WEBP)

_WEBP_CHUNKS = (b"VP8 ", b"VP8L", b"VP8X")


def detect_image(data: bytes) -> ImageType | None:
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


def require_image(data: bytes, limit: int, label: str) -> ImageType:
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


def image_key(kind: str, unique: str, image: ImageType) -> str:
    """Where a new image is stored: `avatars/<unique>.png`. `unique` is fresh for every upload, so a
    stored file never changes and can be cached for ever."""
    return check_key(f"{kind}/{unique}.{image.extension}")


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
