"""Serving stored files (GET /media/{key}) and the default profile images (/images/avi.png, banner.png).

The default images are drawn here, in code, as small PNGs: no image library and no binary files.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Callable

from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.routing import BaseRoute

from plerome.domain.errors import NotFound
from plerome.domain.media import OPAQUE, content_type_for, is_valid_key

from .routing import Doc, Endpoint, RouteTable
from .web import Web

Rgb = tuple[int, int, int]

# Stored files never change (a new upload gets a new key), so they may be cached for ever. The CSP
# keeps a file that a browser opens directly from running anything.
MEDIA_HEADERS = {
    "cache-control": "public, max-age=31536000, immutable",
    "x-content-type-options": "nosniff",
    "content-security-policy": "default-src 'none'; sandbox",
}
IMAGE_HEADERS = {"cache-control": "public, max-age=86400", "x-content-type-options": "nosniff"}


def png(width: int, height: int, row: Callable[[int], bytes]) -> bytes:
    """An 8-bit RGB PNG; `row(y)` gives the 3 * width bytes of row y."""

    def chunk(tag: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data))

    rows = b"".join(b"\x00" + row(y) for y in range(height))  # each row: filter type 0, then pixels
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows, 9))
        + chunk(b"IEND", b"")
    )


def default_avatar(size: int = 96) -> bytes:
    """A grey head-and-shoulders silhouette on a light background."""
    back, figure = (206, 212, 219), (140, 150, 163)
    head_x, head_y, head_r = size / 2, size * 0.38, size * 0.19
    body_y, body_rx, body_ry = size * 1.02, size * 0.36, size * 0.36

    def pixel(x: int, y: int) -> Rgb:
        px, py = x + 0.5, y + 0.5
        in_head = (px - head_x) ** 2 + (py - head_y) ** 2 <= head_r**2
        in_body = ((px - head_x) / body_rx) ** 2 + ((py - body_y) / body_ry) ** 2 <= 1
        return figure if in_head or in_body else back

    return png(size, size, lambda y: b"".join(bytes(pixel(x, y)) for x in range(size)))


def default_banner(width: int = 600, height: int = 200) -> bytes:
    """A dark blue vertical gradient."""
    top, bottom = (27, 38, 54), (58, 79, 104)

    def row(y: int) -> bytes:
        t = y / (height - 1)
        return bytes(round(a + (z - a) * t) for a, z in zip(top, bottom, strict=True)) * width

    return png(width, height, row)


def routes(web: Web) -> list[BaseRoute]:
    files = web.ctx.files
    drawn: dict[str, bytes] = {}  # drawn on first request, once per app
    painters: dict[str, Callable[[], bytes]] = {"avi.png": default_avatar, "banner.png": default_banner}

    async def media(request: Request) -> Response:
        key = request.path_params["key"]
        opened = await files.open(key) if is_valid_key(key) else None
        if opened is None:
            raise NotFound()
        headers = {**MEDIA_HEADERS, "content-length": str(opened.size)}
        media_type = content_type_for(key)
        if media_type == OPAQUE:  # a file of no type we know: never shown in the browser
            headers["content-disposition"] = "attachment"
        if request.method == "HEAD":
            return Response(b"", headers=headers, media_type=media_type)
        return StreamingResponse(opened.chunks, headers=headers, media_type=media_type)

    def image(name: str) -> Endpoint:
        async def serve(request: Request) -> Response:
            if name not in drawn:
                drawn[name] = painters[name]()
            return Response(drawn[name], headers=IMAGE_HEADERS, media_type="image/png")

        return serve

    table = RouteTable()
    table.add(
        "/media/{key:path}",
        media,
        ["GET"],
        Doc("A stored file (uploads, profile images)", content_type="application/octet-stream"),
    )
    for name in painters:
        table.add(
            f"/images/{name}",
            image(name),
            ["GET"],
            Doc(f"The default {'avatar' if name == 'avi.png' else 'banner'}", content_type="image/png"),
        )
    return table.routes
