"""Pleroma's util endpoints for one's own account: delete, disable, email, password, notification
settings, aliases and moving. Their refusals are HTTP 200 `{"error": ...}`: Pleroma-FE reads them so."""

from __future__ import annotations

import msgspec
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute

from plerome.domain.errors import Conflict, InvalidPassword, Unprocessable
from plerome.domain.usecases import aliases, self_service

from .errors import ErrorPolicy
from .json import Json
from .routing import Doc, RouteTable
from .web import Web

SOFT = ErrorPolicy({InvalidPassword: 200, Unprocessable: 200, Conflict: 200})
SUCCESS = {"status": "success"}
# What these routes answer with 200: {"status": "success"}, or {"error": ...} for a refusal.
Outcome = dict[str, str]


class PasswordParams(msgspec.Struct):
    password: str | None = None


class ChangePasswordParams(msgspec.Struct):
    password: str
    new_password: str
    new_password_confirmation: str


class ChangeEmailParams(msgspec.Struct):
    password: str
    email: str


class MoveAccountParams(msgspec.Struct):
    password: str
    target_account: str


class NotificationSettingsParams(msgspec.Struct):
    block_from_strangers: bool | None = None
    hide_notification_contents: bool | None = None


class AliasParams(msgspec.Struct):
    alias: str


class AliasesEntity(msgspec.Struct):
    aliases: list[str]


def routes(web: Web) -> list[BaseRoute]:
    async def delete_account(request: Request) -> Response:
        account = await web.auth.require(request, "write:accounts")
        p = await web.params(request, PasswordParams)
        await self_service.request_deletion(web.ctx, account.id, p.password, wake=web.svc.wake_workers)
        return Json(SUCCESS)

    async def disable_account(request: Request) -> Response:
        account = await web.auth.require(request, "write:accounts")
        p = await web.params(request, PasswordParams)
        await self_service.disable(web.ctx, account.id, p.password)
        return Json(SUCCESS)

    async def change_password(request: Request) -> Response:
        account = await web.auth.require(request, "write:accounts")
        p = await web.params(request, ChangePasswordParams)
        await self_service.change_password(
            web.ctx, account.id, p.password, p.new_password, p.new_password_confirmation
        )
        return Json(SUCCESS)

    async def change_email(request: Request) -> Response:
        account = await web.auth.require(request, "write:accounts")
        p = await web.params(request, ChangeEmailParams)
        await self_service.change_email(web.ctx, account.id, p.password, p.email)
        return Json(SUCCESS)

    async def notification_settings(request: Request) -> Response:
        account = await web.auth.require(request, "write:accounts")
        p = await web.params(request, NotificationSettingsParams)
        await self_service.update_notification_settings(
            web.ctx, account.id, p.block_from_strangers, p.hide_notification_contents
        )
        return Json(SUCCESS)

    async def move_account(request: Request) -> Response:
        account = await web.auth.require(request, "write:accounts")
        p = await web.params(request, MoveAccountParams)
        await aliases.move_account(web.ctx, account.id, p.password, p.target_account)
        return Json(SUCCESS)

    async def list_aliases(request: Request) -> Response:
        account = await web.auth.require(request, "read:accounts")
        return Json(AliasesEntity(aliases=await aliases.list_aliases(web.ctx, account.id)))

    async def add_alias(request: Request) -> Response:
        account = await web.auth.require(request, "write:accounts")
        p = await web.params(request, AliasParams)
        await aliases.add_alias(web.ctx, account.id, p.alias)
        return Json(SUCCESS)

    async def remove_alias(request: Request) -> Response:
        account = await web.auth.require(request, "write:accounts")
        p = await web.params(request, AliasParams)
        await aliases.remove_alias(web.ctx, account.id, p.alias)
        return Json(SUCCESS)

    def doc(
        summary: str, params: type | None, response: object = Outcome, scope: str = "write:accounts"
    ) -> Doc:
        return Doc(summary, params, response, auth="required", scopes=(scope,))

    table = RouteTable(policy=SOFT)
    table.pleroma(
        "/delete_account",
        delete_account,
        ["POST"],
        doc("Delete the account: it stops working at once, its data is removed soon after", PasswordParams),
    )
    table.pleroma(
        "/disable_account",
        disable_account,
        ["POST"],
        doc("Deactivate the account (its tokens are revoked)", PasswordParams),
    )
    table.pleroma(
        "/change_password",
        change_password,
        ["POST"],
        doc("Change the password; every token of the account is revoked", ChangePasswordParams),
    )
    table.pleroma("/change_email", change_email, ["POST"], doc("Change the email address", ChangeEmailParams))
    table.pleroma(
        "/notification_settings",
        notification_settings,
        ["PUT"],
        doc("Change the notification settings given", NotificationSettingsParams),
    )
    table.pleroma(
        "/move_account",
        move_account,
        ["POST"],
        doc(
            "Move to a local account that lists this one as an alias; followers who allow it follow it",
            MoveAccountParams,
        ),
    )
    table.pleroma(
        "/aliases",
        list_aliases,
        ["GET"],
        doc("The account's aliases, as nick@host", None, AliasesEntity, "read:accounts"),
    )
    table.pleroma(
        "/aliases", add_alias, ["PUT"], doc("Add an alias (a local account's nickname)", AliasParams)
    )
    table.pleroma("/aliases", remove_alias, ["DELETE"], doc("Remove an alias", AliasParams))
    return table.routes
