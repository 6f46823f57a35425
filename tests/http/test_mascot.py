"""GET/PUT /api/v1/pleroma/mascot (and /api/pleroma/mascot): the default, an uploaded image, and the
415 for anything that is not one."""

from __future__ import annotations

import struct
from pathlib import Path

import pytest

from plerome.domain.media import detect_image

pytestmark = pytest.mark.parametrize("database_url", ["memory", "sqlite"], indirect=True)

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + struct.pack(">II", 32, 32) + b"\x08\x02\x00\x00\x00" + bytes(20)
)
GIF = b"GIF89a" + struct.pack("<HH", 8, 8) + b"\x00\x00\x00;"
MP3 = b"ID3\x04\x00\x00\x00\x00\x00\x00" + b"\xff\xfb\x90\x64" + bytes(300)
PREFIXES = ("/api/v1/pleroma", "/api/pleroma")


@pytest.fixture
def settings(make_settings):
    return make_settings(upload_limit=2000)


@pytest.fixture
def alice(api):
    return api.login("alice")


def media_files(settings) -> list[str]:
    root = Path(settings.data_dir) / "media"
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()) if root.exists() else []


@pytest.mark.parametrize("prefix", PREFIXES)
def test_an_account_without_a_mascot_has_the_default_fox(client, alice, settings, prefix):
    r = client.get(f"{prefix}/mascot", headers=alice[1])
    assert r.status_code == 200, r.text
    mascot = r.json()
    url = f"{settings.base_url}/images/pleroma-fox-tan-smol.png"
    assert mascot["id"] == "default-mascot" and mascot["type"] == "image"
    assert mascot["url"] == mascot["preview_url"] == url
    assert mascot["pleroma"] == {"mime_type": "image/png"}
    image = client.get("/images/pleroma-fox-tan-smol.png")
    assert image.status_code == 200 and image.headers["content-type"] == "image/png"
    assert detect_image(image.content).mime == "image/png"


@pytest.mark.parametrize("prefix", PREFIXES)
def test_an_uploaded_image_becomes_the_mascot_and_replaces_the_last(client, alice, settings, prefix):
    first = client.put(f"{prefix}/mascot", headers=alice[1], files={"file": ("me.png", PNG, "image/png")})
    assert first.status_code == 200, first.text
    mascot = first.json()
    assert mascot["type"] == "image" and mascot["pleroma"] == {"mime_type": "image/png"}
    assert mascot["url"].startswith(f"{settings.base_url}/media/mascots/") and mascot["url"].endswith(".png")
    assert mascot["id"] != "default-mascot" and mascot["id"] in mascot["url"]
    assert mascot["preview_url"] == mascot["text_url"] == mascot["url"] and mascot["remote_url"] is None
    assert mascot["description"] is None and mascot["blurhash"] is None
    assert client.get(mascot["url"].removeprefix(settings.base_url)).content == PNG
    for other in PREFIXES:
        assert client.get(f"{other}/mascot", headers=alice[1]).json() == mascot
    second = client.put(f"{prefix}/mascot", headers=alice[1], files={"file": ("blob", GIF, "image/png")})
    assert second.json()["pleroma"] == {"mime_type": "image/gif"}
    assert media_files(settings) == [second.json()["url"].split("/media/", 1)[1]]


@pytest.mark.parametrize(
    ("file", "status", "error"),
    [
        (("song.png", MP3, "image/png"), 415, "mascots can only be images"),
        (("page.png", b"<html></html>", "image/png"), 415, "mascots can only be images"),
        (("big.png", PNG + bytes(2000), "image/png"), 413, "File is too large"),
    ],
)
def test_anything_but_an_image_is_refused_and_nothing_kept(client, alice, settings, file, status, error):
    for prefix in PREFIXES:
        r = client.put(f"{prefix}/mascot", headers=alice[1], files={"file": file})
        assert (r.status_code, r.json()) == (status, {"error": error})
    assert media_files(settings) == []
    assert client.get("/api/v1/pleroma/mascot", headers=alice[1]).json()["id"] == "default-mascot"


def test_a_mascot_needs_a_file_and_an_account_with_the_scopes(client, api, alice):
    r = client.put("/api/v1/pleroma/mascot", headers=alice[1], data={"x": "1"})
    assert (r.status_code, r.json()) == (400, {"error": "Missing field: file."})
    r = client.put("/api/v1/pleroma/mascot", headers=alice[1], data={"file": "mascot.png"})
    assert r.status_code == 400
    assert client.get("/api/v1/pleroma/mascot").status_code == 403
    _, writer = api.login("writer", scopes="write:accounts")
    _, reader = api.login("reader", scopes="read:accounts")
    file = {"file": ("me.png", PNG, "image/png")}
    assert client.get("/api/v1/pleroma/mascot", headers=writer).status_code == 403
    assert client.put("/api/v1/pleroma/mascot", headers=reader, files=file).status_code == 403
    assert client.put("/api/v1/pleroma/mascot", headers=writer, files=file).status_code == 200
    assert client.get("/api/v1/pleroma/mascot", headers=reader).json()["id"] == "default-mascot"
