"""The `plerome` command: in-process against an app's services, and once as a real program."""

from __future__ import annotations

import dataclasses
import os
import queue
import shutil
import socket
import subprocess
import sys
import threading
from pathlib import Path

import httpx
import pytest
from starlette.testclient import TestClient

from plerome.domain.accounts import MfaSettings
from plerome.entrypoints import cli, wiring
from plerome.entrypoints.asgi import create_app


@pytest.fixture
def svc(make_settings):
    return wiring.build(make_settings())


@pytest.fixture
def run(svc, capsys):
    """Run `plerome ARGS…` against the test app's services: (exit status, stdout, stderr)."""

    def run(*argv: str) -> tuple[int, str, str]:
        status = cli.main(list(argv), services=svc)
        out, err = capsys.readouterr()
        return status, out, err

    return run


def stores(svc):
    return svc.ctx.stores


def sync(coro_fn, *args):
    """Call a store coroutine from a sync test (the CLI runs each command in its own loop too)."""
    import asyncio

    return asyncio.run(coro_fn(*args))


def password_login(client: TestClient, login: str, password: str, scope: str = "read"):
    app = client.post(
        "/api/v1/apps",
        json={"client_name": "t", "redirect_uris": "urn:ietf:wg:oauth:2.0:oob", "scopes": scope},
    ).json()
    return client.post(
        "/oauth/token",
        data={
            "grant_type": "password",
            "client_id": app["client_id"],
            "client_secret": app["client_secret"],
            "username": login,
            "password": password,
        },
    )


def assert_one_line_failure(status: int, out: str, err: str, text: str) -> None:
    assert status != 0
    assert out == ""
    assert err == f"plerome: {text}\n"


# user new


def test_user_new_creates_a_local_confirmed_account_and_prints_its_id(svc, run):
    status, out, err = run("user", "new", "alice", "alice@example.test", "--password", "s3cret pass")
    assert (status, err) == (0, "")
    account = sync(stores(svc).accounts.by_nickname, "alice")
    assert out == f"{account.id}\n"
    assert account.email == "alice@example.test"
    assert account.is_confirmed and account.is_active and not account.is_admin
    with TestClient(create_app(services=svc)) as client:
        assert password_login(client, "alice", "s3cret pass").status_code == 200


def test_user_new_admin_is_an_admin(svc, run):
    assert run("user", "new", "root", "root@example.test", "--password", "pw", "--admin")[0] == 0
    assert sync(stores(svc).accounts.by_nickname, "root").is_admin


def test_user_new_refuses_a_taken_nickname_in_one_line(run):
    assert run("user", "new", "alice", "alice@example.test", "--password", "pw")[0] == 0
    status, out, err = run("user", "new", "ALICE", "other@example.test", "--password", "pw")
    assert_one_line_failure(status, out, err, "Nickname has already been taken.")


def test_user_new_refuses_an_invalid_email_in_one_line(run):
    status, out, err = run("user", "new", "alice", "not-an-email", "--password", "pw")
    assert_one_line_failure(status, out, err, "Email has invalid format.")


def test_user_new_without_password_is_a_usage_error_in_one_line(run):
    status, out, err = run("user", "new", "alice", "alice@example.test")
    assert status == 2 and out == ""
    assert err.count("\n") == 1 and "--password" in err


# user set


def test_user_set_grants_and_takes_the_admin_right(svc, run):
    run("user", "new", "bob", "bob@example.test", "--password", "pw")
    status, out, _ = run("user", "set", "bob", "--admin")
    assert status == 0 and "bob" in out and "admin" in out
    assert sync(stores(svc).accounts.by_nickname, "bob").is_admin
    assert run("user", "set", "bob", "--no-admin")[0] == 0
    assert not sync(stores(svc).accounts.by_nickname, "bob").is_admin


def test_user_set_password_replaces_the_old_one(svc, run):
    run("user", "new", "bob", "bob@example.test", "--password", "old password")
    assert run("user", "set", "bob", "--password", "new password")[0] == 0
    with TestClient(create_app(services=svc)) as client:
        assert password_login(client, "bob", "old password").status_code == 400
        assert password_login(client, "bob", "new password").status_code == 200


def test_user_set_deactivate_stops_its_tokens_and_activate_lets_it_log_in_again(svc, run):
    run("user", "new", "bob", "bob@example.test", "--password", "pw")
    token = run("token", "bob")[1].strip()
    assert run("user", "set", "bob", "--deactivate")[0] == 0
    assert not sync(stores(svc).accounts.by_nickname, "bob").is_active
    with TestClient(create_app(services=svc)) as client:
        me = client.get("/api/v1/accounts/verify_credentials", headers={"Authorization": f"Bearer {token}"})
        assert me.status_code == 403
        assert password_login(client, "bob", "pw").status_code == 403
        assert run("user", "set", "bob", "--activate")[0] == 0
        assert password_login(client, "bob", "pw").status_code == 200


def test_user_set_no_mfa_and_confirm(svc, run):
    run("user", "new", "bob", "bob@example.test", "--password", "pw")
    account = sync(stores(svc).accounts.by_nickname, "bob")
    locked_out = dataclasses.replace(
        account, is_confirmed=False, mfa=MfaSettings(enabled=True, totp_secret="X", totp_confirmed=True)
    )
    sync(stores(svc).accounts.update, locked_out)
    status, out, _ = run("user", "set", "bob", "--no-mfa", "--confirm")
    assert status == 0 and "mfa off" in out and "confirmed" in out
    after = sync(stores(svc).accounts.by_nickname, "bob")
    assert after.is_confirmed and after.mfa == MfaSettings()


def test_user_set_refuses_both_activate_and_deactivate(run):
    run("user", "new", "bob", "bob@example.test", "--password", "pw")
    status, _, err = run("user", "set", "bob", "--activate", "--deactivate")
    assert status == 2 and err.count("\n") == 1


def test_user_set_of_an_unknown_user_fails_in_one_line(run):
    status, out, err = run("user", "set", "ghost", "--admin")
    assert_one_line_failure(status, out, err, "No account named ghost")


# user delete


def test_user_delete_removes_the_account_and_its_tokens(svc, run):
    run("user", "new", "bob", "bob@example.test", "--password", "pw")
    token = run("token", "bob")[1].strip()
    status, out, _ = run("user", "delete", "bob")
    assert status == 0 and "bob" in out
    assert sync(stores(svc).accounts.by_nickname, "bob") is None
    with TestClient(create_app(services=svc)) as client:
        me = client.get("/api/v1/accounts/verify_credentials", headers={"Authorization": f"Bearer {token}"})
        assert me.status_code == 403
    assert_one_line_failure(*run("user", "delete", "bob"), "No account named bob")


# token


def test_token_prints_a_working_token_of_the_plerome_cli_app(svc, run):
    run("user", "new", "carol", "carol@example.test", "--password", "pw")
    status, out, err = run("token", "carol")
    assert (status, err) == (0, "")
    token = out.strip()
    assert out == token + "\n"
    with TestClient(create_app(services=svc)) as client:
        me = client.get("/api/v1/accounts/verify_credentials", headers={"Authorization": f"Bearer {token}"})
        assert me.status_code == 200 and me.json()["username"] == "carol"
    account = sync(stores(svc).accounts.by_nickname, "carol")
    [listing] = sync(stores(svc).tokens.for_account, account.id)
    assert listing.app_name == "plerome-cli"
    assert listing.token.scopes == ("read", "write", "follow", "push")


def test_token_each_call_gives_a_fresh_token_with_the_asked_scopes(svc, run):
    run("user", "new", "carol", "carol@example.test", "--password", "pw")
    first = run("token", "carol")[1].strip()
    second = run("token", "carol", "--scopes", "read:accounts")[1].strip()
    assert first != second
    account = sync(stores(svc).accounts.by_nickname, "carol")
    listings = sync(stores(svc).tokens.for_account, account.id)
    assert [t.token.scopes for t in listings] == [("read", "write", "follow", "push"), ("read:accounts",)]
    assert len({t.token.app_id for t in listings}) == 1  # one plerome-cli app per user


def test_token_of_an_unknown_user_or_scope_fails_in_one_line(run):
    assert_one_line_failure(*run("token", "ghost"), "No account named ghost")
    run("user", "new", "carol", "carol@example.test", "--password", "pw")
    assert_one_line_failure(*run("token", "carol", "--scopes", "read fly"), "Unknown scope: fly")


# migrate, settings from the environment, serve


def test_migrate_says_the_schema_is_up_to_date_each_time(run):
    assert run("migrate") == (0, "The database schema is up to date.\n", "")
    assert run("migrate") == (0, "The database schema is up to date.\n", "")


def test_settings_come_from_the_environment(tmp_path, capsys):
    env = {"PLEROME_DATABASE_URL": "memory://", "PLEROME_DATA_DIR": str(tmp_path / "d")}
    assert cli.main(["migrate"], env) == 0
    assert capsys.readouterr().out == "The database schema is up to date.\n"
    key = (tmp_path / "d" / "secret_key").read_text()  # generated once into DATA_DIR
    assert len(key) > 40
    assert cli.main(["migrate"], env) == 0
    assert (tmp_path / "d" / "secret_key").read_text() == key
    assert [p.name for p in (tmp_path / "d").iterdir()] == ["secret_key"]


def test_settings_can_be_given_instead_of_the_environment(make_settings, capsys):
    assert (
        cli.main(["user", "new", "dora", "dora@example.test", "--password", "pw"], settings=make_settings())
        == 0
    )
    assert len(capsys.readouterr().out.strip()) == 18  # a flake id


@pytest.mark.parametrize(
    ("env", "message"),
    [
        (
            {"PLEROME_DATABASE_URL": "mysql://root@localhost/x"},
            "unsupported database URL: 'mysql://root@localhost/x' (use sqlite:///PATH or postgresql://…)",
        ),
        ({"PLEROME_UPLOAD_LIMIT": "lots"}, "PLEROME_UPLOAD_LIMIT must be a whole number, not 'lots'"),
    ],
)
def test_a_bad_configuration_fails_in_one_line(tmp_path, capsys, env, message):
    status = cli.main(["migrate"], {"PLEROME_DATA_DIR": str(tmp_path), **env})
    out, err = capsys.readouterr()
    assert_one_line_failure(status, out, err, message)


def test_usage_errors_are_one_line_and_help_exits_zero(capsys):
    assert cli.main(["frobnicate"], {}) == 2
    assert capsys.readouterr().err.count("\n") == 1
    assert cli.main(["user"], {}) == 2
    assert capsys.readouterr().err == (
        "plerome user: the following arguments are required: ACTION (see plerome user --help)\n"
    )
    assert cli.main(["--help"], {}) == 0
    assert "serve" in capsys.readouterr().out


def test_serve_migrates_then_runs_uvicorn_with_uvloop_and_httptools(monkeypatch, tmp_path, capsys):
    import uvicorn

    calls = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: calls.append((app, kw)))
    env = {"PLEROME_DATABASE_URL": "memory://", "PLEROME_DATA_DIR": str(tmp_path)}
    assert cli.main(["serve"], env) == 0
    assert capsys.readouterr().out == "The database schema is up to date.\n"
    [(app, kw)] = calls
    assert app.state.services.settings.database_url == "memory://"
    assert kw == {
        "host": "127.0.0.1",
        "port": 4000,
        "loop": "uvloop",
        "http": "httptools",
        "proxy_headers": False,
        "lifespan": "on",
    }
    calls.clear()
    assert cli.main(["serve", "--host", "0.0.0.0", "--port", "8080"], env) == 0
    assert (calls[0][1]["host"], calls[0][1]["port"]) == ("0.0.0.0", 8080)


# The real program, on a SQLite file


def sqlite_ready() -> bool:
    try:
        from plerome.adapters.sqlite import SqliteDatabase  # noqa: F401
    except ImportError:
        return False
    return True


def plerome_exe() -> str:
    exe = Path(sys.executable).with_name("plerome")
    assert exe.exists(), f"{exe} is missing: run `make install`"
    return str(exe)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """A server process whose stderr is read on a thread, so the test can wait for a line."""

    def __init__(self, argv: list[str], env: dict[str, str], cwd: Path) -> None:
        self.proc = subprocess.Popen(argv, env=env, cwd=cwd, stderr=subprocess.PIPE, text=True)
        self.lines: queue.Queue[str] = queue.Queue()
        self.seen: list[str] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.proc.stderr is not None
        for line in self.proc.stderr:
            self.lines.put(line)
        self.lines.put("")

    def wait_for(self, text: str, timeout: float = 30) -> None:
        while True:
            line = self.lines.get(timeout=timeout)
            self.seen.append(line)
            if text in line:
                return
            if line == "":
                raise AssertionError("server exited:\n" + "".join(self.seen))

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self._reader.join(timeout=20)  # the pipe ends with the process
        assert self.proc.stderr is not None
        self.proc.stderr.close()


def program_env(tmp_path: Path, database_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PLEROME_")}
    env.update(
        PLEROME_DATABASE_URL=database_url,
        PLEROME_DATA_DIR=str(tmp_path / "data"),
        PLEROME_BASE_URL="http://127.0.0.1:4000",
    )
    return env


@pytest.mark.skipif(not sqlite_ready(), reason="plerome.adapters.sqlite is not built yet")
def test_the_installed_program_on_a_sqlite_file(tmp_path):
    env = program_env(tmp_path, "sqlite:///plerome.sqlite3")  # relative: to the working directory
    exe = plerome_exe()

    def plerome(*argv: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [exe, *argv], env=env, cwd=tmp_path, capture_output=True, text=True, timeout=120, check=False
        )

    first = plerome("migrate")
    assert first.returncode == 0, first.stderr
    assert "applied" in first.stdout
    assert (tmp_path / "plerome.sqlite3").exists()
    again = plerome("migrate")
    assert (again.returncode, again.stdout) == (0, "The database schema is up to date.\n")

    made = plerome("user", "new", "admin", "admin@example.test", "--password", "pw", "--admin")
    assert made.returncode == 0, made.stderr
    taken = plerome("user", "new", "admin", "other@example.test", "--password", "pw")
    assert (taken.returncode, taken.stdout) == (1, "")
    assert taken.stderr == "plerome: Nickname has already been taken.\n"
    unknown = plerome("token", "ghost")
    assert (unknown.returncode, unknown.stderr) == (1, "plerome: No account named ghost\n")
    token = plerome("token", "admin")
    assert token.returncode == 0, token.stderr

    port = free_port()
    server = Server([exe, "serve", "--port", str(port)], env, tmp_path)
    try:
        server.wait_for("Uvicorn running on")
        me = httpx.get(
            f"http://127.0.0.1:{port}/api/v1/accounts/verify_credentials",
            headers={"Authorization": f"Bearer {token.stdout.strip()}"},
        )
        assert me.status_code == 200, me.text
        assert me.json()["username"] == "admin"
        assert me.json()["id"] == made.stdout.strip()
    finally:
        server.stop()

    (tmp_path / "a-file").write_text("not a folder")
    bad = subprocess.run(
        [exe, "migrate"],
        env={**env, "PLEROME_DATABASE_URL": f"sqlite:///{tmp_path}/a-file/y.sqlite3"},
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert bad.returncode != 0
    assert bad.stderr.count("\n") == 1 and bad.stderr.startswith("plerome: ")
    assert "Traceback" not in bad.stderr


def postgres_url() -> str:
    url = os.environ.get("PLEROME_TEST_POSTGRES_URL")
    if not url:
        if os.environ.get("PLEROME_REQUIRE_POSTGRES") == "1":
            pytest.fail("PLEROME_REQUIRE_POSTGRES=1 but PLEROME_TEST_POSTGRES_URL is not set")
        pytest.skip("PLEROME_TEST_POSTGRES_URL not set")
    try:
        from plerome.adapters.postgres import PostgresDatabase  # noqa: F401
    except ImportError:
        pytest.skip("plerome.adapters.postgres is not built yet")
    return url


@pytest.fixture
def scratch_database():
    """A database of its own on the test server (created and dropped here), as the README's deployment."""
    import asyncio
    import secrets

    import asyncpg

    url = postgres_url()
    name = f"plerome_cli_{secrets.token_hex(6)}"

    async def admin(sql: str) -> None:
        conn = await asyncpg.connect(url)
        try:
            await conn.execute(sql)
        finally:
            await conn.close()

    asyncio.run(admin(f'CREATE DATABASE "{name}"'))
    try:
        yield url.rsplit("/", 1)[0] + "/" + name
    finally:
        asyncio.run(admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.mark.postgres
def test_the_readme_deployment_migrate_then_uvicorn_with_two_workers(tmp_path, scratch_database):
    env = program_env(tmp_path, scratch_database)
    migrated = subprocess.run(
        [plerome_exe(), "migrate"], env=env, cwd=tmp_path, capture_output=True, text=True, timeout=120
    )
    assert migrated.returncode == 0, migrated.stderr
    made = subprocess.run(
        [plerome_exe(), "user", "new", "alice", "alice@example.test", "--password", "pw"],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert made.returncode == 0, made.stderr

    uvicorn = shutil.which("uvicorn", path=str(Path(sys.executable).parent))
    assert uvicorn
    port = free_port()
    argv = [
        uvicorn,
        "--factory",
        "plerome.entrypoints.asgi:app_from_env",
        "--port",
        str(port),
        "--workers",
        "2",
    ]
    server = Server(argv, env, tmp_path)
    try:
        for _ in range(2):
            server.wait_for("Application startup complete")
        with httpx.Client(base_url=f"http://127.0.0.1:{port}") as http:
            app = http.post(
                "/api/v1/apps",
                json={"client_name": "t", "redirect_uris": "urn:ietf:wg:oauth:2.0:oob", "scopes": "read"},
            ).json()
            for _ in range(4):  # spread over both workers: each sees what the other wrote
                r = http.post(
                    "/oauth/token",
                    data={
                        "grant_type": "password",
                        "client_id": app["client_id"],
                        "client_secret": app["client_secret"],
                        "username": "alice",
                        "password": "pw",
                    },
                )
                assert r.status_code == 200, r.text
    finally:
        server.stop()
