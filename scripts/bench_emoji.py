"""Emoji packs at scale, in-process: a pack of 10,000 emoji among 20 small ones.

Times each request through the whole ASGI app (httpx's ASGI transport, no sockets) in a bounded loop:
the pack list (which carries every file of every pack on the page), one page of the big pack, and the two
emoji lists; plus the cold start (first look at the directory) and the first download hash of the big
pack. Prints milliseconds per request (mean, p50, p99) and requests per second.

Environment: BENCH_EMOJI_FILES (default 10000), BENCH_EMOJI_ROUNDS (default 200).
"""

from __future__ import annotations

import asyncio
import json
import os
import statistics
import tempfile
import time
from pathlib import Path

import httpx

from plerome.entrypoints.asgi import create_app
from plerome.entrypoints.settings import Settings

FILES = int(os.environ.get("BENCH_EMOJI_FILES", "10000"))
ROUNDS = int(os.environ.get("BENCH_EMOJI_ROUNDS", "200"))
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 48


def seed(emoji_dir: Path) -> None:
    big = emoji_dir / "big"
    big.mkdir(parents=True)
    files = {}
    for i in range(FILES):
        name = f"emoji_{i:05d}.png"
        (big / name).write_bytes(PNG)
        files[f"emoji_{i:05d}"] = name
    (big / "pack.json").write_text(json.dumps({"files": files, "pack": {"share-files": True}}))
    for p in range(20):
        small = emoji_dir / f"small{p:02d}"
        small.mkdir()
        (small / "a.png").write_bytes(PNG)
        small_files = {f"s{p}_{i}": "a.png" for i in range(25)}
        (small / "pack.json").write_text(json.dumps({"files": small_files, "pack": {}}))


async def timed(client: httpx.AsyncClient, path: str, rounds: int) -> tuple[list[float], int]:
    samples = []
    size = 0
    for _ in range(rounds):
        start = time.perf_counter()
        r = await client.get(path)
        samples.append((time.perf_counter() - start) * 1000)
        assert r.status_code == 200, (path, r.status_code, r.text[:200])
        size = len(r.content)
    return samples, size


def row(label: str, samples: list[float], size: int) -> str:
    ordered = sorted(samples)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    mean = statistics.fmean(samples)
    return (
        f"{label:<44} {mean:8.2f} {statistics.median(samples):8.2f} {p99:8.2f}"
        f" {1000 / mean:9.0f} {size / 1024:9.0f}"
    )


async def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        seed(Path(tmp) / "emoji")
        settings = Settings(database_url="memory://", data_dir=tmp, secret_key="bench", job_workers=0)
        app = create_app(settings)
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
            print(
                f"{FILES} emoji in one pack, 20 packs of 25; {ROUNDS} rounds per row (fewer for big bodies)"
            )
            print(f"{'request':<44} {'mean ms':>8} {'p50':>8} {'p99':>8} {'req/s':>9} {'KiB':>9}")
            cold, size = await timed(client, "/api/v1/pleroma/emoji/pack?name=small00", 1)
            print(row("cold: first request (loads the directory)", cold, size))
            first_hash, size = await timed(client, "/api/v1/pleroma/emoji/pack?name=big", 1)
            print(row("first page of the big pack (hashes archive)", first_hash, size))
            scenarios = [
                ("GET /emoji/pack?name=big&page=200", "/api/v1/pleroma/emoji/pack?name=big&page=200", ROUNDS),
                ("GET /emoji/pack?name=small07", "/api/v1/pleroma/emoji/pack?name=small07", ROUNDS),
                ("GET /emoji/packs (page 1 of 50: all files)", "/api/v1/pleroma/emoji/packs", ROUNDS // 4),
                (
                    "GET /emoji/packs?page=2&page_size=10",
                    "/api/v1/pleroma/emoji/packs?page=2&page_size=10",
                    ROUNDS,
                ),
                ("GET /api/v1/pleroma/emoji (10,500 emoji)", "/api/v1/pleroma/emoji", ROUNDS // 4),
                ("GET /api/v1/custom_emojis (10,500 emoji)", "/api/v1/custom_emojis", ROUNDS // 4),
                ("GET /emoji/big/emoji_04242.png", "/emoji/big/emoji_04242.png", ROUNDS),
            ]
            for label, path, rounds in scenarios:
                samples, size = await timed(client, path, max(1, rounds))
                print(row(label, samples, size))


if __name__ == "__main__":
    asyncio.run(main())
