"""Email confirmation: sending the link again, and the link itself."""

from __future__ import annotations

from html import escape

import msgspec
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute

from plerome.domain.usecases.confirmation import confirm_email, resend_confirmation

from .routing import Doc, RouteTable
from .templates import page
from .web import Web


class ResendParams(msgspec.Struct):
    email: str | None = None
    nickname: str | None = None


def routes(web: Web) -> list[BaseRoute]:
    instance = escape(web.policy.name)

    async def resend(request: Request) -> Response:
        p = await web.params(request, ResendParams)
        await resend_confirmation(web.ctx, p.email, p.nickname)
        return Response(status_code=204)

    async def confirm(request: Request) -> Response:
        if await confirm_email(web.ctx, request.path_params["id"], request.path_params["token"]):
            return page(
                "Email confirmed",
                f"<h1>{instance}</h1><p>Your email address is confirmed: you can log in now.</p>",
            )
        return page(
            "Confirmation failed",
            f'<h1>{instance}</h1><p class="error" role="alert">This confirmation link does not work: it was'
            " used already, or a newer one was sent since.</p>",
            400,
        )

    table = RouteTable()
    table.pleroma(
        "/accounts/confirmation_resend",
        resend,
        ["POST"],
        Doc(
            "Mail the confirmation link again to an unconfirmed account (by email or nickname); always 204",
            ResendParams,
            None,
            status=204,
        ),
    )
    table.add(
        "/api/account/confirm_email/{id}/{token}",
        confirm,
        ["GET"],
        Doc("The link mailed to confirm an email address", None, None, content_type="text/html"),
    )
    return table.routes
