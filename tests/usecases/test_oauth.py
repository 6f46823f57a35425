"""OAuth use cases on in-memory stores with a fixed clock."""

from datetime import timedelta

import pytest

from plerome.domain.errors import AccountBlocked, InsufficientScopes, InvalidCredentials, Unauthorized
from plerome.domain.usecases import oauth
from plerome.domain.usecases.accounts import AdminChange, administer_account, create_account

pytestmark = pytest.mark.anyio


async def app_and_user(ctx, scopes="read write"):
    app = await oauth.create_app(ctx, "app", "urn:ietf:wg:oauth:2.0:oob", scopes, None)
    user = await create_account(ctx, "alice", "alice@example.test", "pw")
    return app, user


async def test_a_password_grant_token_authenticates_its_account(ctx):
    app, user = await app_and_user(ctx)
    issued = await oauth.password_grant(ctx, app, "alice", "pw", None)
    creds = await oauth.authenticate_bearer(ctx, issued.access_token)
    assert creds.account == user
    assert creds.scopes == ("read", "write")


async def test_login_works_with_the_email_too_and_ignores_nickname_case(ctx):
    app, user = await app_and_user(ctx)
    assert (
        await oauth.password_grant(ctx, app, "alice@example.test", "pw", None)
    ).token.account_id == user.id
    assert (await oauth.password_grant(ctx, app, "ALICE", "pw", None)).token.account_id == user.id


async def test_a_wrong_password_and_an_unknown_login_fail_alike(ctx):
    app, _ = await app_and_user(ctx)
    with pytest.raises(InvalidCredentials):
        await oauth.password_grant(ctx, app, "alice", "nope", None)
    with pytest.raises(InvalidCredentials):
        await oauth.password_grant(ctx, app, "nobody", "pw", None)


async def test_only_hashes_of_tokens_are_stored(ctx):
    app, _ = await app_and_user(ctx)
    issued = await oauth.password_grant(ctx, app, "alice", "pw", None)
    assert issued.access_token not in (issued.token.token_hash, issued.token.refresh_hash)
    assert await ctx.stores.tokens.lookup(issued.access_token) is None


async def test_a_token_cannot_get_more_scopes_than_its_app(ctx):
    app, _ = await app_and_user(ctx, scopes="read")
    with pytest.raises(InsufficientScopes):
        await oauth.password_grant(ctx, app, "alice", "pw", "read write")


async def test_refreshing_replaces_the_old_pair(ctx):
    app, _ = await app_and_user(ctx)
    first = await oauth.password_grant(ctx, app, "alice", "pw", None)
    second = await oauth.refresh_grant(ctx, app, first.refresh_token)
    await oauth.authenticate_bearer(ctx, second.access_token)
    with pytest.raises(Unauthorized):
        await oauth.authenticate_bearer(ctx, first.access_token)
    with pytest.raises(InvalidCredentials):
        await oauth.refresh_grant(ctx, app, first.refresh_token)


async def test_an_authorization_code_works_once_and_expires(ctx):
    app, user = await app_and_user(ctx)
    oob = "urn:ietf:wg:oauth:2.0:oob"
    code = await oauth.grant_code(ctx, app, user, oob, None)
    await oauth.authorization_code_grant(ctx, app, code, oob)
    with pytest.raises(InvalidCredentials):
        await oauth.authorization_code_grant(ctx, app, code, oob)
    late = await oauth.grant_code(ctx, app, user, oob, None)
    ctx.clock.advance(timedelta(minutes=11))
    with pytest.raises(InvalidCredentials):
        await oauth.authorization_code_grant(ctx, app, late, oob)


async def test_a_deactivated_account_cannot_log_in_and_its_tokens_stop_working(ctx):
    app, _ = await app_and_user(ctx)
    issued = await oauth.password_grant(ctx, app, "alice", "pw", None)
    await administer_account(ctx, "alice", AdminChange(is_active=False))
    with pytest.raises(Unauthorized):
        await oauth.authenticate_bearer(ctx, issued.access_token)
    with pytest.raises(AccountBlocked) as err:
        await oauth.password_grant(ctx, app, "alice", "pw", None)
    assert err.value.identifier == "account_is_disabled"


async def test_client_secrets_are_checked(ctx):
    app, _ = await app_and_user(ctx)
    assert await oauth.authenticate_client(ctx, app.client_id, app.client_secret) == app
    with pytest.raises(InvalidCredentials):
        await oauth.authenticate_client(ctx, app.client_id, "wrong")
    with pytest.raises(InvalidCredentials):
        await oauth.authenticate_client(ctx, None, None)


async def test_the_cli_token_comes_from_one_plerome_cli_app_per_account(ctx):
    _, user = await app_and_user(ctx)
    a = await oauth.cli_token(ctx, user, "read")
    b = await oauth.cli_token(ctx, user, "read write")
    assert a.token.app_id == b.token.app_id
    assert (await ctx.stores.apps.get(a.token.app_id)).name == "plerome-cli"
    assert b.token.scopes == ("read", "write")
