"""OAuth authorization codes in SQL; `take` deletes and returns in one statement, so a code works once."""

from __future__ import annotations

from plerome.domain.oauth import AuthCode

from .database import Executor, Row, from_micros, to_micros


def code_from_row(r: Row) -> AuthCode:
    return AuthCode(
        code_hash=r["code_hash"],
        app_id=r["app_id"],
        account_id=r["account_id"],
        scopes=tuple(r["scopes"].split()),
        redirect_uri=r["redirect_uri"],
        created_at=from_micros(r["created_at"]),
        valid_until=from_micros(r["valid_until"]),
    )


class SqlAuthCodes:
    def __init__(self, db: Executor) -> None:
        self._db = db

    async def add(self, code: AuthCode) -> None:
        await self._db.execute(
            "INSERT INTO auth_codes (code_hash, app_id, account_id, scopes, redirect_uri, created_at,"
            " valid_until) VALUES (?, ?, ?, ?, ?, ?, ?)",
            code.code_hash,
            code.app_id,
            code.account_id,
            " ".join(code.scopes),
            code.redirect_uri,
            to_micros(code.created_at),
            to_micros(code.valid_until),
        )

    async def take(self, code_hash: str) -> AuthCode | None:
        row = await self._db.fetch_one(
            "DELETE FROM auth_codes WHERE code_hash = ? RETURNING code_hash, app_id, account_id, scopes,"
            " redirect_uri, created_at, valid_until",
            code_hash,
        )
        return code_from_row(row) if row else None
