"""OAuth access tokens in SQL. `lookup` runs on every authenticated request: one indexed join."""

from __future__ import annotations

from plerome.domain.accounts import Account
from plerome.domain.oauth import NewToken, Token
from plerome.ports.repositories import TokenListing

from .accounts import SELECT_COLUMNS, account_from_row
from .database import Executor, Row, from_micros, to_micros

_TOKEN_COLUMNS = (
    "id",
    "token_hash",
    "refresh_hash",
    "app_id",
    "account_id",
    "scopes",
    "created_at",
    "valid_until",
)
# Token columns under a t_ prefix, so they can sit beside the account's in one row.
_T = ", ".join(f"t.{c} AS t_{c}" for c in _TOKEN_COLUMNS)
_SELECT = f"SELECT {_T} FROM oauth_tokens t"
_LOOKUP = (
    f"SELECT {_T}, {SELECT_COLUMNS} FROM oauth_tokens t"
    " LEFT JOIN accounts a ON a.id = t.account_id WHERE t.token_hash = ?"
)
_FOR_ACCOUNT = (
    f"SELECT {_T}, p.name AS app_name FROM oauth_tokens t"
    " LEFT JOIN apps p ON p.id = t.app_id WHERE t.account_id = ? ORDER BY t.id"
)


def token_from_row(r: Row) -> Token:
    return Token(
        id=r["t_id"],
        token_hash=r["t_token_hash"],
        refresh_hash=r["t_refresh_hash"],
        app_id=r["t_app_id"],
        account_id=r["t_account_id"],
        scopes=tuple(r["t_scopes"].split()),
        created_at=from_micros(r["t_created_at"]),
        valid_until=from_micros(r["t_valid_until"]),
    )


class SqlTokens:
    def __init__(self, db: Executor) -> None:
        self._db = db

    async def add(self, token: NewToken) -> Token:
        row = await self._db.fetch_one(
            "INSERT INTO oauth_tokens (token_hash, refresh_hash, app_id, account_id, scopes, created_at,"
            " valid_until) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
            token.token_hash,
            token.refresh_hash,
            token.app_id,
            token.account_id,
            " ".join(token.scopes),
            to_micros(token.created_at),
            to_micros(token.valid_until),
        )
        assert row is not None  # INSERT … RETURNING gives the new row
        return Token(
            id=int(row["id"]),
            token_hash=token.token_hash,
            refresh_hash=token.refresh_hash,
            app_id=token.app_id,
            account_id=token.account_id,
            scopes=token.scopes,
            created_at=token.created_at,
            valid_until=token.valid_until,
        )

    async def lookup(self, token_hash: str) -> tuple[Token, Account | None] | None:
        row = await self._db.fetch_one(_LOOKUP, token_hash)
        if row is None:
            return None
        return token_from_row(row), account_from_row(row) if row["id"] is not None else None

    async def by_refresh_hash(self, refresh_hash: str) -> Token | None:
        row = await self._db.fetch_one(_SELECT + " WHERE t.refresh_hash = ?", refresh_hash)
        return token_from_row(row) if row else None

    async def for_account(self, account_id: str) -> list[TokenListing]:
        rows = await self._db.fetch_all(_FOR_ACCOUNT, account_id)
        return [TokenListing(token_from_row(r), r["app_name"] or "") for r in rows]

    async def delete(self, token_id: int) -> bool:
        return await self._db.execute("DELETE FROM oauth_tokens WHERE id = ?", token_id) > 0

    async def delete_owned(self, account_id: str, token_id: int) -> bool:
        return (
            await self._db.execute(
                "DELETE FROM oauth_tokens WHERE id = ? AND account_id = ?", token_id, account_id
            )
            > 0
        )

    async def delete_by_hash(self, token_hash: str) -> bool:
        return await self._db.execute("DELETE FROM oauth_tokens WHERE token_hash = ?", token_hash) > 0

    async def delete_for_account(self, account_id: str) -> int:
        return await self._db.execute("DELETE FROM oauth_tokens WHERE account_id = ?", account_id)
