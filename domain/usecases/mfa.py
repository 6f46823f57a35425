"""Multi-factor authentication: turning it on and off, backup codes, and the second step of a login."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import datetime

from plerome.domain.accounts import Account, login_refusal
from plerome.domain.errors import NotFound, Unprocessable
from plerome.domain.mfa import (
    BACKUP_CODE_COUNT,
    INVALID_TOKEN,
    MFA_TOKEN_LIFETIME,
    InvalidMfaCode,
    MfaChallenge,
    MfaToken,
    backup_code,
    begin_totp_setup,
    confirm_totp,
    disable_all,
    disable_totp,
    is_backup_code_form,
    normalise_code,
    provisioning_uri,
    supported_challenge_types,
    with_backup_codes,
    without_backup_code,
)
from plerome.domain.throttle import mfa_key

from . import throttle
from .context import Context
from .passwords import confirm_password


@dataclass(frozen=True, slots=True)
class TotpSetup:
    key: str
    provisioning_uri: str


async def _account(ctx: Context, account_id: str) -> Account:
    account = await ctx.stores.accounts.get(account_id)
    if account is None:
        raise NotFound()
    return account


async def setup_totp(ctx: Context, account_id: str) -> TotpSetup:
    """A new secret for an authenticator app; it counts once a code of it is confirmed."""
    secret = ctx.otp.new_secret()
    async with ctx.stores.transaction() as tx:
        account = await tx.accounts.get(account_id)
        if account is None:
            raise NotFound()
        await tx.accounts.update(dataclasses.replace(account, mfa=begin_totp_setup(account.mfa, secret)))
    return TotpSetup(
        key=secret, provisioning_uri=provisioning_uri(secret, account.email or "", ctx.policy.name)
    )


async def confirm_totp_setup(ctx: Context, account_id: str, password: str, code: str) -> None:
    """The password and a code of the new secret turn TOTP (and MFA) on. Checking this code uses up
    no step: the same code can still log in."""
    account = await _account(ctx, account_id)
    await confirm_password(ctx, account, password)
    pending = account.mfa.pending_totp_secret
    if pending is None or ctx.otp.matching_step(pending, normalise_code(code), ctx.clock.now()) is None:
        raise Unprocessable(INVALID_TOKEN)
    async with ctx.stores.transaction() as tx:
        current = await tx.accounts.get(account_id)
        if current is None or current.mfa.pending_totp_secret != pending:
            raise Unprocessable(INVALID_TOKEN)  # set up again meanwhile: this code is of the old secret
        await tx.accounts.update(dataclasses.replace(current, mfa=confirm_totp(current.mfa)))


async def turn_off(ctx: Context, account_id: str, password: str | None, *, everything: bool) -> None:
    """DELETE accounts/mfa/totp (TOTP off, backup codes kept) or accounts/mfa/mfa (all of it)."""
    account = await _account(ctx, account_id)
    await confirm_password(ctx, account, password)
    async with ctx.stores.transaction() as tx:
        current = await tx.accounts.get(account_id)
        if current is None:
            raise NotFound()
        mfa = disable_all() if everything else disable_totp(current.mfa)
        await tx.accounts.update(dataclasses.replace(current, mfa=mfa))
        if everything:
            await tx.mfa_uses.forget_backup_codes(account_id)


async def new_backup_codes(ctx: Context, account_id: str) -> list[str]:
    """Fresh one-time codes, shown this once; only their hashes are kept, and older codes stop working."""
    codes = [backup_code(ctx.secrets.token()) for _ in range(BACKUP_CODE_COUNT)]
    hashes = tuple([await ctx.passwords.hash(code) for code in codes])
    async with ctx.stores.transaction() as tx:
        account = await tx.accounts.get(account_id)
        if account is None:
            raise NotFound()
        await tx.accounts.update(dataclasses.replace(account, mfa=with_backup_codes(account.mfa, hashes)))
        await tx.mfa_uses.forget_backup_codes(account_id)
    return codes


# --- the second step of a login -------------------------------------------------------------------


async def start_challenge(
    ctx: Context, account: Account, app_id: str, scopes: tuple[str, ...], redirect_uri: str | None
) -> MfaChallenge:
    """The password was right and the account has MFA on: an mfa_token for the second step."""
    token = ctx.secrets.token()
    now = ctx.clock.now()
    await ctx.stores.mfa_tokens.add(
        MfaToken(
            token_hash=ctx.secrets.digest(token),
            account_id=account.id,
            app_id=app_id,
            scopes=scopes,
            redirect_uri=redirect_uri,
            created_at=now,
            valid_until=now + MFA_TOKEN_LIFETIME,
        )
    )
    return MfaChallenge(mfa_token=token, challenge_types=supported_challenge_types(account.mfa))


async def pass_challenge(
    ctx: Context,
    mfa_token: str,
    challenge_type: str,
    code: str,
    app_id: str | None = None,
    form: bool = False,
) -> tuple[MfaToken, Account]:
    """The pending login and its account once the second factor checks out; the mfa_token is used up.

    `app_id`: the token must come from that app's password grant. `form`: it must come from the
    authorize form (which knows where to send the user back). Any failure is InvalidMfaCode; wrong
    codes are counted per account and throttled.
    """
    digest = ctx.secrets.digest(mfa_token)
    pending = await ctx.stores.mfa_tokens.get(digest)
    now = ctx.clock.now()
    if (
        pending is None
        or not pending.is_valid(now)
        or (app_id is not None and pending.app_id != app_id)
        or (form and pending.redirect_uri is None)
    ):
        raise InvalidMfaCode()
    account = await ctx.stores.accounts.get(pending.account_id)
    if account is None or login_refusal(account) or not account.mfa.enabled:
        raise InvalidMfaCode()
    key = mfa_key(account.id)
    counted = await throttle.check(ctx, key)
    if not await _second_factor(ctx, account, challenge_type, normalise_code(code), now):
        await throttle.failed(ctx, key)
        raise InvalidMfaCode()
    if not await ctx.stores.mfa_tokens.delete(digest):
        raise InvalidMfaCode()  # another request used this login meanwhile
    await throttle.succeeded(ctx, key, counted)
    return pending, account


async def _second_factor(
    ctx: Context, account: Account, challenge_type: str, code: str, now: datetime
) -> bool:
    if challenge_type == "totp":
        secret = account.mfa.totp_secret
        if secret is None or not account.mfa.totp_confirmed:
            return False
        step = ctx.otp.matching_step(secret, code, now)
        # A code logs in once: its step (and every earlier one) is used up for this account.
        return step is not None and await ctx.stores.mfa_uses.claim_step(account.id, step)
    if challenge_type == "recovery":
        return is_backup_code_form(code) and await _use_backup_code(ctx, account, code)
    return False


async def _use_backup_code(ctx: Context, account: Account, code: str) -> bool:
    for code_hash in account.mfa.backup_codes:
        if not await ctx.passwords.verify(code_hash, code):
            continue
        if not await ctx.stores.mfa_uses.claim_backup_code(account.id, code_hash):
            return False  # used a moment ago by another request
        async with ctx.stores.transaction() as tx:
            current = await tx.accounts.get(account.id)
            if current is not None:
                await tx.accounts.update(
                    dataclasses.replace(current, mfa=without_backup_code(current.mfa, code_hash))
                )
        return True
    return False
