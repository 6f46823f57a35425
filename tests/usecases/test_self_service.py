"""Self-service use cases on in-memory stores: moving, aliases, notification settings, deletion,
passwords and emails, login throttling, email confirmation and the captcha."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

import pytest

from plerome.adapters.memory import FixedClock, MemoryFiles, MemoryMailer
from plerome.domain.accounts import AccountCounts
from plerome.domain.captcha import CaptchaRefused
from plerome.domain.errors import (
    Conflict,
    InvalidCredentials,
    InvalidPassword,
    NotFound,
    Throttled,
    Unprocessable,
)
from plerome.domain.instance import InstancePolicy
from plerome.domain.notifications import Notification
from plerome.domain.pagination import Page
from plerome.domain.social import Block, Follow
from plerome.domain.usecases import aliases, confirmation, oauth, self_service
from plerome.domain.usecases.accounts import create_account
from plerome.domain.usecases.captcha import CaptchaAnswer, new_captcha, solve_captcha
from plerome.domain.usecases.jobs import run_next
from plerome.domain.usecases.notifications import notify
from plerome.ports.captcha import CaptchaImage
from plerome.ports.notifications import NotificationQuery

pytestmark = pytest.mark.anyio


@pytest.fixture
def clock():
    return FixedClock()


@pytest.fixture
def mailer():
    return MemoryMailer()


@pytest.fixture
def ctx(make_ctx, clock, mailer):
    policy = InstancePolicy(name="Social", base_url="https://social.example", login_failures=3)
    return make_ctx(clock=clock, policy=policy, files=MemoryFiles(), mailer=mailer)


async def user(ctx, nickname, **changes):
    account = await create_account(ctx, nickname, f"{nickname}@example.test", "pw")
    if changes:
        account = dataclasses.replace(account, **changes)
        await ctx.stores.accounts.update(account)
    return account


async def follow(ctx, follower, followee, state="accepted"):
    await ctx.stores.social.follow(
        Follow(ctx.ids.new(), follower.id, followee.id, state, True, ctx.clock.now())
    )


async def notifications(ctx, account):
    return await ctx.stores.notifications.list(account.id, NotificationQuery(), Page(limit=40))


# --- moving --------------------------------------------------------------------------------------------


async def test_moving_takes_the_followers_who_allow_it_and_tells_every_follower(ctx):
    alice = await user(ctx, "alice")
    bob = await user(ctx, "bob")
    await aliases.add_alias(ctx, bob.id, "alice")
    carol = await user(ctx, "carol")  # moves
    dave = await user(ctx, "dave", allow_following_move=False)  # stays
    erin = await user(ctx, "erin")  # blocks the target: stays
    frank = await user(ctx, "frank")  # follows the target already
    for f in (carol, dave, erin, frank):
        await follow(ctx, f, alice)
    await ctx.stores.social.block(Block(ctx.ids.new(), erin.id, bob.id, ctx.clock.now()))
    await follow(ctx, frank, bob)

    assert await aliases.move_account(ctx, alice.id, "pw", "@bob@social.example") == 2

    now = ctx.clock.now()
    graph = ctx.stores.social
    assert (await graph.relationship(carol.id, bob.id, now)).following
    assert not (await graph.relationship(carol.id, alice.id, now)).following
    assert (await graph.relationship(dave.id, alice.id, now)).following
    assert not (await graph.relationship(dave.id, bob.id, now)).following
    assert (await graph.relationship(erin.id, alice.id, now)).following
    assert not (await graph.relationship(frank.id, alice.id, now)).following
    for f in (carol, dave, erin, frank):
        [moved] = await notifications(ctx, f)
        assert (moved.type, moved.from_account_id, moved.target_id) == ("move", alice.id, bob.id)
    assert [(n.type, n.from_account_id) for n in await notifications(ctx, bob)] == [("follow", carol.id)]


async def test_moving_to_a_locked_account_requests_the_follow(ctx):
    alice = await user(ctx, "alice")
    bob = await user(ctx, "bob", locked=True)
    await aliases.add_alias(ctx, bob.id, "alice")
    carol = await user(ctx, "carol")
    await follow(ctx, carol, alice)
    await aliases.move_account(ctx, alice.id, "pw", "bob")
    assert (await ctx.stores.social.relationship(carol.id, bob.id, ctx.clock.now())).requested
    assert [n.type for n in await notifications(ctx, bob)] == ["follow_request"]


async def test_moving_needs_the_password_a_known_target_and_the_alias(ctx):
    alice = await user(ctx, "alice")
    await user(ctx, "bob")
    with pytest.raises(InvalidPassword):
        await aliases.move_account(ctx, alice.id, "wrong", "bob")
    for target in ("nobody", "bob@elsewhere.example", "alice", ""):
        with pytest.raises(NotFound, match=r"^Target account not found\.$"):
            await aliases.move_account(ctx, alice.id, "pw", target)
    with pytest.raises(Unprocessable, match="must have the origin in `alsoKnownAs`"):
        await aliases.move_account(ctx, alice.id, "pw", "bob")


async def test_many_followers_are_all_moved(ctx):
    alice = await user(ctx, "alice")
    bob = await user(ctx, "bob")
    await aliases.add_alias(ctx, bob.id, "alice")
    for n in range(45):
        await follow(ctx, await user(ctx, f"f{n}"), alice)
    assert await aliases.move_account(ctx, alice.id, "pw", "bob") == 45
    counts = await ctx.stores.accounts.counts([alice.id, bob.id])
    assert (counts[bob.id].followers, counts[bob.id].following) == (45, 0)
    assert (counts[alice.id].followers, counts[alice.id].following) == (0, 0)


# --- aliases -------------------------------------------------------------------------------------------


async def test_aliases_are_added_listed_and_removed(ctx):
    alice = await user(ctx, "alice")
    await user(ctx, "Bob")
    await aliases.add_alias(ctx, alice.id, "bob")
    await aliases.add_alias(ctx, alice.id, "@BOB@social.example")  # the same one: kept once
    assert await aliases.list_aliases(ctx, alice.id) == ["Bob@social.example"]
    assert (await ctx.stores.accounts.get(alice.id)).also_known_as == ("https://social.example/users/Bob",)
    with pytest.raises(NotFound, match=r"^Target account does not exist\.$"):
        await aliases.add_alias(ctx, alice.id, "nobody")
    with pytest.raises(NotFound, match=r"^Account has no such alias\.$"):
        await aliases.remove_alias(ctx, alice.id, "alice")
    with pytest.raises(NotFound, match=r"^Target account does not exist\.$"):
        await aliases.remove_alias(ctx, alice.id, "nobody")
    await aliases.remove_alias(ctx, alice.id, "bob@social.example")
    assert await aliases.list_aliases(ctx, alice.id) == []


async def test_an_alias_of_a_deleted_account_can_still_be_removed(ctx):
    alice = await user(ctx, "alice")
    bob = await user(ctx, "bob")
    await aliases.add_alias(ctx, alice.id, "bob")
    await self_service.remove_account(ctx, bob.id)
    assert await aliases.list_aliases(ctx, alice.id) == ["bob@social.example"]
    await aliases.remove_alias(ctx, alice.id, "bob")
    assert await aliases.list_aliases(ctx, alice.id) == []


# --- notification settings -----------------------------------------------------------------------------


async def test_block_from_strangers_keeps_only_notifications_from_followed_accounts(ctx):
    alice = await user(ctx, "alice")
    friend = await user(ctx, "friend")
    stranger = await user(ctx, "stranger")
    await follow(ctx, alice, friend)
    settings = await self_service.update_notification_settings(ctx, alice.id, True, None)
    assert settings.block_from_strangers and not settings.hide_notification_contents
    assert await notify(ctx, ctx.stores, alice.id, "mention", stranger.id) is None
    assert isinstance(await notify(ctx, ctx.stores, alice.id, "mention", friend.id), Notification)
    await self_service.update_notification_settings(ctx, alice.id, False, True)
    assert isinstance(await notify(ctx, ctx.stores, alice.id, "mention", stranger.id), Notification)
    stored = (await ctx.stores.accounts.get(alice.id)).notification_settings
    assert not stored.block_from_strangers and stored.hide_notification_contents


# --- deletion ------------------------------------------------------------------------------------------


async def test_deletion_stops_the_account_at_once_and_a_job_removes_it(ctx):
    alice = await user(ctx, "alice")
    await ctx.files.save("avatars/a.png", b"png")
    await ctx.stores.accounts.update(dataclasses.replace(alice, avatar="avatars/a.png"))
    app = await oauth.create_app(ctx, "app", "urn:ietf:wg:oauth:2.0:oob", "read", None)
    issued = await oauth.password_grant(ctx, app, "alice", "pw", None)
    bob = await user(ctx, "bob")
    await follow(ctx, bob, alice)
    woken = []
    with pytest.raises(InvalidPassword):
        await self_service.request_deletion(ctx, alice.id, None, wake=lambda: woken.append(1))
    assert woken == [] and (await ctx.stores.jobs.stats()).queued == 0

    await self_service.request_deletion(ctx, alice.id, "pw", wake=lambda: woken.append(1))
    assert woken == [1]
    assert not (await ctx.stores.accounts.get(alice.id)).is_active
    assert await ctx.stores.tokens.lookup(ctx.secrets.digest(issued.access_token)) is None
    with pytest.raises(InvalidCredentials):
        await oauth.password_grant(ctx, app, "alice", "wrong", None)

    job = await run_next(ctx.stores.jobs, ctx.clock, self_service.job_handlers(ctx), timedelta(minutes=1))
    assert job is not None and (await ctx.stores.jobs.get(job.id)).state == "done"
    assert await ctx.stores.accounts.get(alice.id) is None
    assert not await ctx.files.exists("avatars/a.png")
    assert await ctx.stores.accounts.counts([bob.id]) == {bob.id: AccountCounts()}
    await self_service.remove_account(ctx, alice.id)  # a second run finds nothing and is fine


async def test_disabling_deactivates_and_revokes(ctx):
    alice = await user(ctx, "alice")
    app = await oauth.create_app(ctx, "app", "urn:ietf:wg:oauth:2.0:oob", "read", None)
    issued = await oauth.password_grant(ctx, app, "alice", "pw", None)
    with pytest.raises(InvalidPassword):
        await self_service.disable(ctx, alice.id, "nope")
    await self_service.disable(ctx, alice.id, "pw")
    assert not (await ctx.stores.accounts.get(alice.id)).is_active
    assert await self_service.sessions(ctx, alice.id) == []
    assert await ctx.stores.tokens.lookup(ctx.secrets.digest(issued.access_token)) is None


# --- password and email --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("new", "confirmation", "error"),
    [
        ("", "", "New password can't be blank."),
        ("x" * 257, "x" * 257, "New password should be at most 256 character(s)."),
        ("new-pw", "other", "New password does not match confirmation."),
    ],
)
async def test_a_bad_new_password_changes_nothing(ctx, new, confirmation, error):
    alice = await user(ctx, "alice")
    with pytest.raises(Unprocessable) as refused:
        await self_service.change_password(ctx, alice.id, "pw", new, confirmation)
    assert refused.value.message == error
    assert (await ctx.stores.accounts.get(alice.id)).password_hash == alice.password_hash


async def test_changing_the_password_revokes_every_token(ctx):
    alice = await user(ctx, "alice")
    app = await oauth.create_app(ctx, "app", "urn:ietf:wg:oauth:2.0:oob", "read", None)
    await oauth.password_grant(ctx, app, "alice", "pw", None)
    with pytest.raises(InvalidPassword):
        await self_service.change_password(ctx, alice.id, "wrong", "new-pw", "new-pw")
    await self_service.change_password(ctx, alice.id, "pw", "new-pw", "new-pw")
    assert await self_service.sessions(ctx, alice.id) == []
    with pytest.raises(InvalidCredentials):
        await oauth.password_grant(ctx, app, "alice", "pw", None)
    assert await oauth.password_grant(ctx, app, "alice", "new-pw", None)


async def test_changing_the_email(ctx):
    alice = await user(ctx, "alice")
    await user(ctx, "bob")
    with pytest.raises(InvalidPassword):
        await self_service.change_email(ctx, alice.id, "wrong", "new@example.test")
    with pytest.raises(Unprocessable, match=r"^Email has invalid format\.$"):
        await self_service.change_email(ctx, alice.id, "pw", "not-an-email")
    with pytest.raises(Conflict, match=r"^Email has already been taken\.$"):
        await self_service.change_email(ctx, alice.id, "pw", "BOB@example.test")
    await self_service.change_email(ctx, alice.id, "pw", " new@example.test ")
    assert (await ctx.stores.accounts.get(alice.id)).email == "new@example.test"
    await self_service.change_email(ctx, alice.id, "pw", "")  # blank is fine without activation
    assert (await ctx.stores.accounts.get(alice.id)).email is None


async def test_a_blank_email_is_refused_when_emails_must_be_confirmed(ctx):
    strict = dataclasses.replace(
        ctx, policy=dataclasses.replace(ctx.policy, account_activation_required=True)
    )
    alice = await user(strict, "alice")
    with pytest.raises(Unprocessable, match=r"^Email can't be blank\.$"):
        await self_service.change_email(strict, alice.id, "pw", " ")


# --- sessions and app settings ---------------------------------------------------------------------------


async def test_only_ones_own_session_can_be_revoked(ctx):
    alice = await user(ctx, "alice")
    await user(ctx, "bob")
    app = await oauth.create_app(ctx, "Some App", "urn:ietf:wg:oauth:2.0:oob", "read", None)
    a = await oauth.password_grant(ctx, app, "alice", "pw", None)
    b = await oauth.password_grant(ctx, app, "bob", "pw", None)
    [listed] = await self_service.sessions(ctx, alice.id)
    assert (listed.token.id, listed.app_name) == (a.token.id, "Some App")
    assert await self_service.revoke_session(ctx, alice.id, b.token.id) is False
    assert await self_service.revoke_session(ctx, alice.id, a.token.id) is True
    assert await self_service.sessions(ctx, alice.id) == []


async def test_app_settings_merge_deeply_and_null_removes(ctx):
    alice = await user(ctx, "alice")
    assert await self_service.app_settings(ctx, alice.id, "fe") == {}
    await self_service.patch_app_settings(ctx, alice.id, "fe", {"a": 1, "n": {"x": 1, "y": 2}, "gone": True})
    merged = await self_service.patch_app_settings(
        ctx, alice.id, "fe", {"gone": None, "n": {"y": None, "z": 3}}
    )
    assert merged == {"a": 1, "n": {"x": 1, "z": 3}}
    assert await self_service.app_settings(ctx, alice.id, "fe") == merged
    assert await self_service.app_settings(ctx, alice.id, "other") == {}


# --- login throttling -------------------------------------------------------------------------------------


async def test_failed_logins_are_throttled_per_account_and_a_success_resets(ctx, clock):
    await user(ctx, "alice")
    for _ in range(2):
        with pytest.raises(InvalidCredentials):
            await oauth.check_password_login(ctx, "alice", "wrong", "10.0.0.1")
    await oauth.check_password_login(ctx, "alice", "pw", "10.0.0.1")  # resets
    for _ in range(3):
        with pytest.raises(InvalidCredentials):
            await oauth.check_password_login(ctx, "alice", "wrong", "10.0.0.2")
    with pytest.raises(Throttled):  # from any address, the right password too
        await oauth.check_password_login(ctx, "alice", "pw", "10.0.0.3")
    clock.advance(timedelta(minutes=15))
    assert await oauth.check_password_login(ctx, "alice", "pw", "10.0.0.3")


async def test_unknown_logins_are_throttled_per_address(ctx):
    await user(ctx, "alice")
    for name in ("nobody", "ghost", "nobody@example.test"):
        with pytest.raises(InvalidCredentials):
            await oauth.check_password_login(ctx, name, "pw", "10.0.0.9")
    with pytest.raises(Throttled):
        await oauth.check_password_login(ctx, "someone", "pw", "10.0.0.9")
    with pytest.raises(InvalidCredentials):  # another address is not affected
        await oauth.check_password_login(ctx, "someone", "pw", "10.0.0.10")
    assert await oauth.check_password_login(ctx, "alice", "pw", "10.0.0.9")  # known accounts neither


async def test_successes_never_count(ctx):
    await user(ctx, "alice")
    for _ in range(20):
        await oauth.check_password_login(ctx, "alice", "pw", "10.0.0.1")
    assert (
        await ctx.stores.attempts.get("login:" + (await ctx.stores.accounts.by_nickname("alice")).id) is None
    )


# --- email confirmation ----------------------------------------------------------------------------------


def link_token(mail) -> tuple[str, str]:
    link = next(line for line in mail.text.splitlines() if "/api/account/confirm_email/" in line)
    account_id, token = link.rsplit("/", 2)[-2:]
    return account_id, token


async def test_a_new_link_replaces_the_old_and_confirms_once(ctx, mailer):
    alice = await user(ctx, "alice", is_confirmed=False)
    await confirmation.resend_confirmation(ctx, "ALICE@example.test", None)
    await confirmation.resend_confirmation(ctx, None, "alice")
    first, second = mailer.sent
    assert first.to == "alice@example.test" and "Social" in first.subject
    assert await confirmation.confirm_email(ctx, *link_token(first)) is False
    assert await confirmation.confirm_email(ctx, *link_token(second)) is True
    assert (await ctx.stores.accounts.get(alice.id)).is_confirmed
    assert await confirmation.confirm_email(ctx, *link_token(second)) is False


async def test_nothing_is_sent_to_confirmed_or_unknown_accounts_nor_too_often(ctx, mailer):
    await user(ctx, "alice")
    await user(ctx, "bob", is_confirmed=False)
    await confirmation.resend_confirmation(ctx, "alice@example.test", None)
    await confirmation.resend_confirmation(ctx, "nobody@example.test", None)
    await confirmation.resend_confirmation(ctx, None, None)
    assert mailer.sent == []
    for _ in range(8):
        await confirmation.resend_confirmation(ctx, "bob@example.test", None)
    assert len(mailer.sent) == 5


async def test_a_mailer_failure_is_logged_without_the_link(ctx, caplog):
    class Broken:
        async def send(self, mail):
            raise OSError(f"refused {mail.text}")

    broken = dataclasses.replace(ctx, mailer=Broken())
    alice = await user(broken, "alice", is_confirmed=False)
    assert await confirmation.send_confirmation(broken, alice) is False
    assert "confirm_email" not in caplog.text and "OSError" in caplog.text


async def test_malformed_links_confirm_nothing(ctx):
    alice = await user(ctx, "alice", is_confirmed=False)
    assert await confirmation.confirm_email(ctx, alice.id, "x" * 500) is False
    assert await confirmation.confirm_email(ctx, "nobody", "token") is False


# --- captcha ---------------------------------------------------------------------------------------------


class FixedCaptcha:
    async def draw(self) -> CaptchaImage:
        return CaptchaImage(answer="12345", png=b"png")


async def test_no_captcha_provider_means_no_captcha(ctx):
    assert await new_captcha(ctx) is None


async def test_a_captcha_is_answered_once_and_before_it_expires(ctx, clock):
    ctx = dataclasses.replace(ctx, captcha=FixedCaptcha())
    offer = await new_captcha(ctx)
    assert offer.seconds_valid == 300 and offer.png == b"png"

    async def refused(answer: CaptchaAnswer) -> str:
        with pytest.raises(CaptchaRefused) as exc:
            await solve_captcha(ctx, answer)
        return exc.value.message

    assert await refused(CaptchaAnswer(None, offer.token, offer.answer_data)) == (
        '{"captcha":["Invalid CAPTCHA (Missing parameter: captcha_solution)"]}'
    )
    assert "captcha_token" in await refused(CaptchaAnswer("1", "", offer.answer_data))
    assert "captcha_answer_data" in await refused(CaptchaAnswer("1", offer.token, None))
    assert await refused(CaptchaAnswer("1", "unknown", "x")) == '{"captcha":["Invalid CAPTCHA"]}'
    await solve_captcha(ctx, CaptchaAnswer(" 123 45 ", offer.token, offer.answer_data))
    assert "CAPTCHA already used" in await refused(CaptchaAnswer("12345", offer.token, offer.answer_data))

    wrong = await new_captcha(ctx)
    assert "Invalid CAPTCHA" in await refused(CaptchaAnswer("54321", wrong.token, wrong.answer_data))
    assert "already used" in await refused(CaptchaAnswer("12345", wrong.token, wrong.answer_data))

    data = await new_captcha(ctx)
    assert "Invalid answer data" in await refused(CaptchaAnswer("12345", data.token, "forged"))

    late = await new_captcha(ctx)
    clock.advance(timedelta(seconds=300))
    assert "CAPTCHA expired" in await refused(CaptchaAnswer("12345", late.token, late.answer_data))
