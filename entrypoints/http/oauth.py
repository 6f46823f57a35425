"""OAuth endpoints: /oauth/token (and, below, revoke and the authorize form)."""

from __future__ import annotations

import base64
import binascii

import msgspec
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute

from plerome.domain.errors import InvalidCredentials, InvalidInput, MissingField
from plerome.domain.oauth import App
from plerome.domain.usecases import oauth

from .entities import TokenEntity, token_entity
from .errors import ErrorPolicy
from .json import Json
from .routing import Doc, RouteTable
from .web import Web

# Pleroma answers an unknown grant with 500 "Bad request"; plerome answers 400 with the same text.
OAUTH = ErrorPolicy()


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


def _basic_client(request: Request) -> tuple[str | None, str | None]:
    scheme, _, value = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "basic":
        return None, None
    try:
        client_id, _, secret = base64.b64decode(value.strip(), validate=True).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError):
        return None, None
    return client_id, secret


def routes(web: Web) -> list[BaseRoute]:
    async def client_app(request: Request, p: TokenRequest) -> App:
        basic_id, basic_secret = _basic_client(request)
        return await oauth.authenticate_client(
            web.ctx, basic_id or p.client_id, basic_secret if basic_id else p.client_secret
        )

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
            issued = await oauth.password_grant(web.ctx, app, login, p.password, p.scope)
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

    table = RouteTable(policy=OAUTH)
    table.add("/oauth/token", token, ["POST"], Doc("Obtain a token", TokenRequest, TokenEntity))
    return table.routes
