"""Login safety in SQL. Every deciding write is one statement, so concurrent server processes agree:
counting a failure is an upsert, claiming a TOTP step a conditional upsert, using a backup code or a
captcha an insert or update that only one caller can win."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import msgspec

from plerome.domain.captcha import CaptchaChallenge
from plerome.domain.mfa import MfaToken
from plerome.domain.throttle import Attempts

from .database import Executor, Row, from_micros, to_micros

CAPTCHA_KEPT = timedelta(hours=1)  # how long after expiry a challenge is still known (to say "expired")

_HIT = (
    "INSERT INTO attempt_counts (key, count, started_at) VALUES (?, 1, ?)"
    " ON CONFLICT (key) DO UPDATE SET"
    " count = CASE WHEN attempt_counts.started_at <= ? THEN 1 ELSE attempt_counts.count + 1 END,"
    " started_at = CASE WHEN attempt_counts.started_at <= ? THEN excluded.started_at"
    " ELSE attempt_counts.started_at END"
    " RETURNING key, count, started_at"
)


def _attempts(r: Row) -> Attempts:
    return Attempts(key=r["key"], count=int(r["count"]), started_at=from_micros(r["started_at"]))


class SqlAttemptCounts:
    def __init__(self, db: Executor) -> None:
        self._db = db

    async def get(self, key: str) -> Attempts | None:
        row = await self._db.fetch_one("SELECT key, count, started_at FROM attempt_counts WHERE key = ?", key)
        return _attempts(row) if row else None

    async def hit(self, key: str, now: datetime, window: timedelta) -> Attempts:
        ended = to_micros(now - window)  # a window that started this long ago or earlier is over
        row = await self._db.fetch_one(_HIT, key, to_micros(now), ended, ended)
        assert row is not None  # an upsert with RETURNING always gives the row
        return _attempts(row)

    async def clear(self, key: str) -> None:
        await self._db.execute("DELETE FROM attempt_counts WHERE key = ?", key)


_MFA_COLUMNS = "token_hash, account_id, app_id, scopes, redirect_uri, created_at, valid_until"


def _mfa_token(r: Row) -> MfaToken:
    return MfaToken(
        token_hash=r["token_hash"],
        account_id=r["account_id"],
        app_id=r["app_id"],
        scopes=tuple(r["scopes"].split()),
        redirect_uri=r["redirect_uri"],
        created_at=from_micros(r["created_at"]),
        valid_until=from_micros(r["valid_until"]),
    )


class SqlMfaTokens:
    def __init__(self, db: Executor) -> None:
        self._db = db

    async def add(self, token: MfaToken) -> None:
        await self._db.execute("DELETE FROM mfa_tokens WHERE valid_until <= ?", to_micros(token.created_at))
        await self._db.execute(
            f"INSERT INTO mfa_tokens ({_MFA_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)",
            token.token_hash,
            token.account_id,
            token.app_id,
            " ".join(token.scopes),
            token.redirect_uri,
            to_micros(token.created_at),
            to_micros(token.valid_until),
        )

    async def get(self, token_hash: str) -> MfaToken | None:
        row = await self._db.fetch_one(
            f"SELECT {_MFA_COLUMNS} FROM mfa_tokens WHERE token_hash = ?", token_hash
        )
        return _mfa_token(row) if row else None

    async def delete(self, token_hash: str) -> bool:
        return await self._db.execute("DELETE FROM mfa_tokens WHERE token_hash = ?", token_hash) > 0


class SqlMfaUses:
    def __init__(self, db: Executor) -> None:
        self._db = db

    async def claim_step(self, account_id: str, step: int) -> bool:
        changed = await self._db.execute(
            "INSERT INTO mfa_totp_steps (account_id, step) VALUES (?, ?)"
            " ON CONFLICT (account_id) DO UPDATE SET step = excluded.step"
            " WHERE mfa_totp_steps.step < excluded.step",
            account_id,
            step,
        )
        return changed > 0

    async def claim_backup_code(self, account_id: str, code_hash: str) -> bool:
        changed = await self._db.execute(
            "INSERT INTO mfa_used_backup_codes (account_id, code_hash) VALUES (?, ?) ON CONFLICT DO NOTHING",
            account_id,
            code_hash,
        )
        return changed > 0

    async def forget_backup_codes(self, account_id: str) -> None:
        await self._db.execute("DELETE FROM mfa_used_backup_codes WHERE account_id = ?", account_id)


def _challenge(r: Row) -> CaptchaChallenge:
    return CaptchaChallenge(
        token_hash=r["token_hash"],
        answer_hash=r["answer_hash"],
        answer_data_hash=r["answer_data_hash"],
        created_at=from_micros(r["created_at"]),
        valid_until=from_micros(r["valid_until"]),
    )


class SqlCaptchas:
    def __init__(self, db: Executor) -> None:
        self._db = db

    async def add(self, challenge: CaptchaChallenge) -> None:
        cutoff = to_micros(challenge.created_at - CAPTCHA_KEPT)
        await self._db.execute("DELETE FROM captchas WHERE valid_until <= ?", cutoff)
        await self._db.execute(
            "INSERT INTO captchas (token_hash, answer_hash, answer_data_hash, created_at, valid_until, used)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            challenge.token_hash,
            challenge.answer_hash,
            challenge.answer_data_hash,
            to_micros(challenge.created_at),
            to_micros(challenge.valid_until),
            False,
        )

    async def take(self, token_hash: str) -> CaptchaChallenge | None:
        row = await self._db.fetch_one(
            "UPDATE captchas SET used = ? WHERE token_hash = ? AND used = ?"
            " RETURNING token_hash, answer_hash, answer_data_hash, created_at, valid_until",
            True,
            token_hash,
            False,
        )
        return _challenge(row) if row else None

    async def known(self, token_hash: str) -> bool:
        return (
            await self._db.fetch_one("SELECT 1 AS ok FROM captchas WHERE token_hash = ?", token_hash)
            is not None
        )


class SqlEmailConfirmations:
    def __init__(self, db: Executor) -> None:
        self._db = db

    async def put(self, account_id: str, token_hash: str, now: datetime) -> None:
        await self._db.execute(
            "INSERT INTO email_confirmations (account_id, token_hash, created_at) VALUES (?, ?, ?)"
            " ON CONFLICT (account_id) DO UPDATE SET token_hash = excluded.token_hash,"
            " created_at = excluded.created_at",
            account_id,
            token_hash,
            to_micros(now),
        )

    async def take(self, account_id: str, token_hash: str) -> bool:
        changed = await self._db.execute(
            "DELETE FROM email_confirmations WHERE account_id = ? AND token_hash = ?", account_id, token_hash
        )
        return changed > 0


_encode = msgspec.json.Encoder().encode
_settings = msgspec.json.Decoder(dict[str, Any])


class SqlAppSettings:
    def __init__(self, db: Executor) -> None:
        self._db = db

    async def get(self, account_id: str, app: str) -> dict[str, Any]:
        row = await self._db.fetch_one(
            "SELECT settings FROM app_settings WHERE account_id = ? AND app = ?", account_id, app
        )
        return _settings.decode(row["settings"]) if row else {}

    async def put(self, account_id: str, app: str, settings: dict[str, Any]) -> None:
        await self._db.execute(
            "INSERT INTO app_settings (account_id, app, settings) VALUES (?, ?, ?)"
            " ON CONFLICT (account_id, app) DO UPDATE SET settings = excluded.settings",
            account_id,
            app,
            _encode(settings).decode(),
        )
