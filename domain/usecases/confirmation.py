"""Confirming an email address: the link mailed at sign-up (or sent again on request) confirms it."""

from __future__ import annotations

import dataclasses
import logging

from plerome.domain.accounts import Account
from plerome.domain.errors import Throttled
from plerome.domain.mail import confirmation_link, confirmation_mail
from plerome.domain.throttle import CONFIRMATION_MAILS, WINDOW, mail_key

from . import throttle
from .context import Context

log = logging.getLogger("plerome.mail")

_TOKEN_MAX = 200  # a link's token is 43 characters; anything much longer is not one


async def send_confirmation(ctx: Context, account: Account) -> bool:
    """Mail a new confirmation link (the previous one stops working). At most CONFIRMATION_MAILS per
    account in 15 minutes, so nobody can flood a mailbox. False when nothing was sent."""
    if account.email is None:
        return False
    key = mail_key(account.id)
    try:
        await throttle.check(ctx, key, CONFIRMATION_MAILS)
    except Throttled:
        return False
    now = ctx.clock.now()
    await ctx.stores.attempts.hit(key, now, WINDOW)
    token = ctx.secrets.token()
    await ctx.stores.email_confirmations.put(account.id, ctx.secrets.digest(token), now)
    link = confirmation_link(ctx.policy.base_url, account.id, token)
    mail = confirmation_mail(ctx.policy.name, account.nickname, account.email, link)
    try:
        await ctx.mailer.send(mail)
    except Exception as exc:  # the account stands; the user can ask for the mail again
        log.warning("could not send the confirmation email of account %s: %s", account.id, type(exc).__name__)
        return False
    return True


async def resend_confirmation(ctx: Context, email: str | None, nickname: str | None) -> None:
    """Send the link again to an unconfirmed account. Says nothing either way: the answer must not
    tell which addresses have accounts."""
    account = None
    if email and email.strip():
        account = await ctx.stores.accounts.by_email(email.strip())
    elif nickname and nickname.strip():
        account = await ctx.stores.accounts.by_nickname(nickname.strip())
    if account is not None and account.is_active and not account.is_confirmed:
        await send_confirmation(ctx, account)


async def confirm_email(ctx: Context, account_id: str, token: str) -> bool:
    """Follow a confirmation link: True when it confirmed the account (a link works once)."""
    if len(account_id) > _TOKEN_MAX or len(token) > _TOKEN_MAX:
        return False
    if not await ctx.stores.email_confirmations.take(account_id, ctx.secrets.digest(token)):
        return False
    async with ctx.stores.transaction() as tx:
        account = await tx.accounts.get(account_id)
        if account is None:
            return False
        await tx.accounts.update(dataclasses.replace(account, is_confirmed=True))
    return True
