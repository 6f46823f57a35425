"""OAuth: registering apps, issuing and checking tokens, the grants."""

from __future__ import annotations

from dataclasses import dataclass

from plerome.domain.accounts import Account, login_refusal
from plerome.domain.errors import (
    AccountBlocked,
    Forbidden,
    InvalidCredentials,
    InvalidInput,
    Unauthorized,
)
from plerome.domain.mfa import InvalidMfaCode, MfaChallenge
from plerome.domain.oauth import (
    CODE_LIFETIME,
    TOKEN_LIFETIME,
    App,
    AuthCode,
    IssuedToken,
    NewToken,
    Token,
    narrow_scopes,
    parse_scopes,
    redirect_allowed,
    split_redirect_uris,
)
from plerome.domain.throttle import account_key, address_key

from . import mfa, throttle
from .context import Context

CLI_APP_NAME = "plerome-cli"


@dataclass(frozen=True, slots=True)
class Credentials:
    """Who is calling: the token's account (None for an app-only token) and the scopes it holds.

    `via_password` marks HTTP Basic logins, which Pleroma lets past scope checks.
    """

    account: Account | None
    scopes: tuple[str, ...]
    app_id: str | None
    token_id: int | None
    via_password: bool = False


async def create_app(
    ctx: Context,
    name: str,
    redirect_uris: str,
    scopes: str | list[str] | None,
    website: str | None,
    owner_id: str | None = None,
) -> App:
    name = name.strip()
    if not name:
        raise InvalidInput("Missing field: client_name.")
    if len(name) > 255 or (website and len(website) > 2048) or len(redirect_uris) > 4096:
        raise InvalidInput("App fields are too long.")
    app = App(
        id=ctx.ids.new(),
        name=name,
        client_id=ctx.secrets.token(),
        client_secret=ctx.secrets.token(),
        redirect_uris=split_redirect_uris(redirect_uris),
        scopes=parse_scopes(scopes),
        website=website or None,
        created_at=ctx.clock.now(),
        owner_id=owner_id,
    )
    await ctx.stores.apps.add(app)
    return app


async def authenticate_client(ctx: Context, client_id: str | None, client_secret: str | None) -> App:
    if not client_id or not client_secret:
        raise InvalidCredentials()
    app = await ctx.stores.apps.by_client_id(client_id)
    if app is None or not ctx.secrets.digest(app.client_secret) == ctx.secrets.digest(client_secret):
        raise InvalidCredentials()
    return app


async def issue_token(
    ctx: Context, app: App, account: Account | None, scopes: tuple[str, ...]
) -> IssuedToken:
    now = ctx.clock.now()
    access, refresh = ctx.secrets.token(), ctx.secrets.token()
    token = await ctx.stores.tokens.add(
        NewToken(
            access_token=access,
            refresh_token=refresh,
            token_hash=ctx.secrets.digest(access),
            refresh_hash=ctx.secrets.digest(refresh),
            app_id=app.id,
            account_id=account.id if account else None,
            scopes=scopes,
            created_at=now,
            valid_until=now + TOKEN_LIFETIME,
        )
    )
    return IssuedToken(token=token, access_token=access, refresh_token=refresh)


async def check_password_login(ctx: Context, login: str, password: str, client: str = "") -> Account:
    """The account whose nickname or email is `login` if the password matches and it may log in.

    Failures are counted per account, or per client address when `login` names no account; past the
    instance's limit the attempt is Throttled before the password is even checked.
    """
    login = login.strip()
    account = await ctx.stores.accounts.by_nickname(login) if login else None
    if account is None and "@" in login:
        account = await ctx.stores.accounts.by_email(login)
    key = throttle_key(account, client)
    counted = await throttle.check(ctx, key)
    ok = await ctx.passwords.verify(account.password_hash if account else None, password)
    if account is None or not ok:
        await throttle.failed(ctx, key)
        raise InvalidCredentials()
    await throttle.succeeded(ctx, key, counted)
    refusal = login_refusal(account)
    if refusal:
        raise AccountBlocked(*refusal)
    return account


def throttle_key(account: Account | None, client: str) -> str:
    return account_key(account.id) if account is not None else address_key(client)


async def password_grant(
    ctx: Context, app: App, login: str, password: str, scope: str | list[str] | None, client: str = ""
) -> IssuedToken | MfaChallenge:
    """A token, or (the account has MFA on) the challenge for POST /oauth/mfa/challenge."""
    scopes = narrow_scopes(app.scopes, parse_scopes(scope, default=()) or None)
    account = await check_password_login(ctx, login, password, client)
    if account.mfa.enabled:
        return await mfa.start_challenge(ctx, account, app.id, scopes, None)
    return await issue_token(ctx, app, account, scopes)


async def mfa_challenge_grant(
    ctx: Context, app: App, mfa_token: str, challenge_type: str, code: str
) -> IssuedToken:
    """POST /oauth/mfa/challenge: the second factor of a password grant of the same app."""
    pending, account = await mfa.pass_challenge(ctx, mfa_token, challenge_type, code, app_id=app.id)
    return await issue_token(ctx, app, account, pending.scopes)


async def client_credentials_grant(ctx: Context, app: App, scope: str | list[str] | None) -> IssuedToken:
    scopes = narrow_scopes(app.scopes, parse_scopes(scope, default=()) or None)
    return await issue_token(ctx, app, None, scopes)


async def refresh_grant(ctx: Context, app: App, refresh_token: str) -> IssuedToken:
    """A new token pair for a refresh token; the old pair stops working."""
    async with ctx.stores.transaction() as tx:
        old = await tx.tokens.by_refresh_hash(ctx.secrets.digest(refresh_token))
        if old is None or old.app_id != app.id:
            raise InvalidCredentials()
        account = await tx.accounts.get(old.account_id) if old.account_id else None
        if old.account_id and (account is None or login_refusal(account)):
            raise InvalidCredentials()
        await tx.tokens.delete(old.id)
    return await issue_token(ctx, app, account, old.scopes)


async def grant_code(
    ctx: Context, app: App, account: Account, redirect_uri: str, scope: str | list[str] | None
) -> str:
    """An authorization code for the app, after the user has logged in on the authorize form."""
    if not redirect_allowed(app.redirect_uris, redirect_uri):
        raise InvalidInput("redirect_uri does not match the app's")
    scopes = narrow_scopes(app.scopes, parse_scopes(scope, default=()) or None)
    return await _new_code(ctx, app, account, redirect_uri, scopes)


async def _new_code(
    ctx: Context, app: App, account: Account, redirect_uri: str, scopes: tuple[str, ...]
) -> str:
    code = ctx.secrets.token()
    now = ctx.clock.now()
    await ctx.stores.auth_codes.add(
        AuthCode(
            code_hash=ctx.secrets.digest(code),
            app_id=app.id,
            account_id=account.id,
            scopes=scopes,
            redirect_uri=redirect_uri,
            created_at=now,
            valid_until=now + CODE_LIFETIME,
        )
    )
    return code


async def authorization_target(
    ctx: Context, client_id: str | None, redirect_uri: str | None, response_type: str | None
) -> tuple[App, str]:
    """The app asking for authorization and the registered redirect_uri its user goes back to.

    Checked before anything is shown, so that nobody is ever sent to an address the app did not
    register. With no redirect_uri, an app that registered exactly one gets that one.
    """
    if response_type not in (None, "", "code"):
        raise InvalidInput("Unsupported response_type: only code is supported.")
    app = await ctx.stores.apps.by_client_id(client_id) if client_id else None
    if app is None:
        raise InvalidInput("Unknown application: check the client_id.")
    if not redirect_uri and len(app.redirect_uris) == 1:
        redirect_uri = app.redirect_uris[0]
    if not redirect_uri or not redirect_allowed(app.redirect_uris, redirect_uri):
        raise InvalidInput("The redirect_uri is not one this application registered.")
    return app, redirect_uri


def authorization_scopes(app: App, scope: str | list[str] | None) -> tuple[str, ...]:
    """The scopes the user is asked to grant: those requested, or all of the app's."""
    return narrow_scopes(app.scopes, parse_scopes(scope, default=()) or None)


@dataclass(frozen=True, slots=True)
class Authorization:
    """The code for the app, and the new browser session when the user typed a password."""

    code: str
    account: Account
    session: IssuedToken | None


async def authorize_with_password(
    ctx: Context,
    app: App,
    redirect_uri: str,
    scopes: tuple[str, ...],
    login: str,
    password: str,
    client: str = "",
) -> Authorization | MfaChallenge:
    """The authorize form with a password: a code, and a session token issued to the same app; or,
    when the account has MFA on, the challenge the form's second step answers."""
    account = await check_password_login(ctx, login, password, client)
    if account.mfa.enabled:
        return await mfa.start_challenge(ctx, account, app.id, scopes, redirect_uri)
    code = await _new_code(ctx, app, account, redirect_uri, scopes)
    session = await issue_token(ctx, app, account, scopes)
    return Authorization(code=code, account=account, session=session)


@dataclass(frozen=True, slots=True)
class FormMfaLogin:
    """The authorize form's second step passed: the authorization, for this app and redirect."""

    authorization: Authorization
    app: App
    redirect_uri: str


async def authorize_with_mfa(ctx: Context, mfa_token: str, challenge_type: str, code: str) -> FormMfaLogin:
    """The authorize form's second step: the code for the app and a new session, as with a password."""
    pending, account = await mfa.pass_challenge(ctx, mfa_token, challenge_type, code, form=True)
    app = await ctx.stores.apps.get(pending.app_id)
    if app is None or pending.redirect_uri is None:
        raise InvalidMfaCode()
    code_ = await _new_code(ctx, app, account, pending.redirect_uri, pending.scopes)
    session = await issue_token(ctx, app, account, pending.scopes)
    return FormMfaLogin(
        authorization=Authorization(code=code_, account=account, session=session),
        app=app,
        redirect_uri=pending.redirect_uri,
    )


async def authorize_with_session(
    ctx: Context, app: App, redirect_uri: str, scopes: tuple[str, ...], account: Account
) -> Authorization:
    """The authorize form confirmed by a user who already has a browser session."""
    refusal = login_refusal(account)
    if refusal:
        raise AccountBlocked(*refusal)
    code = await _new_code(ctx, app, account, redirect_uri, scopes)
    return Authorization(code=code, account=account, session=None)


async def authorization_code_grant(
    ctx: Context, app: App, code: str, redirect_uri: str | None
) -> IssuedToken:
    grant = await ctx.stores.auth_codes.take(ctx.secrets.digest(code))
    if grant is None or grant.app_id != app.id or ctx.clock.now() >= grant.valid_until:
        raise InvalidCredentials()
    if redirect_uri is not None and redirect_uri != grant.redirect_uri:
        raise InvalidCredentials()
    account = await ctx.stores.accounts.get(grant.account_id)
    if account is None or login_refusal(account):
        raise InvalidCredentials()
    return await issue_token(ctx, app, account, grant.scopes)


async def revoke(ctx: Context, app: App | None, token: str) -> None:
    """Revoke a token by its access or refresh secret; unknown tokens are ignored (RFC 7009).

    With `app` (the client authenticated itself) only that app's tokens are revoked.
    """
    digest = ctx.secrets.digest(token)
    found = await ctx.stores.tokens.lookup(digest)
    stored = found[0] if found else await ctx.stores.tokens.by_refresh_hash(digest)
    if stored is None or (app is not None and stored.app_id != app.id):
        return
    await ctx.stores.tokens.delete(stored.id)


async def revoke_as_client(
    ctx: Context, client_id: str | None, client_secret: str | None, token: str
) -> None:
    """POST /oauth/revoke: client credentials are optional, but when given they must be right
    (like Pleroma, wrong ones revoke nothing and the answer is the same)."""
    if client_id is None:
        await revoke(ctx, None, token)
        return
    try:
        app = await authenticate_client(ctx, client_id, client_secret)
    except InvalidCredentials:
        return
    await revoke(ctx, app, token)


async def authenticate_bearer(ctx: Context, access_token: str) -> Credentials:
    """The caller behind a bearer token. One store round-trip: this runs on every request."""
    found = await ctx.stores.tokens.lookup(ctx.secrets.digest(access_token))
    if found is None:
        raise Unauthorized()
    token, account = found
    if not token.is_valid(ctx.clock.now()):
        raise Unauthorized()
    if token.account_id is not None and (account is None or not account.is_active):
        raise Unauthorized()
    return Credentials(account=account, scopes=token.scopes, app_id=token.app_id, token_id=token.id)


async def authenticate_basic(ctx: Context, login: str, password: str, client: str = "") -> Credentials:
    try:
        account = await check_password_login(ctx, login, password, client)
    except (InvalidCredentials, AccountBlocked):
        raise Unauthorized() from None
    if account.mfa.enabled:
        raise Forbidden("Two-factor authentication enabled, you must use a access token.")
    return Credentials(account=account, scopes=(), app_id=None, token_id=None, via_password=True)


async def cli_token(ctx: Context, account: Account, scopes: str) -> IssuedToken:
    """A token for scripts, from the `plerome-cli` app of that account (created on first use)."""
    wanted = parse_scopes(scopes)
    app = await ctx.stores.apps.by_name_and_owner(CLI_APP_NAME, account.id)
    if app is None:
        app = await create_app(
            ctx, CLI_APP_NAME, "urn:ietf:wg:oauth:2.0:oob", "read write follow push admin", None, account.id
        )
    return await issue_token(ctx, app, account, narrow_scopes(app.scopes, wanted))


def token_owner_changed(token: Token, account: Account | None) -> bool:
    return token.account_id is not None and account is None
