"""Signing up through the API (POST /api/v1/accounts)."""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass

from plerome.domain.accounts import Account, validate_display_name, validate_note
from plerome.domain.errors import Forbidden, InvalidInput, MissingField, Unauthorized
from plerome.domain.oauth import IssuedToken

from .accounts import create_account
from .captcha import CaptchaAnswer, solve_captcha
from .confirmation import send_confirmation
from .context import Context
from .oauth import Credentials, issue_token

REASON_MAX = 500  # Pleroma's default registration_reason_length
_LOCALE = re.compile(r"[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{2,8}){0,3}")


@dataclass(frozen=True, slots=True)
class SignUp:
    username: str
    password: str
    email: str | None
    agreement: bool
    locale: str | None = None
    reason: str | None = None  # only an approval queue would read it; plerome has none
    display_name: str | None = None  # Pleroma-FE's `fullname`
    bio: str | None = None
    captcha: CaptchaAnswer | None = None  # checked when the instance asks for a captcha


@dataclass(frozen=True, slots=True)
class Registered:
    """The new account, and its token unless it must confirm its email first."""

    account: Account
    token: IssuedToken | None


def _locale(value: str | None) -> str | None:
    """A well-formed language tag, or None: like Pleroma, a bad locale falls back to the default."""
    if value and _LOCALE.fullmatch(value.strip()):
        return value.strip().replace("_", "-")
    return None


async def register(ctx: Context, caller: Credentials, signup: SignUp) -> Registered:
    """Create a local account for a sign-up made through an app, and log it in to that app."""
    if caller.app_id is None:
        raise Unauthorized()
    app = await ctx.stores.apps.get(caller.app_id)
    if app is None:
        raise Unauthorized()
    if not ctx.policy.registrations_open:
        raise Forbidden("Registrations are closed on this instance.")
    if not signup.agreement:
        raise InvalidInput("You must accept the terms of service (agreement).")
    email = (signup.email or "").strip() or None
    if ctx.policy.account_activation_required and email is None:
        raise MissingField("email")
    if signup.reason is not None and len(signup.reason) > REASON_MAX:
        raise InvalidInput(f"Reason should be at most {REASON_MAX} character(s).")
    display_name = validate_display_name(signup.display_name or "")
    note = validate_note(signup.bio or "")
    language = _locale(signup.locale)
    if ctx.captcha is not None:
        await solve_captcha(ctx, signup.captcha or CaptchaAnswer(None, None, None))
    account = await create_account(
        ctx,
        signup.username,
        email,
        signup.password,
        is_confirmed=not ctx.policy.account_activation_required,
    )
    if display_name or note or language:
        account = dataclasses.replace(account, display_name=display_name, note=note, language=language)
        await ctx.stores.accounts.update(account)
    if not account.is_confirmed:
        await send_confirmation(ctx, account)
        return Registered(account=account, token=None)
    issued = await issue_token(ctx, app, account, app.scopes)
    return Registered(account=account, token=issued)
