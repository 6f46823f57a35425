"""follow_import, blocks_import and mutes_import: the list is read at once and imported by a job."""

from __future__ import annotations

from typing import Any

import msgspec
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute

from plerome.domain.errors import InvalidInput, TooLarge
from plerome.domain.imports import ImportKind
from plerome.domain.usecases.imports import start_import

from .json import Json
from .routing import Doc, Endpoint, RouteTable
from .web import Web

ANSWER = "job started"


class ImportParams(msgspec.Struct):
    """`list`: the text itself, or an uploaded file holding it (handles, actor URLs or a Mastodon CSV)."""

    list: Any


async def list_text(value: Any, limit: int) -> str:
    if isinstance(value, UploadFile):
        if value.size is not None and value.size > limit:
            raise TooLarge("File is too large")
        data = await value.read()
        try:
            return data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise InvalidInput("Invalid value for list: the file is not UTF-8 text") from None
    if isinstance(value, str):
        return value
    raise InvalidInput("Invalid value for list: expected a string or a file")


# kind → (path, scopes any of which will do, what it does)
IMPORTS: dict[ImportKind, tuple[str, tuple[str, ...], str]] = {
    "follow": ("/follow_import", ("follow", "write:follows"), "Follow every account of a list"),
    "block": ("/blocks_import", ("follow", "write:blocks"), "Block every account of a list"),
    "mute": ("/mutes_import", ("follow", "write:mutes"), "Mute every account of a list"),
}


def routes(web: Web) -> list[BaseRoute]:
    limit = web.svc.settings.upload_limit

    def importing(kind: ImportKind, scopes: tuple[str, ...]) -> Endpoint:
        async def run(request: Request) -> Response:
            viewer = await web.auth.require(request, *scopes)
            p = await web.params(request, ImportParams)
            text = await list_text(p.list, limit)
            await start_import(web.ctx, viewer, kind, text, wake=web.svc.wake_workers)
            return Json(ANSWER)

        return run

    table = RouteTable()
    for kind, (path, scopes, summary) in IMPORTS.items():
        table.pleroma(
            path,
            importing(kind, scopes),
            ["POST"],
            Doc(
                f"{summary} (whitespace-separated handles, actor URLs or a Mastodon CSV export), in a"
                ' background job; answers "job started" at once, and accounts that cannot be found or'
                " acted on are skipped",
                ImportParams,
                str,
                auth="required",
                scopes=scopes,
            ),
        )
    return table.routes
