"""`make bench`: plerome under load beside the bare Starlette ceilings, measured in the same run.

For each store (SQLite always; Postgres when PLEROME_BENCH_POSTGRES_URL or PLEROME_TEST_POSTGRES_URL is set)
it seeds a fresh database through the wiring, serves plerome with one uvicorn worker (uvloop, httptools,
no access log) and loads each scenario with wrk from a second process on loopback. Then it runs
../shared/bench/run-ceiling.sh for the matching bare rows and prints every plerome row as a ratio to its
ceiling. Bounded: every wrk run has a duration and a timeout; servers are stopped by PID.

Environment: BENCH_DURATION (s, default 10), BENCH_WARMUP (default 2), BENCH_CONNS (64), BENCH_THREADS (2),
BENCH_CEILING=0 to skip the ceiling run, BENCH_ONLY="sqlite" or "postgres".
"""

from __future__ import annotations

import asyncio
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from plerome.domain.statuses import Draft
from plerome.domain.usecases.accounts import create_account
from plerome.domain.usecases.oauth import cli_token
from plerome.domain.usecases.social import follow
from plerome.domain.usecases.statuses import post_status
from plerome.entrypoints import wiring
from plerome.entrypoints.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
CEILING = ROOT.parent / "shared" / "bench" / "run-ceiling.sh"
DURATION = int(os.environ.get("BENCH_DURATION", "10"))
WARMUP = int(os.environ.get("BENCH_WARMUP", "2"))
CONNS = int(os.environ.get("BENCH_CONNS", "64"))
THREADS = int(os.environ.get("BENCH_THREADS", "2"))


@dataclass
class Row:
    name: str
    rps: float
    p50: str
    p99: str
    rss_idle: int
    rss_after: int
    errors: str
    ceiling: str = ""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def rss_mib(pid: int) -> int:
    try:
        out = subprocess.run(
            ["ps", "-o", "rss=", "-p", str(pid)], capture_output=True, text=True, check=False
        )
        return int(out.stdout.strip() or 0) // 1024
    except ValueError:
        return 0


async def seed(env: dict[str, str]) -> dict[str, str]:
    """A fresh schema with the bench user following a friend, and 200 statuses of theirs (so a home
    page holds 20); returns what the scenarios need (token, account id, a status id)."""
    svc = wiring.build(Settings.from_env(env))
    await svc.store.open()
    try:
        await svc.store.migrate()
        account = await create_account(svc.ctx, "bench", "bench@example.test", secrets.token_urlsafe(12))
        friend = await create_account(svc.ctx, "friend", "friend@example.test", secrets.token_urlsafe(12))
        await follow(svc.ctx, account, friend.id)
        status_id = ""
        for n in range(200):
            author = friend if n % 2 else account
            text = f"status {n} for @bench #bench https://example.test/{n}"
            status_id = (await post_status(svc.ctx, author, Draft(text=text, visibility="public"))).id
        token = await cli_token(svc.ctx, account, "read write follow push")
        return {"token": token.access_token, "account_id": account.id, "status_id": status_id}
    finally:
        await svc.store.close()


def wrk(url: str, headers: dict[str, str], duration: int, latency: bool, script: str | None = None) -> str:
    cmd = ["wrk", f"-t{THREADS}", f"-c{CONNS}", f"-d{duration}s"]
    if latency:
        cmd.append("--latency")
    if script:
        cmd += ["-s", script]
    for k, v in headers.items():
        cmd += ["-H", f"{k}: {v}"]
    cmd.append(url)
    return subprocess.run(cmd, capture_output=True, text=True, timeout=duration + 30, check=False).stdout


def parse_wrk(out: str) -> tuple[float, str, str, str]:
    rps = re.search(r"Requests/sec:\s+([\d.]+)", out)
    p50 = re.search(r"^\s+50%\s+(\S+)", out, re.M)
    p99 = re.search(r"^\s+99%\s+(\S+)", out, re.M)
    errs = "; ".join(m.strip() for m in re.findall(r"^\s*(Non-2xx.*|Socket errors.*)$", out, re.M))
    return (
        float(rps.group(1)) if rps else 0.0,
        p50.group(1) if p50 else "-",
        p99.group(1) if p99 else "-",
        errs or "none",
    )


def serve(env: dict[str, str], port: int) -> subprocess.Popen[bytes]:
    cmd = [
        sys.executable,
        "-m",
        "uvicorn",
        "--factory",
        "plerome.entrypoints.asgi:app_from_env",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--loop",
        "uvloop",
        "--http",
        "httptools",
        "--no-access-log",
        "--log-level",
        "warning",
    ]
    proc = subprocess.Popen(cmd, env=env, cwd=env["PLEROME_DATA_DIR"])
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/pleroma/healthcheck", timeout=1).read()
            return proc
        except OSError:
            if proc.poll() is not None:
                raise SystemExit("plerome did not start") from None
            time.sleep(0.1)
    proc.kill()
    raise SystemExit("plerome did not answer within 30 s")


# wrk scripts for the scenarios that write: a status post, and a favourite toggled on and off.
POST_STATUS = """wrk.method = "POST"
wrk.body = '{"status": "a benchmark status for @bench #bench"}'
wrk.headers["Content-Type"] = "application/json"
"""
FAVOURITE_TOGGLE = """local n = 0
request = function()
  n = n + 1
  local verb = (n %% 2 == 1) and "favourite" or "unfavourite"
  return wrk.format("POST", "/api/v1/statuses/%s/" .. verb)
end
"""


def check_ok(url: str, headers: dict[str, str], method: str = "GET", body: bytes | None = None) -> None:
    """A scenario that does not answer 200 would measure error pages: refuse to go on."""
    request = urllib.request.Request(url, headers=headers, method=method, data=body)
    with urllib.request.urlopen(request, timeout=5) as answer:
        if answer.status != 200:
            raise SystemExit(f"{url} answered {answer.status}")


def run_store(label: str, database_url: str | None, ceiling_one: str, ceiling_page: str) -> list[Row]:
    data_dir = tempfile.mkdtemp(prefix="plerome-bench-")
    database_url = database_url or f"sqlite:///{data_dir}/plerome.sqlite3"  # absolute: sqlite:////tmp/…
    env = {**os.environ, "PLEROME_DATABASE_URL": database_url, "PLEROME_DATA_DIR": data_dir}
    try:
        seeded = asyncio.run(seed(env))
        port = free_port()
        proc = serve(env, port)
        rows = []
        try:
            time.sleep(1)
            idle = rss_mib(proc.pid)
            base = f"http://127.0.0.1:{port}"
            auth = {"Authorization": f"Bearer {seeded['token']}"}
            status = seeded["status_id"]
            scripts = Path(data_dir)
            (scripts / "post.lua").write_text(POST_STATUS)
            (scripts / "favourite.lua").write_text(FAVOURITE_TOGGLE % status)
            json_body = {**auth, "Content-Type": "application/json"}
            # name, path, headers, wrk script, ceiling; reads first, then the writes that grow the tables
            scenarios: list[tuple[str, str, dict[str, str], str | None, str]] = [
                ("verify_credentials", "/api/v1/accounts/verify_credentials", auth, None, ceiling_one),
                ("account GET", f"/api/v1/accounts/{seeded['account_id']}", {}, None, ceiling_one),
                ("healthcheck", "/api/v1/pleroma/healthcheck", {}, None, ceiling_one),
                ("status GET", f"/api/v1/statuses/{status}", auth, None, ceiling_one),
                ("home timeline (20)", "/api/v1/timelines/home?limit=20", auth, None, ceiling_page),
                ("favourite toggle", "/", auth, str(scripts / "favourite.lua"), ceiling_one),
                ("post a status", "/api/v1/statuses", json_body, str(scripts / "post.lua"), ceiling_one),
            ]
            check_ok(f"{base}/api/v1/statuses/{status}/favourite", auth, "POST", b"")
            check_ok(f"{base}/api/v1/statuses/{status}/unfavourite", auth, "POST", b"")
            check_ok(f"{base}/api/v1/statuses", json_body, "POST", b'{"status": "checking"}')
            for name, path, headers, script, ceiling in scenarios:
                if script is None:
                    check_ok(base + path, headers)
                wrk(base + path, headers, WARMUP, latency=False, script=script)
                rps, p50, p99, errs = parse_wrk(
                    wrk(base + path, headers, DURATION, latency=True, script=script)
                )
                rows.append(Row(f"{label} {name}", rps, p50, p99, idle, rss_mib(proc.pid), errs, ceiling))
        finally:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
        return rows
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)


def pg_schema_url(base: str) -> tuple[str, str]:
    schema = f"plerome_bench_{os.getpid()}_{secrets.token_hex(3)}"
    sep = "&" if "?" in base else "?"
    return f"{base}{sep}search_path={schema}", schema


def with_pg_schema(base: str, schema: str, create: bool) -> None:
    import asyncpg

    async def go() -> None:
        conn = await asyncpg.connect(base)
        try:
            await conn.execute(
                f'CREATE SCHEMA "{schema}"' if create else f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'
            )
        finally:
            await conn.close()

    asyncio.run(go())


def ceilings(names: list[str]) -> dict[str, float]:
    if os.environ.get("BENCH_CEILING", "1") == "0" or not CEILING.exists():
        return {}
    env = {**os.environ, "ONLY": " ".join(names), "DURATION": str(DURATION), "MICRO": "0"}
    out = subprocess.run(
        ["bash", str(CEILING)],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=len(names) * (DURATION + 120) + 600,
    )
    print(out.stdout)
    found = {}
    for line in out.stdout.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) >= 3 and cells[0] in names and cells[1] == "1":
            found[cells[0]] = float(cells[2].replace(",", ""))
    return found


def main() -> None:
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is missing: apt-get install -y wrk")
    only = os.environ.get("BENCH_ONLY", "")
    rows: list[Row] = []
    wanted = ["static"]
    if only in ("", "sqlite"):
        rows += run_store("sqlite", None, "sqlite_one", "sqlite_page")
        wanted += ["sqlite_one", "sqlite_page"]
    pg = os.environ.get("PLEROME_BENCH_POSTGRES_URL") or os.environ.get("PLEROME_TEST_POSTGRES_URL")
    if pg and only in ("", "postgres"):
        url, schema = pg_schema_url(pg)
        with_pg_schema(pg, schema, create=True)
        try:
            rows += run_store("postgres", url, "pg_one", "pg_page")
        finally:
            with_pg_schema(pg, schema, create=False)
        wanted += ["pg_one", "pg_page"]
    bare = ceilings(wanted)
    print(f"\nplerome, 1 uvicorn worker; wrk -t{THREADS} -c{CONNS} -d{DURATION}s after {WARMUP}s warm-up")
    print("| scenario | req/s | p50 | p99 | RSS idle MiB | RSS after MiB | errors | ceiling row | ratio |")
    print("|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        ratio = f"{r.rps / bare[r.ceiling]:.2f}×" if bare.get(r.ceiling) else "-"
        print(
            f"| {r.name} | {r.rps:,.0f} | {r.p50} | {r.p99} | {r.rss_idle} | {r.rss_after} | {r.errors} | "
            f"{r.ceiling} {bare.get(r.ceiling, 0):,.0f} | {ratio} |"
        )
    if "static" in bare:
        print(f"\nbare static (Starlette + msgspec, no I/O): {bare['static']:,.0f} req/s")


if __name__ == "__main__":
    main()
