"""The `plerome` command: serve, migrate, manage users, mint tokens.

Settings come only from the environment (`Settings.from_env`), adapters only through `wiring.build`.
Every failure ends with a non-zero exit and one line on stderr, never a traceback.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import NoReturn

from plerome.domain.accounts import Account
from plerome.domain.errors import DomainError
from plerome.domain.usecases.accounts import (
    AdminChange,
    administer_account,
    create_account,
    delete_account,
    require_account,
)
from plerome.domain.usecases.oauth import cli_token

from . import wiring
from .redaction import redact_access_log
from .services import Services
from .settings import Settings

DEFAULT_SCOPES = "read write follow push"


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        # argparse prints the whole usage block; one line, with a pointer to --help, is enough.
        self.exit(2, f"{self.prog}: {message} (see {self.prog} --help)\n")


def _parser() -> argparse.ArgumentParser:
    p = _Parser(prog="plerome", description="The Pleroma API as a small, embeddable ASGI service.")
    commands = p.add_subparsers(dest="command", required=True, metavar="COMMAND", parser_class=_Parser)

    serve = commands.add_parser("serve", help="migrate the database if needed, then serve HTTP")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    serve.add_argument("--port", type=int, default=4000, help="port to listen on (default 4000)")

    commands.add_parser("migrate", help="bring the database to the newest schema (idempotent)")

    user = commands.add_parser("user", help="create, change or delete a local account")
    user_commands = user.add_subparsers(dest="user_command", required=True, metavar="ACTION")
    new = user_commands.add_parser("new", help="create a local, confirmed account and print its id")
    new.add_argument("nickname")
    new.add_argument("email")
    new.add_argument("--password", required=True)
    new.add_argument("--admin", action="store_true", help="give the account the admin right")

    change = user_commands.add_parser("set", help="change an account")
    change.add_argument("nickname")
    change.add_argument("--admin", action=argparse.BooleanOptionalAction, default=None)
    change.add_argument("--password")
    change.add_argument("--no-mfa", action="store_true", help="turn two-factor authentication off")
    change.add_argument("--confirm", action="store_true", help="mark the email as confirmed")
    active = change.add_mutually_exclusive_group()
    active.add_argument("--activate", dest="active", action="store_const", const=True, default=None)
    active.add_argument("--deactivate", dest="active", action="store_const", const=False)

    delete = user_commands.add_parser("delete", help="delete an account and its data")
    delete.add_argument("nickname")

    token = commands.add_parser("token", help="print a fresh OAuth access token for a user")
    token.add_argument("nickname")
    token.add_argument("--scopes", default=DEFAULT_SCOPES, help=f'default "{DEFAULT_SCOPES}"')
    return p


def _describe(account: Account) -> str:
    flags = [
        "admin" if account.is_admin else "not admin",
        "active" if account.is_active else "deactivated",
        "confirmed" if account.is_confirmed else "unconfirmed",
        "mfa on" if account.mfa.enabled else "mfa off",
    ]
    return f"{account.nickname} ({account.id}): {', '.join(flags)}"


async def _with_store(
    svc: Services, work: Callable[[], Awaitable[str | None]], *, open_first: bool = True
) -> str | None:
    try:
        if open_first:  # opening may migrate by itself (Settings.auto_migrate): not before `migrate`
            await svc.store.open()
        return await work()
    finally:
        await svc.store.close()


async def _migrate(svc: Services) -> str:
    applied = await svc.store.migrate()
    if not applied:
        return "The database schema is up to date."
    return "\n".join(f"applied {name}" for name in applied)


async def _run(args: argparse.Namespace, svc: Services) -> str | None:
    """Run one command; returns what it prints."""
    ctx = svc.ctx
    if args.command == "migrate":
        return await _migrate(svc)
    if args.command == "token":
        account = await require_account(ctx, args.nickname)
        return (await cli_token(ctx, account, args.scopes)).access_token
    if args.user_command == "new":
        account = await create_account(
            ctx, args.nickname, args.email, args.password, is_admin=args.admin, is_confirmed=True
        )
        return account.id
    if args.user_command == "set":
        change = AdminChange(
            is_admin=args.admin,
            password=args.password,
            disable_mfa=args.no_mfa,
            confirm=args.confirm,
            is_active=args.active,
        )
        return _describe(await administer_account(ctx, args.nickname, change))
    account = await require_account(ctx, args.nickname)
    await delete_account(ctx, account.id)
    return f"deleted {account.nickname} ({account.id})"


def _serve(settings: Settings, host: str, port: int) -> None:
    import uvicorn

    from .asgi import create_app

    migration = wiring.build(settings)
    print(asyncio.run(_with_store(migration, lambda: _migrate(migration), open_first=False)), flush=True)
    redact_access_log()
    uvicorn.run(
        create_app(settings),
        host=host,
        port=port,
        loop="uvloop",
        http="httptools",
        proxy_headers=False,
        lifespan="on",
    )


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    if isinstance(exc, DomainError | ValueError) and text:
        return text
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def main(
    argv: Sequence[str] | None = None,
    env: Mapping[str, str] | None = None,
    *,
    settings: Settings | None = None,
    services: Services | None = None,
) -> int:
    """Run the command in `argv` (default: sys.argv) with settings from `env` (default: os.environ).

    `settings` replaces the environment; `services` runs the command against an app's already built
    services (tests, embedding hosts). Returns the exit status.
    """
    try:
        args = _parser().parse_args(argv)
    except SystemExit as stop:  # --help, or a usage error already reported on one line
        return stop.code if isinstance(stop.code, int) else 1
    try:
        if services is not None:
            settings = services.settings
        elif settings is None:
            settings = Settings.from_env(os.environ if env is None else env)
        if args.command == "serve":
            _serve(settings, args.host, args.port)
            return 0
        svc = services or wiring.build(settings)
        output = asyncio.run(_with_store(svc, lambda: _run(args, svc), open_first=args.command != "migrate"))
    except KeyboardInterrupt:
        return 130
    except Exception as exc:
        print(f"plerome: {_one_line(exc)}", file=sys.stderr)
        return 1
    if output:
        print(output)
    return 0
