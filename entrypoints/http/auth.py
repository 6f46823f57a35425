"""Who is calling: Bearer token, `access_token` parameter, HTTP Basic, or the `_pleroma_key` cookie."""

from __future__ import annotations

import base64
import binascii

from itsdangerous import BadSignature, URLSafeSerializer
from starlette.requests import Request

from plerome.domain.accounts import Account
from plerome.domain.errors import Forbidden, Unauthorized
from plerome.domain.oauth import require_scopes
from plerome.domain.usecases.context import Context
from plerome.domain.usecases.oauth import Credentials, authenticate_basic, authenticate_bearer

from .params import raw_params

SESSION_COOKIE = "_pleroma_key"
_NOBODY = Credentials(account=None, scopes=(), app_id=None, token_id=None)


def client_address(request: Request) -> str:
    """Who is calling, as far as the connection says (failed logins of unknown accounts count per it)."""
    return request.client.host if request.client else ""


class Auth:
    def __init__(self, ctx: Context, secret_key: str, upload_limit: int) -> None:
        self._ctx = ctx
        self._cookies = URLSafeSerializer(secret_key, salt="plerome-session")
        self._upload_limit = upload_limit

    def session_cookie(self, access_token: str) -> str:
        return self._cookies.dumps({"token": access_token})

    def _cookie_token(self, request: Request) -> str | None:
        raw = request.cookies.get(SESSION_COOKIE)
        if not raw:
            return None
        try:
            data = self._cookies.loads(raw)
        except BadSignature:
            return None
        token = data.get("token") if isinstance(data, dict) else None
        return token if isinstance(token, str) else None

    async def credentials(self, request: Request) -> Credentials:
        """The caller, or an anonymous Credentials; bad credentials are an error, never anonymous."""
        cached = request.scope.get("plerome.credentials")
        if cached is not None:
            return cached  # type: ignore[no-any-return]
        creds = await self._resolve(request)
        request.scope["plerome.credentials"] = creds
        return creds

    async def _resolve(self, request: Request) -> Credentials:
        header = request.headers.get("authorization", "")
        scheme, _, value = header.partition(" ")
        scheme = scheme.lower()
        if scheme == "bearer" and value.strip():
            return await authenticate_bearer(self._ctx, value.strip())
        if scheme == "basic" and value.strip():
            try:
                decoded = base64.b64decode(value.strip(), validate=True).decode("utf-8")
            except (binascii.Error, ValueError):  # non-ASCII input raises a bare ValueError
                raise Unauthorized() from None
            login, sep, password = decoded.partition(":")
            if not sep:
                raise Unauthorized()
            return await authenticate_basic(self._ctx, login, password, client_address(request))
        token = request.query_params.get("access_token")
        if token is None and request.method not in ("GET", "HEAD"):
            body_token = (await raw_params(request, self._upload_limit)).get("access_token")
            token = body_token if isinstance(body_token, str) else None
        if token:
            return await authenticate_bearer(self._ctx, token)
        cookie_token = self._cookie_token(request)
        if cookie_token:
            try:
                return await authenticate_bearer(self._ctx, cookie_token)
            except Unauthorized:
                return _NOBODY  # a stale session cookie is just no session
        return _NOBODY

    async def user(self, request: Request, *any_of_scopes: str) -> tuple[Account, Credentials]:
        """The logged-in account, with a token holding one of the scopes (Basic logins skip the check)."""
        creds = await self.credentials(request)
        if creds.account is None:
            raise Unauthorized()
        if not creds.via_password:
            require_scopes(creds.scopes, any_of_scopes)
        return creds.account, creds

    async def require(self, request: Request, *any_of_scopes: str) -> Account:
        account, _ = await self.user(request, *any_of_scopes)
        return account

    async def optional(self, request: Request, *any_of_scopes: str) -> Account | None:
        """The account if the caller is logged in with the scope; otherwise anonymous (Pleroma's
        `fallback: :proceed_unauthenticated`). Bad tokens are still refused."""
        creds = await self.credentials(request)
        if creds.account is None:
            return None
        if not creds.via_password and any_of_scopes:
            try:
                require_scopes(creds.scopes, any_of_scopes)
            except Forbidden:
                return None
        return creds.account

    async def app(self, request: Request) -> Credentials:
        """Any valid token, app-only or user (registration, apps/verify_credentials)."""
        creds = await self.credentials(request)
        if creds.app_id is None:
            raise Unauthorized()
        return creds

    async def admin(self, request: Request, *any_of_scopes: str) -> Account:
        account = await self.require(request, *any_of_scopes)
        if not account.is_admin:
            raise Forbidden("User is not an admin.")
        return account
