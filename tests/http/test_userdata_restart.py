"""Imports and backups survive `kill -9`: a real server process on a SQLite file is killed in the middle
of the job (or right after the request), a new one is started on the same file, and the job finishes —
with every follow made once, and a backup that is there, processed and a readable zip."""

from __future__ import annotations

import asyncio
import importlib.util
import io
import json
import os
import queue
import signal
import socket
import subprocess
import sys
import textwrap
import threading
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from plerome.adapters.sqlite import SqliteDatabase
from plerome.domain.accounts import Account
from plerome.domain.statuses import Status
from plerome.domain.usecases.imports import BATCH
from plerome.domain.usecases.oauth import cli_token
from plerome.entrypoints import wiring
from plerome.entrypoints.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
WAIT = 60
NOW = datetime(2026, 1, 1, tzinfo=UTC)
TARGETS = 1000

# The server under test. With `stall`, the job stops for good at a point the test names (and says so
# on stdout), so the test can kill the process there; in every mode it says when a job has finished.
SERVER = textwrap.dedent(
    """
    import asyncio, sys
    from datetime import timedelta

    import uvicorn

    from plerome.domain.usecases import backups, imports
    from plerome.entrypoints.asgi import create_app
    from plerome.entrypoints.settings import Settings

    db, data, port, mode = sys.argv[1:5]

    async def hang(message):
        print(message, flush=True)
        await asyncio.Event().wait()

    if mode == "stall-import":
        apply_batch, batches = imports.apply_batch, []

        async def stalling(*args, **kw):
            done = await apply_batch(*args, **kw)
            batches.append(done)
            if len(batches) == 2:  # two batches committed, the rest to go
                await hang("stalled")
            return done

        imports.apply_batch = stalling

    if mode == "stall-backup":

        async def stalling_advance(self, items):
            await hang("stalled")  # the zip half written, nothing recorded done

        backups._Progress.advance = stalling_advance

    backups.PARTIAL_AGE = timedelta(0)  # this test's dead process left its half zip just now

    def announcing(name, run):
        async def wrapped(ctx, payload):
            await run(ctx, payload)
            print(name, flush=True)

        return wrapped

    imports.run_import = announcing("import done", imports.run_import)
    backups.run_backup = announcing("backup done", backups.run_backup)

    settings = Settings(
        database_url=db,
        data_dir=data,
        secret_key="restart-test",
        job_workers=0 if mode == "no-workers" else 1,
        job_lease_seconds=1.0,
        job_poll_seconds=0.1,
        argon2_time_cost=1,
        argon2_memory_cost=8,
        argon2_parallelism=1,
    )
    uvicorn.run(create_app(settings), host="127.0.0.1", port=int(port), log_level="info")
    """
)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    """A plerome server process: stdout lines (the script's) and stderr lines (uvicorn's) read on
    threads, so the test can wait for either."""

    def __init__(self, tmp_path: Path, db_url: str, mode: str) -> None:
        script = tmp_path / "server.py"
        script.write_text(SERVER)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = {k: v for k, v in os.environ.items() if not k.startswith("PLEROME_")}
        self.proc = subprocess.Popen(
            [sys.executable, str(script), db_url, str(tmp_path / "data"), str(self.port), mode],
            env=env,
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.out: queue.Queue[str] = queue.Queue()
        self.err: queue.Queue[str] = queue.Queue()
        self.seen: list[str] = []
        self._readers = [
            threading.Thread(target=self._read, args=(self.proc.stdout, self.out), daemon=True),
            threading.Thread(target=self._read, args=(self.proc.stderr, self.err), daemon=True),
        ]
        for reader in self._readers:
            reader.start()
        self.wait_for(self.err, "Uvicorn running on")

    @staticmethod
    def _read(stream, into: queue.Queue[str]) -> None:
        for line in stream:
            into.put(line)
        into.put("")

    def wait_for(self, lines: queue.Queue[str], text: str) -> None:
        while True:
            try:
                line = lines.get(timeout=WAIT)
            except queue.Empty:
                raise AssertionError(f"waited {WAIT}s for {text!r}:\n" + "".join(self.seen)) from None
            self.seen.append(line)
            if text in line:
                return
            if line == "":
                raise AssertionError(f"the server exited before {text!r}:\n" + "".join(self.seen))

    def said(self, text: str) -> None:
        self.wait_for(self.out, text)

    def kill(self) -> None:
        os.kill(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=WAIT)
        self._close()

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=WAIT)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self._close()

    def _close(self) -> None:
        for reader in self._readers:
            reader.join(timeout=WAIT)
        for stream in (self.proc.stdout, self.proc.stderr):
            if stream is not None:
                stream.close()


def account(n: int, nickname: str) -> Account:
    return Account(id=f"acct{n:06d}", nickname=nickname, email=None, password_hash="x", created_at=NOW)


async def seed(db_url: str, data_dir: Path, targets: int = TARGETS, statuses: int = 0) -> tuple[str, str]:
    """A migrated database with `me` (and its statuses) and `targets` other accounts; me's id and token."""
    settings = Settings(database_url=db_url, data_dir=str(data_dir), secret_key="restart-test")
    svc = wiring.build(settings)
    await svc.store.open()
    try:
        stores = svc.ctx.stores
        me = account(0, "me")
        await stores.accounts.add(me)
        for n in range(1, targets + 1):
            await stores.accounts.add(account(n, f"user{n:04d}"))
        for n in range(statuses):
            status_id = f"st{n:06d}"
            status = Status(
                status_id,
                me.id,
                NOW,
                "public",
                f"note {n}",
                "text/plain",
                f"<p>note {n}</p>",
                context_id=status_id,
            )
            await stores.statuses.add(status)
        token = await cli_token(svc.ctx, me, "read write follow")
        return me.id, token.access_token
    finally:
        await svc.store.close()


async def query(path: Path, sql: str, *args: object) -> list[dict[str, object]]:
    db = SqliteDatabase(str(path), auto_migrate=False)
    try:
        return [dict(r) for r in await db.fetch_all(sql, *args)]
    finally:
        await db.close()


def test_an_import_killed_mid_way_finishes_after_a_restart_and_follows_each_account_once(tmp_path):
    path = tmp_path / "plerome.sqlite3"
    db_url = f"sqlite:///{path}"
    me_id, token = asyncio.run(seed(db_url, tmp_path / "data"))
    headers = {"Authorization": f"Bearer {token}"}
    handles = "\n".join(f"@user{n:04d}" for n in range(1, TARGETS + 1))

    first = Server(tmp_path, db_url, "stall-import")
    try:
        r = httpx.post(f"{first.url}/api/pleroma/follow_import", headers=headers, data={"list": handles})
        assert (r.status_code, r.json()) == (200, "job started")
        first.said("stalled")
        first.kill()
    finally:
        first.stop()

    made = asyncio.run(query(path, "SELECT count(*) AS n FROM follows WHERE follower_id = ?", me_id))
    assert made == [{"n": 2 * BATCH}]  # two batches landed before the kill

    second = Server(tmp_path, db_url, "run")
    try:
        second.said("import done")  # the lease ran out and the new server's worker ran the job again
        stats = httpx.get(f"{second.url}/api/v1/pleroma/healthcheck").json()["job_queue_stats"]
        assert (stats["queued"], stats["running"], stats["done"], stats["failed"]) == (0, 0, 1, 0)
        me = httpx.get(f"{second.url}/api/v1/accounts/verify_credentials", headers=headers).json()
        assert me["following_count"] == TARGETS
    finally:
        second.stop()

    follows = asyncio.run(
        query(
            path,
            "SELECT count(*) AS n, count(DISTINCT followee_id) AS d FROM follows WHERE follower_id = ?",
            me_id,
        )
    )
    assert follows == [{"n": TARGETS, "d": TARGETS}]
    told = asyncio.run(
        query(
            path,
            "SELECT count(*) AS n, count(DISTINCT account_id) AS d FROM notifications"
            " WHERE from_account_id = ? AND type = 'follow'",
            me_id,
        )
    )
    assert told == [{"n": TARGETS, "d": TARGETS}]  # nobody was told twice


def sql_statuses_ready() -> bool:
    return importlib.util.find_spec("plerome.adapters.sql.statuses") is not None


@pytest.mark.skipif(not sql_statuses_ready(), reason="the SQL stores have no statuses repository yet")
@pytest.mark.parametrize("mode", ["no-workers", "stall-backup"])
def test_a_backup_outlives_a_kill_and_is_there_processed_and_readable_after_a_restart(tmp_path, mode):
    """`no-workers`: killed right after the request, before any worker saw the job; `stall-backup`:
    killed with the zip half written."""
    path = tmp_path / "plerome.sqlite3"
    db_url = f"sqlite:///{path}"
    _, token = asyncio.run(seed(db_url, tmp_path / "data", targets=0, statuses=1200))
    headers = {"Authorization": f"Bearer {token}"}
    backups_dir = tmp_path / "data" / "backups"

    first = Server(tmp_path, db_url, mode)
    try:
        r = httpx.post(f"{first.url}/api/v1/pleroma/backups", headers=headers)
        assert r.status_code == 200, r.text
        [asked] = r.json()
        if mode == "stall-backup":
            first.said("stalled")
            assert [p.name.endswith(".tmp") for p in backups_dir.iterdir()] == [True]  # half a zip
        first.kill()
    finally:
        first.stop()

    second = Server(tmp_path, db_url, "run")
    try:
        second.said("backup done")
        [done] = httpx.get(f"{second.url}/api/v1/pleroma/backups", headers=headers).json()
        assert (done["id"], done["processed"], done["state"]) == (asked["id"], True, "complete")
        assert done["processed_number"] == 1200
        r = httpx.get(done["url"].replace("http://127.0.0.1:4000", second.url), headers=headers)
        assert r.status_code == 200 and len(r.content) == done["file_size"]
    finally:
        second.stop()

    with zipfile.ZipFile(io.BytesIO(r.content)) as z:
        assert z.testzip() is None
        outbox = json.loads(z.read("outbox.json"))
    assert outbox["totalItems"] == 1200
    assert outbox["orderedItems"][0]["object"]["source"]["content"] == "note 1199"
    assert [p.name for p in backups_dir.iterdir()] == [done["url"].rsplit("/", 1)[1]]  # no half zip left
