"""Signing up through the API: POST /api/v1/accounts."""

from __future__ import annotations

from typing import Any

import msgspec
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute

from plerome.domain.errors import Conflict
from plerome.domain.usecases.captcha import CaptchaAnswer
from plerome.domain.usecases.registration import SignUp, register

from .entities import token_entity
from .errors import ErrorPolicy
from .json import Json
from .routing import Doc, RouteTable
from .web import Web

# Pleroma answers a taken nickname or email as a validation error: 400, not 409.
REGISTRATION = ErrorPolicy({Conflict: 400})


class SignUpRequest(msgspec.Struct):
    username: str
    password: str
    agreement: bool
    email: str | None = None
    locale: str | None = None
    reason: str | None = None
    fullname: str | None = None
    bio: str | None = None
    # the answer to GET /api/v1/pleroma/captcha, when the instance asks for one
    captcha_solution: str | None = None
    captcha_token: str | None = None
    captcha_answer_data: str | None = None


class PendingConfirmation(msgspec.Struct):
    identifier: str
    message: str


def routes(web: Web) -> list[BaseRoute]:
    async def sign_up(request: Request) -> Response:
        caller = await web.auth.app(request)
        p = await web.params(request, SignUpRequest)
        done = await register(
            web.ctx,
            caller,
            SignUp(
                username=p.username,
                password=p.password,
                email=p.email,
                agreement=p.agreement,
                locale=p.locale,
                reason=p.reason,
                display_name=p.fullname,
                bio=p.bio,
                captcha=CaptchaAnswer(p.captcha_solution, p.captcha_token, p.captcha_answer_data),
            ),
        )
        if done.token is None:
            return Json(
                PendingConfirmation(
                    identifier="missing_confirmed_email",
                    message="You have been registered. Please check your email for further instructions.",
                )
            )
        return Json(token_entity(done.token, web.policy, done.account.nickname))

    table = RouteTable(policy=REGISTRATION)
    table.add(
        "/api/v1/accounts",
        sign_up,
        ["POST"],
        Doc(
            "Register an account with an app token; answers the new account's token, or, when emails"
            ' must be confirmed first, {"identifier": "missing_confirmed_email", "message": ...}',
            SignUpRequest,
            # TokenEntity, or PendingConfirmation: msgspec describes no union of untagged Structs
            dict[str, Any],
            auth="app",
        ),
    )
    return table.routes
