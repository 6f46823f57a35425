"""OAuth endpoints: /oauth/token, /oauth/revoke and the /oauth/authorize login form."""

from __future__ import annotations

import base64
import binascii
import dataclasses
import functools
import hashlib
import hmac
from urllib.parse import urlencode, urlsplit, urlunsplit

import msgspec
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute

from plerome.domain.accounts import Account
from plerome.domain.errors import (
    DomainError,
    InsufficientScopes,
    InvalidCredentials,
    InvalidInput,
    MissingField,
    Throttled,
)
from plerome.domain.mfa import InvalidMfaCode, MfaChallenge
from plerome.domain.oauth import OOB_REDIRECT, App
from plerome.domain.usecases import oauth

from .auth import SESSION_COOKIE, client_address
from .entities import TokenEntity, token_entity
from .errors import STATUS, ErrorPolicy
from .json import Json
from .params import raw_params
from .routing import Doc, Endpoint, RouteTable
from .templates import (
    SECURITY_HEADERS,
    AuthorizeForm,
    MfaForm,
    authorize_page,
    code_page,
    error_page,
    mfa_page,
)
from .web import Web

# Pleroma answers an unknown grant with 500 "Bad request"; plerome answers 400 with the same text.
OAUTH = ErrorPolicy()
# /oauth/mfa/challenge answers every failure alike, a wrong client included.
MFA_CHALLENGE = ErrorPolicy({InvalidCredentials: (400, "Invalid code")})

# The authorize form answers in HTML; a failed login shows the form again with Pleroma's flash texts.
HTML = ErrorPolicy(
    {
        InvalidCredentials: (401, "Invalid Username/Password"),
        InsufficientScopes: (401, "This action is outside of authorized scopes"),
        InvalidMfaCode: (401, "Two-factor authentication failed."),
        Throttled: (429, "Too many failed attempts: try again later."),
    }
)


class TokenRequest(msgspec.Struct):
    grant_type: str | None = None
    client_id: str | None = None
    client_secret: str | None = None
    username: str | None = None
    name: str | None = None
    password: str | None = None
    scope: str | list[str] | None = None
    code: str | None = None
    redirect_uri: str | None = None
    refresh_token: str | None = None


class RevokeRequest(msgspec.Struct):
    token: str | None = None
    client_id: str | None = None
    client_secret: str | None = None
    token_type_hint: str | None = None


class MfaChallengeRequest(msgspec.Struct):
    client_id: str | None = None
    client_secret: str | None = None
    mfa_token: str | None = None
    challenge_type: str | None = None
    code: str | None = None


class MfaRequired(msgspec.Struct):
    """The password grant's answer (403) for an account with MFA on."""

    error: str
    mfa_token: str
    supported_challenge_types: str


class MfaFields(msgspec.Struct):
    mfa_token: str | None = None
    challenge_type: str | None = None
    code: str | None = None
    state: str | None = None


class MfaVerifyBody(MfaFields):
    """The authorize form's second step, flat or nested as `mfa[...]`."""

    mfa: MfaFields | None = None


class AuthorizeQuery(msgspec.Struct):
    client_id: str | None = None
    redirect_uri: str | None = None
    response_type: str | None = None
    scope: str | list[str] | None = None
    state: str | None = None
    force_login: bool = False


class AuthorizeFields(msgspec.Struct):
    """The form's fields, flat (`name=`) or as Pleroma nests them (`authorization[name]=`)."""

    name: str | None = None
    password: str | None = None
    client_id: str | None = None
    redirect_uri: str | None = None
    response_type: str | None = None
    scope: str | list[str] | None = None
    scopes: str | list[str] | None = None
    state: str | None = None
    csrf: str | None = None


class AuthorizeBody(AuthorizeFields):
    authorization: AuthorizeFields | None = None


def _merged(body: AuthorizeBody) -> AuthorizeFields:
    nested = body.authorization or AuthorizeFields()
    return AuthorizeFields(
        **{
            f: getattr(nested, f) if getattr(nested, f) is not None else getattr(body, f)
            for f in AuthorizeFields.__struct_fields__
        }
    )


def _basic_client(request: Request) -> tuple[str | None, str | None]:
    scheme, _, value = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "basic":
        return None, None
    try:
        client_id, _, secret = base64.b64decode(value.strip(), validate=True).decode().partition(":")
    except (binascii.Error, ValueError):  # non-ASCII input raises a bare ValueError
        return None, None
    return client_id, secret


def _html_answer(exc: DomainError) -> tuple[int, str]:
    for cls in type(exc).__mro__:
        if cls in HTML.overrides:
            rule = HTML.overrides[cls]
            return rule if isinstance(rule, tuple) else (rule, exc.message)
        if cls in STATUS:
            return STATUS[cls], exc.message
    return 400, exc.message


def _with_code(redirect_uri: str, code: str, state: str | None) -> str:
    """The app's redirect_uri with the code (and state) added after whatever query it already has."""
    parts = urlsplit(redirect_uri)
    extra = urlencode([("code", code), *([("state", state)] if state else [])])
    query = f"{parts.query}&{extra}" if parts.query else extra
    return urlunsplit(parts._replace(query=query))


def _scope_text(scope: str | list[str] | None) -> str | None:
    if isinstance(scope, list):
        return " ".join(scope)
    return scope


def routes(web: Web) -> list[BaseRoute]:
    instance = web.policy.name
    secure_cookie = web.svc.base_url.startswith("https://")

    def html_errors(endpoint: Endpoint) -> Endpoint:
        """Domain errors as HTML: the form again with a message once the app is known, else a page."""

        @functools.wraps(endpoint)
        async def run(request: Request) -> Response:
            try:
                return await endpoint(request)
            except DomainError as exc:
                status, message = _html_answer(exc)
                mfa_form: MfaForm | None = getattr(request.state, "mfa_form", None)
                if mfa_form is not None:
                    return mfa_page(mfa_form, message, status)
                form: AuthorizeForm | None = getattr(request.state, "authorize_form", None)
                if form is None:
                    return error_page(instance, message, status)
                return authorize_page(form, message, status)

        return run

    def csrf_for(cookie: str) -> str:
        """Ties the confirm-only form to the browser's session: another site cannot compute it."""
        key = web.svc.secret_key.encode()
        return hmac.new(key, b"plerome-authorize:" + cookie.encode(), hashlib.sha256).hexdigest()

    async def session(request: Request) -> tuple[Account, str] | None:
        """The account of the browser's `_pleroma_key` session, if that is the only credential sent."""
        cookie = request.cookies.get(SESSION_COOKIE)
        if not cookie or "authorization" in request.headers:
            return None
        if "access_token" in await raw_params(request, web.svc.settings.upload_limit):
            return None
        creds = await web.auth.credentials(request)
        if creds.account is None or creds.token_id is None:
            return None
        return creds.account, cookie

    def base_form(
        request: Request, app: App, redirect_uri: str, scope: str | None, state: str | None, login: str
    ) -> AuthorizeForm:
        hidden = {"client_id": app.client_id, "redirect_uri": redirect_uri, "response_type": "code"}
        if scope:
            hidden["scope"] = scope
        if state:
            hidden["state"] = state
        return AuthorizeForm(
            action=request.url.path,
            instance=instance,
            app_name=app.name,
            app_website=app.website,
            scopes=scope.replace(",", " ").split() if scope else app.scopes,
            hidden=hidden,
            login=login,
        )

    async def client_app(request: Request, p: TokenRequest | MfaChallengeRequest) -> App:
        basic_id, basic_secret = _basic_client(request)
        return await oauth.authenticate_client(
            web.ctx, basic_id or p.client_id, basic_secret if basic_id else p.client_secret
        )

    def mfa_required(challenge: MfaChallenge) -> Response:
        body = MfaRequired("mfa_required", challenge.mfa_token, challenge.challenge_types)
        return Json(body, status_code=403)

    async def token(request: Request) -> Response:
        p = await web.params(request, TokenRequest)
        grant = p.grant_type
        if grant not in ("password", "client_credentials", "authorization_code", "refresh_token"):
            raise InvalidInput("Bad request")
        app = await client_app(request, p)
        if grant == "password":
            login = p.username or p.name
            if login is None or p.password is None:
                raise InvalidCredentials()
            granted = await oauth.password_grant(
                web.ctx, app, login, p.password, p.scope, client_address(request)
            )
            if isinstance(granted, MfaChallenge):
                return mfa_required(granted)
            issued = granted
        elif grant == "client_credentials":
            issued = await oauth.client_credentials_grant(web.ctx, app, p.scope)
        elif grant == "authorization_code":
            if not p.code:
                raise MissingField("code")
            issued = await oauth.authorization_code_grant(web.ctx, app, p.code, p.redirect_uri)
        else:
            if not p.refresh_token:
                raise MissingField("refresh_token")
            issued = await oauth.refresh_grant(web.ctx, app, p.refresh_token)
        nickname = None
        if issued.token.account_id:
            account = await web.ctx.stores.accounts.get(issued.token.account_id)
            nickname = account.nickname if account else None
        return Json(token_entity(issued, web.policy, nickname))

    async def mfa_challenge(request: Request) -> Response:
        p = await web.params(request, MfaChallengeRequest)
        app = await client_app(request, p)
        if not (p.mfa_token and p.challenge_type and p.code):
            raise InvalidMfaCode()
        issued = await oauth.mfa_challenge_grant(web.ctx, app, p.mfa_token, p.challenge_type, p.code)
        account = await web.ctx.stores.accounts.get(issued.token.account_id or "")
        return Json(token_entity(issued, web.policy, account.nickname if account else None))

    async def revoke(request: Request) -> Response:
        p = await web.params(request, RevokeRequest)
        if not p.token:
            raise InvalidInput("Bad request")
        basic_id, basic_secret = _basic_client(request)
        client_id = basic_id or p.client_id
        secret = basic_secret if basic_id else p.client_secret
        await oauth.revoke_as_client(web.ctx, client_id, secret, p.token)
        response = Json({})
        if request.cookies.get(SESSION_COOKIE) == web.auth.session_cookie(p.token):
            response.delete_cookie(SESSION_COOKIE, path="/", secure=secure_cookie, httponly=True)
        return response

    async def authorize_form(request: Request) -> Response:
        q = await web.params(request, AuthorizeQuery)
        app, redirect_uri = await oauth.authorization_target(
            web.ctx, q.client_id, q.redirect_uri, q.response_type
        )
        scope = _scope_text(q.scope)
        form = base_form(request, app, redirect_uri, scope, q.state, "")
        request.state.authorize_form = form
        form = dataclasses.replace(form, scopes=oauth.authorization_scopes(app, q.scope))
        current = None if q.force_login else await session(request)
        if current is not None:
            account, cookie = current
            query = [(k, v) for k, v in request.query_params.multi_items() if k != "force_login"]
            switch = f"{request.url.path}?{urlencode([*query, ('force_login', 'true')])}"
            form = dataclasses.replace(
                form, session_nickname=account.nickname, csrf=csrf_for(cookie), switch_user_url=switch
            )
        return authorize_page(form)

    async def authorize(request: Request) -> Response:
        f = _merged(await web.params(request, AuthorizeBody))
        app, redirect_uri = await oauth.authorization_target(
            web.ctx, f.client_id, f.redirect_uri, f.response_type
        )
        scope = _scope_text(f.scope if f.scope is not None else f.scopes)
        request.state.authorize_form = base_form(request, app, redirect_uri, scope, f.state, f.name or "")
        scopes = oauth.authorization_scopes(app, scope)
        current = None if f.password else await session(request)
        if (
            current is not None
            and f.csrf
            and hmac.compare_digest(f.csrf.encode(), csrf_for(current[1]).encode())
        ):
            result = await oauth.authorize_with_session(web.ctx, app, redirect_uri, scopes, current[0])
        else:
            logged_in = await oauth.authorize_with_password(
                web.ctx, app, redirect_uri, scopes, f.name or "", f.password or "", client_address(request)
            )
            if isinstance(logged_in, MfaChallenge):
                return mfa_page(MfaForm(mfa_action(request), instance, logged_in.mfa_token, f.state))
            result = logged_in
        return authorized(app, redirect_uri, f.state, result)

    def mfa_action(request: Request) -> str:
        return request.url.path.removesuffix("/oauth/authorize") + "/oauth/mfa/verify"

    async def mfa_verify(request: Request) -> Response:
        body = await web.params(request, MfaVerifyBody)
        f = body.mfa or body
        request.state.mfa_form = MfaForm(request.url.path, instance, f.mfa_token or "", f.state or body.state)
        if not (f.mfa_token and f.code):
            raise InvalidMfaCode()
        passed = await oauth.authorize_with_mfa(web.ctx, f.mfa_token, f.challenge_type or "totp", f.code)
        return authorized(passed.app, passed.redirect_uri, f.state or body.state, passed.authorization)

    def authorized(app: App, redirect_uri: str, state: str | None, result: oauth.Authorization) -> Response:
        """Back to the app with the code (or the code shown, for out-of-band apps), and the session."""
        response: Response
        if redirect_uri == OOB_REDIRECT:
            response = code_page(instance, app.name, result.code)
        else:
            response = RedirectResponse(
                _with_code(redirect_uri, result.code, state), status_code=302, headers=SECURITY_HEADERS
            )
        if result.session is not None:
            response.set_cookie(
                SESSION_COOKIE,
                web.auth.session_cookie(result.session.access_token),
                path="/",
                secure=secure_cookie,
                httponly=True,
                samesite="lax",
            )
        return response

    table = RouteTable(policy=OAUTH)
    table.add(
        "/oauth/token",
        token,
        ["POST"],
        Doc(
            "Obtain a token. For an account with MFA on, the password grant answers 403"
            ' {"error": "mfa_required", "mfa_token": ..., "supported_challenge_types": "totp"}',
            TokenRequest,
            TokenEntity,
        ),
    )
    table.add(
        "/oauth/revoke",
        revoke,
        ["POST"],
        Doc("Revoke a token (always answers {}, also for unknown tokens)", RevokeRequest, dict[str, str]),
    )
    table.add(
        "/oauth/authorize",
        html_errors(authorize_form),
        ["GET"],
        Doc(
            "The login and authorization form",
            AuthorizeQuery,
            None,
            auth="optional",
            content_type="text/html",
        ),
    )
    table.add(
        "/oauth/authorize",
        html_errors(authorize),
        ["POST"],
        Doc(
            "Log in (or confirm a session) and send the user back to the app with a code",
            AuthorizeBody,
            None,
            auth="optional",
            status=302,
            content_type="text/html",
        ),
    )
    table.add(
        "/oauth/mfa/verify",
        html_errors(mfa_verify),
        ["POST"],
        Doc(
            "The authorize form's second step: the code of an account with MFA on",
            MfaVerifyBody,
            None,
            status=302,
            content_type="text/html",
        ),
    )
    challenges = RouteTable(policy=MFA_CHALLENGE)
    challenges.add(
        "/oauth/mfa/challenge",
        mfa_challenge,
        ["POST"],
        Doc(
            "The second factor of a password grant (challenge_type totp or recovery): the token",
            MfaChallengeRequest,
            TokenEntity,
        ),
    )
    return table.routes + challenges.routes
