"""The Tokens contract, on every store."""

from __future__ import annotations

import dataclasses

import pytest

pytestmark = pytest.mark.anyio


async def app_and_account(stores, make, nickname: str = "alice"):
    account = make.account(nickname=nickname)
    app = make.app(name=f"{nickname}'s app")
    await stores.accounts.add(account)
    await stores.apps.add(app)
    return app, account


async def test_add_numbers_tokens_and_keeps_their_fields(stores, make):
    app, account = await app_and_account(stores, make)
    new = make.token(app, account, scopes=("read", "write:statuses", "admin"))
    token = await stores.tokens.add(new)
    assert isinstance(token.id, int)
    assert (token.token_hash, token.refresh_hash, token.app_id, token.account_id) == (
        new.token_hash,
        new.refresh_hash,
        app.id,
        account.id,
    )
    assert (token.scopes, token.created_at, token.valid_until) == (
        new.scopes,
        new.created_at,
        new.valid_until,
    )
    second = await stores.tokens.add(make.token(app, account))
    assert second.id > token.id


async def test_ids_are_not_reused_after_a_delete(stores, make):
    app, account = await app_and_account(stores, make)
    first = await stores.tokens.add(make.token(app, account))
    last = await stores.tokens.add(make.token(app, account))
    await stores.tokens.delete(last.id)
    assert (await stores.tokens.add(make.token(app, account))).id > last.id > first.id


async def test_lookup_gives_the_token_with_its_account(stores, make):
    app, account = await app_and_account(stores, make)
    token = await stores.tokens.add(make.token(app, account))
    assert await stores.tokens.lookup(token.token_hash) == (token, account)
    assert await stores.tokens.lookup("unknown") is None


async def test_lookup_sees_the_account_as_it_is_now(stores, make):
    app, account = await app_and_account(stores, make)
    token = await stores.tokens.add(make.token(app, account))
    disabled = dataclasses.replace(account, is_active=False, display_name="gone")
    await stores.accounts.update(disabled)
    assert await stores.tokens.lookup(token.token_hash) == (token, disabled)


async def test_an_app_token_has_no_account(stores, make):
    app, _ = await app_and_account(stores, make)
    token = await stores.tokens.add(make.token(app, None))
    assert token.account_id is None
    assert await stores.tokens.lookup(token.token_hash) == (token, None)


async def test_by_refresh_hash_finds_the_token(stores, make):
    app, account = await app_and_account(stores, make)
    token = await stores.tokens.add(make.token(app, account))
    assert await stores.tokens.by_refresh_hash(token.refresh_hash) == token
    assert await stores.tokens.by_refresh_hash(token.token_hash) is None


async def test_for_account_lists_its_tokens_oldest_first_with_app_names(stores, make):
    app, alice = await app_and_account(stores, make, "alice")
    other_app, bob = await app_and_account(stores, make, "bob")
    first = await stores.tokens.add(make.token(app, alice))
    await stores.tokens.add(make.token(other_app, bob))
    second = await stores.tokens.add(make.token(other_app, alice))
    await stores.tokens.add(make.token(app, None))
    listing = await stores.tokens.for_account(alice.id)
    assert [(entry.token, entry.app_name) for entry in listing] == [
        (first, "alice's app"),
        (second, "bob's app"),
    ]
    assert await stores.tokens.for_account("nobody") == []


async def test_delete_removes_one_token(stores, make):
    app, account = await app_and_account(stores, make)
    doomed = await stores.tokens.add(make.token(app, account))
    kept = await stores.tokens.add(make.token(app, account))
    assert await stores.tokens.delete(doomed.id) is True
    assert await stores.tokens.delete(doomed.id) is False
    assert await stores.tokens.lookup(doomed.token_hash) is None
    assert await stores.tokens.lookup(kept.token_hash) == (kept, account)


async def test_delete_owned_refuses_someone_elses_token(stores, make):
    app, alice = await app_and_account(stores, make, "alice")
    _, bob = await app_and_account(stores, make, "bob")
    bobs = await stores.tokens.add(make.token(app, bob))
    assert await stores.tokens.delete_owned(alice.id, bobs.id) is False
    assert await stores.tokens.lookup(bobs.token_hash) == (bobs, bob)
    assert await stores.tokens.delete_owned(bob.id, bobs.id) is True
    assert await stores.tokens.lookup(bobs.token_hash) is None
    assert await stores.tokens.delete_owned(bob.id, bobs.id) is False


async def test_delete_by_hash(stores, make):
    app, account = await app_and_account(stores, make)
    token = await stores.tokens.add(make.token(app, account))
    assert await stores.tokens.delete_by_hash(token.token_hash) is True
    assert await stores.tokens.delete_by_hash(token.token_hash) is False
    assert await stores.tokens.lookup(token.token_hash) is None


async def test_delete_for_account_removes_only_that_accounts_tokens(stores, make):
    app, alice = await app_and_account(stores, make, "alice")
    _, bob = await app_and_account(stores, make, "bob")
    for _ in range(3):
        await stores.tokens.add(make.token(app, alice))
    bobs = await stores.tokens.add(make.token(app, bob))
    app_only = await stores.tokens.add(make.token(app, None))
    assert await stores.tokens.delete_for_account(alice.id) == 3
    assert await stores.tokens.delete_for_account(alice.id) == 0
    assert await stores.tokens.for_account(alice.id) == []
    assert await stores.tokens.lookup(bobs.token_hash) == (bobs, bob)
    assert await stores.tokens.lookup(app_only.token_hash) == (app_only, None)


async def test_deleting_an_account_takes_its_tokens_codes_and_apps_along(stores, make):
    app, alice = await app_and_account(stores, make, "alice")
    owned = make.app(name="plerome-cli", owner_id=alice.id)
    await stores.apps.add(owned)
    _, bob = await app_and_account(stores, make, "bob")
    alices = await stores.tokens.add(make.token(app, alice))
    bobs_via_owned_app = await stores.tokens.add(make.token(owned, bob))
    bobs = await stores.tokens.add(make.token(app, bob))
    code = make.code(app, alice)
    await stores.auth_codes.add(code)
    assert await stores.accounts.delete(alice.id) is True
    assert await stores.tokens.lookup(alices.token_hash) is None
    assert await stores.tokens.lookup(bobs_via_owned_app.token_hash) is None
    assert await stores.apps.get(owned.id) is None
    assert await stores.auth_codes.take(code.code_hash) is None
    assert await stores.tokens.lookup(bobs.token_hash) == (bobs, bob)
    assert await stores.apps.get(app.id) == app
