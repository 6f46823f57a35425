"""Which uploads are images, where files are stored and what they are served as."""

import pytest

from plerome.domain.errors import InvalidInput, TooLarge, Unprocessable
from plerome.domain.media import (
    GIF,
    JPEG,
    PNG,
    WEBP,
    check_key,
    content_type_for,
    data_uri_bytes,
    detect_image,
    image_key,
    is_stored_key,
    is_valid_key,
    require_image,
)

PNG_BYTES = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 17
GIF_BYTES = b"GIF89a" + b"\x01\x00\x01\x00\x00\x00\x00"
JPEG_BYTES = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00"
WEBP_BYTES = b"RIFF\x24\x00\x00\x00WEBPVP8 " + b"\x00" * 8


@pytest.mark.parametrize(
    ("data", "kind"), [(PNG_BYTES, PNG), (GIF_BYTES, GIF), (JPEG_BYTES, JPEG), (WEBP_BYTES, WEBP)]
)
def test_an_image_is_known_by_its_leading_bytes(data, kind):
    assert detect_image(data) == kind


def test_the_gif87a_signature_is_a_gif_too():
    assert detect_image(b"GIF87a" + b"\x00" * 7) == GIF


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"hello",
        b"<svg xmlns='http://www.w3.org/2000/svg'/>",
        b"<html><script>alert(1)</script></html>",
        b"\x89PNG\r\n\x1a\n",  # a signature and nothing after it
        b"GIF89a",  # no screen descriptor
        b"\xff\xd8\xff",  # three bytes of JPEG marker only
        b"RIFF\x24\x00\x00\x00WAVEfmt ",  # RIFF, but audio
        b"%PDF-1.7\n",
    ],
)
def test_anything_else_is_not_an_image(data):
    assert detect_image(data) is None


def test_the_name_a_file_came_with_plays_no_part():
    # detect_image sees bytes only; an "avatar.png" holding HTML is still HTML.
    assert detect_image(b"<html></html>") is None


def test_an_upload_past_the_limit_is_too_large_before_its_type_is_looked_at():
    with pytest.raises(TooLarge, match="File is too large"):
        require_image(b"x" * 11, limit=10, label="Avatar")


def test_an_upload_at_the_limit_is_accepted():
    assert require_image(PNG_BYTES, limit=len(PNG_BYTES), label="Avatar") == PNG


def test_a_non_image_upload_is_unprocessable_and_named():
    with pytest.raises(Unprocessable) as refused:
        require_image(b"plain text", limit=100, label="Header")
    assert refused.value.message == "Header must be a PNG, GIF, JPEG or WebP image."


@pytest.mark.parametrize("key", ["a", "avatars/0001-abc.png", "x/y/z.tar.gz", "A_b-c.9"])
def test_keys_are_relative_paths_of_plain_segments(key):
    assert is_valid_key(key)
    assert check_key(key) == key


@pytest.mark.parametrize(
    "key",
    [
        "",
        "/etc/passwd",
        "../secret",
        "a/../b",
        "a/..",
        "a//b",
        "a/",
        ".hidden",
        "a/.b.tmp",
        "-rf",
        "a\\b",
        "a b",
        "ä.png",
        "a\x00b",
        "x" * 129,
        "/".join(["a"] * 300),
    ],
)
def test_anything_else_is_not_a_key(key):
    assert not is_valid_key(key)
    with pytest.raises(InvalidInput):
        check_key(key)


def test_an_image_key_names_its_folder_and_its_type():
    assert image_key("avatars", "0001-xyz", PNG) == "avatars/0001-xyz.png"
    assert image_key("headers", "0002-xyz", JPEG) == "headers/0002-xyz.jpg"


@pytest.mark.parametrize(
    ("key", "mime"),
    [
        ("avatars/a.png", "image/png"),
        ("a.JPG", "image/jpeg"),
        ("a.jpeg", "image/jpeg"),
        ("a.gif", "image/gif"),
        ("a.webp", "image/webp"),
        ("a.mp4", "video/mp4"),
        ("a.html", "application/octet-stream"),
        ("a.svg", "application/octet-stream"),
        ("noextension", "application/octet-stream"),
    ],
)
def test_a_stored_file_is_served_as_its_extension_says_and_pages_never_as_pages(key, mime):
    assert content_type_for(key) == mime


def test_only_keys_count_as_stored_files():
    assert is_stored_key("avatars/a.png")
    assert not is_stored_key(None)
    assert not is_stored_key("")
    assert not is_stored_key("https://elsewhere.example/a.png")
    assert not is_stored_key("../a.png")


def test_a_base64_data_uri_gives_its_bytes_whatever_type_it_declares():
    assert data_uri_bytes("data:image/png;base64,aGVsbG8=") == b"hello"
    assert data_uri_bytes("DATA:text/plain;BASE64, aGVsbG8= ") == b"hello"
    assert data_uri_bytes("data:;base64,") == b""


@pytest.mark.parametrize(
    "text",
    ["", "hello", "https://x.example/a.png", "data:image/png,hello", "data:image/png;base64,***", "aGVsbG8="],
)
def test_anything_else_is_not_a_data_uri(text):
    assert data_uri_bytes(text) is None
