"""What an upload holds, by its bytes: its type and kind, and an image's size from its header."""

import struct
import zlib

import pytest

from plerome.domain.attachments import DESCRIPTION_MAX, check_description, parse_focus
from plerome.domain.errors import InvalidInput, Unprocessable
from plerome.domain.media import (
    FLAC,
    GIF,
    JPEG,
    M4A,
    MOV,
    MP3,
    MP4,
    OGG,
    OGV,
    PNG,
    UNKNOWN,
    WAV,
    WEBM,
    WEBP,
    content_type_for,
    file_key,
)
from plerome.domain.media_probe import Probe, detect_media, image_size, probe

# -- images, each with a known size


def png(width: int, height: int) -> bytes:
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    chunk = struct.pack(">I", len(ihdr)) + b"IHDR" + ihdr + struct.pack(">I", zlib.crc32(b"IHDR" + ihdr))
    return b"\x89PNG\r\n\x1a\n" + chunk


def gif(width: int, height: int, animated: bool = False) -> bytes:
    screen = b"GIF89a" + struct.pack("<HHBBB", width, height, 0, 0, 0)
    loop = b"!\xff\x0bNETSCAPE2.0\x03\x01\x00\x00\x00" if animated else b""
    return screen + loop + b";"


def jpeg(width: int, height: int) -> bytes:
    app0 = b"\xff\xe0" + struct.pack(">H", 16) + b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    dqt = b"\xff\xdb" + struct.pack(">H", 67) + b"\x00" + bytes(64)
    sof = b"\xff\xc2" + struct.pack(">HBHHB", 17, 8, height, width, 3) + bytes(9)  # progressive
    return b"\xff\xd8" + app0 + b"\xff" + dqt + sof + b"\xff\xda\x00\x02\xff\xd9"  # with a fill byte


def riff(kind: bytes, chunk: bytes, data: bytes) -> bytes:
    body = kind + chunk + struct.pack("<I", len(data)) + data
    return b"RIFF" + struct.pack("<I", len(body)) + body


def webp_lossy(width: int, height: int) -> bytes:
    return riff(b"WEBP", b"VP8 ", b"\x00\x00\x00\x9d\x01\x2a" + struct.pack("<HH", width, height) + bytes(8))


def webp_lossless(width: int, height: int) -> bytes:
    bits = (width - 1) | (height - 1) << 14
    return riff(b"WEBP", b"VP8L", b"\x2f" + struct.pack("<I", bits) + bytes(4))


def webp_extended(width: int, height: int) -> bytes:
    size = (width - 1).to_bytes(3, "little") + (height - 1).to_bytes(3, "little")
    return riff(b"WEBP", b"VP8X", b"\x10\x00\x00\x00" + size)


@pytest.mark.parametrize(
    ("data", "kind", "size"),
    [
        (png(640, 480), PNG, (640, 480)),
        (gif(31, 7), GIF, (31, 7)),
        (jpeg(1920, 1080), JPEG, (1920, 1080)),
        (webp_lossy(800, 600), WEBP, (800, 600)),
        (webp_lossless(16383, 1), WEBP, (16383, 1)),
        (webp_extended(70000, 3), WEBP, (70000, 3)),
    ],
)
def test_an_image_is_known_by_its_bytes_and_its_size_read_from_the_header(data, kind, size):
    assert probe(data) == Probe(kind, *size)
    assert kind.kind == "image"


def test_an_animated_gif_stays_an_image_as_pleroma_has_it():
    assert probe(gif(10, 10, animated=True)) == Probe(GIF, 10, 10)


@pytest.mark.parametrize(
    "data",
    [
        png(0, 5),  # a zero size is no size
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00",  # cut off inside IHDR
        b"\xff\xd8\xff\xe0\x00\x10JFIF",  # no frame header
        b"\xff\xd8\xff\xda\x00\x02",  # a scan before any frame
        b"\xff\xd8\xff\xc0\x00\x11\x08",  # a frame header cut off
        riff(b"WEBP", b"VP8 ", b"\x00\x00\x00nokey"),  # no key frame start code
        riff(b"WEBP", b"VP8L", b""),  # no signature
        b"RIFF\x00\x00\x00\x00WEBPVP8X\x0a\x00\x00\x00\x00",  # cut off before the canvas
    ],
)
def test_an_image_whose_header_cannot_be_read_has_no_size(data):
    found = probe(data)
    assert found.type.kind == "image"
    assert (found.width, found.height) == (None, None)


def test_a_jpeg_with_exif_first_and_a_tagged_mp3_are_read():
    # Built like files cameras and encoders write: EXIF before the frame, an ID3 tag before the audio.
    exif = b"\xff\xe1" + struct.pack(">H", 2 + 30) + b"Exif\x00\x00" + bytes(24)
    assert image_size(b"\xff\xd8" + exif + jpeg(3, 2)[2:], JPEG) == (3, 2)
    frame = b"\xff\xf3\x80\xc4" + bytes(100)  # MPEG-2 layer III, 64 kbps, 22.05 kHz
    tag = b"ID3\x04\x00\x00\x00\x00\x00\x16" + bytes(22)
    assert detect_media(tag + frame) == MP3
    assert detect_media(frame) == MP3


# -- video and audio


def ftyp(brand: bytes) -> bytes:
    return struct.pack(">I", 24) + b"ftyp" + brand + b"\x00\x00\x02\x00" + brand + b"isom" + bytes(16)


def ebml(doctype: bytes) -> bytes:
    version = b"\x42\x86\x81\x01"
    doc = b"\x42\x82" + bytes([0x80 | len(doctype)]) + doctype
    header = version + doc
    return b"\x1a\x45\xdf\xa3" + bytes([0x80 | len(header)]) + header + b"\x18\x53\x80\x67"


def ogg(first_packet: bytes) -> bytes:
    return b"OggS\x00\x02" + bytes(20) + b"\x01" + bytes([len(first_packet)]) + first_packet


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (ftyp(b"isom"), MP4),
        (ftyp(b"mp42"), MP4),
        (ftyp(b"M4V "), MP4),
        (ftyp(b"qt  "), MOV),
        (struct.pack(">I", 8) + b"wide" + struct.pack(">I", 16) + b"mdat", MOV),  # QuickTime before ftyp
        (ebml(b"webm"), WEBM),
        (ogg(b"\x80theora" + bytes(34)), OGV),
        (ogg(b"\x01vorbis" + bytes(22)), OGG),
        (ogg(b"OpusHead\x01\x02"), OGG),
        (ftyp(b"M4A "), M4A),
        (b"fLaC\x00\x00\x00\x22" + bytes(34), FLAC),
        (b"ID3\x03\x00\x00\x00\x00\x00\x00fLaC" + bytes(8), FLAC),  # a tagged FLAC
        (riff(b"WAVE", b"fmt ", bytes(16)), WAV),
        (b"ID3\x03\x00\x00\x00\x00\x00\x00" + bytes(10), MP3),
        (b"\xff\xfb\x90\x64" + bytes(200), MP3),  # MPEG-1 layer III, no tag
    ],
)
def test_video_and_audio_are_known_by_their_containers(data, kind):
    assert detect_media(data) == kind
    assert probe(data) == Probe(kind)  # no sizes for video or audio


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"plain text\n",
        b"<html><script>alert(1)</script></html>",
        b"<svg xmlns='http://www.w3.org/2000/svg'/>",
        b"%PDF-1.7\n",
        b"PK\x03\x04zip",
        ftyp(b"avif"),  # an image format we do not serve
        ftyp(b"heic"),
        ebml(b"matroska"),  # Matroska, not WebM
        b"\x1a\x45\xdf\xa3\x00",  # a broken EBML header
        ogg(b"\x00unknown"),
        riff(b"AVI ", b"LIST", bytes(8)),
        b"\xff\xf1\x50\x80" + bytes(10),  # AAC in ADTS (layer bits 00), not MP3
        b"\xff\xfb\xf0\x64" + bytes(10),  # bitrate index 15 is invalid
        b"\x00\x00\x00\x00moov",  # an atom too small to be one
    ],
)
def test_anything_else_is_unknown_and_stored_as_opaque_bytes(data):
    assert detect_media(data) == UNKNOWN
    assert UNKNOWN.kind == "unknown"
    assert content_type_for(file_key("attachments", "x", UNKNOWN)) == "application/octet-stream"


@pytest.mark.parametrize("kind", [PNG, GIF, JPEG, WEBP, MP4, MOV, WEBM, OGV, MP3, OGG, WAV, FLAC, M4A])
def test_every_detected_type_is_served_as_itself(kind):
    assert content_type_for(file_key("attachments", "abc", kind)) == kind.mime


def test_the_file_name_plays_no_part():
    assert detect_media(b"<html></html>") == UNKNOWN  # whatever "photo.jpg" it was uploaded as


# -- description and focus


def test_a_description_may_be_as_long_as_the_limit_and_no_longer():
    assert check_description("é" * DESCRIPTION_MAX) == "é" * DESCRIPTION_MAX
    with pytest.raises(Unprocessable, match="1500"):
        check_description("x" * (DESCRIPTION_MAX + 1))


@pytest.mark.parametrize(
    ("text", "point"), [("0,0", (0.0, 0.0)), ("-1,1", (-1.0, 1.0)), ("0.5, -0.25", (0.5, -0.25))]
)
def test_a_focal_point_is_two_numbers_between_minus_one_and_one(text, point):
    assert parse_focus(text) == point


@pytest.mark.parametrize("text", ["", "1", "1,2,3", "a,b", "1.5,0", "0,-1.01", "nan,0"])
def test_anything_else_is_no_focal_point(text):
    with pytest.raises(InvalidInput):
        parse_focus(text)
