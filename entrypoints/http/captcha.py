"""GET /api/v1/pleroma/captcha: the challenge a sign-up answers, when the instance asks for one."""

from __future__ import annotations

import base64

import msgspec
from msgspec import UNSET, UnsetType
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute

from plerome.domain.usecases.captcha import new_captcha

from .json import Json
from .routing import Doc, RouteTable
from .web import Web


class CaptchaEntity(msgspec.Struct, omit_defaults=True):
    type: str  # "none" or "native"
    token: str | UnsetType = UNSET
    url: str | UnsetType = UNSET  # the picture, as a data: URI
    answer_data: str | UnsetType = UNSET
    seconds_valid: int | UnsetType = UNSET


def routes(web: Web) -> list[BaseRoute]:
    async def captcha(request: Request) -> Response:
        offer = await new_captcha(web.ctx)
        if offer is None:
            return Json(CaptchaEntity(type="none"), headers={"Cache-Control": "no-store"})
        return Json(
            CaptchaEntity(
                type="native",
                token=offer.token,
                url="data:image/png;base64," + base64.b64encode(offer.png).decode(),
                answer_data=offer.answer_data,
                seconds_valid=offer.seconds_valid,
            ),
            headers={"Cache-Control": "no-store"},
        )

    table = RouteTable()
    table.pleroma(
        "/captcha",
        captcha,
        ["GET"],
        Doc(
            'A captcha for sign-up: {"type": "none"}, or a native one to answer with captcha_solution,'
            " captcha_token and captcha_answer_data",
            None,
            CaptchaEntity,
        ),
    )
    return table.routes
