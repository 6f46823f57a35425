"""The HTTP surface: every resource module's routes, bound to one app's services."""

from __future__ import annotations

from starlette.routing import BaseRoute, Mount

from ..services import Services
from . import (
    account_favourites,
    accounts,
    app_settings,
    apps,
    backups,
    captcha,
    confirmation,
    conversations,
    emoji,
    health,
    imports,
    instance,
    mascot,
    media,
    media_uploads,
    mfa,
    notifications,
    oauth,
    openapi,
    profile_images,
    reactions,
    registration,
    scrobbles,
    search,
    self_service,
    sessions,
    social,
    statuses,
    timelines,
)
from .auth import Auth
from .web import Web


def _specificity(route: BaseRoute) -> tuple[int, ...]:
    """Fixed path segments before parameters, segment by segment: `/api/v1/accounts/relationships`
    is tried before `/api/v1/accounts/{id}`, whichever module registers which. A Mount comes after
    every route under its prefix."""
    path = getattr(route, "path", "")
    key = tuple(1 if "{" in segment else 0 for segment in path.split("/"))
    return (*key, 2) if isinstance(route, Mount) else key


def routes(svc: Services) -> list[BaseRoute]:
    web = Web(svc=svc, auth=Auth(svc.ctx, svc.secret_key, svc.settings.upload_limit))
    table: list[BaseRoute] = []
    for module in (
        apps,
        oauth,
        accounts,
        registration,
        search,
        social,
        instance,
        health,
        media,
        emoji,
        notifications,
        mfa,
        self_service,
        sessions,
        app_settings,
        captcha,
        confirmation,
        imports,
        account_favourites,
        scrobbles,
        profile_images,
        backups,
        reactions,
        conversations,
        openapi,
        statuses,
        timelines,
        media_uploads,
        mascot,
    ):
        table += module.routes(web)
    return sorted(table, key=_specificity)  # stable: otherwise registration order
