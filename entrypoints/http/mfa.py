"""Multi-factor settings: /api/(v1/)pleroma/accounts/mfa/*."""

from __future__ import annotations

import msgspec
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute

from plerome.domain.errors import InvalidInput, InvalidPassword
from plerome.domain.mfa import summary
from plerome.domain.usecases import mfa

from .errors import ErrorPolicy
from .json import Json
from .routing import Doc, RouteTable
from .web import Web

# A wrong password on these routes is 422, not the util endpoints' 200.
MFA = ErrorPolicy({InvalidPassword: 422})
UNDEFINED_METHOD = "undefined mfa method"


class MfaState(msgspec.Struct):
    enabled: bool
    totp: bool


class MfaSettingsEntity(msgspec.Struct):
    settings: MfaState


class TotpSetupEntity(msgspec.Struct):
    key: str
    provisioning_uri: str


class BackupCodesEntity(msgspec.Struct):
    codes: list[str]


class ConfirmParams(msgspec.Struct):
    password: str | None = None
    code: str | None = None


class PasswordParams(msgspec.Struct):
    password: str | None = None


def routes(web: Web) -> list[BaseRoute]:
    async def settings(request: Request) -> Response:
        account = await web.auth.require(request, "read:security")
        enabled, totp = summary(account.mfa)
        return Json(MfaSettingsEntity(MfaState(enabled=enabled, totp=totp)))

    async def setup(request: Request) -> Response:
        account = await web.auth.require(request, "write:security")
        if request.path_params["method"] != "totp":
            raise InvalidInput("undefined method")
        done = await mfa.setup_totp(web.ctx, account.id)
        return Json(TotpSetupEntity(key=done.key, provisioning_uri=done.provisioning_uri))

    async def confirm(request: Request) -> Response:
        account = await web.auth.require(request, "write:security")
        p = await web.params(request, ConfirmParams)
        if request.path_params["method"] != "totp" or p.password is None or p.code is None:
            raise InvalidInput(UNDEFINED_METHOD)
        await mfa.confirm_totp_setup(web.ctx, account.id, p.password, p.code)
        return Json({})

    async def disable(request: Request) -> Response:
        account = await web.auth.require(request, "write:security")
        method = request.path_params["method"]
        if method not in ("totp", "mfa"):
            raise InvalidInput(UNDEFINED_METHOD)
        p = await web.params(request, PasswordParams)
        await mfa.turn_off(web.ctx, account.id, p.password, everything=method == "mfa")
        return Json({})

    async def backup_codes(request: Request) -> Response:
        account = await web.auth.require(request, "write:security")
        return Json(BackupCodesEntity(codes=await mfa.new_backup_codes(web.ctx, account.id)))

    table = RouteTable(policy=MFA)
    table.pleroma(
        "/accounts/mfa",
        settings,
        ["GET"],
        Doc(
            "Whether MFA, and TOTP, are on",
            None,
            MfaSettingsEntity,
            auth="required",
            scopes=("read:security",),
        ),
    )
    table.pleroma(
        "/accounts/mfa/setup/{method}",
        setup,
        ["GET"],
        Doc(
            "A new TOTP secret and its otpauth:// URI (method: totp); on once confirmed",
            None,
            TotpSetupEntity,
            auth="required",
            scopes=("write:security",),
        ),
    )
    table.pleroma(
        "/accounts/mfa/confirm/{method}",
        confirm,
        ["POST"],
        Doc(
            "Turn TOTP on with the password and a code of the new secret (method: totp); answers {}",
            ConfirmParams,
            dict[str, str],
            auth="required",
            scopes=("write:security",),
        ),
    )
    table.pleroma(
        "/accounts/mfa/backup_codes",
        backup_codes,
        ["GET"],
        Doc(
            "Five fresh one-time backup codes; the previous ones stop working",
            None,
            BackupCodesEntity,
            auth="required",
            scopes=("write:security",),
        ),
    )
    table.pleroma(
        "/accounts/mfa/{method}",
        disable,
        ["DELETE"],
        Doc(
            "Turn TOTP off (method: totp) or all of MFA, backup codes included (method: mfa); answers {}",
            PasswordParams,
            dict[str, str],
            auth="required",
            scopes=("write:security",),
        ),
    )
    return table.routes
