"""Backups over HTTP (both prefixes, every store with statuses): ask for one, watch it be made, list,
download and open the zip; one per interval; the owner alone downloads it."""

from __future__ import annotations

import io
import json
import re
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import pytest

from plerome.domain.statuses import Status
from plerome.domain.usecases.accounts import create_account
from plerome.domain.usecases.backups import BACKUP_JOB
from plerome.domain.usecases.oauth import cli_token
from plerome.entrypoints.asgi import create_app
from plerome.entrypoints.http.auth import SESSION_COOKIE, Auth
from plerome.ports.statuses import Mark

pytestmark = pytest.mark.parametrize("database_url", ["memory", "sqlite", "postgres"], indirect=True)

BASE = "http://127.0.0.1:4000"
PREFIXES = ("/api/v1/pleroma", "/api/pleroma")
NOW = datetime(2026, 1, 1, tzinfo=UTC)


@pytest.fixture
def backups_done(api, job_watch):
    return job_watch(api.svc, BACKUP_JOB)


def unzip(data: bytes) -> dict[str, object]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        assert z.testzip() is None
        return {name: json.loads(z.read(name)) for name in z.namelist()}


def post(api, author, text, visibility="public") -> Status:
    ctx = api.svc.ctx
    sid = ctx.ids.new()
    status = Status(sid, author.id, NOW, visibility, text, "text/plain", f"<p>{text}</p>", context_id=sid)
    api.client.portal.call(lambda: ctx.stores.statuses.add(status))
    return status


@pytest.mark.parametrize("prefix", PREFIXES)
def test_a_new_user_asks_for_a_backup_downloads_it_and_opens_the_zip(
    client, api, settings, backups_done, prefix
):
    me, headers = api.login("alice")
    friend = api.user("bob")
    assert client.post(f"/api/v1/accounts/{friend.id}/follow", headers=headers).status_code == 200
    mine = [post(api, me, f"note {n}") for n in range(3)]
    theirs = post(api, friend, "bob's")
    ctx = api.svc.ctx
    api.client.portal.call(lambda: ctx.stores.favourites.add(Mark(ctx.ids.new(), me.id, theirs.id, NOW)))

    r = client.post(f"{prefix}/backups", headers=headers)
    assert r.status_code == 200, r.text
    [asked] = r.json()
    assert asked["content_type"] == "application/zip"
    assert re.fullmatch(
        rf"{BASE}/api/v1/pleroma/backups/archive-alice-\d{{8}}T\d{{6}}-[A-Za-z0-9_-]+\.zip", asked["url"]
    )
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", asked["inserted_at"])
    assert isinstance(asked["id"], str)
    backups_done.wait()

    [done] = client.get(f"{prefix}/backups", headers=headers).json()
    assert (done["id"], done["url"], done["processed"], done["state"]) == (
        asked["id"],
        asked["url"],
        True,
        "complete",
    )
    assert done["processed_number"] == 3 + 1 + 0 + 1 + 0  # outbox, likes, bookmarks, following, followers
    r = client.get(done["url"][len(BASE) :], headers=headers)
    assert r.status_code == 200
    assert r.headers["content-type"] == "application/zip"
    assert r.headers["content-disposition"] == f'attachment; filename="{done["url"].rsplit("/", 1)[1]}"'
    assert len(r.content) == done["file_size"] > 0
    files = unzip(r.content)
    assert sorted(files) == [
        "actor.json",
        "bookmarks.json",
        "followers.json",
        "following.json",
        "likes.json",
        "outbox.json",
    ]
    assert files["actor.json"]["preferredUsername"] == "alice"
    outbox = files["outbox.json"]
    assert outbox["totalItems"] == 3
    assert [i["object"]["source"]["content"] for i in outbox["orderedItems"]] == [
        s.source for s in reversed(mine)
    ]
    assert files["likes.json"]["orderedItems"] == [f"{BASE}/objects/{theirs.id}"]
    assert files["following.json"]["orderedItems"] == [f"{BASE}/users/bob"]
    on_disk = Path(settings.data_dir) / "backups" / done["url"].rsplit("/", 1)[1]
    assert on_disk.read_bytes() == r.content


def test_only_the_owner_downloads_a_backup(client, api, backups_done):
    _, headers = api.login("alice")
    _, other = api.login("bob")
    client.post("/api/v1/pleroma/backups", headers=headers)
    backups_done.wait()
    [done] = client.get("/api/v1/pleroma/backups", headers=headers).json()
    path = done["url"][len(BASE) :]
    r = client.get(path, headers=other)
    assert (r.status_code, r.json()) == (404, {"error": "Record not found"})
    assert client.get("/api/v1/pleroma/backups", headers=other).json() == []
    r = client.get(path)
    assert (r.status_code, r.json()) == (403, {"error": "Invalid credentials."})
    for missing in ("archive-alice-nope.zip", "..secret_key", ".hidden.zip", "x" * 600):
        r = client.get(f"/api/v1/pleroma/backups/{missing}", headers=headers)
        assert (r.status_code, r.json()) == (404, {"error": "Record not found"})
    r = client.get("/api/v1/pleroma/backups/..%2F..%2Fsecret_key", headers=headers)
    assert r.status_code == 404  # names no route at all
    # a browser session (Pleroma-FE's download link) and the other spelling work too
    token = headers["Authorization"].split()[1]
    cookie = Auth(api.svc.ctx, api.svc.secret_key, 1000).session_cookie(token)
    client.cookies.set(SESSION_COOKIE, cookie)
    r = client.get(path.replace("/api/v1/pleroma", "/api/pleroma"))
    assert r.status_code == 200 and r.content[:2] == b"PK"
    client.cookies.clear()
    head = client.head(path, headers=headers)
    assert (head.status_code, head.headers["content-length"]) == (200, str(done["file_size"]))


@pytest.mark.parametrize(
    "days, error", [(7, "Last export was less than 7 days ago"), (1, "Last export was less than a day ago")]
)
def test_one_backup_per_interval(make_settings, checked_client, days, error):
    c = checked_client(create_app(make_settings(backup_interval_days=days, job_workers=0)))
    headers = login(c, "alice", "read:backups")
    assert c.post("/api/v1/pleroma/backups", headers=headers).status_code == 200
    r = c.post("/api/pleroma/backups", headers=headers)
    assert (r.status_code, r.json()) == (400, {"error": error})
    assert len(c.get("/api/v1/pleroma/backups", headers=headers).json()) == 1


def test_no_interval_allows_any_number(make_settings, checked_client):
    c = checked_client(create_app(make_settings(backup_interval_days=0, job_workers=0)))
    headers = login(c, "alice", "read")
    for n in range(1, 4):
        assert len(c.post("/api/v1/pleroma/backups", headers=headers).json()) == n


def test_a_pending_backup_is_listed_queued_and_not_downloadable(make_settings, checked_client):
    c = checked_client(create_app(make_settings(job_workers=0)))
    headers = login(c, "alice", "read")
    [pending] = c.post("/api/v1/pleroma/backups", headers=headers).json()
    assert {k: pending[k] for k in ("processed", "state", "file_size", "processed_number")} == {
        "processed": False,
        "state": "pending",
        "file_size": 0,
        "processed_number": 0,
    }
    r = c.get(pending["url"][len(BASE) :], headers=headers)
    assert (r.status_code, r.json()) == (404, {"error": "Record not found"})
    stats = c.get("/api/v1/pleroma/healthcheck").json()["job_queue_stats"]
    assert (stats["queued"], stats["running"], stats["done"]) == (1, 0, 0)


def test_backups_need_a_login_with_read_backups(client, api):
    me = api.user("alice")
    for method in ("GET", "POST"):
        r = client.request(method, "/api/v1/pleroma/backups")
        assert (r.status_code, r.json()) == (403, {"error": "Invalid credentials."})
        weak = {"Authorization": f"Bearer {api.token(me, 'write read:accounts')}"}
        r = client.request(method, "/api/pleroma/backups", headers=weak)
        assert (r.status_code, r.json()) == (403, {"error": "Insufficient permissions: read:backups."})
    r = client.get("/api/v1/pleroma/backups/archive-x.zip", headers=weak)
    assert (r.status_code, r.json()) == (403, {"error": "Insufficient permissions: read:backups."})
    enough = {"Authorization": f"Bearer {api.token(me, 'read:backups')}"}
    assert client.get("/api/v1/pleroma/backups", headers=enough).json() == []


def login(c, nickname: str, scopes: str) -> dict[str, str]:
    svc = c.app.state.services
    me = c.portal.call(lambda: create_account(svc.ctx, nickname, f"{nickname}@example.test", "pw"))
    return {"Authorization": f"Bearer {c.portal.call(lambda: cli_token(svc.ctx, me, scopes)).access_token}"}
