"""The composition root: the one place that chooses adapters (by the database URL's scheme)."""

from __future__ import annotations

import functools
import os
import secrets
from email.utils import formataddr
from pathlib import Path
from urllib.parse import urlsplit

from plerome.adapters.argon2 import Argon2Passwords
from plerome.adapters.captcha import PngCaptcha
from plerome.adapters.filesystem import FilesystemFiles
from plerome.adapters.filesystem.archives import FilesystemArchives
from plerome.adapters.filesystem.emoji import FilesystemEmojiStore
from plerome.adapters.html import HtmlFormatter
from plerome.adapters.http_client import HttpxClient
from plerome.adapters.mail import EmlMailer, SmtpMailer
from plerome.adapters.memory import MemoryStores
from plerome.adapters.otp import PyotpOtp
from plerome.adapters.system import FlakeIds, SystemClock, TokenSecrets
from plerome.domain.emoji_packs import DOWNLOAD_JOB, ArchiveLimits
from plerome.domain.instance import InstancePolicy
from plerome.domain.usecases import backups, emoji_packs, imports, self_service
from plerome.domain.usecases.context import Context
from plerome.ports.backups import BackupArchives
from plerome.ports.captcha import CaptchaImages
from plerome.ports.clock import Clock
from plerome.ports.files import FileStore
from plerome.ports.ids import Ids
from plerome.ports.mailer import Mailer
from plerome.ports.otp import Otp
from plerome.ports.passwords import Passwords

from .services import Lifecycle, Services
from .settings import Settings


class _MemoryLifecycle:
    def __init__(self, stores: MemoryStores) -> None:
        self._stores = stores

    async def open(self) -> None:
        return None

    async def close(self) -> None:
        return None

    async def migrate(self) -> list[str]:
        return []


def open_store(settings: Settings) -> tuple[object, Lifecycle]:
    """The Stores for the database URL, and its lifecycle (open, close, migrate). Opens nothing yet."""
    url = settings.database_url
    if url.startswith("memory:"):
        stores = MemoryStores()
        return stores, _MemoryLifecycle(stores)
    if url.startswith("sqlite:"):
        from plerome.adapters.sql import SqlStores
        from plerome.adapters.sqlite import SqliteDatabase

        db = SqliteDatabase.from_url(url, auto_migrate=settings.auto_migrate)
        return SqlStores(db), db
    if url.startswith(("postgresql:", "postgres:")):
        from plerome.adapters.postgres import PostgresDatabase
        from plerome.adapters.sql import SqlStores

        pg = PostgresDatabase(url, pool_size=settings.postgres_pool_size, auto_migrate=settings.auto_migrate)
        return SqlStores(pg), pg
    raise ValueError(f"unsupported database URL: {url!r} (use sqlite:///PATH or postgresql://…)")


def secret_key(settings: Settings) -> str:
    """PLEROME_SECRET_KEY, or one generated once into DATA_DIR/secret_key."""
    if settings.secret_key:
        return settings.secret_key
    path = Path(settings.data_dir) / "secret_key"
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".{os.getpid()}.{secrets.token_hex(4)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(secrets.token_urlsafe(48))
    try:
        # Worker processes starting together: link() fails if another made the file first, and
        # then every one of them reads the same key.
        os.link(tmp, path)
    except FileExistsError:
        pass
    finally:
        os.unlink(tmp)
    return path.read_text().strip()


def emoji_packs_for(settings: Settings, clock: Clock) -> emoji_packs.EmojiPacks:
    return emoji_packs.EmojiPacks(
        FilesystemEmojiStore(Path(settings.data_dir) / "emoji"),
        HttpxClient(allow_private=settings.outgoing_allow_private, timeout=settings.outgoing_timeout_seconds),
        clock,
        emoji_packs.PackLimits(
            upload_bytes=settings.upload_limit,
            archive=ArchiveLimits(
                max_bytes=settings.emoji_pack_limit, max_entries=settings.emoji_pack_entries
            ),
            recheck_seconds=settings.emoji_recheck_seconds,
        ),
    )


def mailer_for(settings: Settings) -> Mailer:
    """SMTP when PLEROME_SMTP_URL is set, else `.eml` files under DATA_DIR/mail."""
    host = urlsplit(settings.base_url).hostname or "localhost"
    sender = formataddr((settings.instance_name, f"no-reply@{host}"))
    if settings.smtp_url:
        return SmtpMailer(settings.smtp_url, sender)
    return EmlMailer(Path(settings.data_dir) / "mail", sender)


def captcha_for(settings: Settings) -> CaptchaImages | None:
    if settings.captcha == "none":
        return None
    if settings.captcha == "native":
        return PngCaptcha()
    raise ValueError(f"PLEROME_CAPTCHA must be none or native, not {settings.captcha!r}")


def build(
    settings: Settings,
    *,
    clock: Clock | None = None,
    ids: Ids | None = None,
    passwords: Passwords | None = None,
    files: FileStore | None = None,
    mailer: Mailer | None = None,
    otp: Otp | None = None,
    captcha: CaptchaImages | None = None,
    archives: BackupArchives | None = None,
) -> Services:
    stores, lifecycle = open_store(settings)
    clock = clock or SystemClock()
    provider = captcha_for(settings)  # PLEROME_CAPTCHA decides; `captcha` replaces the drawing (tests)
    ctx = Context(
        stores=stores,  # type: ignore[arg-type]
        clock=clock,
        ids=ids or FlakeIds(),
        secrets=TokenSecrets(),
        passwords=passwords
        or Argon2Passwords(
            settings.argon2_time_cost, settings.argon2_memory_cost, settings.argon2_parallelism
        ),
        policy=InstancePolicy(
            name=settings.instance_name,
            base_url=settings.base_url,
            registrations_open=settings.registrations_open,
            account_activation_required=settings.account_activation_required,
            login_failures=settings.login_failures,
        ),
        files=files or FilesystemFiles(Path(settings.data_dir) / "media"),
        formatter=HtmlFormatter(),
        emoji=emoji_packs_for(settings, clock),
        otp=otp or PyotpOtp(),
        mailer=mailer or mailer_for(settings),
        captcha=(captcha or provider) if provider is not None else None,
        archives=archives or FilesystemArchives(Path(settings.data_dir) / "backups"),
    )
    services = Services(settings=settings, ctx=ctx, store=lifecycle, secret_key=secret_key(settings))
    services.job_handlers[DOWNLOAD_JOB] = functools.partial(emoji_packs.run_download, ctx)
    services.job_handlers.update(self_service.job_handlers(ctx))
    services.job_handlers[imports.IMPORT_JOB] = functools.partial(imports.run_import, ctx)
    services.job_handlers[backups.BACKUP_JOB] = functools.partial(backups.run_backup, ctx)
    return services
