"""The ports a use case works over, bundled so call sites stay short."""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from plerome.domain.instance import InstancePolicy
from plerome.domain.mail import Mail
from plerome.domain.usecases.emoji_packs import EmojiPacks
from plerome.ports.backups import BackupArchives
from plerome.ports.captcha import CaptchaImages
from plerome.ports.clock import Clock
from plerome.ports.files import FileStore, OpenedFile
from plerome.ports.formatter import Formatter
from plerome.ports.ids import Ids
from plerome.ports.mailer import Mailer
from plerome.ports.otp import Otp
from plerome.ports.passwords import Passwords
from plerome.ports.repositories import Stores
from plerome.ports.secrets import Secrets


class NoFileStore:
    """The file store of a Context built without one (use-case tests that store no files): it holds
    nothing and refuses to keep anything."""

    async def save(self, key: str, data: bytes) -> None:
        raise RuntimeError("this Context has no file store; pass files= when building it")

    async def read(self, key: str) -> bytes | None:
        return None

    async def open(self, key: str) -> OpenedFile | None:
        return None

    async def exists(self, key: str) -> bool:
        return False

    async def delete(self, key: str) -> bool:
        return False


class NoOtp:
    """The one-time-password port of a Context built without one: no code is ever right."""

    def new_secret(self) -> str:
        raise RuntimeError("this Context has no OTP port; pass otp= when building it")

    def matching_step(self, secret: str, code: str, now: datetime) -> int | None:
        return None


class NoMailer:
    """The mailer of a Context built without one: refuses to send."""

    async def send(self, mail: Mail) -> None:
        raise RuntimeError("this Context has no mailer; pass mailer= when building it")


class EscapingFormatter:
    """The formatter of a Context built without one: the text escaped with its line breaks kept,
    nothing linked. Safe for any input; the application wires the real one."""

    def render(
        self, text: str, content_type: str, mentions: Mapping[str, str], tags: Sequence[str], base_url: str
    ) -> str:
        return "<br/>".join(html.escape(line, quote=False) for line in text.split("\n"))


@dataclass(frozen=True, slots=True)
class Context:
    stores: Stores
    clock: Clock
    ids: Ids
    secrets: Secrets
    passwords: Passwords
    policy: InstancePolicy
    files: FileStore = field(default_factory=NoFileStore)
    otp: Otp = field(default_factory=NoOtp)
    mailer: Mailer = field(default_factory=NoMailer)
    captcha: CaptchaImages | None = None  # None: registration asks for no captcha
    emoji: EmojiPacks | None = None  # custom emoji packs; None: the app has none (wiring always sets it)
    formatter: Formatter = field(default_factory=EscapingFormatter)
    archives: BackupArchives | None = None  # backup zips; None: backups cannot be made (wiring sets it)
