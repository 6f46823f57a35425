"""The Accounts contract, on every store."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

import pytest

from plerome.domain.accounts import Account, MfaSettings, NotificationSettings, ProfileField
from plerome.domain.errors import Conflict

pytestmark = pytest.mark.anyio


def every_field_set(make) -> Account:
    """An account whose every field differs from its default, to prove each one is stored."""
    return make.account(
        nickname="Zoë_full-1",
        email="Full.Name@Example.TEST",
        created_at=make.now + timedelta(microseconds=123457),
        display_name="Zoë ✨",
        note="<p>hi</p>",
        locked=True,
        bot=True,
        discoverable=True,
        is_admin=True,
        is_moderator=True,
        is_confirmed=False,
        is_active=False,
        avatar="avatars/a.png",
        header="headers/h.png",
        background_image="bg/b.png",
        mascot="mascots/m.png",
        fields=(ProfileField("site", "https://zoe.example"), ProfileField("pronouns", "she/her")),
        hide_favorites=False,
        hide_followers=True,
        hide_follows=True,
        hide_followers_count=True,
        hide_follows_count=True,
        allow_following_move=False,
        show_role=False,
        no_rich_text=True,
        skip_thread_containment=True,
        actor_type="Service",
        privacy="unlisted",
        sensitive=True,
        language="de",
        settings_store={"pleroma-fe": {"theme": "dark", "nested": [1, 2.5, None, True]}},
        notification_settings=NotificationSettings(
            block_from_strangers=True, hide_notification_contents=True
        ),
        mfa=MfaSettings(
            enabled=True,
            totp_secret="JBSWY3DP",
            totp_confirmed=True,
            backup_codes=("h1", "h2"),
            pending_totp_secret="KRSXG5CT",
        ),
        also_known_as=("https://social.example/users/zoe", "https://other.example/users/z"),
    )


def test_the_round_trip_account_sets_every_field(make):
    full, plain = every_field_set(make), make.account()
    same = [
        f.name
        for f in dataclasses.fields(Account)
        if f.name not in ("id", "password_hash") and getattr(full, f.name) == getattr(plain, f.name)
    ]
    assert same == [], "set these fields in every_field_set() so the round trip covers them"


async def test_an_added_account_comes_back_with_every_field(stores, make):
    account = every_field_set(make)
    await stores.accounts.add(account)
    assert await stores.accounts.get(account.id) == account


async def test_an_unknown_account_is_none(stores):
    assert await stores.accounts.get("nobody") is None
    assert await stores.accounts.by_nickname("nobody") is None
    assert await stores.accounts.by_email("nobody@example.test") is None


async def test_nicknames_are_found_regardless_of_case(stores, make):
    account = make.account(nickname="Alice")
    await stores.accounts.add(account)
    assert await stores.accounts.by_nickname("alice") == account
    assert await stores.accounts.by_nickname("ALICE") == account
    assert await stores.accounts.by_nickname("alic") is None


async def test_emails_are_found_regardless_of_case(stores, make):
    account = make.account(email="Alice@Example.Test")
    await stores.accounts.add(account)
    assert await stores.accounts.by_email("alice@example.test") == account
    assert (await stores.accounts.by_email("ALICE@EXAMPLE.TEST")).email == "Alice@Example.Test"


async def test_accounts_without_email_are_allowed_side_by_side(stores, make):
    first, second = make.account(email=None), make.account(email=None)
    await stores.accounts.add(first)
    await stores.accounts.add(second)
    assert await stores.accounts.get(second.id) == second
    assert await stores.accounts.by_email("") is None


async def test_a_nickname_taken_in_another_case_is_a_conflict(stores, make):
    await stores.accounts.add(make.account(nickname="alice"))
    with pytest.raises(Conflict):
        await stores.accounts.add(make.account(nickname="ALICE"))
    assert await stores.accounts.count_local() == 1


async def test_an_email_taken_in_another_case_is_a_conflict(stores, make):
    await stores.accounts.add(make.account(email="alice@example.test"))
    with pytest.raises(Conflict):
        await stores.accounts.add(make.account(email="ALICE@example.test"))
    assert await stores.accounts.count_local() == 1


async def test_the_same_id_twice_is_a_conflict(stores, make):
    account = make.account()
    await stores.accounts.add(account)
    with pytest.raises(Conflict):
        await stores.accounts.add(dataclasses.replace(account, nickname="other", email=None))
    assert await stores.accounts.get(account.id) == account


async def test_a_transaction_goes_on_after_a_conflict(stores, make):
    alice, bob = make.account(nickname="alice"), make.account(nickname="bob")
    async with stores.transaction() as tx:
        await tx.accounts.add(alice)
        with pytest.raises(Conflict):
            await tx.accounts.add(make.account(nickname="Alice"))
        await tx.accounts.add(bob)
    assert await stores.accounts.get(alice.id) == alice
    assert await stores.accounts.get(bob.id) == bob


async def test_update_replaces_the_stored_account(stores, make):
    account = make.account(nickname="alice")
    await stores.accounts.add(account)
    changed = dataclasses.replace(
        every_field_set(make), id=account.id, nickname="Alicia", email="new@example.test"
    )
    await stores.accounts.update(changed)
    assert await stores.accounts.get(account.id) == changed
    assert await stores.accounts.by_nickname("alicia") == changed
    assert await stores.accounts.by_nickname("alice") is None
    assert await stores.accounts.by_email("NEW@example.test") == changed
    assert await stores.accounts.by_email(account.email) is None


async def test_update_to_a_taken_nickname_or_email_is_a_conflict(stores, make):
    alice, bob = make.account(nickname="alice"), make.account(nickname="bob")
    await stores.accounts.add(alice)
    await stores.accounts.add(bob)
    with pytest.raises(Conflict):
        await stores.accounts.update(dataclasses.replace(bob, nickname="ALICE"))
    with pytest.raises(Conflict):
        await stores.accounts.update(dataclasses.replace(bob, email=alice.email.upper()))
    assert await stores.accounts.get(bob.id) == bob


async def test_update_of_an_unknown_account_creates_nothing(stores, make):
    await stores.accounts.update(make.account())
    assert await stores.accounts.count_local() == 0


async def test_delete_removes_the_account_once(stores, make):
    account = make.account()
    await stores.accounts.add(account)
    assert await stores.accounts.delete(account.id) is True
    assert await stores.accounts.delete(account.id) is False
    assert await stores.accounts.get(account.id) is None
    assert await stores.accounts.by_nickname(account.nickname) is None


async def test_count_local_counts_accounts(stores, make):
    assert await stores.accounts.count_local() == 0
    accounts = [make.account() for _ in range(3)]
    for account in accounts:
        await stores.accounts.add(account)
    assert await stores.accounts.count_local() == 3
    await stores.accounts.delete(accounts[0].id)
    assert await stores.accounts.count_local() == 2
