"""The adapters behind the OTP, captcha and mailer ports."""

from __future__ import annotations

import base64
import email
import socketserver
import struct
import threading
import zlib
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email import policy

import pyotp
import pytest

from plerome.adapters.captcha import HEIGHT, WIDTH, PngCaptcha
from plerome.adapters.mail import EmlMailer, SmtpMailer
from plerome.adapters.memory import MemoryMailer
from plerome.adapters.otp import PyotpOtp
from plerome.domain.mail import Mail
from plerome.domain.mfa import totp_step

pytestmark = pytest.mark.anyio

NOW = datetime(2026, 1, 1, 12, 0, 10, tzinfo=UTC)


# --- TOTP ------------------------------------------------------------------------------------------


def test_a_secret_is_160_bits_of_base32():
    secrets = {PyotpOtp().new_secret() for _ in range(20)}
    assert len(secrets) == 20
    for secret in secrets:
        assert len(secret) == 32 and len(base64.b32decode(secret)) == 20


@pytest.mark.parametrize("offset", [-30, 0, 30])
def test_the_code_of_this_step_or_one_either_side_matches_its_step(offset):
    otp = PyotpOtp()
    secret = otp.new_secret()
    code = pyotp.TOTP(secret).at(NOW + timedelta(seconds=offset))
    assert otp.matching_step(secret, code, NOW) == totp_step(NOW) + offset // 30


@pytest.mark.parametrize("offset", [-60, 60, 3600])
def test_codes_further_away_do_not_match(offset):
    otp = PyotpOtp()
    secret = otp.new_secret()
    assert otp.matching_step(secret, pyotp.TOTP(secret).at(NOW + timedelta(seconds=offset)), NOW) is None


@pytest.mark.parametrize("code", ["", "12345", "1234567", "abcdef", "１２３４５６", "12 456"])
def test_what_is_not_six_ascii_digits_never_matches(code):
    otp = PyotpOtp()
    assert otp.matching_step(otp.new_secret(), code, NOW) is None


def test_a_malformed_secret_matches_nothing():
    assert PyotpOtp().matching_step("not base32!", "123456", NOW) is None


# --- captcha -----------------------------------------------------------------------------------------


def png_size_and_pixels(data: bytes) -> tuple[int, int, bytes]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, chunks = 8, {}
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind, body = data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + length]
        (crc,) = struct.unpack(">I", data[pos + 8 + length : pos + 12 + length])
        assert crc == zlib.crc32(kind + body)
        chunks[kind] = chunks.get(kind, b"") + body
        pos += 12 + length
    width, height, depth, color = struct.unpack(">IIBB", chunks[b"IHDR"][:10])
    assert (depth, color) == (8, 0) and b"IEND" in chunks
    return width, height, zlib.decompress(chunks[b"IDAT"])


async def test_a_captcha_is_a_valid_png_of_random_digits():
    captcha = PngCaptcha()
    first, second = await captcha.draw(), await captcha.draw()
    assert first.answer != second.answer or first.png != second.png
    for image in (first, second):
        assert len(image.answer) == 5 and image.answer.isdigit()
        width, height, raw = png_size_and_pixels(image.png)
        assert (width, height) == (WIDTH, HEIGHT)
        assert len(raw) == height * (width + 1)
        dark = sum(1 for b in raw if b < 100)
        assert dark > width * height // 20  # digits were drawn, not only a light background


# --- mail ----------------------------------------------------------------------------------------------

MAIL = Mail(to="alice@example.test", subject="Confirm: ünïcode", text="Follow https://x.example/c/TOKEN\n")


async def test_the_eml_mailer_writes_one_readable_file_per_message(tmp_path):
    mailer = EmlMailer(tmp_path / "mail", '"plerome" <no-reply@social.example>')
    await mailer.send(MAIL)
    await mailer.send(Mail(to="b@example.test", subject="Second", text="2"))
    files = sorted((tmp_path / "mail").glob("*.eml"))
    assert len(files) == 2 and not list((tmp_path / "mail").glob(".*"))
    message = email.message_from_bytes(files[0].read_bytes(), policy=policy.default)
    assert message["To"] == "alice@example.test"
    assert message["Subject"] == "Confirm: ünïcode"
    assert "no-reply@social.example" in message["From"]
    assert message.get_content() == MAIL.text


async def test_the_memory_mailer_keeps_what_it_is_given():
    mailer = MemoryMailer()
    await mailer.send(MAIL)
    assert mailer.sent == [MAIL]


class FakeSmtp(socketserver.StreamRequestHandler):
    """Just enough SMTP for smtplib: EHLO, AUTH PLAIN, MAIL, RCPT, DATA, QUIT."""

    def reply(self, line: str) -> None:
        self.wfile.write(line.encode() + b"\r\n")

    def handle(self) -> None:
        got = self.server.got  # type: ignore[attr-defined]
        self.reply("220 fake ESMTP")
        while line := self.rfile.readline():
            verb = line.decode().strip().split(" ")[0].upper()
            if verb == "EHLO":
                self.reply("250-fake")
                self.reply("250 AUTH PLAIN")
            elif verb == "AUTH":
                got["auth"] = base64.b64decode(line.decode().split()[2]).split(b"\0")[1:]
                self.reply("235 ok")
            elif verb in ("MAIL", "RCPT"):
                got.setdefault(verb, []).append(line.decode().strip().split(":", 1)[1])
                self.reply("250 ok")
            elif verb == "DATA":
                self.reply("354 go on")
                data = b""
                while not data.endswith(b"\r\n.\r\n"):
                    data += self.rfile.readline()
                got["data"] = data
                self.reply("250 queued")
            elif verb == "QUIT":
                self.reply("221 bye")
                return
            else:
                self.reply("502 no")


@pytest.fixture
def smtp_server() -> Iterator[tuple[int, dict]]:
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), FakeSmtp)
    server.daemon_threads = True
    server.got = {}  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1], server.got  # type: ignore[attr-defined]
    finally:
        server.shutdown()
        server.server_close()


async def test_the_smtp_mailer_logs_in_and_hands_the_message_over(smtp_server):
    port, got = smtp_server
    mailer = SmtpMailer(f"smtp://mailer%40x:p%3Ass@127.0.0.1:{port}", "plerome <no-reply@social.example>")
    await mailer.send(MAIL)
    assert got["auth"] == [b"mailer@x", b"p:ss"]
    assert got["MAIL"] == ["<no-reply@social.example>"]
    assert got["RCPT"] == ["<alice@example.test>"]
    message = email.message_from_bytes(got["data"][: -len(b".\r\n")], policy=policy.default)
    assert message.get_content().replace("\r\n", "\n") == MAIL.text


def test_a_mail_url_that_is_not_smtp_is_refused():
    for url in ("http://host", "smtp://", "mail.example"):
        with pytest.raises(ValueError):
            SmtpMailer(url, "x <a@b.c>")
