"""Serving stored files (GET /media/{key}) and the default images (/images/avi.png, banner.png and the
default mascot).

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
Rgba = tuple[int, int, int, int]
Point = tuple[float, float]

DEFAULT_MASCOT = "/images/pleroma-fox-tan-smol.png"  # Pleroma's name for it, kept for clients

# Stored files never change (a new upload gets a new key), so they may be cached for ever. The CSP
# keeps a file that a browser opens directly from running anything.
MEDIA_HEADERS = {
    "cache-control": "public, max-age=31536000, immutable",
    "x-content-type-options": "nosniff",
    "content-security-policy": "default-src 'none'; sandbox",
}
IMAGE_HEADERS = {"cache-control": "public, max-age=86400", "x-content-type-options": "nosniff"}


def png(width: int, height: int, row: Callable[[int], bytes], *, alpha: bool = False) -> bytes:
    """An 8-bit RGB PNG (RGBA with `alpha`); `row(y)` gives the 3 (4) * width bytes of row y."""

    def chunk(tag: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data))

    rows = b"".join(b"\x00" + row(y) for y in range(height))  # each row: filter type 0, then pixels
    header = struct.pack(">IIBBBBB", width, height, 8, 6 if alpha else 2, 0, 0, 0)
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


def _in_triangle(p: Point, a: Point, b: Point, c: Point) -> bool:
    def side(u: Point, v: Point) -> float:
        return (p[0] - v[0]) * (u[1] - v[1]) - (u[0] - v[0]) * (p[1] - v[1])

    d1, d2, d3 = side(a, b), side(b, c), side(c, a)
    return not ((d1 < 0 or d2 < 0 or d3 < 0) and (d1 > 0 or d2 > 0 or d3 > 0))


def _in_ellipse(p: Point, centre: Point, rx: float, ry: float) -> bool:
    return ((p[0] - centre[0]) / rx) ** 2 + ((p[1] - centre[1]) / ry) ** 2 <= 1


def _mirrored(*points: Point) -> tuple[Point, ...]:
    return tuple((120 - x, y) for x, y in points)


# The fox, drawn on a 120 x 140 grid: each ear an outer and an inner triangle, the left one mirrored.
_EAR = ((28.0, 12.0), (18.0, 70.0), (54.0, 56.0))
_INNER_EAR = ((32.0, 28.0), (26.0, 64.0), (48.0, 56.0))
_EARS = ((_EAR, _INNER_EAR), (_mirrored(*_EAR), _mirrored(*_INNER_EAR)))


def default_mascot(width: int = 120, height: int = 140) -> bytes:
    """A tan fox face on a transparent background: the mascot of an account that chose none."""
    fur, ear_inside, cheek = (226, 150, 82, 255), (150, 86, 44, 255), (250, 242, 230, 255)
    dark, clear = (48, 38, 36, 255), (0, 0, 0, 0)

    def pixel(x: int, y: int) -> Rgba:
        p = (x * 120 / width + 0.5, y * 140 / height + 0.5)
        if (
            _in_ellipse(p, (44, 82), 5, 6)
            or _in_ellipse(p, (76, 82), 5, 6)
            or _in_ellipse(p, (60, 118), 6, 5)
        ):
            return dark  # eyes and nose
        if _in_ellipse(p, (60, 84), 46, 34) or _in_triangle(p, (22, 96), (98, 96), (60, 130)):
            if _in_ellipse(p, (38, 102), 24, 18) or _in_ellipse(p, (82, 102), 24, 18):
                return cheek
            return fur
        for outer, inner in _EARS:
            if _in_triangle(p, *outer):
                return ear_inside if _in_triangle(p, *inner) else fur
        return clear

    return png(width, height, lambda y: b"".join(bytes(pixel(x, y)) for x in range(width)), alpha=True)


def routes(web: Web) -> list[BaseRoute]:
    files = web.ctx.files
    drawn: dict[str, bytes] = {}  # drawn on first request, once per app
    painters: dict[str, Callable[[], bytes]] = {
        "avi.png": default_avatar,
        "banner.png": default_banner,
        DEFAULT_MASCOT.rsplit("/", 1)[-1]: default_mascot,
    }
    summaries = {"avi.png": "The default avatar", "banner.png": "The default banner"}

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
            Doc(summaries.get(name, "The default mascot"), content_type="image/png"),
        )
    return table.routes
