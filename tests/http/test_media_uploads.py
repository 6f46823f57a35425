"""Media uploads over HTTP as Mastodon.py (v1, a named file) and megalodon (v2, a blob) send them, on
memory and SQLite stores with the files on disk: what is answered, what the URL serves, and that a
refused or failed upload leaves no file behind."""

from __future__ import annotations

import sqlite3
import struct
from pathlib import Path

import pytest

from plerome.adapters.memory.statuses import MemoryAttachments
from plerome.adapters.sql.attachments import SqlAttachments

pytestmark = pytest.mark.parametrize("database_url", ["memory", "sqlite"], indirect=True)

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"
    + struct.pack(">II", 640, 320)
    + b"\x08\x02\x00\x00\x00"
    + bytes(40)
)
MP3 = b"ID3\x04\x00\x00\x00\x00\x00\x00" + b"\xff\xfb\x90\x64" + bytes(300)
HTML = b"<html><script>alert(document.cookie)</script></html>"
LIMIT = 2000


@pytest.fixture
def settings(make_settings):
    return make_settings(upload_limit=LIMIT)


@pytest.fixture
def alice(api):
    return api.login("alice")


@pytest.fixture
def bob(api):
    return api.login("bob")


def stored_files(settings) -> list[str]:
    """Every file under the media folder, hidden temporary ones included."""
    root = Path(settings.data_dir) / "media"
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()) if root.exists() else []


def attachment_rows(api, settings) -> int:
    if settings.database_url.startswith("sqlite"):
        with sqlite3.connect(settings.database_url.removeprefix("sqlite:///")) as db:
            return int(db.execute("SELECT count(*) FROM attachments").fetchone()[0])
    return len(api.svc.ctx.stores._state.attachments)


def upload(client, who, version="v1", **kw):
    return client.post(f"/api/{version}/media", headers=who[1], **kw)


# -- uploading, as the clients do it


def test_mastodon_py_uploads_to_v1_with_a_description_and_focus(client, alice, settings):
    r = upload(
        client,
        alice,
        files={"file": ("cat.png", PNG, "image/png")},
        data={"description": "a cat ✨", "focus": "0.5,-0.25"},
    )
    assert r.status_code == 200, r.text
    media = r.json()
    assert media["type"] == "image" and media["pleroma"] == {"mime_type": "image/png"}
    assert media["url"].startswith(f"{settings.base_url}/media/attachments/") and media["url"].endswith(
        ".png"
    )
    assert media["preview_url"] == media["text_url"] == media["url"] and media["remote_url"] is None
    assert media["description"] == "a cat ✨" and media["blurhash"] is None
    assert media["meta"]["original"] == {"width": 640, "height": 320, "size": "640x320", "aspect": 2.0}
    assert media["meta"]["focus"] == {"x": 0.5, "y": -0.25}
    served = client.get(media["url"].removeprefix(settings.base_url))
    assert served.status_code == 200 and served.content == PNG
    assert served.headers["content-type"] == "image/png"
    assert "content-disposition" not in served.headers
    again = client.get(f"/api/v1/media/{media['id']}", headers=alice[1])
    assert again.status_code == 200 and again.json() == media


def test_megalodon_uploads_a_blob_to_v2_and_gets_its_url_at_once(client, alice, settings):
    r = upload(client, alice, "v2", files={"file": ("blob", MP3, "application/octet-stream")})
    assert r.status_code == 200, r.text
    media = r.json()
    assert media["url"] is not None and media["url"].endswith(".mp3")
    assert (media["type"], media["pleroma"]["mime_type"], media["meta"]) == ("audio", "audio/mpeg", {})
    assert media["description"] is None
    served = client.get(media["url"].removeprefix(settings.base_url))
    assert served.content == MP3 and served.headers["content-type"] == "audio/mpeg"


def test_the_content_decides_the_type_never_the_name_or_the_declared_type(client, alice, settings):
    r = upload(client, alice, files={"file": ("photo.png", HTML, "image/png")})
    assert r.status_code == 200, r.text
    media = r.json()
    assert (media["type"], media["pleroma"]["mime_type"]) == ("unknown", "application/octet-stream")
    served = client.get(media["url"].removeprefix(settings.base_url))
    assert served.content == HTML
    assert served.headers["content-type"] == "application/octet-stream"
    assert served.headers["content-disposition"] == "attachment"
    assert served.headers["x-content-type-options"] == "nosniff"


def test_an_upload_can_be_attached_to_a_status(client, alice):
    media = upload(client, alice, files={"file": ("cat.png", PNG, "image/png")}).json()
    r = client.post("/api/v1/statuses", headers=alice[1], data={"status": "look", "media_ids[]": media["id"]})
    assert r.status_code == 200, r.text
    assert [m["id"] for m in r.json()["media_attachments"]] == [media["id"]]
    assert r.json()["media_attachments"][0]["url"] == media["url"]


# -- showing and changing


def test_a_description_and_focus_are_changed_by_form_or_json_and_cleared_by_empty(client, alice):
    media = upload(client, alice, files={"file": ("cat.png", PNG, "image/png")}).json()
    path = f"/api/v1/media/{media['id']}"
    r = client.put(path, headers=alice[1], data={"description": "a dog", "focus": "-1,1"})
    assert r.status_code == 200, r.text
    assert r.json()["description"] == "a dog" and r.json()["meta"]["focus"] == {"x": -1.0, "y": 1.0}
    r = client.put(path, headers=alice[1], json={"focus": "0,0"})
    assert r.json()["description"] == "a dog" and r.json()["meta"]["focus"] == {"x": 0.0, "y": 0.0}
    r = client.put(path, headers=alice[1], json={"description": None, "focus": ""})
    assert r.json()["description"] is None and "focus" not in r.json()["meta"]
    assert client.get(path, headers=alice[1]).json() == r.json()
    assert r.json()["url"] == media["url"]


def test_another_account_neither_sees_nor_changes_an_upload(client, alice, bob):
    media = upload(client, alice, files={"file": ("cat.png", PNG, "image/png")}).json()
    path = f"/api/v1/media/{media['id']}"
    for r in (
        client.get(path, headers=bob[1]),
        client.put(path, headers=bob[1], json={"description": "mine now"}),
        client.get("/api/v1/media/000000000000000999", headers=alice[1]),
        client.put("/api/v1/media/%E2%9C%A8", headers=alice[1], json={"description": "x"}),
    ):
        assert (r.status_code, r.json()) == (404, {"error": "Record not found"})
    assert client.get(path, headers=alice[1]).json()["description"] is None


def test_a_description_over_1500_characters_is_refused(client, alice):
    long = "x" * 1501
    r = upload(client, alice, files={"file": ("cat.png", PNG, "image/png")}, data={"description": long})
    assert r.status_code == 422
    assert r.json() == {"error": "Description is too long (maximum is 1500 characters)"}
    media = upload(client, alice, files={"file": ("cat.png", PNG, "image/png")}).json()
    r = client.put(f"/api/v1/media/{media['id']}", headers=alice[1], json={"description": long})
    assert r.status_code == 422
    r = client.put(f"/api/v1/media/{media['id']}", headers=alice[1], json={"description": "x" * 1500})
    assert r.status_code == 200


# -- bad requests


@pytest.mark.parametrize(
    ("kw", "status", "error"),
    [
        ({"data": {"description": "no file"}}, 400, "Missing field: file."),
        ({"files": {"other": ("a.png", PNG, "image/png")}}, 400, "Missing field: file."),
        ({"files": {"file": ("", b"", "application/octet-stream")}}, 400, "Missing field: file."),
        ({"json": {}}, 400, "Missing field: file."),
        ({"data": {"file": "not an upload"}}, 400, "Invalid value for file: expected an uploaded file"),
        ({"json": {"file": {"url": "x"}}}, 400, "Invalid value for file: expected an uploaded file"),
        ({"files": {"file": ("empty.png", b"", "image/png")}}, 422, "The file is empty."),
        (
            {"files": {"file": ("a.png", PNG, "image/png")}, "data": {"focus": "2,2"}},
            400,
            "focus values must be between -1.0 and 1.0",
        ),
    ],
)
def test_an_upload_without_a_usable_file_is_refused(client, alice, settings, kw, status, error):
    for version in ("v1", "v2"):
        r = upload(client, alice, version, **kw)
        assert (r.status_code, r.json()) == (status, {"error": error})
    assert stored_files(settings) == []


def test_uploads_need_the_write_media_scope(client, api):
    _, reader = api.login("reader", scopes="read")
    _, writer = api.login("writer", scopes="write:media")
    file = {"file": ("cat.png", PNG, "image/png")}
    r = client.post("/api/v1/media", headers=reader, files=file)
    assert (r.status_code, r.json()) == (403, {"error": "Insufficient permissions: write:media."})
    assert client.post("/api/v2/media", files=file).status_code == 403
    media = client.post("/api/v2/media", headers=writer, files=file).json()
    assert client.get(f"/api/v1/media/{media['id']}", headers=reader).status_code == 403
    assert client.get(f"/api/v1/media/{media['id']}", headers=writer).status_code == 200


# -- limits and failures leave nothing on disk


def test_a_file_over_the_limit_is_413_and_leaves_nothing(client, api, alice, settings):
    at_limit = PNG + bytes(LIMIT - len(PNG))
    r = upload(client, alice, files={"file": ("a.png", at_limit + b"\x00", "image/png")})
    assert (r.status_code, r.json()) == (413, {"error": "File is too large"})
    # A body far past the limit is cut off while it streams in.
    huge = at_limit * 600
    r = upload(client, alice, "v2", files={"file": ("a.png", huge, "image/png")})
    assert (r.status_code, r.json()) == (413, {"error": "File is too large"})
    assert stored_files(settings) == []
    assert attachment_rows(api, settings) == 0
    r = upload(client, alice, files={"file": ("a.png", at_limit, "image/png")})
    assert r.status_code == 200
    assert len(stored_files(settings)) == 1
    assert attachment_rows(api, settings) == 1


def test_a_failed_save_leaves_no_file_and_no_row(client, api, alice, settings):
    # A file standing where the uploads folder should be: the store cannot write.
    root = Path(settings.data_dir) / "media"
    root.mkdir(parents=True, exist_ok=True)
    (root / "attachments").write_bytes(b"in the way")
    r = upload(client, alice, files={"file": ("cat.png", PNG, "image/png")})
    assert (r.status_code, r.json()) == (500, {"error": "Internal server error"})
    assert stored_files(settings) == ["attachments"]
    assert attachment_rows(api, settings) == 0


def test_a_row_that_cannot_be_written_takes_its_file_away(client, api, alice, settings, monkeypatch):
    async def broken(self, attachment):
        raise RuntimeError("database gone")

    monkeypatch.setattr(MemoryAttachments, "add", broken)
    monkeypatch.setattr(SqlAttachments, "add", broken)
    r = upload(client, alice, files={"file": ("cat.png", PNG, "image/png")})
    assert r.status_code == 500
    assert stored_files(settings) == []
