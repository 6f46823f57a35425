"""Signing up through the API (POST /api/v1/accounts)."""

from __future__ import annotations

from dataclasses import dataclass

from plerome.domain.errors import Forbidden, InvalidInput, MissingField
from plerome.domain.oauth import IssuedToken

from .accounts import create_account
from .context import Context
from .oauth import Credentials, issue_token


@dataclass(frozen=True, slots=True)
class SignUp:
    username: str
    password: str
    email: str | None
    agreement: bool
    locale: str | None = None
    reason: str | None = None


@dataclass(frozen=True, slots=True)
class Registered:
    """The new account's token, or None when it must confirm its email first."""

    token: IssuedToken | None
    account_id: str


async def register(ctx: Context, caller: Credentials, signup: SignUp) -> Registered:
    if caller.app_id is None:
        raise Forbidden("Invalid credentials.")
    if not ctx.policy.registrations_open:
        raise Forbidden("Registrations are closed")
    if not signup.agreement:
        raise InvalidInput("agreement must be accepted")
    if ctx.policy.account_activation_required and not signup.email:
        raise MissingField("email")
    account = await create_account(
        ctx,
        signup.username,
        signup.email,
        signup.password,
        is_confirmed=not ctx.policy.account_activation_required,
    )
    if not account.is_confirmed:
        return Registered(token=None, account_id=account.id)
    app = await ctx.stores.apps.get(caller.app_id)
    if app is None:
        raise Forbidden("Invalid credentials.")
    issued = await issue_token(ctx, app, account, app.scopes)
    return Registered(token=issued, account_id=account.id)
