"""Creating, finding, changing and removing accounts."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from plerome.domain.accounts import (
    ACTOR_TYPES,
    PRIVACY,
    SETTINGS_STORE_MAX,
    Account,
    MfaSettings,
    ProfileField,
    merge_settings,
    validate_choice,
    validate_display_name,
    validate_email,
    validate_fields,
    validate_nickname,
    validate_note,
    validate_password,
)
from plerome.domain.errors import Conflict, InvalidInput, NotFound

from .context import Context

UNSET: Any = object()  # "not given", as opposed to None ("clear it")


async def create_account(
    ctx: Context,
    nickname: str,
    email: str | None,
    password: str,
    *,
    is_admin: bool = False,
    is_confirmed: bool = True,
) -> Account:
    nickname = validate_nickname(nickname)
    email = validate_email(email) if email else None
    validate_password(password)
    password_hash = await ctx.passwords.hash(password)
    account = Account(
        id=ctx.ids.new(),
        nickname=nickname,
        email=email,
        password_hash=password_hash,
        created_at=ctx.clock.now(),
        is_admin=is_admin,
        is_confirmed=is_confirmed,
    )
    async with ctx.stores.transaction() as tx:
        if await tx.accounts.by_nickname(nickname):
            raise Conflict("Nickname has already been taken.")
        if email and await tx.accounts.by_email(email):
            raise Conflict("Email has already been taken.")
        await tx.accounts.add(account)
    return account


async def find_account(ctx: Context, id_or_nickname: str) -> Account:
    """A visible account by id, or by nickname as Pleroma allows; deactivated ones are not found."""
    account = await ctx.stores.accounts.get(id_or_nickname)
    if account is None:
        account = await ctx.stores.accounts.by_nickname(id_or_nickname)
    if account is None or not account.is_active:
        raise NotFound()
    return account


async def require_account(ctx: Context, nickname: str) -> Account:
    account = await ctx.stores.accounts.by_nickname(nickname)
    if account is None:
        raise NotFound(f"No account named {nickname}")
    return account


@dataclass(frozen=True, slots=True)
class ProfileChange:
    """update_credentials: every field is optional; UNSET leaves it alone."""

    display_name: Any = UNSET
    note: Any = UNSET
    locked: Any = UNSET
    bot: Any = UNSET
    discoverable: Any = UNSET
    avatar: Any = UNSET
    header: Any = UNSET
    background_image: Any = UNSET
    fields: Any = UNSET  # list[ProfileField]
    hide_favorites: Any = UNSET
    hide_followers: Any = UNSET
    hide_follows: Any = UNSET
    hide_followers_count: Any = UNSET
    hide_follows_count: Any = UNSET
    allow_following_move: Any = UNSET
    show_role: Any = UNSET
    no_rich_text: Any = UNSET
    skip_thread_containment: Any = UNSET
    actor_type: Any = UNSET
    privacy: Any = UNSET
    sensitive: Any = UNSET
    language: Any = UNSET
    settings_store: Any = UNSET  # dict[str, Any], deep-merged


def apply_profile_change(account: Account, change: ProfileChange) -> Account:
    """The account after `change`, every value checked against the rules."""
    updates: dict[str, Any] = {}
    for f in dataclasses.fields(change):
        value = getattr(change, f.name)
        if value is not UNSET:
            updates[f.name] = value
    if "display_name" in updates:
        validate_display_name(updates["display_name"] or "")
        updates["display_name"] = updates["display_name"] or ""
    if "note" in updates:
        updates["note"] = validate_note(updates["note"] or "")
    if "fields" in updates:
        updates["fields"] = validate_fields([ProfileField(f.name, f.value) for f in updates["fields"]])
    if "actor_type" in updates:
        validate_choice("actor_type", updates["actor_type"], ACTOR_TYPES)
        updates["bot"] = updates["actor_type"] == "Service"
    elif "bot" in updates:
        updates["actor_type"] = "Service" if updates["bot"] else "Person"
    if "privacy" in updates:
        validate_choice("privacy", updates["privacy"], PRIVACY)
    if "settings_store" in updates:
        store = updates["settings_store"]
        if not isinstance(store, dict):
            raise InvalidInput("pleroma_settings_store must be an object")
        updates["settings_store"] = merge_settings(account.settings_store, store)
        if len(repr(updates["settings_store"])) > SETTINGS_STORE_MAX:
            raise InvalidInput("pleroma_settings_store is too large")
    return dataclasses.replace(account, **updates)


async def update_profile(ctx: Context, account_id: str, change: ProfileChange) -> Account:
    async with ctx.stores.transaction() as tx:
        account = await tx.accounts.get(account_id)
        if account is None:
            raise NotFound()
        updated = apply_profile_change(account, change)
        await tx.accounts.update(updated)
    return updated


@dataclass(frozen=True, slots=True)
class AdminChange:
    """What an operator may change from the command line."""

    is_admin: bool | None = None
    password: str | None = None
    disable_mfa: bool = False
    confirm: bool = False
    is_active: bool | None = None


async def administer_account(ctx: Context, nickname: str, change: AdminChange) -> Account:
    updates: dict[str, Any] = {}
    if change.password is not None:
        updates["password_hash"] = await ctx.passwords.hash(validate_password(change.password))
    async with ctx.stores.transaction() as tx:
        account = await tx.accounts.by_nickname(nickname)
        if account is None:
            raise NotFound(f"No account named {nickname}")
        if change.is_admin is not None:
            updates["is_admin"] = change.is_admin
        if change.disable_mfa:
            updates["mfa"] = MfaSettings()
        if change.confirm:
            updates["is_confirmed"] = True
        if change.is_active is not None:
            updates["is_active"] = change.is_active
        updated = dataclasses.replace(account, **updates)
        await tx.accounts.update(updated)
        if change.password is not None or change.is_active is False:
            await tx.tokens.delete_for_account(account.id)
    return updated


async def delete_account(ctx: Context, account_id: str) -> None:
    """Remove the account and everything it owns (its tokens go with it)."""
    async with ctx.stores.transaction() as tx:
        await tx.tokens.delete_for_account(account_id)
        if not await tx.accounts.delete(account_id):
            raise NotFound()
