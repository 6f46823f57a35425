"""The native captcha: random digits drawn in a bitmap font, bent and sprinkled with noise, as a
grayscale PNG encoded here with zlib and struct (no imaging library, no outside service)."""

from __future__ import annotations

import random
import struct
import zlib

from plerome.domain.captcha import ANSWER_LENGTH
from plerome.ports.captcha import CaptchaImage

# 5×7 glyphs, one string per row, `#` inked.
_FONT = {
    "0": (".###.", "#...#", "#..##", "#.#.#", "##..#", "#...#", ".###."),
    "1": ("..#..", ".##..", "..#..", "..#..", "..#..", "..#..", ".###."),
    "2": (".###.", "#...#", "....#", "...#.", "..#..", ".#...", "#####"),
    "3": ("#####", "...#.", "..#..", "...#.", "....#", "#...#", ".###."),
    "4": ("...#.", "..##.", ".#.#.", "#..#.", "#####", "...#.", "...#."),
    "5": ("#####", "#....", "####.", "....#", "....#", "#...#", ".###."),
    "6": ("..##.", ".#...", "#....", "####.", "#...#", "#...#", ".###."),
    "7": ("#####", "....#", "...#.", "..#..", ".#...", ".#...", ".#..."),
    "8": (".###.", "#...#", "#...#", ".###.", "#...#", "#...#", ".###."),
    "9": (".###.", "#...#", "#...#", ".####", "....#", "...#.", ".##.."),
}
SCALE = 5  # each font dot is SCALE×SCALE pixels
CELL = 5 * SCALE + 8  # a digit's width and the gap after it
MARGIN = 12
HEIGHT = 7 * SCALE + 2 * 18
WIDTH = 2 * MARGIN + ANSWER_LENGTH * CELL


def png(width: int, height: int, rows: list[bytearray]) -> bytes:
    """An 8-bit grayscale PNG of `rows` (each `width` bytes)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    raw = b"".join(b"\x00" + bytes(row) for row in rows)  # filter type 0 on every scanline
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw, 9))
        + chunk(b"IEND", b"")
    )


def draw(answer: str, rng: random.Random) -> bytes:
    rows = [bytearray(rng.randint(215, 255) for _ in range(WIDTH)) for _ in range(HEIGHT)]

    def ink(x: int, y: int, shade: int) -> None:
        if 0 <= x < WIDTH and 0 <= y < HEIGHT:
            rows[y][x] = shade

    for index, digit in enumerate(answer):
        left = MARGIN + index * CELL + rng.randint(-3, 3)
        top = 18 + rng.randint(-10, 10)
        shear = rng.uniform(-0.25, 0.25)
        shade = rng.randint(0, 90)
        for gy, line in enumerate(_FONT[digit]):
            for gx, dot in enumerate(line):
                if dot != "#":
                    continue
                for dy in range(SCALE):
                    y = top + gy * SCALE + dy
                    x0 = left + gx * SCALE + round(shear * (y - HEIGHT / 2))
                    for dx in range(SCALE):
                        ink(x0 + dx, y, shade)
    for _ in range(5):  # lines across the digits
        x0, y0 = rng.randint(0, WIDTH // 3), rng.randint(0, HEIGHT - 1)
        x1, y1 = rng.randint(2 * WIDTH // 3, WIDTH - 1), rng.randint(0, HEIGHT - 1)
        shade = rng.randint(40, 150)
        steps = max(abs(x1 - x0), abs(y1 - y0))
        for i in range(steps + 1):
            x = x0 + (x1 - x0) * i // steps
            y = y0 + (y1 - y0) * i // steps
            ink(x, y, shade)
            ink(x, y + 1, shade)
    for _ in range(WIDTH * HEIGHT // 12):  # speckles, dark and light
        ink(rng.randrange(WIDTH), rng.randrange(HEIGHT), rng.choice((rng.randint(0, 120), 255)))
    return png(WIDTH, HEIGHT, rows)


class PngCaptcha:
    def __init__(self) -> None:
        self._rng = random.SystemRandom()

    async def draw(self) -> CaptchaImage:
        answer = "".join(self._rng.choice("0123456789") for _ in range(ANSWER_LENGTH))
        return CaptchaImage(answer=answer, png=draw(answer, self._rng))
