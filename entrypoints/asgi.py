"""`create_app(settings)`: a Starlette app serving the Pleroma API, mountable inside another app."""

from __future__ import annotations

import os
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
from .http.dispatch import IndexedRouter
from .http.errors import http_error, internal_error
from .redaction import redact_access_log
from .services import Services
from .settings import Settings
from .workers import WorkerPool


def create_app(settings: Settings | None = None, services: Services | None = None) -> Starlette:
    svc = services or wiring.build(settings or Settings())

    @asynccontextmanager
    async def lifespan(_app: Any = None) -> AsyncIterator[None]:
        """Open the store and run the job workers. A host app that mounts plerome enters this in its
        own lifespan: `async with plerome_app.state.lifespan(): ...` (Starlette skips a mounted app's)."""
        await svc.store.open()
        try:
            pool = WorkerPool(svc)
            # Entered by hand rather than with `async with`, so an error raised by the host app
            # while plerome runs reaches it as itself, not wrapped in an ExceptionGroup.
            workers = anyio.create_task_group()
            await workers.__aenter__()
            try:
                pool.start(workers)
                yield
            finally:
                pool.stop()
                workers.cancel_scope.cancel()
                await workers.__aexit__(None, None, None)
        finally:
            await svc.store.close()

    async def on_error(request: Request, exc: Exception) -> Response:
        return internal_error(request, exc)

    app = Starlette(
        middleware=[Middleware(Cors)],
        exception_handlers={Exception: on_error, HTTPException: http_error},
    )
    app.router = IndexedRouter(routes=http.routes(svc), lifespan=lifespan)
    app.state.services = svc
    app.state.lifespan = lifespan
    return app


def app_from_env() -> Starlette:
    """The app configured by the PLEROME_* environment variables, for ASGI servers' factory option:
    `uvicorn --factory plerome.entrypoints.asgi:app_from_env --workers 4`."""
    redact_access_log()
    return create_app(Settings.from_env(os.environ))
