"""MFA use cases on in-memory stores with a fixed clock: setup, confirm, off, backup codes, and the
second step of a login."""

from __future__ import annotations

from datetime import timedelta

import pyotp
import pytest

from plerome.adapters.memory import FixedClock, MemoryMailer
from plerome.adapters.otp import PyotpOtp
from plerome.domain.errors import InvalidPassword, Throttled, Unprocessable
from plerome.domain.instance import InstancePolicy
from plerome.domain.mfa import InvalidMfaCode, MfaChallenge
from plerome.domain.usecases import mfa, oauth, self_service
from plerome.domain.usecases.accounts import create_account

pytestmark = pytest.mark.anyio


@pytest.fixture
def clock():
    return FixedClock()


@pytest.fixture
def ctx(make_ctx, clock):
    policy = InstancePolicy(name="Social", base_url="https://social.example", login_failures=3)
    return make_ctx(clock=clock, policy=policy, otp=PyotpOtp(), mailer=MemoryMailer())


def code(secret: str, clock: FixedClock, offset: int = 0) -> str:
    return pyotp.TOTP(secret).at(clock.now() + timedelta(seconds=offset))


def wrong_code(secret: str, clock: FixedClock) -> str:
    """Six digits that are none of the codes accepted now."""
    valid = {code(secret, clock, offset) for offset in (-30, 0, 30)}
    return next(c for c in ("000000", "111111", "222222", "333333") if c not in valid)


async def account_with_totp(ctx, clock):
    alice = await create_account(ctx, "alice", "alice@example.test", "pw")
    setup = await mfa.setup_totp(ctx, alice.id)
    await mfa.confirm_totp_setup(ctx, alice.id, "pw", code(setup.key, clock))
    app = await oauth.create_app(ctx, "app", "urn:ietf:wg:oauth:2.0:oob", "read write", None)
    return alice, setup.key, app


async def test_setup_gives_a_secret_and_uri_but_turns_nothing_on(ctx):
    alice = await create_account(ctx, "alice", "alice@example.test", "pw")
    setup = await mfa.setup_totp(ctx, alice.id)
    assert setup.provisioning_uri == (
        f"otpauth://totp/alice@example.test?digits=6&issuer=Social&period=30&secret={setup.key}"
    )
    stored = (await ctx.stores.accounts.get(alice.id)).mfa
    assert not stored.enabled and stored.pending_totp_secret == setup.key


async def test_confirming_needs_the_password_and_a_code_of_the_new_secret(ctx, clock):
    alice = await create_account(ctx, "alice", "alice@example.test", "pw")
    setup = await mfa.setup_totp(ctx, alice.id)
    with pytest.raises(InvalidPassword):
        await mfa.confirm_totp_setup(ctx, alice.id, "wrong", code(setup.key, clock))
    with pytest.raises(Unprocessable, match="invalid_token"):
        await mfa.confirm_totp_setup(ctx, alice.id, "pw", wrong_code(setup.key, clock))
    assert not (await ctx.stores.accounts.get(alice.id)).mfa.enabled
    await mfa.confirm_totp_setup(ctx, alice.id, "pw", code(setup.key, clock, -30))
    stored = (await ctx.stores.accounts.get(alice.id)).mfa
    assert stored.enabled and stored.totp_confirmed and stored.totp_secret == setup.key


async def test_confirming_without_a_setup_is_an_invalid_token(ctx):
    alice = await create_account(ctx, "alice", "alice@example.test", "pw")
    with pytest.raises(Unprocessable, match="invalid_token"):
        await mfa.confirm_totp_setup(ctx, alice.id, "pw", "123456")


async def test_a_password_login_with_mfa_on_is_a_challenge_then_a_token(ctx, clock):
    alice, secret, app = await account_with_totp(ctx, clock)
    challenge = await oauth.password_grant(ctx, app, "alice", "pw", "read")
    assert isinstance(challenge, MfaChallenge) and challenge.challenge_types == "totp"
    issued = await oauth.mfa_challenge_grant(ctx, app, challenge.mfa_token, "totp", code(secret, clock))
    assert issued.token.account_id == alice.id and issued.token.scopes == ("read",)
    with pytest.raises(InvalidMfaCode):  # the mfa_token works once
        await oauth.mfa_challenge_grant(ctx, app, challenge.mfa_token, "totp", code(secret, clock, 30))


async def test_the_confirming_code_can_still_log_in_but_a_login_code_only_once(ctx, clock):
    _, secret, app = await account_with_totp(ctx, clock)
    used = code(secret, clock)  # the very code that confirmed the setup
    first = await oauth.password_grant(ctx, app, "alice", "pw", None)
    await oauth.mfa_challenge_grant(ctx, app, first.mfa_token, "totp", used)
    second = await oauth.password_grant(ctx, app, "alice", "pw", None)
    with pytest.raises(InvalidMfaCode):
        await oauth.mfa_challenge_grant(ctx, app, second.mfa_token, "totp", used)
    with pytest.raises(InvalidMfaCode):  # nor an earlier step's code
        await oauth.mfa_challenge_grant(ctx, app, second.mfa_token, "totp", code(secret, clock, -30))
    clock.advance(timedelta(seconds=30))
    assert (await oauth.mfa_challenge_grant(ctx, app, second.mfa_token, "totp", code(secret, clock))).token


async def test_one_step_of_skew_either_way_is_accepted(ctx, clock):
    _, secret, app = await account_with_totp(ctx, clock)
    for offset in (30, -30):
        clock.advance(timedelta(seconds=90))
        challenge = await oauth.password_grant(ctx, app, "alice", "pw", None)
        await oauth.mfa_challenge_grant(ctx, app, challenge.mfa_token, "totp", code(secret, clock, offset))
    clock.advance(timedelta(seconds=90))
    challenge = await oauth.password_grant(ctx, app, "alice", "pw", None)
    with pytest.raises(InvalidMfaCode):
        await oauth.mfa_challenge_grant(ctx, app, challenge.mfa_token, "totp", code(secret, clock, 60))


async def test_an_mfa_token_expires_and_belongs_to_its_app(ctx, clock):
    _, secret, app = await account_with_totp(ctx, clock)
    other = await oauth.create_app(ctx, "other", "urn:ietf:wg:oauth:2.0:oob", "read", None)
    challenge = await oauth.password_grant(ctx, app, "alice", "pw", None)
    with pytest.raises(InvalidMfaCode):
        await oauth.mfa_challenge_grant(ctx, other, challenge.mfa_token, "totp", code(secret, clock))
    clock.advance(timedelta(minutes=15))
    with pytest.raises(InvalidMfaCode):
        await oauth.mfa_challenge_grant(ctx, app, challenge.mfa_token, "totp", code(secret, clock))


async def test_a_backup_code_works_once_and_new_codes_replace_the_old(ctx, clock):
    alice, _, app = await account_with_totp(ctx, clock)
    codes = await mfa.new_backup_codes(ctx, alice.id)
    assert len(codes) == 5 and len(set(codes)) == 5
    stored = (await ctx.stores.accounts.get(alice.id)).mfa.backup_codes
    assert len(stored) == 5 and not set(codes) & set(stored)  # hashes only
    challenge = await oauth.password_grant(ctx, app, "alice", "pw", None)
    await oauth.mfa_challenge_grant(ctx, app, challenge.mfa_token, "recovery", codes[0].upper())
    assert len((await ctx.stores.accounts.get(alice.id)).mfa.backup_codes) == 4
    challenge = await oauth.password_grant(ctx, app, "alice", "pw", None)
    with pytest.raises(InvalidMfaCode):
        await oauth.mfa_challenge_grant(ctx, app, challenge.mfa_token, "recovery", codes[0])
    fresh = await mfa.new_backup_codes(ctx, alice.id)
    with pytest.raises(InvalidMfaCode):
        await oauth.mfa_challenge_grant(ctx, app, challenge.mfa_token, "recovery", codes[1])
    await oauth.mfa_challenge_grant(ctx, app, challenge.mfa_token, "recovery", fresh[1])


async def test_an_unknown_challenge_type_fails(ctx, clock):
    _, secret, app = await account_with_totp(ctx, clock)
    challenge = await oauth.password_grant(ctx, app, "alice", "pw", None)
    with pytest.raises(InvalidMfaCode):
        await oauth.mfa_challenge_grant(ctx, app, challenge.mfa_token, "sms", code(secret, clock))


async def test_wrong_codes_are_throttled_and_a_new_password_login_does_not_reset_them(ctx, clock):
    _, secret, app = await account_with_totp(ctx, clock)
    for _ in range(3):
        challenge = await oauth.password_grant(ctx, app, "alice", "pw", None)
        with pytest.raises(InvalidMfaCode):
            await oauth.mfa_challenge_grant(ctx, app, challenge.mfa_token, "totp", wrong_code(secret, clock))
    challenge = await oauth.password_grant(ctx, app, "alice", "pw", None)
    with pytest.raises(Throttled) as throttled:
        await oauth.mfa_challenge_grant(ctx, app, challenge.mfa_token, "totp", code(secret, clock))
    assert 0 < throttled.value.retry_after <= 900
    clock.advance(timedelta(minutes=15))
    challenge = await oauth.password_grant(ctx, app, "alice", "pw", None)
    await oauth.mfa_challenge_grant(ctx, app, challenge.mfa_token, "totp", code(secret, clock))


async def test_turning_totp_off_needs_the_password_and_then_logins_need_no_code(ctx, clock):
    alice, _, app = await account_with_totp(ctx, clock)
    with pytest.raises(InvalidPassword):
        await mfa.turn_off(ctx, alice.id, None, everything=False)
    await mfa.new_backup_codes(ctx, alice.id)
    await mfa.turn_off(ctx, alice.id, "pw", everything=False)
    stored = (await ctx.stores.accounts.get(alice.id)).mfa
    assert not stored.enabled and len(stored.backup_codes) == 5
    assert not isinstance(await oauth.password_grant(ctx, app, "alice", "pw", None), MfaChallenge)
    await mfa.turn_off(ctx, alice.id, "pw", everything=True)
    assert (await ctx.stores.accounts.get(alice.id)).mfa.backup_codes == ()


async def test_a_disabled_account_cannot_finish_its_second_step(ctx, clock):
    alice, secret, app = await account_with_totp(ctx, clock)
    challenge = await oauth.password_grant(ctx, app, "alice", "pw", None)
    await self_service.disable(ctx, alice.id, "pw")
    with pytest.raises(InvalidMfaCode):
        await oauth.mfa_challenge_grant(ctx, app, challenge.mfa_token, "totp", code(secret, clock))
