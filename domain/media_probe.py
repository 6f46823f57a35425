"""What an uploaded file holds, read from its bytes alone: its type (images, video, audio, or
unknown) and, for images, the width and height their headers declare. Nothing is decoded."""

from __future__ import annotations

import struct
from dataclasses import dataclass

from .media import (
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
    FileType,
    detect_image,
)


@dataclass(frozen=True, slots=True)
class Probe:
    type: FileType
    width: int | None = None
    height: int | None = None


def probe(data: bytes) -> Probe:
    kind = detect_media(data)
    size = image_size(data, kind)
    return Probe(kind, *size) if size is not None else Probe(kind)


def detect_media(data: bytes) -> FileType:
    """The type of an upload by its leading bytes; UNKNOWN when it is nothing we recognise."""
    return detect_image(data) or _container(data) or _audio(data) or UNKNOWN


# -- video and audio containers

# ISO base media (MP4 family): the major brand of the leading `ftyp` box tells audio from video.
_AUDIO_BRANDS = {b"M4A ", b"M4B ", b"M4P ", b"F4A ", b"F4B "}
_QUICKTIME_BRANDS = {b"qt  "}
_VIDEO_BRANDS = {
    b"isom",
    b"iso2",
    b"iso3",
    b"iso4",
    b"iso5",
    b"iso6",
    b"mp41",
    b"mp42",
    b"avc1",
    b"dash",
    b"mmp4",
    b"M4V ",
    b"M4VH",
    b"M4VP",
    b"MSNV",
    b"NDAS",
    b"f4v ",
    b"3gp4",
    b"3gp5",
    b"3gp6",
    b"3g2a",
}
# QuickTime files older than `ftyp` start with one of these atoms.
_QUICKTIME_ATOMS = {b"moov", b"mdat", b"wide", b"pnot"}


def _container(data: bytes) -> FileType | None:
    if data[4:8] == b"ftyp" and len(data) >= 12:
        brand = data[8:12]
        if brand in _AUDIO_BRANDS:
            return M4A
        if brand in _QUICKTIME_BRANDS:
            return MOV
        if brand in _VIDEO_BRANDS:
            return MP4
        return None  # HEIF, AVIF, camera raw files...: brands we do not serve as media
    if data[4:8] in _QUICKTIME_ATOMS and struct.unpack(">I", data[:4])[0] >= 8:
        return MOV
    if data.startswith(b"\x1a\x45\xdf\xa3"):
        return WEBM if _ebml_doctype(data) == b"webm" else None
    if data.startswith(b"OggS"):
        return _ogg(data)
    if data[:4] == b"RIFF" and data[8:12] == b"WAVE":
        return WAV
    return None


def _vint(data: bytes, at: int, keep_marker: bool) -> tuple[int, int] | None:
    """An EBML variable-length integer at `at`: (value, offset after it), or None if cut off."""
    if at >= len(data) or data[at] == 0:
        return None
    length = 9 - data[at].bit_length()  # leading zero bits + 1
    if at + length > len(data):
        return None
    value = data[at] if keep_marker else data[at] & (0xFF >> length)
    for byte in data[at + 1 : at + length]:
        value = (value << 8) | byte
    return value, at + length


def _ebml_doctype(data: bytes) -> bytes | None:
    """The DocType of a Matroska/WebM file's EBML header ("webm", "matroska")."""
    header = _vint(data, 4, keep_marker=False)
    if header is None:
        return None
    size, at = header
    end = min(at + size, len(data))
    while at < end:
        element = _vint(data, at, keep_marker=True)
        if element is None:
            return None
        element_id, at = element
        length = _vint(data, at, keep_marker=False)
        if length is None:
            return None
        size, at = length
        if element_id == 0x4282:
            return data[at : at + size]
        at += size
    return None


# The first packet of an Ogg stream names its codec.
_OGG_AUDIO = (b"\x01vorbis", b"OpusHead", b"\x7fFLAC", b"Speex   ")
_OGG_VIDEO = (b"\x80theora",)


def _ogg(data: bytes) -> FileType | None:
    if len(data) < 27:
        return None
    first = 27 + data[26]  # after the page header and its segment table
    packet = data[first : first + 8]
    if packet.startswith(_OGG_AUDIO):
        return OGG
    if packet.startswith(_OGG_VIDEO):
        return OGV
    return None


def _audio(data: bytes) -> FileType | None:
    if data.startswith(b"fLaC"):
        return FLAC
    if data.startswith(b"ID3") and len(data) >= 10:
        # An ID3v2 tag leads most MP3s (and a few FLACs): look past it.
        size = (data[6] & 0x7F) << 21 | (data[7] & 0x7F) << 14 | (data[8] & 0x7F) << 7 | (data[9] & 0x7F)
        after = 10 + size + (10 if data[5] & 0x10 else 0)
        return FLAC if data[after : after + 4] == b"fLaC" else MP3
    if _mpeg_audio_frame(data):
        return MP3
    return None


def _mpeg_audio_frame(data: bytes) -> bool:
    """An MPEG audio frame header: 11 sync bits, a real version, layer, bitrate and sample rate.
    (Layer bits 00 are AAC's ADTS, which is not MP3.)"""
    if len(data) < 4 or data[0] != 0xFF or data[1] & 0xE0 != 0xE0:
        return False
    version, layer = (data[1] >> 3) & 0b11, (data[1] >> 1) & 0b11
    bitrate, rate = data[2] >> 4, (data[2] >> 2) & 0b11
    return version != 0b01 and layer != 0 and bitrate not in (0, 0xF) and rate != 0b11


# -- image dimensions, from the headers


def image_size(data: bytes, kind: FileType) -> tuple[int, int] | None:
    """(width, height) as an image's header declares them, or None when not an image or unreadable."""
    size: tuple[int, int] | None
    try:
        if kind == PNG:
            width, height = struct.unpack(">II", data[16:24])
            size = (width, height)
        elif kind == GIF:
            width, height = struct.unpack("<HH", data[6:10])
            size = (width, height)
        elif kind == JPEG:
            size = _jpeg_size(data)
        elif kind == WEBP:
            size = _webp_size(data)
        else:
            return None
    except struct.error:  # cut off before the numbers
        return None
    if size is None or size[0] <= 0 or size[1] <= 0:
        return None
    return size


# Start-of-frame markers carry the size; C4 (Huffman tables), C8 (reserved) and CC (arithmetic
# coding) share their range but are not frames.
_SOF = {*range(0xC0, 0xD0)} - {0xC4, 0xC8, 0xCC}
_STANDALONE = {0x01, *range(0xD0, 0xD8)}  # markers with no length field


def _jpeg_size(data: bytes) -> tuple[int, int] | None:
    at = 2
    while at + 4 <= len(data):
        if data[at] != 0xFF:
            return None
        marker = data[at + 1]
        if marker == 0xFF:  # fill byte
            at += 1
            continue
        if marker in _STANDALONE:
            at += 2
            continue
        if marker in (0xD9, 0xDA):  # end of image, start of scan: no frame header before them
            return None
        (length,) = struct.unpack(">H", data[at + 2 : at + 4])
        if marker in _SOF:
            height, width = struct.unpack(">HH", data[at + 5 : at + 9])
            return width, height
        at += 2 + length
    return None


def _webp_size(data: bytes) -> tuple[int, int] | None:
    chunk = data[12:16]
    if chunk == b"VP8 ":  # lossy: a key frame's start code, then 14-bit sizes
        if data[23:26] != b"\x9d\x01\x2a":
            return None
        width, height = struct.unpack("<HH", data[26:30])
        return width & 0x3FFF, height & 0x3FFF
    if chunk == b"VP8L":  # lossless: a signature byte, then 14-bit sizes minus one
        if data[20:21] != b"\x2f":
            return None
        (bits,) = struct.unpack("<I", data[21:25])
        return (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1
    if chunk == b"VP8X" and len(data) >= 30:  # extended: 24-bit canvas sizes minus one
        return int.from_bytes(data[24:27], "little") + 1, int.from_bytes(data[27:30], "little") + 1
    return None
