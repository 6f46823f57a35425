"""Accounts in SQL: one row per account, the nested settings as JSON text."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import msgspec

from plerome.domain.accounts import (
    Account,
    AccountCounts,
    MfaSettings,
    NotificationSettings,
    ProfileField,
    nickname_key,
)
from plerome.domain.errors import Conflict

from .database import Executor, Row, UniqueViolation, from_micros, to_micros
from .query import any_of, ids_param

TAKEN = "Nickname or email has already been taken."

# Every column of `accounts`, in the order account_values() gives them.
COLUMNS = (
    "id",
    "nickname",
    "nickname_key",
    "email",
    "email_key",
    "password_hash",
    "created_at",
    "display_name",
    "note",
    "locked",
    "bot",
    "discoverable",
    "is_admin",
    "is_moderator",
    "is_confirmed",
    "is_active",
    "avatar",
    "header",
    "background_image",
    "mascot",
    "fields",
    "hide_favorites",
    "hide_followers",
    "hide_follows",
    "hide_followers_count",
    "hide_follows_count",
    "allow_following_move",
    "show_role",
    "no_rich_text",
    "skip_thread_containment",
    "actor_type",
    "privacy",
    "sensitive",
    "language",
    "settings_store",
    "notification_settings",
    "mfa",
    "also_known_as",
)
SELECT_COLUMNS = ", ".join(f"a.{c}" for c in COLUMNS)

_encode = msgspec.json.Encoder().encode
_fields = msgspec.json.Decoder(tuple[ProfileField, ...])
_settings_store = msgspec.json.Decoder(dict[str, Any])
_notifications = msgspec.json.Decoder(NotificationSettings)
_mfa = msgspec.json.Decoder(MfaSettings)
_strings = msgspec.json.Decoder(tuple[str, ...])


def email_key(email: str | None) -> str | None:
    return email.casefold() if email else None


def account_values(a: Account) -> tuple[Any, ...]:
    return (
        a.id,
        a.nickname,
        nickname_key(a.nickname),
        a.email,
        email_key(a.email),
        a.password_hash,
        to_micros(a.created_at),
        a.display_name,
        a.note,
        a.locked,
        a.bot,
        a.discoverable,
        a.is_admin,
        a.is_moderator,
        a.is_confirmed,
        a.is_active,
        a.avatar,
        a.header,
        a.background_image,
        a.mascot,
        _encode(a.fields).decode(),
        a.hide_favorites,
        a.hide_followers,
        a.hide_follows,
        a.hide_followers_count,
        a.hide_follows_count,
        a.allow_following_move,
        a.show_role,
        a.no_rich_text,
        a.skip_thread_containment,
        a.actor_type,
        a.privacy,
        a.sensitive,
        a.language,
        _encode(a.settings_store).decode(),
        _encode(a.notification_settings).decode(),
        _encode(a.mfa).decode(),
        _encode(a.also_known_as).decode(),
    )


def account_from_row(r: Row) -> Account:
    return Account(
        id=r["id"],
        nickname=r["nickname"],
        email=r["email"],
        password_hash=r["password_hash"],
        created_at=from_micros(r["created_at"]),
        display_name=r["display_name"],
        note=r["note"],
        locked=bool(r["locked"]),
        bot=bool(r["bot"]),
        discoverable=bool(r["discoverable"]),
        is_admin=bool(r["is_admin"]),
        is_moderator=bool(r["is_moderator"]),
        is_confirmed=bool(r["is_confirmed"]),
        is_active=bool(r["is_active"]),
        avatar=r["avatar"],
        header=r["header"],
        background_image=r["background_image"],
        mascot=r["mascot"],
        fields=_fields.decode(r["fields"]),
        hide_favorites=bool(r["hide_favorites"]),
        hide_followers=bool(r["hide_followers"]),
        hide_follows=bool(r["hide_follows"]),
        hide_followers_count=bool(r["hide_followers_count"]),
        hide_follows_count=bool(r["hide_follows_count"]),
        allow_following_move=bool(r["allow_following_move"]),
        show_role=bool(r["show_role"]),
        no_rich_text=bool(r["no_rich_text"]),
        skip_thread_containment=bool(r["skip_thread_containment"]),
        actor_type=r["actor_type"],
        privacy=r["privacy"],
        sensitive=bool(r["sensitive"]),
        language=r["language"],
        settings_store=_settings_store.decode(r["settings_store"]),
        notification_settings=_notifications.decode(r["notification_settings"]),
        mfa=_mfa.decode(r["mfa"]),
        also_known_as=_strings.decode(r["also_known_as"]),
    )


_INSERT = (
    f"INSERT INTO accounts ({', '.join(COLUMNS)}) VALUES ({', '.join('?' * len(COLUMNS))})"
    " ON CONFLICT DO NOTHING"
)
_UPDATE = f"UPDATE accounts SET {', '.join(f'{c} = ?' for c in COLUMNS[1:])} WHERE id = ?"
_SELECT = f"SELECT {SELECT_COLUMNS} FROM accounts a"


class SqlAccounts:
    def __init__(self, db: Executor) -> None:
        self._db = db
        self._counts_sql = (
            "SELECT account_id, statuses, followers, following, follow_requests FROM account_counts"
            f" WHERE {any_of(db.dialect, 'account_id')}"
        )

    async def add(self, account: Account) -> None:
        # DO NOTHING rather than an error, so a Postgres transaction is still usable after a Conflict.
        if await self._db.execute(_INSERT, *account_values(account)) == 0:
            raise Conflict(TAKEN)

    async def get(self, account_id: str) -> Account | None:
        row = await self._db.fetch_one(_SELECT + " WHERE a.id = ?", account_id)
        return account_from_row(row) if row else None

    async def get_many(self, account_ids: Sequence[str]) -> dict[str, Account]:
        ids = list(dict.fromkeys(account_ids))
        if not ids:
            return {}
        rows = await self._db.fetch_all(_SELECT + f" WHERE a.id IN ({', '.join('?' * len(ids))})", *ids)
        return {row["id"]: account_from_row(row) for row in rows}

    async def by_nickname(self, nickname: str) -> Account | None:
        row = await self._db.fetch_one(_SELECT + " WHERE a.nickname_key = ?", nickname_key(nickname))
        return account_from_row(row) if row else None

    async def by_email(self, email: str) -> Account | None:
        row = await self._db.fetch_one(_SELECT + " WHERE a.email_key = ?", email_key(email))
        return account_from_row(row) if row else None

    async def update(self, account: Account) -> None:
        values = account_values(account)
        try:
            await self._db.execute(_UPDATE, *values[1:], values[0])
        except UniqueViolation:
            raise Conflict(TAKEN) from None

    async def delete(self, account_id: str) -> bool:
        return await self._db.execute("DELETE FROM accounts WHERE id = ?", account_id) > 0

    async def count_local(self) -> int:
        row = await self._db.fetch_one("SELECT count(*) AS n FROM accounts")
        return int(row["n"]) if row else 0

    async def counts(self, account_ids: Sequence[str]) -> dict[str, AccountCounts]:
        # account_counts is kept by triggers (migration 0008)
        ids = list(dict.fromkeys(account_ids))
        if not ids:
            return {}
        rows = await self._db.fetch_all(self._counts_sql, ids_param(self._db.dialect, ids))
        counts = dict.fromkeys(ids, AccountCounts())
        for r in rows:
            counts[r["account_id"]] = AccountCounts(
                int(r["statuses"]), int(r["followers"]), int(r["following"]), int(r["follow_requests"])
            )
        return counts

    async def statuses_total(self) -> int:
        row = await self._db.fetch_one("SELECT sum(statuses) AS n FROM account_counts")
        return int(row["n"] or 0) if row else 0
