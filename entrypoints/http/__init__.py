"""The HTTP surface: every resource module's routes, bound to one app's services."""

from __future__ import annotations

from starlette.routing import BaseRoute

from ..services import Services
from . import accounts, apps, emoji, oauth
from .auth import Auth
from .web import Web


def routes(svc: Services) -> list[BaseRoute]:
    web = Web(svc=svc, auth=Auth(svc.ctx, svc.secret_key, svc.settings.upload_limit))
    table: list[BaseRoute] = []
    for module in (apps, oauth, accounts, emoji):
        table += module.routes(web)
    return table
