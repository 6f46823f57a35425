"""Emoji pack rules: names, shortcodes, pack.json, pages, legacy lists and archives."""

import io
import re
import zipfile

import pytest

from plerome.domain import emoji_packs as rules
from plerome.domain.emoji_packs import ArchiveLimits, Pack
from plerome.domain.errors import InvalidInput, Unprocessable

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 16
LIMITS = ArchiveLimits(max_bytes=10_000, max_entries=10)


def zip_of(entries: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, data in entries.items():
            zf.writestr(name, data)
    return out.getvalue()


# --- names ---


def test_a_pack_name_is_trimmed():
    assert rules.pack_name("  cats ") == "cats"


def test_an_empty_pack_name_gets_the_reference_text():
    with pytest.raises(InvalidInput, match=r"^pack name cannot be empty$"):
        rules.pack_name("   ")


@pytest.mark.parametrize("name", ["..", ".", "a/b", "a\\b", ".hidden", "tab\there", "nul\x00", "x" * 256])
def test_a_pack_name_must_be_one_visible_path_segment(name):
    assert not rules.is_pack_name(name)
    with pytest.raises(InvalidInput):
        rules.pack_name(name)


def test_unicode_pack_names_are_fine():
    assert rules.pack_name("blobs 🐱") == "blobs 🐱"


@pytest.mark.parametrize("shortcode", ["blob", "blob_cat", "blob-cat", "thumbs+1", "ネコ", "a.b"])
def test_usable_shortcodes(shortcode):
    assert rules.is_shortcode(shortcode)


@pytest.mark.parametrize("shortcode", ["", "blob cat", "blob:cat", "a/b", "x" * 101, "<b>"])
def test_unusable_shortcodes(shortcode):
    assert not rules.is_shortcode(shortcode)
    with pytest.raises(InvalidInput):
        rules.check_shortcode(shortcode)


@pytest.mark.parametrize("path", ["a.png", "sub/a.png", "deep/er/a.gif", "ä.png"])
def test_safe_paths_stay_inside_the_pack(path):
    assert rules.safe_path(path) == path


@pytest.mark.parametrize(
    "path",
    [
        "",
        "../a.png",
        "/etc/passwd",
        "a\\b.png",
        "sub/../a.png",
        "sub//a.png",
        "./a.png",
        ".a.png",
        "pack.json",
    ],
)
def test_paths_that_could_leave_the_pack_or_hide_are_refused(path):
    assert rules.safe_path(path) is None


def test_a_new_emoji_file_needs_an_image_extension():
    assert rules.check_filename("sub/a.WEBP") == "sub/a.WEBP"
    with pytest.raises(InvalidInput, match="png, gif, jpeg or webp"):
        rules.check_filename("a.svg")
    with pytest.raises(InvalidInput, match=re.escape('Invalid file name "../a.png"')):
        rules.check_filename("../a.png")


def test_default_shortcode_and_file_name():
    assert rules.shortcode_from("sub/blob.cat.png") == "blob.cat"
    assert rules.shortcode_from("noext") == "noext"
    assert rules.filename_from_url("https://x.example/img/blob%20cat.png?size=2") == "blob cat.png"
    assert rules.with_image_extension("blob", "image/gif") == "blob.gif"
    assert rules.with_image_extension("blob.png", "image/gif") == "blob.png"


def test_served_paths_are_percent_encoded():
    assert rules.emoji_path("my pack", "sub/a b.png") == "/emoji/my%20pack/sub/a%20b.png"


# --- content ---


@pytest.mark.parametrize(
    ("data", "mime"),
    [
        (PNG, "image/png"),
        (b"GIF89a....", "image/gif"),
        (b"GIF87a....", "image/gif"),
        (b"\xff\xd8\xff\xe0....", "image/jpeg"),
        (b"RIFF\x00\x00\x00\x00WEBPVP8 ", "image/webp"),
        (b'<svg xmlns="http://www.w3.org/2000/svg"/>', None),
        (b"<html>", None),
        (b"", None),
    ],
)
def test_the_image_type_comes_from_the_content(data, mime):
    assert rules.image_type(data) == mime


def test_zips_are_recognised_by_their_signature():
    assert rules.is_zip(zip_of({"a.png": PNG}))
    assert rules.is_zip(zip_of({}))
    assert not rules.is_zip(PNG)


def test_sha256_is_upper_case_hex_and_compared_ignoring_case():
    digest = rules.sha256_hex(b"abc")
    assert digest == digest.upper() and len(digest) == 64
    assert rules.same_sha256(digest.lower(), b"abc")
    assert not rules.same_sha256("", b"abc")


# --- pack.json ---


def test_a_manifest_keeps_usable_entries_sorted_and_names_the_dropped_ones():
    raw = (
        b'{"files": {"b": "b.png", "a": "sub/a.png", "evil": "../../x.png", "bad code": "c.png"}, "pack": {}}'
    )
    m = rules.parse_manifest(raw)
    assert list(m.files.items()) == [("a", "sub/a.png"), ("b", "b.png")]
    assert set(m.dropped) == {"evil", "bad code"}


def test_computed_keys_are_not_kept_from_a_manifest():
    raw = b'{"files": {}, "pack": {"share-files": true, "can-download": true, "download-sha256": "AB"}}'
    assert rules.parse_manifest(raw).metadata == {"share-files": True}


@pytest.mark.parametrize("raw", [b"not json", b"[]", b'{"files": []}', b"\xff\xfe"])
def test_a_broken_manifest_is_refused(raw):
    with pytest.raises(InvalidInput):
        rules.parse_manifest(raw)


def test_a_manifest_without_sections_is_an_empty_pack():
    m = rules.parse_manifest(b"{}")
    assert m.files == {} and m.metadata == {}


def test_encoding_a_manifest_round_trips():
    raw = rules.encode_manifest({"z": "z.png", "a": "a.png"}, {"license": "CC0"})
    m = rules.parse_manifest(raw)
    assert list(m.files) == ["a", "z"] and m.metadata == {"license": "CC0"}


def test_metadata_keeps_known_keys_with_checked_types():
    new = rules.validate_metadata(
        {
            "license": "CC0",
            "homepage": "https://example.test",
            "description": "",
            "share-files": "true",
            "unknown": 1,
            "fallback-src": None,
        }
    )
    assert new == {"license": "CC0", "homepage": "https://example.test", "share-files": True}


@pytest.mark.parametrize(
    ("metadata", "message"),
    [
        ({"license": 3}, "metadata.license: expected a string"),
        ({"share-files": "maybe"}, "metadata.share-files: expected a boolean"),
        ({"homepage": "javascript:alert(1)"}, "metadata.homepage: expected an http(s) URL"),
        ({"fallback-src": "file:///etc/passwd"}, "metadata.fallback-src: expected an http(s) URL"),
    ],
)
def test_bad_metadata_is_refused_naming_the_field(metadata, message):
    with pytest.raises(InvalidInput, match=re.escape(message)):
        rules.validate_metadata(metadata)


def test_a_legacy_emoji_txt_becomes_a_files_map():
    text = "\n".join(
        [
            "blob, /emoji/blobs/blob.png, Blobs",
            "cat,cat.gif",
            "deep, /emoji/blobs/sub/deep.png",
            "# a comment",
            "lonely",
            "evil, ../../etc/passwd.png",
            "blob, other.png",
            "",
        ]
    )
    assert rules.parse_emoji_txt(text, "blobs") == {
        "blob": "blob.png",
        "cat": "cat.gif",
        "deep": "sub/deep.png",
    }


def test_a_directory_of_images_becomes_a_files_map():
    paths = ["a.png", "sub/a.gif", "b.GIF", "readme.txt", ".hidden.png", "c d.png"]
    assert rules.files_from_images(paths) == {"a": "a.png", "b": "b.GIF"}


# --- the catalogue ---


def test_a_pack_can_be_downloaded_only_when_shared_and_complete():
    assert Pack("p", {}, {"share-files": True}, complete=True).can_download
    assert not Pack("p", {}, {"share-files": True}, complete=False).can_download
    assert not Pack("p", {}, {"share-files": "true"}, complete=True).can_download
    assert not Pack("p", {}, {}, complete=True).can_download


def test_the_pack_sorting_first_wins_a_repeated_shortcode():
    catalog = rules.build_catalog(
        [
            Pack("zeta", {"blob": "z.png"}, {}, True),
            Pack("alpha", {"blob": "a.png", "cat": "c.png"}, {}, True),
        ]
    )
    assert catalog.names == ("alpha", "zeta")
    assert catalog.emoji["blob"].pack == "alpha" and catalog.emoji["blob"].filename == "a.png"
    assert list(catalog.emoji) == ["blob", "cat"]


def test_pages_start_at_one_and_end_empty():
    items = list(range(7))
    assert rules.paginate(items, 1, 3) == [0, 1, 2]
    assert rules.paginate(items, 3, 3) == [6]
    assert rules.paginate(items, 4, 3) == []


def test_the_pack_view_adds_the_download_keys():
    shared = Pack("p", {}, {"share-files": True}, True)
    assert rules.pack_view(shared, "AB") == {
        "share-files": True,
        "can-download": True,
        "download-sha256": "AB",
    }
    assert rules.pack_view(Pack("p", {}, {}, True), None) == {"can-download": False}


def test_required_values_answer_unprocessable():
    with pytest.raises(Unprocessable, match="cannot be empty"):
        rules.require_values(rules.EMPTY_FILE_VALUES, "cats", " ")
    rules.require_values(rules.EMPTY_FILE_VALUES, "cats", "blob")


# --- archives ---


def test_an_archive_is_the_same_bytes_for_the_same_content():
    one = rules.build_archive(b"{}", [("b.png", PNG), ("a.png", PNG)])
    two = rules.build_archive(b"{}", [("a.png", PNG), ("b.png", PNG)])
    assert one == two
    with zipfile.ZipFile(io.BytesIO(one)) as zf:
        assert zf.namelist() == ["pack.json", "a.png", "b.png"]


def test_unpacking_keeps_what_is_wanted():
    data = zip_of({"a.png": PNG, "dir/": b"", "dir/b.png": PNG, "notes.txt": b"hi"})
    assert rules.unpack(data, LIMITS, rules.is_bulk_member) == {"a.png": PNG, "dir/b.png": PNG}
    assert rules.archive_names(data, LIMITS) == {"a.png", "dir/b.png", "notes.txt"}


@pytest.mark.parametrize(
    "name", ["../evil.png", "/abs.png", "a/../../evil.png", "C:/win.png", "a\\..\\b.png"]
)
def test_an_archive_trying_to_leave_the_pack_is_refused(name):
    data = zip_of({"a.png": PNG, name: PNG})
    with pytest.raises(InvalidInput, match="unsafe file name"):
        rules.unpack(data, LIMITS, lambda _: True)


def test_an_archive_with_too_many_entries_is_refused():
    data = zip_of({f"{i}.png": PNG for i in range(11)})
    with pytest.raises(InvalidInput, match="more than 10 files"):
        rules.unpack(data, LIMITS, lambda _: True)


def test_an_archive_inflating_past_the_limit_is_refused():
    data = zip_of({"big.png": b"\x00" * 20_000})
    assert len(data) < 1_000
    with pytest.raises(InvalidInput, match="more than the allowed size"):
        rules.unpack(data, LIMITS, lambda _: True)


def test_a_member_whose_headers_lie_about_its_size_is_refused():
    data = bytearray(zip_of({"big.png": b"\x00" * 20_000}))
    # Lie in the central directory: claim the member is 10 bytes.
    cd = data.rfind(b"PK\x01\x02")
    data[cd + 24 : cd + 28] = (10).to_bytes(4, "little")
    with pytest.raises(InvalidInput):
        rules.unpack(bytes(data), LIMITS, lambda _: True)


def test_the_total_of_many_members_counts():
    data = zip_of({f"{i}.png": b"\x00" * 3_000 for i in range(4)})
    with pytest.raises(InvalidInput, match="more than the allowed size"):
        rules.unpack(data, LIMITS, lambda _: True)


def test_a_member_compressed_with_a_method_zipfile_cannot_read_is_refused():
    data = bytearray(zip_of({"a.png": b"\x00" * 100}))
    cd = data.rfind(b"PK\x01\x02")
    data[cd + 10 : cd + 12] = (99).to_bytes(2, "little")  # AES (method 99) in the central directory
    with pytest.raises(InvalidInput, match="compression method that is not supported"):
        rules.unpack(bytes(data), LIMITS, lambda _: True)


def test_something_that_is_not_a_zip_is_refused():
    with pytest.raises(InvalidInput, match="not a valid zip"):
        rules.unpack(b"PK\x03\x04 garbage", LIMITS, lambda _: True)


def test_shortcodes_written_in_text_are_found_in_order_once_each():
    assert rules.shortcodes_in(":a: x :b_c: :a: :not a code: ::") == ["a", "b_c"]
