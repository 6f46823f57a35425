"""`create_app(settings)`: a Starlette app serving the Pleroma API, mountable inside another app."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import anyio
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response

from . import http, wiring
from .http.cors import Cors
from .http.errors import http_error, internal_error
from .services import Services
from .settings import Settings
from .workers import WorkerPool


def create_app(settings: Settings | None = None, services: Services | None = None) -> Starlette:
    svc = services or wiring.build(settings or Settings())

    @asynccontextmanager
    async def lifespan(_app: Any = None) -> AsyncIterator[None]:
        await svc.store.open()
        try:
            async with anyio.create_task_group() as tg:
                WorkerPool(svc).start(tg)
                yield
                tg.cancel_scope.cancel()
        finally:
            await svc.store.close()

    async def on_error(request: Request, exc: Exception) -> Response:
        return internal_error(request, exc)

    app = Starlette(
        routes=http.routes(svc),
        lifespan=lifespan,
        middleware=[Middleware(Cors)],
        exception_handlers={Exception: on_error, HTTPException: http_error},
    )
    app.state.services = svc
    app.state.lifespan = lifespan
    return app
