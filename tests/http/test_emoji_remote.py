"""Two plerome instances on loopback: one serves its packs over real HTTP (uvicorn in a thread), the
other lists and downloads them. Also: the outgoing client's address checks, limits and time-outs, and a
download killed with SIGKILL half-way through installing."""

import functools
import hashlib
import json
import os
import select
import signal
import socket
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import anyio
import httpx
import pytest
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse
from starlette.routing import Route
from starlette.testclient import TestClient

from plerome.adapters.http_client import HttpxClient, address_allowed
from plerome.domain.usecases.accounts import create_account
from plerome.domain.usecases.oauth import cli_token
from plerome.entrypoints.asgi import create_app
from plerome.entrypoints.settings import Settings
from plerome.ports.http_client import FetchFailed

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(40))
GIF = b"GIF89a" + bytes(range(60))
V1 = "/api/v1/pleroma"
ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def drop_pack(emoji_dir: Path, name: str, files: dict[str, bytes], metadata: dict) -> None:
    directory = emoji_dir / name
    directory.mkdir(parents=True)
    mapping = {}
    for path, data in files.items():
        (directory / path).parent.mkdir(parents=True, exist_ok=True)
        (directory / path).write_bytes(data)
        mapping[path.rsplit("/", 1)[-1].split(".")[0]] = path
    (directory / "pack.json").write_text(json.dumps({"files": mapping, "pack": metadata}))


class Served:
    """An ASGI app served by uvicorn on a free loopback port, in a thread, until stopped."""

    def __init__(self, app, ready_path: str, port: int | None = None) -> None:
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning", lifespan="on")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()
        deadline = time.monotonic() + 20
        while True:  # bounded readiness poll: until it answers
            try:
                if httpx.get(self.url + ready_path, timeout=1).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline or not self.thread.is_alive():
                self.stop()
                raise RuntimeError("the second instance did not start")
            time.sleep(0.05)

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


@pytest.fixture(scope="module")
def remote(tmp_path_factory):
    data = tmp_path_factory.mktemp("remote")
    emoji = data / "emoji"
    drop_pack(
        emoji,
        "cats",
        {"blob.png": PNG, "wave.gif": GIF, "sub/deep.png": PNG},
        {
            "license": "CC0",
            "description": "Cats",
            "share-files": True,
        },
    )
    drop_pack(emoji, "secret", {"hidden.png": PNG}, {"share-files": False})
    port = free_port()
    settings = Settings(
        database_url="memory://",
        data_dir=str(data),
        secret_key="remote",
        job_workers=0,
        base_url=f"http://127.0.0.1:{port}",  # its nodeinfo links point at itself
    )
    served = Served(create_app(settings), f"{V1}/emoji/packs", port)
    yield served
    served.stop()


@pytest.fixture
def local(make_settings):
    with TestClient(create_app(make_settings(outgoing_allow_private=True))) as client:
        yield client


@pytest.fixture
def admin(local):
    svc = local.app.state.services
    account = local.portal.call(
        lambda: create_account(svc.ctx, "admin", "a@example.test", "pw", is_admin=True)
    )
    token = local.portal.call(lambda: cli_token(svc.ctx, account, "admin"))
    return {"Authorization": f"Bearer {token.access_token}"}


def test_the_remote_pack_list_is_passed_through(local, admin, remote):
    r = local.get(f"{V1}/emoji/packs/remote", params={"url": remote.url, "page_size": 1}, headers=admin)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["count"] == 2 and list(body["packs"]) == ["cats"]
    assert body["packs"]["cats"]["pack"]["can-download"] is True
    assert body["packs"]["cats"]["files_count"] == 3


def test_a_pack_is_downloaded_from_the_other_instance(local, admin, remote, settings):
    r = local.post(
        f"{V1}/emoji/packs/download", json={"url": remote.url, "name": "cats", "as": "kittens"}, headers=admin
    )
    assert (r.status_code, r.json()) == (200, "ok")
    pack = local.get(f"{V1}/emoji/pack", params={"name": "kittens"}).json()
    assert pack["files"] == {"blob": "blob.png", "deep": "sub/deep.png", "wave": "wave.gif"}
    assert pack["pack"]["license"] == "CC0" and pack["pack"]["can-download"] is True
    for path in pack["files"].values():
        theirs = httpx.get(f"{remote.url}/emoji/cats/{path}").content
        assert local.get(f"/emoji/kittens/{path}").content == theirs
    assert local.get(f"{V1}/emoji").json()["wave"]["image_url"] == "/emoji/kittens/wave.gif"
    emoji_dir = Path(settings.data_dir) / "emoji"
    assert sorted(p.name for p in emoji_dir.iterdir()) == ["kittens"]  # no staging left behind
    again = local.post(
        f"{V1}/emoji/packs/download", json={"url": remote.url, "name": "cats", "as": "kittens"}, headers=admin
    )
    assert (again.status_code, again.json()) == (409, {"error": 'A pack named "kittens" already exists'})


def test_a_pack_that_is_not_shared_is_refused(local, admin, remote):
    r = local.post(f"{V1}/emoji/packs/download", json={"url": remote.url, "name": "secret"}, headers=admin)
    assert (r.status_code, r.json()) == (
        400,
        {"error": "The pack was not set as shared and there is no fallback src to download from"},
    )


def test_a_pack_the_remote_does_not_have(local, admin, remote):
    r = local.post(f"{V1}/emoji/packs/download", json={"url": remote.url, "name": "dogs"}, headers=admin)
    assert (r.status_code, r.json()) == (404, {"error": "Pack dogs does not exist"})


def test_a_remote_that_is_down_is_502(local, admin):
    r = local.get(
        f"{V1}/emoji/packs/remote", params={"url": f"http://127.0.0.1:{free_port()}"}, headers=admin
    )
    assert r.status_code == 502
    assert r.json()["error"].startswith("Could not fetch http://127.0.0.1:")


def test_a_fallback_source_is_checked_to_hold_every_file(local, admin, remote):
    archive_url = f"{remote.url}{V1}/emoji/packs/archive?name=cats"
    archive = httpx.get(archive_url).content
    local.post(f"{V1}/emoji/pack?name=mine", headers=admin)
    for name, data in [("blob.png", PNG), ("wave.gif", GIF)]:
        r = local.post(
            f"{V1}/emoji/packs/files?name=mine", files={"file": (name, data, "image/png")}, headers=admin
        )
        assert r.status_code == 200
    r = local.patch(
        f"{V1}/emoji/pack?name=mine", json={"metadata": {"fallback-src": archive_url}}, headers=admin
    )
    assert r.status_code == 200, r.text
    assert r.json() == {
        "fallback-src": archive_url,
        "fallback-src-sha256": hashlib.sha256(archive).hexdigest().upper(),
    }
    local.post(
        f"{V1}/emoji/packs/files?name=mine", files={"file": ("extra.png", PNG, "image/png")}, headers=admin
    )
    other = f"{remote.url}{V1}/emoji/packs/archive?name=cats&again=1"
    r = local.patch(f"{V1}/emoji/pack?name=mine", json={"metadata": {"fallback-src": other}}, headers=admin)
    assert (r.status_code, r.json()) == (
        400,
        {"error": "The fallback archive does not have all files specified in pack.json"},
    )


def test_an_emoji_is_added_from_a_url(local, admin, remote):
    local.post(f"{V1}/emoji/pack?name=mine", headers=admin)
    url = f"{remote.url}/emoji/cats/wave.gif"
    r = local.post(f"{V1}/emoji/packs/files?name=mine", data={"file": url}, headers=admin)
    assert (r.status_code, r.json()) == (200, {"wave": "wave.gif"})
    assert local.get("/emoji/mine/wave.gif").content == GIF
    r = local.post(
        f"{V1}/emoji/packs/files?name=mine", data={"file": f"{remote.url}{V1}/emoji"}, headers=admin
    )
    assert (r.status_code, r.json()) == (
        400,
        {"error": "The file must be a png, gif, jpeg or webp image, or a zip of them"},
    )
    r = local.post(
        f"{V1}/emoji/packs/files?name=mine", data={"file": f"{remote.url}/emoji/cats/nope.png"}, headers=admin
    )
    assert r.status_code == 502
    assert r.json()["error"].endswith("the server answered 404")


def test_without_workers_in_this_process_the_download_is_queued(make_settings, remote):
    app = create_app(make_settings(outgoing_allow_private=True))
    svc = app.state.services
    account = anyio.run(functools.partial(create_account, svc.ctx, "admin", "a@x.test", "pw", is_admin=True))
    token = anyio.run(cli_token, svc.ctx, account, "admin").access_token
    client = TestClient(app)  # not entered: no lifespan, so no job workers in this process
    r = client.post(
        f"{V1}/emoji/packs/download",
        json={"url": remote.url, "name": "cats"},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert (r.status_code, r.json()) == (202, "queued")
    assert anyio.run(svc.ctx.stores.jobs.stats).queued == 1
    assert client.get(f"{V1}/emoji/packs").json()["count"] == 0


# --- the outgoing client on its own ---


@pytest.mark.parametrize(
    ("address", "allowed"),
    [
        ("127.0.0.1", False),
        ("10.1.2.3", False),
        ("172.16.0.1", False),
        ("192.168.1.1", False),
        ("169.254.169.254", False),
        ("100.64.0.1", False),
        ("0.0.0.0", False),
        ("::1", False),
        ("fe80::1%eth0", False),
        ("fd00::1", False),
        ("::ffff:127.0.0.1", False),
        ("2002:7f00:1::", False),  # 6to4 wrapping 127.0.0.1
        ("224.0.0.1", False),
        ("93.184.216.34", True),
        ("2606:4700::1111", True),
        ("not an address", False),
    ],
)
def test_which_addresses_may_be_fetched(address, allowed):
    assert address_allowed(address) is allowed


@pytest.mark.anyio
@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "[::1]"])
async def test_loopback_is_refused_by_address_and_by_name(remote, host):
    client = HttpxClient(allow_private=False, timeout=5)
    url = remote.url.replace("127.0.0.1", host)
    with pytest.raises(FetchFailed) as failure:
        await client.get(f"{url}{V1}/emoji/packs", max_bytes=10_000)
    assert failure.value.refused


@pytest.fixture(scope="module")
def redirector():
    async def hop(request: Request) -> RedirectResponse:
        return RedirectResponse(request.query_params["to"], status_code=302)

    async def ready(request: Request) -> JSONResponse:
        return JSONResponse("ok")

    served = Served(Starlette(routes=[Route("/hop", hop), Route("/ready", ready)]), "/ready")
    yield served
    served.stop()


@pytest.mark.anyio
async def test_a_redirect_to_a_refused_address_is_refused(redirector, remote):
    """Only 127.0.0.1 may be reached here; the redirect goes to another loopback address, checked on its
    own connect like any first URL."""
    client = HttpxClient(allow_private=False, timeout=5, allowed=lambda address: address == "127.0.0.1")
    fine = await client.get(f"{redirector.url}/hop?to={remote.url}/emoji/cats/wave.gif", max_bytes=10_000)
    assert fine.body == GIF and fine.url == f"{remote.url}/emoji/cats/wave.gif"
    target = f"http://[::1]:{remote.port}/emoji/cats/wave.gif"
    with pytest.raises(FetchFailed) as failure:
        await client.get(f"{redirector.url}/hop?to={target}", max_bytes=10_000)
    assert failure.value.refused


@pytest.mark.anyio
async def test_redirects_are_bounded(redirector):
    client = HttpxClient(allow_private=True, timeout=5, max_redirects=2)
    loop = f"{redirector.url}/hop?to=/hop?to=/hop?to=/hop?to=/hop"
    with pytest.raises(FetchFailed, match="redirect"):
        await client.get(loop, max_bytes=10_000)


@pytest.mark.anyio
async def test_answers_past_the_size_limit_are_cut_off(remote):
    client = HttpxClient(allow_private=True, timeout=5)
    with pytest.raises(FetchFailed) as failure:
        await client.get(f"{remote.url}/emoji/cats/wave.gif", max_bytes=10)
    assert failure.value.too_large
    fetched = await client.get(f"{remote.url}/emoji/cats/wave.gif", max_bytes=10_000)
    assert fetched.status == 200 and fetched.body == GIF


@pytest.mark.anyio
async def test_a_silent_server_times_out():
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)  # accepts connections at the kernel level, never answers
        client = HttpxClient(allow_private=True, timeout=0.5)
        with anyio.fail_after(10), pytest.raises(FetchFailed, match="did not answer"):
            await client.get(f"http://127.0.0.1:{listener.getsockname()[1]}/", max_bytes=100)


# --- a download killed half-way ---

KILLED_DOWNLOAD = textwrap.dedent(
    """
    import asyncio, json, sys
    from datetime import timedelta

    from plerome.adapters.filesystem import emoji as fs
    from plerome.domain.usecases import emoji_packs as uc
    from plerome.domain.usecases.jobs import run_next
    from plerome.entrypoints import wiring
    from plerome.entrypoints.settings import Settings

    original = fs.FilesystemEmojiStore.stage_write
    written = 0

    async def stalling(self, token, path, data):
        global written
        await original(self, token, path, data)
        written += 1
        if written == 2:  # two files of three staged: tell the test, then hang until killed
            print("staged", flush=True)
            await asyncio.Event().wait()

    fs.FilesystemEmojiStore.stage_write = stalling

    async def main():
        settings = Settings(
            database_url="memory://", data_dir=sys.argv[1], outgoing_allow_private=True, secret_key="k"
        )
        svc = wiring.build(settings)
        started = await uc.start_download(svc.ctx, sys.argv[2], "cats", None)
        print(json.dumps(started.job.payload), flush=True)
        await run_next(svc.ctx.stores.jobs, svc.ctx.clock, svc.job_handlers, timedelta(minutes=1))

    asyncio.run(main())
    """
)


def read_line(proc: subprocess.Popen, seconds: float) -> str:
    ready, _, _ = select.select([proc.stdout], [], [], seconds)
    if not ready:
        raise AssertionError("the download process said nothing")
    return proc.stdout.readline().decode().strip()


def test_a_download_killed_mid_install_leaves_no_pack_and_can_run_again(tmp_path, remote, make_settings):
    data = tmp_path / "local"
    script = tmp_path / "download.py"
    script.write_text(KILLED_DOWNLOAD)
    proc = subprocess.Popen(
        [sys.executable, str(script), str(data), remote.url], stdout=subprocess.PIPE, cwd=ROOT
    )
    try:
        payload = json.loads(read_line(proc, 30))
        assert read_line(proc, 30) == "staged"
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.kill()
        proc.wait(timeout=10)
        proc.stdout.close()
    emoji_dir = data / "emoji"
    leftovers = [p.name for p in emoji_dir.iterdir()]
    assert leftovers == [f".partial-{payload['token']}"]  # half a pack, out of sight
    assert len(list((emoji_dir / leftovers[0]).iterdir())) == 2

    settings = make_settings(data_dir=str(data), outgoing_allow_private=True)
    with TestClient(create_app(settings)) as client:
        assert client.get(f"{V1}/emoji/packs").json() == {"packs": {}, "count": 0}
        assert client.get(f"{V1}/emoji").json() == {}
        assert client.get(f"{V1}/emoji/pack?name=cats").status_code == 404
        # The job's lease runs out and a worker runs it again, with the same payload.
        svc = client.app.state.services
        client.portal.call(lambda: svc.job_handlers["emoji_pack_download"](payload))
        assert sorted(client.get(f"{V1}/emoji/pack?name=cats").json()["files"]) == ["blob", "deep", "wave"]
    assert sorted(p.name for p in emoji_dir.iterdir()) == ["cats"]
