"""The login-safety stores and per-app settings, on every store."""

from __future__ import annotations

from datetime import timedelta

import anyio
import pytest

from plerome.domain.captcha import CaptchaChallenge
from plerome.domain.mfa import MfaToken
from plerome.domain.throttle import WINDOW

pytestmark = pytest.mark.anyio


async def account_and_app(stores, make):
    account = make.account()
    await stores.accounts.add(account)
    app = make.app()
    await stores.apps.add(app)
    return account, app


# --- counted attempts -------------------------------------------------------------------------------


async def test_hits_count_up_within_a_window(stores, make):
    assert await stores.attempts.get("login:1") is None
    first = await stores.attempts.hit("login:1", make.now, WINDOW)
    assert (first.count, first.started_at) == (1, make.now)
    later = make.now + timedelta(minutes=14)
    second = await stores.attempts.hit("login:1", later, WINDOW)
    assert (second.count, second.started_at) == (2, make.now)
    assert await stores.attempts.get("login:1") == second


async def test_a_hit_after_the_window_opens_a_new_one(stores, make):
    await stores.attempts.hit("k", make.now, WINDOW)
    await stores.attempts.hit("k", make.now, WINDOW)
    after = make.now + WINDOW
    fresh = await stores.attempts.hit("k", after, WINDOW)
    assert (fresh.count, fresh.started_at) == (1, after)


async def test_keys_count_apart_and_clear_alone(stores, make):
    await stores.attempts.hit("a", make.now, WINDOW)
    await stores.attempts.hit("b", make.now, WINDOW)
    await stores.attempts.clear("a")
    await stores.attempts.clear("never-hit")
    assert await stores.attempts.get("a") is None
    assert (await stores.attempts.get("b")).count == 1


async def test_hits_in_a_transaction_roll_back_with_it(stores, make):
    with pytest.raises(RuntimeError):
        async with stores.transaction() as tx:
            await tx.attempts.hit("k", make.now, WINDOW)
            raise RuntimeError
    assert await stores.attempts.get("k") is None


# --- mfa tokens ------------------------------------------------------------------------------------


def mfa_token(account, app, now, n=1, redirect_uri=None):
    return MfaToken(
        token_hash=f"hash-{n}",
        account_id=account.id,
        app_id=app.id,
        scopes=("read", "write:security"),
        redirect_uri=redirect_uri,
        created_at=now,
        valid_until=now + timedelta(minutes=15),
    )


async def test_an_mfa_token_comes_back_and_is_deleted_once(stores, make):
    account, app = await account_and_app(stores, make)
    token = mfa_token(account, app, make.now, redirect_uri="https://client.example/cb")
    await stores.mfa_tokens.add(token)
    assert await stores.mfa_tokens.get(token.token_hash) == token
    assert await stores.mfa_tokens.delete(token.token_hash) is True
    assert await stores.mfa_tokens.delete(token.token_hash) is False
    assert await stores.mfa_tokens.get(token.token_hash) is None


async def test_adding_an_mfa_token_forgets_expired_ones(stores, make):
    account, app = await account_and_app(stores, make)
    old = mfa_token(account, app, make.now, 1)
    await stores.mfa_tokens.add(old)
    new = mfa_token(account, app, make.now + timedelta(minutes=16), 2)
    await stores.mfa_tokens.add(new)
    assert await stores.mfa_tokens.get(old.token_hash) is None
    assert await stores.mfa_tokens.get(new.token_hash) == new


async def test_mfa_tokens_go_with_their_account(stores, make):
    account, app = await account_and_app(stores, make)
    token = mfa_token(account, app, make.now)
    await stores.mfa_tokens.add(token)
    await stores.accounts.delete(account.id)
    assert await stores.mfa_tokens.get(token.token_hash) is None


# --- used second factors ---------------------------------------------------------------------------


async def test_a_totp_step_logs_in_once_and_never_before_the_last(stores, make):
    account, _ = await account_and_app(stores, make)
    assert await stores.mfa_uses.claim_step(account.id, 100) is True
    assert await stores.mfa_uses.claim_step(account.id, 100) is False
    assert await stores.mfa_uses.claim_step(account.id, 99) is False
    assert await stores.mfa_uses.claim_step(account.id, 101) is True
    other = make.account()
    await stores.accounts.add(other)
    assert await stores.mfa_uses.claim_step(other.id, 100) is True


async def test_a_backup_code_is_used_once_until_forgotten(stores, make):
    account, _ = await account_and_app(stores, make)
    assert await stores.mfa_uses.claim_backup_code(account.id, "h1") is True
    assert await stores.mfa_uses.claim_backup_code(account.id, "h1") is False
    assert await stores.mfa_uses.claim_backup_code(account.id, "h2") is True
    await stores.mfa_uses.forget_backup_codes(account.id)
    assert await stores.mfa_uses.claim_backup_code(account.id, "h1") is True


async def test_used_factors_go_with_their_account(stores, make):
    account, _ = await account_and_app(stores, make)
    await stores.mfa_uses.claim_step(account.id, 100)
    await stores.mfa_uses.claim_backup_code(account.id, "h1")
    await stores.accounts.delete(account.id)
    again = make.account(id=account.id, nickname="again")
    await stores.accounts.add(again)
    assert await stores.mfa_uses.claim_step(again.id, 100) is True
    assert await stores.mfa_uses.claim_backup_code(again.id, "h1") is True


# --- captchas ----------------------------------------------------------------------------------------


def challenge(now, n=1):
    return CaptchaChallenge(
        token_hash=f"token-{n}",
        answer_hash=f"answer-{n}",
        answer_data_hash=f"data-{n}",
        created_at=now,
        valid_until=now + timedelta(minutes=5),
    )


async def test_a_captcha_is_taken_once(stores, make):
    c = challenge(make.now)
    await stores.captchas.add(c)
    assert await stores.captchas.known(c.token_hash)
    assert await stores.captchas.take(c.token_hash) == c
    assert await stores.captchas.take(c.token_hash) is None
    assert await stores.captchas.known(c.token_hash)  # still known: "already used"
    assert await stores.captchas.take("unknown") is None
    assert not await stores.captchas.known("unknown")


async def test_long_expired_captchas_are_forgotten_when_new_ones_come(stores, make):
    old = challenge(make.now, 1)
    await stores.captchas.add(old)
    await stores.captchas.add(challenge(make.now + timedelta(minutes=10), 2))
    assert await stores.captchas.known(old.token_hash)  # expired, still known for a while
    await stores.captchas.add(challenge(make.now + timedelta(hours=2), 3))
    assert not await stores.captchas.known(old.token_hash)


# --- email confirmations -----------------------------------------------------------------------------


async def test_a_confirmation_matches_once_and_a_new_one_replaces_it(stores, make):
    account, _ = await account_and_app(stores, make)
    await stores.email_confirmations.put(account.id, "first", make.now)
    await stores.email_confirmations.put(account.id, "second", make.now)
    assert await stores.email_confirmations.take(account.id, "first") is False
    assert await stores.email_confirmations.take("someone-else", "second") is False
    assert await stores.email_confirmations.take(account.id, "second") is True
    assert await stores.email_confirmations.take(account.id, "second") is False


# --- app settings ------------------------------------------------------------------------------------


async def test_app_settings_are_kept_per_account_and_app(stores, make):
    alice, _ = await account_and_app(stores, make)
    bob = make.account()
    await stores.accounts.add(bob)
    assert await stores.app_settings.get(alice.id, "fe") == {}
    value = {"theme": "dark", "nested": {"n": [1, 2.5, None, True]}, "ünï": "✓"}
    await stores.app_settings.put(alice.id, "fe", value)
    await stores.app_settings.put(alice.id, "other", {"x": 1})
    await stores.app_settings.put(bob.id, "fe", {"theme": "light"})
    assert await stores.app_settings.get(alice.id, "fe") == value
    assert await stores.app_settings.get(bob.id, "fe") == {"theme": "light"}
    await stores.app_settings.put(alice.id, "fe", {"theme": "light"})
    assert await stores.app_settings.get(alice.id, "fe") == {"theme": "light"}
    await stores.accounts.delete(alice.id)
    assert await stores.app_settings.get(alice.id, "other") == {}


async def test_the_stored_settings_are_a_copy(stores, make):
    alice, _ = await account_and_app(stores, make)
    value = {"list": [1]}
    await stores.app_settings.put(alice.id, "fe", value)
    value["list"].append(2)
    got = await stores.app_settings.get(alice.id, "fe")
    got["list"].append(3)
    assert await stores.app_settings.get(alice.id, "fe") == {"list": [1]}


# --- concurrent callers (several server processes share one database) ---------------------------------


async def test_concurrent_hits_are_each_counted(stores, make):

    async def hit() -> None:
        await stores.attempts.hit("busy", make.now, WINDOW)

    async with anyio.create_task_group() as tg:
        for _ in range(20):
            tg.start_soon(hit)
    assert (await stores.attempts.get("busy")).count == 20


async def test_of_concurrent_claims_of_one_step_or_code_exactly_one_wins(stores, make):

    account, _ = await account_and_app(stores, make)
    wins: list[bool] = []

    async def claim_step() -> None:
        wins.append(await stores.mfa_uses.claim_step(account.id, 7))

    async def claim_code() -> None:
        wins.append(await stores.mfa_uses.claim_backup_code(account.id, "h"))

    async with anyio.create_task_group() as tg:
        for _ in range(8):
            tg.start_soon(claim_step)
    assert wins.count(True) == 1
    wins.clear()
    async with anyio.create_task_group() as tg:
        for _ in range(8):
            tg.start_soon(claim_code)
    assert wins.count(True) == 1
