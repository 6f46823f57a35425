"""Emoji packs over HTTP: lists, packs, files, import, archives and the image files themselves."""

import hashlib
import io
import json
import zipfile
from pathlib import Path

import pytest
from starlette.applications import Starlette
from starlette.routing import Mount
from starlette.testclient import TestClient

from plerome.domain.usecases.accounts import create_account
from plerome.domain.usecases.oauth import cli_token
from plerome.entrypoints.asgi import create_app
from plerome.entrypoints.http.emoji import nodeinfo_features

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 12
GIF = b"GIF89a" + b"\x01" * 12
SVG = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'
V1, OLD = "/api/v1/pleroma", "/api/pleroma"


@pytest.fixture
def admin(api):
    _, headers = api.login("admin", scopes="read write admin", admin=True)
    return headers


@pytest.fixture
def emoji_dir(settings):
    return Path(settings.data_dir) / "emoji"


def zip_of(entries):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        for name, data in entries.items():
            zf.writestr(name, data)
    return out.getvalue()


def make_pack(client, admin, name, files=(), prefix=V1):
    assert client.post(f"{prefix}/emoji/pack", params={"name": name}, headers=admin).json() == "ok"
    for shortcode, filename, data in files:
        r = upload(client, admin, name, filename, data, prefix=prefix, shortcode=shortcode)
        assert r.status_code == 200, r.text


def upload(client, admin, pack, upload_name, data, prefix=V1, **fields):
    return client.post(
        f"{prefix}/emoji/packs/files",
        params={"name": pack},
        headers=admin,
        files={"file": (upload_name, data, "application/octet-stream")},
        data=fields,
    )


def admin_of(client, svc=None):
    """An admin's Authorization header on the app behind `client`."""
    svc = svc or client.app.state.services
    account = client.portal.call(
        lambda: create_account(svc.ctx, "admin", "admin@example.test", "pw", is_admin=True)
    )
    token = client.portal.call(lambda: cli_token(svc.ctx, account, "admin"))
    return {"Authorization": f"Bearer {token.access_token}"}


def drop_pack(emoji_dir, name, files, metadata=None):
    """A pack written straight into the directory, as an operator or another process would."""
    directory = emoji_dir / name
    directory.mkdir(parents=True, exist_ok=True)
    for path in files.values():
        (directory / path).parent.mkdir(parents=True, exist_ok=True)
        (directory / path).write_bytes(PNG)
    (directory / "pack.json").write_text(json.dumps({"files": files, "pack": metadata or {}}))


# --- reading ---


def test_an_instance_without_packs_lists_nothing(client):
    assert client.get(f"{V1}/emoji").json() == {}
    assert client.get("/api/v1/custom_emojis").json() == []
    assert client.get(f"{OLD}/emoji/packs").json() == {"packs": {}, "count": 0}


def test_every_emoji_is_listed_both_ways_and_served(client, admin):
    make_pack(client, admin, "cats", [("blob", "blob.png", PNG), ("wave", "sub/wave.gif", GIF)])
    assert client.get(f"{OLD}/emoji").json() == {
        "blob": {"image_url": "/emoji/cats/blob.png", "tags": ["pack:cats"]},
        "wave": {"image_url": "/emoji/cats/sub/wave.gif", "tags": ["pack:cats"]},
    }
    mastodon = client.get("/api/v1/custom_emojis").json()
    assert mastodon[0] == {
        "shortcode": "blob",
        "url": "http://127.0.0.1:4000/emoji/cats/blob.png",
        "static_url": "http://127.0.0.1:4000/emoji/cats/blob.png",
        "visible_in_picker": True,
        "category": "pack:cats",
    }
    image = client.get("/emoji/cats/sub/wave.gif")
    assert image.status_code == 200 and image.content == GIF
    assert image.headers["content-type"] == "image/gif"
    assert image.headers["x-content-type-options"] == "nosniff"


def test_only_files_a_pack_lists_are_served(client, admin, emoji_dir):
    make_pack(client, admin, "cats", [("blob", "blob.png", PNG)])
    (emoji_dir / "cats" / "stray.png").write_bytes(PNG)
    (emoji_dir / "secret.txt").write_text("no")
    for path in [
        "/emoji/cats/pack.json",
        "/emoji/cats/stray.png",
        "/emoji/cats/..%2Fsecret.txt",
        "/emoji/x/a.png",
    ]:
        r = client.get(path)
        assert r.status_code == 404, path
        assert r.json() == {"error": "Record not found"}


def test_image_urls_follow_the_base_url_path_when_mounted(make_settings):
    settings = make_settings(base_url="http://testserver/social")
    inner = create_app(settings)
    host = Starlette(routes=[Mount("/social", app=inner)])
    with TestClient(host) as client:
        admin = admin_of(client, inner.state.services)
        make_pack(client, admin, "cats", [("blob", "blob.png", PNG)], prefix="/social" + V1)
        listed = client.get("/social/api/v1/pleroma/emoji").json()
        assert listed["blob"]["image_url"] == "/social/emoji/cats/blob.png"
        assert client.get("/social/api/v1/custom_emojis").json()[0]["url"] == (
            "http://testserver/social/emoji/cats/blob.png"
        )
        assert client.get(listed["blob"]["image_url"]).content == PNG


def test_packs_are_listed_by_name_in_pages_with_all_their_files(client, admin):
    for name in ["c", "a", "b"]:
        make_pack(client, admin, name, [(f"{name}{i}", f"{name}{i}.png", PNG) for i in range(3)])
    body = client.get(f"{V1}/emoji/packs", params={"page": 2, "page_size": 2}).json()
    assert body["count"] == 3
    assert body["packs"] == {
        "c": {
            "files": {"c0": "c0.png", "c1": "c1.png", "c2": "c2.png"},
            "files_count": 3,
            "pack": {"can-download": False},
        }
    }
    assert list(client.get(f"{V1}/emoji/packs").json()["packs"]) == ["a", "b", "c"]


@pytest.mark.parametrize("query", [{"page": 0}, {"page_size": "-1"}, {"page": "x"}])
def test_bad_page_numbers_are_400(client, query):
    r = client.get(f"{V1}/emoji/packs", params=query)
    assert r.status_code == 400
    assert r.json()["error"].startswith("Invalid value for page")


def test_a_pack_is_shown_one_page_of_files_at_a_time(client, admin):
    make_pack(client, admin, "cats", [(f"e{i:02d}", f"e{i:02d}.png", PNG) for i in range(35)])
    first = client.get(f"{OLD}/emoji/pack", params={"name": " cats "}).json()
    assert first["files_count"] == 35 and len(first["files"]) == 30
    assert list(first["files"])[:2] == ["e00", "e01"]
    second = client.get(f"{V1}/emoji/pack", params={"name": "cats", "page": 2}).json()
    assert list(second["files"]) == ["e30", "e31", "e32", "e33", "e34"]
    small = client.get(f"{V1}/emoji/pack", params={"name": "cats", "page": 3, "page_size": 4}).json()
    assert list(small["files"]) == ["e08", "e09", "e10", "e11"]


def test_showing_a_missing_pack(client):
    r = client.get(f"{V1}/emoji/pack", params={"name": "nope"})
    assert (r.status_code, r.json()) == (404, {"error": "Pack nope does not exist"})
    r = client.get(f"{V1}/emoji/pack", params={"name": " "})
    assert (r.status_code, r.json()) == (400, {"error": "pack name cannot be empty"})
    r = client.get(f"{V1}/emoji/pack")
    assert (r.status_code, r.json()) == (400, {"error": "Missing field: name."})


def test_a_shared_pack_has_a_download_hash_and_an_archive(client, admin):
    make_pack(client, admin, "cats", [("blob", "blob.png", PNG), ("wave", "sub/wave.gif", GIF)])
    r = client.get(f"{V1}/emoji/packs/archive", params={"name": "cats"})
    assert r.status_code == 403
    assert r.json() == {
        "error": "Pack cats cannot be downloaded from this instance, either pack sharing was disabled"
        " for this pack or some files are missing"
    }
    client.patch(
        f"{V1}/emoji/pack", params={"name": "cats"}, json={"metadata": {"share-files": True}}, headers=admin
    )
    pack = client.get(f"{V1}/emoji/pack", params={"name": "cats"}).json()["pack"]
    assert pack["can-download"] is True
    r = client.get(f"{OLD}/emoji/packs/archive", params={"name": "cats"})
    assert r.status_code == 200 and r.headers["content-type"] == "application/zip"
    assert 'filename="cats.zip"' in r.headers["content-disposition"]
    assert hashlib.sha256(r.content).hexdigest().upper() == pack["download-sha256"]
    with zipfile.ZipFile(io.BytesIO(r.content)) as zf:
        assert zf.namelist() == ["pack.json", "blob.png", "sub/wave.gif"]
        assert json.loads(zf.read("pack.json"))["files"] == {"blob": "blob.png", "wave": "sub/wave.gif"}
    again = client.get(f"{V1}/emoji/packs/archive", params={"name": "cats"})
    assert again.content == r.content
    missing = client.get(f"{V1}/emoji/packs/archive", params={"name": "dogs"})
    assert (missing.status_code, missing.json()) == (404, {"error": "Pack dogs does not exist"})


def test_a_shared_pack_missing_a_file_cannot_be_downloaded(client, admin, emoji_dir):
    drop_pack(emoji_dir, "cats", {"a": "a.png", "b": "b.png"}, {"share-files": True})
    (emoji_dir / "cats" / "b.png").unlink()
    assert client.get(f"{V1}/emoji/pack", params={"name": "cats"}).json()["pack"] == {
        "share-files": True,
        "can-download": False,
    }
    assert client.get(f"{V1}/emoji/packs/archive", params={"name": "cats"}).status_code == 403


def test_nodeinfo_can_announce_shareable_packs(client):
    assert nodeinfo_features(client.app.state.services) == ["shareable_emoji_packs"]


# --- who may write ---


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("POST", "/emoji/pack?name=x"),
        ("PATCH", "/emoji/pack?name=x"),
        ("DELETE", "/emoji/pack?name=x"),
        ("GET", "/emoji/packs/import"),
        ("GET", "/emoji/packs/remote?url=https://example.test"),
        ("POST", "/emoji/packs/download"),
        ("POST", "/emoji/packs/files?name=x"),
        ("PATCH", "/emoji/packs/files?name=x"),
        ("DELETE", "/emoji/packs/files?name=x&shortcode=y"),
    ],
)
def test_every_write_is_for_admins(client, api, method, path):
    _, user = api.login("user", scopes="read write admin")
    _, no_scope = api.login("boss", scopes="read write", admin=True)
    for prefix in (V1, OLD):
        r = client.request(method, prefix + path, headers=user)
        assert (r.status_code, r.json()) == (403, {"error": "User is not an admin."})
        r = client.request(method, prefix + path)
        assert (r.status_code, r.json()) == (403, {"error": "Invalid credentials."})
        r = client.request(method, prefix + path, headers=no_scope)
        assert (r.status_code, r.json()) == (403, {"error": "Insufficient permissions: admin:write."})


# --- packs ---


def test_creating_packs(client, admin, emoji_dir):
    assert client.post(f"{OLD}/emoji/pack?name=cats", headers=admin).json() == "ok"
    assert json.loads((emoji_dir / "cats" / "pack.json").read_text()) == {"files": {}, "pack": {}}
    r = client.post(f"{V1}/emoji/pack?name=cats", headers=admin)
    assert (r.status_code, r.json()) == (409, {"error": 'A pack named "cats" already exists'})
    r = client.post(f"{V1}/emoji/pack?name=", headers=admin)
    assert (r.status_code, r.json()) == (400, {"error": "pack name cannot be empty"})
    assert [p.name for p in emoji_dir.iterdir()] == ["cats"]


@pytest.mark.parametrize("name", ["..", "../evil", "a/b", ".hidden", "a\\b"])
def test_pack_names_cannot_leave_the_emoji_directory(client, admin, emoji_dir, name):
    r = client.post(f"{V1}/emoji/pack", params={"name": name}, headers=admin)
    assert r.status_code == 400
    assert r.json()["error"].startswith("pack name must be a single path segment")
    assert not emoji_dir.exists() or list(emoji_dir.iterdir()) == []


def test_a_directory_not_yet_imported_blocks_its_name(client, admin, emoji_dir):
    (emoji_dir / "cats").mkdir(parents=True)
    r = client.post(f"{V1}/emoji/pack?name=cats", headers=admin)
    assert r.status_code == 409


def test_metadata_is_replaced_wholesale(client, admin, emoji_dir):
    make_pack(client, admin, "cats")
    first = {"license": "CC0", "homepage": "https://cats.example", "description": "Cats", "share-files": True}
    r = client.patch(f"{V1}/emoji/pack?name=cats", json={"metadata": first}, headers=admin)
    assert (r.status_code, r.json()) == (200, first)
    r = client.patch(f"{OLD}/emoji/pack?name=cats", json={"metadata": {"description": "Only"}}, headers=admin)
    assert r.json() == {"description": "Only"}
    assert json.loads((emoji_dir / "cats" / "pack.json").read_text())["pack"] == {"description": "Only"}
    shown = client.get(f"{V1}/emoji/pack?name=cats").json()["pack"]
    assert shown == {"description": "Only", "can-download": False}


def test_metadata_sent_as_a_form(client, admin):
    make_pack(client, admin, "cats")
    r = client.patch(
        f"{V1}/emoji/pack?name=cats",
        data={"metadata[share-files]": "true", "metadata[license]": "MIT"},
        headers=admin,
    )
    assert r.json() == {"license": "MIT", "share-files": True}


@pytest.mark.parametrize(
    ("body", "error"),
    [
        ({}, "Missing field: metadata."),
        ({"metadata": "x"}, None),
        ({"metadata": {"license": 5}}, "Invalid value for metadata.license: expected a string"),
        (
            {"metadata": {"share-files": "perhaps"}},
            "Invalid value for metadata.share-files: expected a boolean",
        ),
        (
            {"metadata": {"homepage": "ftp://x"}},
            "Invalid value for metadata.homepage: expected an http(s) URL",
        ),
    ],
)
def test_bad_metadata_is_400(client, admin, body, error):
    make_pack(client, admin, "cats")
    r = client.patch(f"{V1}/emoji/pack?name=cats", json=body, headers=admin)
    assert r.status_code == 400
    if error:
        assert r.json() == {"error": error}


def test_metadata_of_a_missing_pack(client, admin):
    r = client.patch(f"{V1}/emoji/pack?name=dogs", json={"metadata": {}}, headers=admin)
    assert (r.status_code, r.json()) == (404, {"error": "Pack dogs does not exist"})


def test_a_fallback_source_on_a_private_address_is_refused(client, admin):
    make_pack(client, admin, "cats", [("blob", "blob.png", PNG)])
    r = client.patch(
        f"{V1}/emoji/pack?name=cats",
        json={"metadata": {"fallback-src": "http://127.0.0.1:9/cats.zip"}},
        headers=admin,
    )
    assert r.status_code == 400
    assert "loopback, private or reserved address" in r.json()["error"]


def test_deleting_a_pack(client, admin, emoji_dir):
    make_pack(client, admin, "cats", [("blob", "blob.png", PNG)])
    assert client.delete(f"{V1}/emoji/pack?name=cats", headers=admin).json() == "ok"
    assert list(emoji_dir.iterdir()) == []
    assert client.get(f"{V1}/emoji").json() == {}
    assert client.get("/emoji/cats/blob.png").status_code == 404
    r = client.delete(f"{OLD}/emoji/pack?name=cats", headers=admin)
    assert (r.status_code, r.json()) == (404, {"error": "Pack cats does not exist"})
    r = client.delete(f"{OLD}/emoji/pack?name=", headers=admin)
    assert (r.status_code, r.json()) == (400, {"error": "pack name cannot be empty"})


def test_importing_directories_dropped_in(client, admin, emoji_dir):
    drop_pack(emoji_dir, "ready", {"r": "r.png"})
    legacy = emoji_dir / "legacy"
    legacy.mkdir()
    (legacy / "blob.png").write_bytes(PNG)
    (legacy / "emoji.txt").write_text("blob, /emoji/legacy/blob.png, Tag\nbroken line\n")
    images = emoji_dir / "images"
    (images / "sub").mkdir(parents=True)
    (images / "cat.png").write_bytes(PNG)
    (images / "sub" / "dog.gif").write_bytes(GIF)
    (images / "notes.txt").write_text("hi")
    (emoji_dir / ".partial-leftover").mkdir()
    r = client.get(f"{OLD}/emoji/packs/import", headers=admin)
    assert (r.status_code, r.json()) == (200, ["images", "legacy"])
    emoji = client.get(f"{V1}/emoji").json()
    assert emoji["blob"]["image_url"] == "/emoji/legacy/blob.png"
    assert emoji["dog"]["image_url"] == "/emoji/images/sub/dog.gif"
    assert set(emoji) == {"blob", "cat", "dog", "r"}
    assert client.get(f"{V1}/emoji/packs/import", headers=admin).json() == []


def test_the_pack_sorting_first_wins_a_shared_shortcode(client, admin, emoji_dir):
    drop_pack(emoji_dir, "zeta", {"blob": "z.png"})
    drop_pack(emoji_dir, "alpha", {"blob": "a.png"})
    assert client.get(f"{V1}/emoji").json()["blob"]["image_url"] == "/emoji/alpha/a.png"
    assert client.get("/api/v1/custom_emojis").json() == [
        {
            "shortcode": "blob",
            "url": "http://127.0.0.1:4000/emoji/alpha/a.png",
            "static_url": "http://127.0.0.1:4000/emoji/alpha/a.png",
            "visible_in_picker": True,
            "category": "pack:alpha",
        }
    ]


def test_changes_by_another_process_are_seen_after_the_directory_is_looked_at(make_settings, emoji_dir):
    with TestClient(create_app(make_settings(emoji_recheck_seconds=0))) as client:
        assert client.get(f"{V1}/emoji").json() == {}
        drop_pack(emoji_dir, "cats", {"blob": "blob.png"})
        assert set(client.get(f"{V1}/emoji").json()) == {"blob"}
        drop_pack(emoji_dir, "cats", {"blob": "blob.png", "cat2": "c.png"})
        assert set(client.get(f"{V1}/emoji").json()) == {"blob", "cat2"}


def test_two_apps_share_no_packs(make_settings, tmp_path):
    one = create_app(make_settings(data_dir=str(tmp_path / "one")))
    two = create_app(make_settings(data_dir=str(tmp_path / "two")))
    drop_pack(tmp_path / "one" / "emoji", "cats", {"blob": "blob.png"})
    with TestClient(one) as c1, TestClient(two) as c2:
        assert set(c1.get(f"{V1}/emoji").json()) == {"blob"}
        assert c2.get(f"{V1}/emoji").json() == {}
    assert one.state.services.ctx.emoji is not two.state.services.ctx.emoji


# --- files ---


def test_uploading_an_emoji(client, admin, emoji_dir):
    make_pack(client, admin, "cats")
    r = upload(client, admin, "cats", "blob.png", PNG)
    assert (r.status_code, r.json()) == (200, {"blob": "blob.png"})
    r = upload(client, admin, "cats", "ignored.png", GIF, shortcode="wave", filename="sub/wave.gif")
    assert r.json() == {"blob": "blob.png", "wave": "sub/wave.gif"}
    assert (emoji_dir / "cats" / "sub" / "wave.gif").read_bytes() == GIF
    r = upload(client, admin, "cats", "noext", GIF)
    assert r.json()["noext"] == "noext.gif"
    assert client.get(f"{OLD}/emoji/pack?name=cats").json()["files_count"] == 3


def test_uploads_are_checked(client, admin, emoji_dir):
    make_pack(client, admin, "cats", [("blob", "blob.png", PNG)])
    make_pack(client, admin, "dogs")
    cases = [
        (
            upload(client, admin, "dogs", "blob.png", PNG),
            409,
            'An emoji with the "blob" shortcode already exists',
        ),
        (
            upload(client, admin, "dogs", "x.png", PNG, shortcode=""),
            422,
            "pack name, shortcode or filename cannot be empty",
        ),
        (upload(client, admin, "", "x.png", PNG), 422, "pack name, shortcode or filename cannot be empty"),
        (upload(client, admin, "birds", "x.png", PNG), 404, 'pack "birds" is not found'),
        (
            upload(client, admin, "dogs", "x.svg", SVG),
            400,
            "The file must be a png, gif, jpeg or webp image, or a zip of them",
        ),
        (
            upload(client, admin, "dogs", "x.png", b"<html>"),
            400,
            "The file must be a png, gif, jpeg or webp image, or a zip of them",
        ),
        (
            upload(client, admin, "dogs", "x.html", PNG),
            400,
            "The file must be a png, gif, jpeg or webp image, or a zip of them",
        ),
        (
            upload(client, admin, "dogs", "x.png", PNG, filename="../../evil.png"),
            400,
            'Invalid file name "../../evil.png"',
        ),
        (upload(client, admin, "dogs", "x.png", PNG, shortcode="a b"), 400, None),
    ]
    for r, status, error in cases:
        assert r.status_code == status, r.text
        if error:
            assert r.json() == {"error": error}
    assert sorted(p.name for p in (emoji_dir / "dogs").iterdir()) == ["pack.json"]
    assert not (emoji_dir.parent / "evil.png").exists()


def test_an_upload_reusing_a_file_name_of_the_pack_is_a_conflict(client, admin):
    make_pack(client, admin, "cats", [("blob", "blob.png", PNG)])
    r = upload(client, admin, "cats", "blob.png", GIF, shortcode="other")
    assert r.status_code == 409
    assert client.get("/emoji/cats/blob.png").content == PNG


def test_an_upload_past_the_limit_is_413(make_settings):
    with TestClient(create_app(make_settings(upload_limit=100))) as client:
        admin = admin_of(client)
        make_pack(client, admin, "cats")
        r = upload(client, admin, "cats", "big.png", PNG + b"\x00" * 200)
        assert (r.status_code, r.json()) == (413, {"error": "File is too large"})


def test_a_file_url_on_a_private_address_is_refused(client, admin):
    make_pack(client, admin, "cats")
    r = client.post(
        f"{V1}/emoji/packs/files?name=cats", data={"file": "http://127.0.0.1:1/blob.png"}, headers=admin
    )
    assert r.status_code == 400
    assert "loopback, private or reserved address" in r.json()["error"]
    r = client.post(f"{V1}/emoji/packs/files?name=cats", json={"file": 5}, headers=admin)
    assert r.status_code == 400
    r = client.post(f"{V1}/emoji/packs/files?name=cats", json={}, headers=admin)
    assert (r.status_code, r.json()) == (400, {"error": "Missing field: file."})


def test_a_zip_adds_every_new_emoji(client, admin, emoji_dir):
    make_pack(client, admin, "cats", [("blob", "blob.png", PNG)])
    archive = zip_of(
        {
            "blob.png": GIF,  # shortcode taken: skipped
            "new.png": PNG,
            "dir/deep.gif": GIF,
            "fake.png": b"not an image",
            "readme.txt": b"hello",
            "__MACOSX/._new.png": b"\x00\x05\x16\x07",
        }
    )
    r = upload(client, admin, "cats", "bulk.zip", archive)
    assert (r.status_code, r.json()) == (200, {"blob": "blob.png", "deep": "dir/deep.gif", "new": "new.png"})
    assert (emoji_dir / "cats" / "blob.png").read_bytes() == PNG
    assert not (emoji_dir / "cats" / "fake.png").exists()


def test_a_zip_trying_to_leave_the_pack_is_refused_whole(client, admin, emoji_dir):
    make_pack(client, admin, "cats")
    archive = zip_of({"ok.png": PNG, "../../escape.png": PNG})
    r = upload(client, admin, "cats", "evil.zip", archive)
    assert (r.status_code, r.json()) == (
        400,
        {"error": 'The archive holds an unsafe file name "../../escape.png"'},
    )
    assert sorted(p.name for p in (emoji_dir / "cats").iterdir()) == ["pack.json"]
    assert not (emoji_dir / "escape.png").exists() and not (emoji_dir.parent / "escape.png").exists()


def test_a_zip_bomb_is_refused(make_settings):
    with TestClient(create_app(make_settings(emoji_pack_limit=50_000))) as client:
        admin = admin_of(client)
        make_pack(client, admin, "cats")
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as zf:
            zf.writestr("bomb.png", PNG + b"\x00" * 1_000_000)
        r = upload(client, admin, "cats", "bomb.zip", out.getvalue())
        assert (r.status_code, r.json()) == (
            400,
            {"error": "The archive unpacks to more than the allowed size"},
        )


def test_renaming_an_emoji(client, admin, emoji_dir):
    make_pack(client, admin, "cats", [("blob", "blob.png", PNG)])
    r = client.patch(
        f"{V1}/emoji/packs/files?name=cats",
        json={"shortcode": "blob", "new_shortcode": "blobby", "new_filename": "sub/blobby.png"},
        headers=admin,
    )
    assert (r.status_code, r.json()) == (200, {"blobby": "sub/blobby.png"})
    assert client.get("/emoji/cats/sub/blobby.png").content == PNG
    assert not (emoji_dir / "cats" / "blob.png").exists()
    r = client.patch(
        f"{OLD}/emoji/packs/files?name=cats",
        json={"shortcode": "blobby", "new_shortcode": "blobby", "new_filename": "top.png"},
        headers=admin,
    )
    assert r.json() == {"blobby": "top.png"}
    assert sorted(p.name for p in (emoji_dir / "cats").iterdir()) == ["pack.json", "top.png"]


def test_renaming_onto_a_used_shortcode_needs_force(client, admin, emoji_dir):
    make_pack(client, admin, "cats", [("blob", "blob.png", PNG), ("wave", "wave.gif", GIF)])
    body = {"shortcode": "blob", "new_shortcode": "wave", "new_filename": "blob.png"}
    r = client.patch(f"{V1}/emoji/packs/files?name=cats", json=body, headers=admin)
    assert r.status_code == 409
    assert r.json() == {
        "error": "New shortcode \"wave\" is already used. If you want to override emoji use 'force' option"
    }
    r = client.patch(f"{V1}/emoji/packs/files?name=cats", data={**body, "force": "true"}, headers=admin)
    assert (r.status_code, r.json()) == (200, {"wave": "blob.png"})
    assert not (emoji_dir / "cats" / "wave.gif").exists()


@pytest.mark.parametrize(
    ("body", "status", "error"),
    [
        (
            {"shortcode": "nope", "new_shortcode": "x", "new_filename": "x.png"},
            400,
            'Emoji "nope" does not exist',
        ),
        (
            {"shortcode": "blob", "new_shortcode": "", "new_filename": "x.png"},
            422,
            "new_shortcode or new_filename cannot be empty",
        ),
        ({"shortcode": "blob", "new_shortcode": "x"}, 400, "Missing field: new_filename."),
        (
            {"shortcode": "blob", "new_shortcode": "x", "new_filename": "../x.png"},
            400,
            'Invalid file name "../x.png"',
        ),
    ],
)
def test_bad_renames(client, admin, body, status, error):
    make_pack(client, admin, "cats", [("blob", "blob.png", PNG)])
    r = client.patch(f"{V1}/emoji/packs/files?name=cats", json=body, headers=admin)
    assert (r.status_code, r.json()) == (status, {"error": error})


def test_renaming_in_a_missing_pack(client, admin):
    body = {"shortcode": "a", "new_shortcode": "b", "new_filename": "b.png"}
    r = client.patch(f"{V1}/emoji/packs/files?name=dogs", json=body, headers=admin)
    assert (r.status_code, r.json()) == (404, {"error": 'pack "dogs" is not found'})


def test_deleting_an_emoji(client, admin, emoji_dir):
    make_pack(client, admin, "cats", [("blob", "sub/blob.png", PNG), ("wave", "wave.gif", GIF)])
    r = client.delete(f"{V1}/emoji/packs/files?name=cats&shortcode=blob", headers=admin)
    assert (r.status_code, r.json()) == (200, {"wave": "wave.gif"})
    assert sorted(p.name for p in (emoji_dir / "cats").iterdir()) == ["pack.json", "wave.gif"]
    r = client.delete(f"{OLD}/emoji/packs/files?name=cats&shortcode=blob", headers=admin)
    assert (r.status_code, r.json()) == (400, {"error": 'Emoji "blob" does not exist'})
    r = client.delete(f"{V1}/emoji/packs/files?name=cats&shortcode=", headers=admin)
    assert (r.status_code, r.json()) == (422, {"error": "pack name or shortcode cannot be empty"})
    r = client.delete(f"{V1}/emoji/packs/files?name=dogs&shortcode=x", headers=admin)
    assert (r.status_code, r.json()) == (404, {"error": 'pack "dogs" is not found'})
    r = client.delete(f"{V1}/emoji/packs/files?name=cats", headers=admin)
    assert (r.status_code, r.json()) == (400, {"error": "Missing field: shortcode."})


# --- remote, without a remote ---


def test_remote_urls_must_be_http(client, admin):
    r = client.get(f"{V1}/emoji/packs/remote", params={"url": "file:///etc/passwd"}, headers=admin)
    assert (r.status_code, r.json()) == (400, {"error": "Invalid value for url: expected an http(s) URL"})
    r = client.post(f"{V1}/emoji/packs/download", json={"url": "gopher://x", "name": "a"}, headers=admin)
    assert r.status_code == 400


def test_remote_on_a_private_address_is_refused_without_the_setting(client, admin):
    r = client.get(f"{V1}/emoji/packs/remote", params={"url": "http://127.0.0.1:1"}, headers=admin)
    assert r.status_code == 400
    assert "loopback, private or reserved address" in r.json()["error"]


def test_a_download_needs_its_fields(client, admin):
    r = client.post(f"{V1}/emoji/packs/download", json={"url": "https://x.example"}, headers=admin)
    assert (r.status_code, r.json()) == (400, {"error": "Missing field: name."})
