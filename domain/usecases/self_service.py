"""What a user does to their own account: delete or disable it, change email or password, notification
settings, sessions, and the settings client apps keep."""

from __future__ import annotations

import contextlib
import dataclasses
import json
from collections.abc import Callable
from typing import Any

from plerome.domain.accounts import (
    PASSWORD_MAX,
    SETTINGS_STORE_MAX,
    Account,
    NotificationSettings,
    merge_settings,
    validate_email,
)
from plerome.domain.errors import Conflict, InvalidInput, NotFound, Unprocessable
from plerome.ports.repositories import TokenListing

from .accounts import delete_account
from .context import Context
from .jobs import JobHandler, enqueue
from .passwords import confirm_password

REMOVE_ACCOUNT_JOB = "remove_account"
APP_NAME_MAX = 255


async def _account(ctx: Context, account_id: str) -> Account:
    account = await ctx.stores.accounts.get(account_id)
    if account is None:
        raise NotFound()
    return account


async def request_deletion(
    ctx: Context, account_id: str, password: str | None, wake: Callable[[], None] = lambda: None
) -> None:
    """The account stops working at once (deactivated, every token revoked, in one transaction); a
    job then removes it and its data. `wake` tells the job workers after the commit."""
    account = await _account(ctx, account_id)
    await confirm_password(ctx, account, password)
    async with ctx.stores.transaction() as tx:
        current = await tx.accounts.get(account_id)
        if current is None:
            raise NotFound()
        await tx.accounts.update(dataclasses.replace(current, is_active=False))
        await tx.tokens.delete_for_account(account_id)
        await enqueue(tx.jobs, ctx.ids, ctx.clock, REMOVE_ACCOUNT_JOB, {"account_id": account_id})
    wake()


async def remove_account(ctx: Context, account_id: str) -> None:
    """The deletion job: the account, everything of it, and its files. Safe to run twice."""
    with contextlib.suppress(NotFound):
        await delete_account(ctx, account_id)


def job_handlers(ctx: Context) -> dict[str, JobHandler]:
    """The jobs these use cases queue, bound to one app's context."""

    async def remove(payload: dict[str, Any]) -> None:
        await remove_account(ctx, str(payload["account_id"]))

    return {REMOVE_ACCOUNT_JOB: remove}


async def disable(ctx: Context, account_id: str, password: str | None) -> None:
    """Deactivate the account; its tokens stop working with it."""
    account = await _account(ctx, account_id)
    await confirm_password(ctx, account, password)
    async with ctx.stores.transaction() as tx:
        current = await tx.accounts.get(account_id)
        if current is None:
            raise NotFound()
        await tx.accounts.update(dataclasses.replace(current, is_active=False))
        await tx.tokens.delete_for_account(account_id)


async def change_password(
    ctx: Context, account_id: str, password: str, new_password: str, confirmation: str
) -> None:
    """A new password; like Pleroma, every token of the account is revoked (log in again)."""
    account = await _account(ctx, account_id)
    await confirm_password(ctx, account, password)
    if not new_password:
        raise Unprocessable("New password can't be blank.")
    if len(new_password) > PASSWORD_MAX:
        raise Unprocessable(f"New password should be at most {PASSWORD_MAX} character(s).")
    if new_password != confirmation:
        raise Unprocessable("New password does not match confirmation.")
    password_hash = await ctx.passwords.hash(new_password)
    async with ctx.stores.transaction() as tx:
        current = await tx.accounts.get(account_id)
        if current is None:
            raise NotFound()
        await tx.accounts.update(dataclasses.replace(current, password_hash=password_hash))
        await tx.tokens.delete_for_account(account_id)


async def change_email(ctx: Context, account_id: str, password: str, email: str) -> None:
    account = await _account(ctx, account_id)
    await confirm_password(ctx, account, password)
    new_email: str | None = email.strip()
    if not new_email:
        if ctx.policy.account_activation_required:
            raise Unprocessable("Email can't be blank.")
        new_email = None
    else:
        try:
            new_email = validate_email(new_email)
        except InvalidInput as exc:
            raise Unprocessable(exc.message) from None
    async with ctx.stores.transaction() as tx:
        current = await tx.accounts.get(account_id)
        if current is None:
            raise NotFound()
        if new_email is not None:
            holder = await tx.accounts.by_email(new_email)
            if holder is not None and holder.id != account_id:
                raise Conflict("Email has already been taken.")
        await tx.accounts.update(dataclasses.replace(current, email=new_email))


async def update_notification_settings(
    ctx: Context, account_id: str, block_from_strangers: bool | None, hide_notification_contents: bool | None
) -> NotificationSettings:
    """Only the settings given change."""
    async with ctx.stores.transaction() as tx:
        current = await tx.accounts.get(account_id)
        if current is None:
            raise NotFound()
        settings = current.notification_settings
        if block_from_strangers is not None:
            settings = dataclasses.replace(settings, block_from_strangers=block_from_strangers)
        if hide_notification_contents is not None:
            settings = dataclasses.replace(settings, hide_notification_contents=hide_notification_contents)
        await tx.accounts.update(dataclasses.replace(current, notification_settings=settings))
    return settings


async def sessions(ctx: Context, account_id: str) -> list[TokenListing]:
    return await ctx.stores.tokens.for_account(account_id)


async def revoke_session(ctx: Context, account_id: str, token_id: int) -> bool:
    """Revoke one of the account's own tokens; someone else's (or an unknown id) is left alone."""
    return await ctx.stores.tokens.delete_owned(account_id, token_id)


def _app_name(app: str) -> str:
    if not app or len(app) > APP_NAME_MAX:
        raise InvalidInput(f"The app name must be 1 to {APP_NAME_MAX} characters long.")
    return app


async def app_settings(ctx: Context, account_id: str, app: str) -> dict[str, Any]:
    return await ctx.stores.app_settings.get(account_id, _app_name(app))


async def patch_app_settings(
    ctx: Context, account_id: str, app: str, patch: dict[str, Any]
) -> dict[str, Any]:
    """Deep-merge `patch` into the app's settings; a key set to null is removed."""
    app = _app_name(app)
    async with ctx.stores.transaction() as tx:
        merged = merge_settings(await tx.app_settings.get(account_id, app), patch)
        if len(json.dumps(merged, ensure_ascii=False).encode()) > SETTINGS_STORE_MAX:
            raise InvalidInput("The settings are too large.")
        await tx.app_settings.put(account_id, app, merged)
    return merged
