"""follow_import, blocks_import and mutes_import over HTTP, on every store: the answer comes at once,
a job does the work, and a Mastodon CSV export round-trips as a new user would use it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from starlette.testclient import TestClient

from plerome.domain.usecases.accounts import create_account
from plerome.domain.usecases.imports import IMPORT_JOB
from plerome.domain.usecases.jobs import run_next
from plerome.domain.usecases.oauth import cli_token
from plerome.entrypoints.asgi import create_app

pytestmark = pytest.mark.parametrize("database_url", ["memory", "sqlite", "postgres"], indirect=True)

PREFIXES = ("/api/v1/pleroma", "/api/pleroma")


@pytest.fixture
def imports_done(api, job_watch):
    return job_watch(api.svc, IMPORT_JOB)


def nicknames(r) -> list[str]:
    assert r.status_code == 200, r.text
    return sorted(a["username"] for a in r.json())


def following(client, account, headers) -> list[str]:
    return nicknames(client.get(f"/api/v1/accounts/{account.id}/following", headers=headers))


@pytest.mark.parametrize("prefix", PREFIXES)
def test_a_follow_import_answers_job_started_and_the_follows_appear(client, api, imports_done, prefix):
    me, headers = api.login("me")
    for name in ("alice", "bob", "carol"):
        api.user(name)
    text = "alice\n@bob carol@127.0.0.1:4000 http://127.0.0.1:4000/users/nobody remote@elsewhere.example"
    r = client.post(f"{prefix}/follow_import", headers=headers, data={"list": text})
    assert (r.status_code, r.json()) == (200, "job started")
    imports_done.wait()
    assert following(client, me, headers) == ["alice", "bob", "carol"]


@pytest.mark.parametrize("prefix", PREFIXES)
def test_block_and_mute_imports_as_json_bodies(client, api, imports_done, prefix):
    _, headers = api.login("me")
    alice, bob = api.user("alice"), api.user("bob")
    r = client.post(f"{prefix}/blocks_import", headers=headers, json={"list": "@alice"})
    assert (r.status_code, r.json()) == (200, "job started")
    r = client.post(f"{prefix}/mutes_import", headers=headers, json={"list": "bob\n"})
    assert (r.status_code, r.json()) == (200, "job started")
    imports_done.wait(2)
    assert [a["id"] for a in client.get("/api/v1/blocks", headers=headers).json()] == [alice.id]
    assert [a["id"] for a in client.get("/api/v1/mutes", headers=headers).json()] == [bob.id]


def test_a_new_user_imports_a_mastodon_csv_export_of_someone_elses_follows(client, api, imports_done):
    """Export a follow list the way Mastodon writes it, upload the file, watch the follows appear."""
    old, old_headers = api.login("old")
    names = ["ann", "ben", "cat", "dan"]
    for name in names:
        friend = api.user(name)
        assert client.post(f"/api/v1/accounts/{friend.id}/follow", headers=old_headers).status_code == 200
    rows = ["Account address,Show boosts,Notify on new posts,Languages"]
    for account in client.get(f"/api/v1/accounts/{old.id}/following", headers=old_headers).json():
        rows.append(f"{account['fqn']},{'false' if account['username'] == 'ben' else 'true'},false,")
    export = ("\n".join(rows) + "\n").encode()

    new, headers = api.login("new")
    r = client.post(
        "/api/pleroma/follow_import",
        headers=headers,
        files={"list": ("following_accounts.csv", export, "text/csv")},
    )
    assert (r.status_code, r.json()) == (200, "job started")
    imports_done.wait()
    assert following(client, new, headers) == names
    ben = client.get("/api/v1/accounts/ben", headers=headers).json()
    [rel] = client.get("/api/v1/accounts/relationships", params={"id": ben["id"]}, headers=headers).json()
    assert (rel["following"], rel["showing_reblogs"], rel["notifying"]) == (True, False, False)
    me = client.get("/api/v1/accounts/verify_credentials", headers=headers).json()
    assert me["following_count"] == 4


def test_the_answer_comes_before_the_work_and_the_queue_shows_the_job(make_settings, checked_client):
    """No workers in this app: the import waits in the queue (as the healthcheck shows) until one runs."""
    c: TestClient = checked_client(create_app(make_settings(job_workers=0)))
    svc = c.app.state.services
    me = c.portal.call(lambda: create_account(svc.ctx, "me", "me@example.test", "pw"))
    c.portal.call(lambda: create_account(svc.ctx, "alice", "alice@example.test", "pw"))
    headers = {
        "Authorization": f"Bearer {c.portal.call(lambda: cli_token(svc.ctx, me, 'read follow')).access_token}"
    }
    r = c.post("/api/v1/pleroma/follow_import", headers=headers, data={"list": "alice"})
    assert (r.status_code, r.json()) == (200, "job started")
    assert following(c, me, headers) == []
    stats = c.get("/api/v1/pleroma/healthcheck").json()["job_queue_stats"]
    assert (stats["queued"], stats["done"]) == (1, 0)
    ran = c.portal.call(
        lambda: run_next(svc.ctx.stores.jobs, svc.ctx.clock, svc.job_handlers, timedelta(minutes=1))
    )
    assert ran is not None and ran.kind == IMPORT_JOB
    assert following(c, me, headers) == ["alice"]
    stats = c.get("/api/pleroma/healthcheck").json()["job_queue_stats"]
    assert (stats["queued"], stats["done"], stats["processed_jobs"]) == (0, 1, 1)


def test_an_empty_list_starts_nothing_but_answers_the_same(client, api):
    _, headers = api.login("me")
    r = client.post("/api/v1/pleroma/follow_import", headers=headers, data={"list": "  \n"})
    assert (r.status_code, r.json()) == (200, "job started")
    stats = client.get("/api/v1/pleroma/healthcheck").json()["job_queue_stats"]
    assert stats["queued"] + stats["running"] + stats["done"] == 0


@pytest.mark.parametrize(
    "kw, status, error",
    [
        ({"data": {}}, 400, "Missing field: list."),
        ({"json": {"list": 5}}, 400, "Invalid value for list: expected a string or a file"),
        ({"json": {"list": ["a", "b"]}}, 400, "Invalid value for list: expected a string or a file"),
        (
            {"files": {"list": ("l.csv", b"\xff\xfe\xfa", "text/csv")}},
            400,
            "Invalid value for list: the file is not UTF-8 text",
        ),
        (
            {"content": b'{"list": ', "headers": {"content-type": "application/json"}},
            400,
            "Invalid JSON body",
        ),
    ],
)
def test_bad_lists_are_refused(client, api, kw, status, error):
    _, headers = api.login("me")
    kw = dict(kw)
    headers = {**headers, **kw.pop("headers", {})}
    for path in ("/follow_import", "/blocks_import", "/mutes_import"):
        r = client.post(f"/api/pleroma{path}", headers=headers, **kw)
        assert (r.status_code, r.json()) == (status, {"error": error})


def test_a_list_too_large_is_413(make_settings, checked_client):
    c = checked_client(create_app(make_settings(upload_limit=1000)))
    svc = c.app.state.services
    me = c.portal.call(lambda: create_account(svc.ctx, "me", "me@example.test", "pw"))
    headers = {
        "Authorization": f"Bearer {c.portal.call(lambda: cli_token(svc.ctx, me, 'follow')).access_token}"
    }
    r = c.post(
        "/api/pleroma/follow_import", headers=headers, files={"list": ("l.txt", b"a " * 2000, "text/plain")}
    )
    assert (r.status_code, r.json()) == (413, {"error": "File is too large"})


@pytest.mark.parametrize(
    "path, scope, missing",
    [
        ("/follow_import", "write:follows", "follow | write:follows"),
        ("/blocks_import", "write:blocks", "follow | write:blocks"),
        ("/mutes_import", "write:mutes", "follow | write:mutes"),
    ],
)
def test_each_import_needs_follow_or_its_own_write_scope(client, api, basic_auth, path, scope, missing):
    me = api.user("me")
    for scopes in ("read write:accounts", "write:statuses"):
        r = client.post(f"/api/v1/pleroma{path}", headers=api_headers(api, me, scopes), data={"list": "x"})
        assert (r.status_code, r.json()) == (403, {"error": f"Insufficient permissions: {missing}."})
    for scopes in ("follow", scope, "write"):
        r = client.post(f"/api/v1/pleroma{path}", headers=api_headers(api, me, scopes), data={"list": "x"})
        assert r.status_code == 200, (scopes, r.text)
    r = client.post(f"/api/pleroma{path}", data={"list": "x"})
    assert (r.status_code, r.json()) == (403, {"error": "Invalid credentials."})
    r = client.post(f"/api/pleroma{path}", headers=basic_auth("me", "secret"), data={"list": "x"})
    assert r.status_code == 200  # Basic logins skip the scope check


def api_headers(api, account, scopes: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {api.token(account, scopes)}"}
