"""Creating, finding, changing and removing accounts."""

from __future__ import annotations

import contextlib
import dataclasses
import re
from collections.abc import Mapping
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
from plerome.domain.media import image_key, is_stored_key, require_image

from .context import Context

UNSET: Any = object()  # "not given", as opposed to None ("clear it")

# Ids are base62, local nicknames letters, digits, `_` and `-`; `@` and `.` for a remote `nick@host`.
_ACCOUNT_REF = re.compile(r"[A-Za-z0-9_.@-]{1,255}")
_LANGUAGE = re.compile(r"[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{1,8}){0,3}")


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


async def find_account(ctx: Context, id_or_nickname: str, *, include_deactivated: bool = False) -> Account:
    """A visible account by id, or by nickname as Pleroma allows; deactivated ones are not found
    (except by admins: `include_deactivated`)."""
    if not _ACCOUNT_REF.fullmatch(id_or_nickname):
        raise NotFound()
    account = await ctx.stores.accounts.get(id_or_nickname)
    if account is None:
        account = await ctx.stores.accounts.by_nickname(id_or_nickname)
    if account is None or not (account.is_active or include_deactivated):
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
    mascot: Any = UNSET
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
    if "language" in updates:
        updates["language"] = updates["language"] or None
        if updates["language"] is not None and not _LANGUAGE.fullmatch(updates["language"]):
            raise InvalidInput("language must be a language code, such as en or pt-BR.")
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


# Account image fields: the folder their files go to, and how an error message names them.
IMAGE_SLOTS = {
    "avatar": ("avatars", "Avatar"),
    "header": ("headers", "Header"),
    "background_image": ("backgrounds", "Background image"),
    "mascot": ("mascots", "Mascot"),
}


async def update_credentials(
    ctx: Context,
    account_id: str,
    change: ProfileChange,
    images: Mapping[str, bytes | None],
    upload_limit: int,
) -> Account:
    """update_credentials: `change`, plus new images (`images[slot]` holds the uploaded bytes, or None
    to clear the slot). Everything is checked before a file is written; new files are removed again
    when the update fails, and the files they replace are removed once it has succeeded."""
    kinds = {
        slot: require_image(data, upload_limit, IMAGE_SLOTS[slot][1])
        for slot, data in images.items()
        if data is not None
    }
    current = await ctx.stores.accounts.get(account_id)
    if current is None:
        raise NotFound()
    apply_profile_change(current, change)
    saved: dict[str, str | None] = {}
    try:
        for slot, data in images.items():
            if data is None:
                saved[slot] = None
                continue
            unique = f"{ctx.ids.new()}-{ctx.secrets.token()[:16]}"
            saved[slot] = new_key = image_key(IMAGE_SLOTS[slot][0], unique, kinds[slot])
            await ctx.files.save(new_key, data)
        async with ctx.stores.transaction() as tx:
            before = await tx.accounts.get(account_id)
            if before is None:
                raise NotFound()
            updated = apply_profile_change(before, dataclasses.replace(change, **saved))
            await tx.accounts.update(updated)
    except BaseException:
        for written in saved.values():
            if written is not None:
                with contextlib.suppress(Exception):
                    await ctx.files.delete(written)
        raise
    for slot in saved:
        old = getattr(before, slot)
        if is_stored_key(old):
            # The profile already points at the new file; a leftover old one is only wasted space.
            with contextlib.suppress(Exception):
                await ctx.files.delete(old)
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
    """Remove the account and everything it owns (its tokens go with it), then its profile images."""
    async with ctx.stores.transaction() as tx:
        account = await tx.accounts.get(account_id)
        await tx.tokens.delete_for_account(account_id)
        if account is None or not await tx.accounts.delete(account_id):
            raise NotFound()
    for slot in IMAGE_SLOTS:
        key = getattr(account, slot)
        if is_stored_key(key):
            with contextlib.suppress(Exception):  # a leftover file is only wasted space
                await ctx.files.delete(key)
