"""Serving stored files and the default profile images."""

import struct
import zlib

import pytest

from plerome.domain.media import detect_image


def stored(api, key, data):
    api.client.portal.call(lambda: api.svc.ctx.files.save(key, data))


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    length, tag = struct.unpack(">I4s", data[8:16])
    assert tag == b"IHDR"
    crc = struct.unpack(">I", data[16 + length : 20 + length])[0]
    assert crc == zlib.crc32(data[12 : 16 + length])
    width, height = struct.unpack(">II", data[16:24])
    idat_length, idat = struct.unpack(">I4s", data[20 + length : 28 + length])
    assert idat == b"IDAT"
    pixels = zlib.decompress(data[28 + length : 28 + length + idat_length])
    assert len(pixels) == height * (1 + 3 * width)  # a filter byte and RGB for each row
    return width, height


def test_a_stored_file_is_served_with_its_type_and_caching_headers(client, api):
    stored(api, "avatars/x.png", b"\x89PNG\r\n\x1a\n....IHDR")
    r = client.get("/media/avatars/x.png")
    assert r.status_code == 200
    assert r.content == b"\x89PNG\r\n\x1a\n....IHDR"
    assert r.headers["content-type"] == "image/png"
    assert r.headers["content-length"] == str(len(r.content))
    assert "immutable" in r.headers["cache-control"]
    assert r.headers["x-content-type-options"] == "nosniff"
    assert "sandbox" in r.headers["content-security-policy"]


def test_head_gives_the_headers_without_the_body(client, api):
    stored(api, "a/b.gif", b"GIF89a-and-more")
    r = client.head("/media/a/b.gif")
    assert r.status_code == 200
    assert r.content == b""
    assert r.headers["content-length"] == "15"
    assert r.headers["content-type"] == "image/gif"


def test_a_file_of_a_type_a_browser_could_run_is_served_as_opaque_bytes(client, api):
    stored(api, "x/page.html", b"<script>alert(1)</script>")
    r = client.get("/media/x/page.html")
    assert r.status_code == 200
    assert r.headers["content-type"] == "application/octet-stream"


@pytest.mark.parametrize(
    "path",
    [
        "/media/avatars/none.png",
        "/media/..%2F..%2Fsecret_key",
        "/media/.hidden",
        "/media/a//b.png",
        "/media/%C3%A4.png",
        "/media/a%00b",
        "/media/avatars",
    ],
)
def test_unknown_or_malformed_keys_are_404_json(client, api, path):
    stored(api, "avatars/real.png", b"x")
    r = client.get(path)
    assert r.status_code == 404
    assert r.json() == {"error": "Record not found"}


def test_the_secret_key_beside_the_media_folder_cannot_be_read(client, settings):
    r = client.get("/media/../secret_key")
    assert r.status_code == 404


def test_a_large_file_streams_whole(client, api):
    data = bytes(range(256)) * 1024  # 256 KiB: several chunks on disk
    stored(api, "big/file.mp4", data)
    r = client.get("/media/big/file.mp4")
    assert r.status_code == 200
    assert r.headers["content-type"] == "video/mp4"
    assert r.content == data


@pytest.mark.parametrize(
    ("path", "size"), [("/images/avi.png", (96, 96)), ("/images/banner.png", (600, 200))]
)
def test_the_default_images_are_real_pngs(client, path, size):
    r = client.get(path)
    assert r.status_code == 200
    assert r.headers["content-type"] == "image/png"
    assert png_size(r.content) == size
    assert detect_image(r.content).mime == "image/png"
    assert client.get(path).content == r.content
    assert client.head(path).status_code == 200
