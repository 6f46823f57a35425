"""Configuration: a frozen Struct. Only `from_env` reads the environment (the CLI calls it)."""

from __future__ import annotations

from collections.abc import Mapping

import msgspec


def _flag(value: str) -> bool:
    return value.strip().lower() in ("1", "true", "yes", "on")


class Settings(msgspec.Struct, frozen=True, kw_only=True):
    database_url: str = "sqlite:///data/plerome.sqlite3"
    data_dir: str = "data"
    base_url: str = "http://127.0.0.1:4000"
    instance_name: str = "plerome"
    registrations_open: bool = False
    account_activation_required: bool = False
    upload_limit: int = 16 * 1024 * 1024
    captcha: str = "none"
    smtp_url: str | None = None
    backup_interval_days: int = 7
    login_failures: int = 10
    outgoing_allow_private: bool = False
    secret_key: str | None = None
    # argon2id parameters: the library's defaults (RFC 9106 low-memory); tests lower them.
    argon2_time_cost: int = 3
    argon2_memory_cost: int = 65536
    argon2_parallelism: int = 4
    job_workers: int = 2
    job_lease_seconds: float = 60.0
    job_poll_seconds: float = 2.0
    postgres_pool_size: int = 10
    auto_migrate: bool = True
    # Emoji packs: a pack archive's largest download and unpacked size, and most entries; how often the
    # emoji directory is looked at for changes made by another process; outgoing fetches' time-out.
    emoji_pack_limit: int = 64 * 1024 * 1024
    emoji_pack_entries: int = 20_000
    emoji_recheck_seconds: float = 2.0
    outgoing_timeout_seconds: float = 20.0

    def __post_init__(self) -> None:
        self_base = self.base_url.rstrip("/")
        if self_base != self.base_url:
            msgspec.structs.force_setattr(self, "base_url", self_base)

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> Settings:
        kw: dict[str, object] = {}
        text = {
            "PLEROME_DATABASE_URL": "database_url",
            "PLEROME_DATA_DIR": "data_dir",
            "PLEROME_BASE_URL": "base_url",
            "PLEROME_INSTANCE_NAME": "instance_name",
            "PLEROME_CAPTCHA": "captcha",
            "PLEROME_SMTP_URL": "smtp_url",
            "PLEROME_SECRET_KEY": "secret_key",
        }
        flags = {
            "PLEROME_REGISTRATIONS_OPEN": "registrations_open",
            "PLEROME_ACCOUNT_ACTIVATION_REQUIRED": "account_activation_required",
            "PLEROME_OUTGOING_ALLOW_PRIVATE": "outgoing_allow_private",
        }
        numbers = {
            "PLEROME_UPLOAD_LIMIT": "upload_limit",
            "PLEROME_BACKUP_INTERVAL_DAYS": "backup_interval_days",
            "PLEROME_LOGIN_FAILURES": "login_failures",
        }
        for var, name in text.items():
            if env.get(var):
                kw[name] = env[var]
        for var, name in flags.items():
            if var in env:
                kw[name] = _flag(env[var])
        for var, name in numbers.items():
            if env.get(var):
                try:
                    kw[name] = int(env[var])
                except ValueError:
                    raise ValueError(f"{var} must be a whole number, not {env[var]!r}") from None
        return cls(**kw)  # type: ignore[arg-type]
