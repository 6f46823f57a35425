"""Asking for the current password before a sensitive change."""

from __future__ import annotations

from plerome.domain.accounts import Account
from plerome.domain.errors import InvalidPassword

from .context import Context


async def confirm_password(ctx: Context, account: Account, password: str | None) -> None:
    """InvalidPassword unless `password` is the account's. A missing password takes the same argon2
    path as a wrong one."""
    if not await ctx.passwords.verify(account.password_hash, password or ""):
        raise InvalidPassword()
