"""Backups: ask for one, list them, and download a finished one (its owner only)."""

from __future__ import annotations

import msgspec
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.routing import BaseRoute

from plerome.domain.backups import CONTENT_TYPE, Backup
from plerome.domain.usecases.backups import list_backups, open_backup, request_backup

from .json import Json, iso
from .routing import Doc, RouteTable
from .web import Web

SCOPE = "read:backups"  # Pleroma asks for it to make a backup too


class BackupEntity(msgspec.Struct):
    id: str
    content_type: str
    file_size: int  # bytes; 0 until processed
    inserted_at: str
    processed: bool
    state: str  # pending, running, complete or failed
    processed_number: int  # items written so far
    url: str  # downloads the zip, to its owner only


def download_path(backup: Backup) -> str:
    return f"/api/v1/pleroma/backups/{backup.file_name}"


def routes(web: Web) -> list[BaseRoute]:
    def entities(backups: list[Backup]) -> list[BackupEntity]:
        return [
            BackupEntity(
                id=b.id,
                content_type=CONTENT_TYPE,
                file_size=b.file_size,
                inserted_at=iso(b.inserted_at),
                processed=b.processed,
                state=b.state,
                processed_number=b.processed_number,
                url=web.svc.base_url + download_path(b),
            )
            for b in backups
        ]

    async def index(request: Request) -> Response:
        viewer = await web.auth.require(request, SCOPE)
        return Json(entities(await list_backups(web.ctx, viewer)))

    async def create(request: Request) -> Response:
        viewer = await web.auth.require(request, SCOPE)
        interval = web.svc.settings.backup_interval_days
        return Json(entities(await request_backup(web.ctx, viewer, interval, wake=web.svc.wake_workers)))

    async def download(request: Request) -> Response:
        viewer = await web.auth.require(request, SCOPE)
        name = request.path_params["name"]
        opened = await open_backup(web.ctx, viewer, name)
        headers = {
            "content-length": str(opened.size),
            "content-disposition": f'attachment; filename="{name}"',
            "cache-control": "private, no-store",
            "x-content-type-options": "nosniff",
        }
        if request.method == "HEAD":
            return Response(b"", headers=headers, media_type=CONTENT_TYPE)
        return StreamingResponse(opened.chunks, headers=headers, media_type=CONTENT_TYPE)

    table = RouteTable()
    table.pleroma(
        "/backups",
        index,
        ["GET"],
        Doc("The logged-in account's backups, newest first", None, list[BackupEntity], "required", (SCOPE,)),
    )
    table.pleroma(
        "/backups",
        create,
        ["POST"],
        Doc(
            "Ask for a backup (a zip of the account's profile, statuses, likes, bookmarks and follows),"
            " made by a background job; answers every backup of the account, the new one first."
            " One per PLEROME_BACKUP_INTERVAL_DAYS",
            None,
            list[BackupEntity],
            "required",
            (SCOPE,),
        ),
    )
    table.pleroma(
        "/backups/{name}",
        download,
        ["GET"],
        Doc(
            "A finished backup's zip, to its owner",
            None,
            None,
            "required",
            (SCOPE,),
            content_type=CONTENT_TYPE,
        ),
    )
    return table.routes
