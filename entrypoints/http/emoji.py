"""Custom emoji: the emoji lists, emoji packs and their files, sharing packs between instances, and the
image files themselves at `/emoji/<pack>/<file>`. Pack routes answer under /api/v1/pleroma and
/api/pleroma alike; every write needs an admin with `admin:write`."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Annotated, Any
from urllib.parse import quote, urlsplit

import msgspec
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute

from plerome.domain import emoji_packs as rules
from plerome.domain.emoji_packs import CustomEmoji
from plerome.domain.errors import InvalidInput
from plerome.domain.usecases import emoji_packs as packs
from plerome.domain.usecases.emoji_packs import PackPage, Upload

from ..services import Services
from .errors import ErrorPolicy
from .json import Json
from .params import is_upload
from .routing import Doc, RouteTable
from .web import Web

SHAREABLE_EMOJI_PACKS = "shareable_emoji_packs"
ADMIN = "admin:write"
Page = Annotated[int, msgspec.Meta(ge=1)]
# A remote that fails answers 502; a remote that refuses, or bad input, 400 (Pleroma answers 500 to all).
POLICY = ErrorPolicy({rules.RemoteFailed: 502})
FILE_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "default-src 'none'; sandbox",
    "Cache-Control": "public, max-age=3600",
}


def nodeinfo_features(svc: Services) -> list[str]:
    """What this module adds to nodeinfo's `metadata.features`: packs can be shared when the archive
    route is served, i.e. when the app has emoji packs."""
    return [SHAREABLE_EMOJI_PACKS] if svc.ctx.emoji is not None else []


# --- parameters ----------------------------------------------------------------------------------------


class PacksQuery(msgspec.Struct):
    page: Page = 1
    page_size: Page = 50


class PackQuery(msgspec.Struct):
    name: str
    page: Page = 1
    page_size: Page = 30


class NameQuery(msgspec.Struct):
    name: str


class MetadataBody(msgspec.Struct):
    name: str
    metadata: dict[str, Any]


class RemoteQuery(msgspec.Struct):
    url: str
    page: Page = 1
    page_size: Page = 50


class DownloadBody(msgspec.Struct):
    url: str
    name: str
    as_: str | None = msgspec.field(default=None, name="as")


class AddFileBody(msgspec.Struct):
    name: str
    file: Any  # a multipart upload, or the URL of an image or a zip
    shortcode: str | None = None
    filename: str | None = None


class RenameFileBody(msgspec.Struct):
    name: str
    shortcode: str
    new_shortcode: str
    new_filename: str
    force: bool = False


class DeleteFileQuery(msgspec.Struct):
    name: str
    shortcode: str


# --- entities ------------------------------------------------------------------------------------------


class PackEntity(msgspec.Struct):
    files: dict[str, str]
    files_count: int
    pack: dict[str, Any]


class PackListEntity(msgspec.Struct):
    packs: dict[str, PackEntity]
    count: int


class EmojiEntity(msgspec.Struct):
    image_url: str
    tags: list[str]


class CustomEmojiEntity(msgspec.Struct):
    shortcode: str
    url: str
    static_url: str
    visible_in_picker: bool
    category: str


def pack_entity(page: PackPage) -> PackEntity:
    return PackEntity(
        files=dict(page.files),
        files_count=len(page.pack.files),
        pack=rules.pack_view(page.pack, page.sha256),
    )


def _attachment(filename: str) -> str:
    plain = filename.encode("ascii", "replace").decode().replace('"', "_").replace("?", "_")
    return f"attachment; filename=\"{plain}\"; filename*=UTF-8''{quote(filename, safe='')}"


# --- routes --------------------------------------------------------------------------------------------


def routes(web: Web) -> list[BaseRoute]:
    if web.ctx.emoji is None:
        return []
    ctx = web.ctx
    base_url = web.svc.base_url
    base_path = urlsplit(base_url).path.rstrip("/")

    # The two emoji lists, encoded once per catalogue (this app's own: the closure lives per app).
    encoded: dict[str, tuple[object, bytes]] = {}

    async def cached(kind: str, build: Callable[[Mapping[str, CustomEmoji]], object]) -> Response:
        emoji = await packs.custom_emoji(ctx)
        hit = encoded.get(kind)
        if hit is None or hit[0] is not emoji:
            hit = (emoji, msgspec.json.encode(build(emoji)))
            encoded[kind] = hit
        return Response(hit[1], media_type="application/json")

    def pleroma_list(emoji: Mapping[str, CustomEmoji]) -> dict[str, EmojiEntity]:
        return {
            sc: EmojiEntity(image_url=base_path + e.path, tags=[f"pack:{e.pack}"]) for sc, e in emoji.items()
        }

    def mastodon_list(emoji: Mapping[str, CustomEmoji]) -> list[CustomEmojiEntity]:
        return [
            CustomEmojiEntity(
                shortcode=sc,
                url=base_url + e.path,
                static_url=base_url + e.path,
                visible_in_picker=True,
                category=f"pack:{e.pack}",
            )
            for sc, e in emoji.items()
        ]

    async def emoji_list(request: Request) -> Response:
        return await cached("pleroma", pleroma_list)

    async def custom_emojis(request: Request) -> Response:
        return await cached("mastodon", mastodon_list)

    async def serve_file(request: Request) -> Response:
        pack, path = request.path_params["pack"], request.path_params["path"]
        data = await packs.emoji_file(ctx, pack, path)
        mime = rules.image_type(data) or "application/octet-stream"
        return Response(data, media_type=mime, headers=FILE_HEADERS)

    async def list_packs(request: Request) -> Response:
        q = await web.params(request, PacksQuery)
        page, count = await packs.list_packs(ctx, q.page, q.page_size)
        return Json(PackListEntity(packs={p.pack.name: pack_entity(p) for p in page}, count=count))

    async def show_pack(request: Request) -> Response:
        q = await web.params(request, PackQuery)
        return Json(pack_entity(await packs.show_pack(ctx, q.name, q.page, q.page_size)))

    async def create_pack(request: Request) -> Response:
        await web.auth.admin(request, ADMIN)
        q = await web.params(request, NameQuery)
        await packs.create_pack(ctx, q.name)
        return Json("ok")

    async def update_pack(request: Request) -> Response:
        await web.auth.admin(request, ADMIN)
        b = await web.params(request, MetadataBody)
        return Json(await packs.update_metadata(ctx, b.name, b.metadata))

    async def delete_pack(request: Request) -> Response:
        await web.auth.admin(request, ADMIN)
        q = await web.params(request, NameQuery)
        await packs.delete_pack(ctx, q.name)
        return Json("ok")

    async def archive(request: Request) -> Response:
        q = await web.params(request, NameQuery)
        data = await packs.pack_archive(ctx, q.name)
        name = q.name.strip()
        return Response(
            data,
            media_type="application/zip",
            headers={"Content-Disposition": _attachment(f"{name}.zip")},
        )

    async def import_packs(request: Request) -> Response:
        await web.auth.admin(request, ADMIN)
        return Json(await packs.import_packs(ctx))

    async def remote(request: Request) -> Response:
        await web.auth.admin(request, ADMIN)
        q = await web.params(request, RemoteQuery)
        return Json(await packs.remote_packs(ctx, q.url, q.page, q.page_size))

    async def download(request: Request) -> Response:
        await web.auth.admin(request, ADMIN)
        b = await web.params(request, DownloadBody)
        started = await packs.start_download(ctx, b.url, b.name, b.as_)
        if not web.svc.has_workers:  # another process' workers will run the job
            return Json("queued", status_code=202)
        web.svc.wake_workers()
        if await packs.await_download(ctx, started):
            return Json("ok")
        return Json("queued", status_code=202)  # still running: the pack appears when the job ends

    async def add_file(request: Request) -> Response:
        try:
            await web.auth.admin(request, ADMIN)
            b = await web.params(request, AddFileBody)
            source: Upload | str
            if is_upload(b.file):
                source = Upload(b.file.filename or "", await b.file.read())
            elif isinstance(b.file, str):
                source = b.file
            else:
                raise InvalidInput("Invalid value for file: expected an uploaded file or a URL")
        finally:
            await request.close()  # the multipart form's spooled files
        return Json(await packs.add_file(ctx, b.name, source, b.shortcode, b.filename))

    async def rename_file(request: Request) -> Response:
        await web.auth.admin(request, ADMIN)
        b = await web.params(request, RenameFileBody)
        files = await packs.rename_file(ctx, b.name, b.shortcode, b.new_shortcode, b.new_filename, b.force)
        return Json(files)

    async def delete_file(request: Request) -> Response:
        await web.auth.admin(request, ADMIN)
        q = await web.params(request, DeleteFileQuery)
        return Json(await packs.delete_file(ctx, q.name, q.shortcode))

    def admin(summary: str, params: type | None, response: Any) -> Doc:
        return Doc(summary, params, response, auth="admin", scopes=(ADMIN,), tags=("Emoji packs",))

    def public(
        summary: str, params: type | None, response: Any, content_type: str = "application/json"
    ) -> Doc:
        return Doc(summary, params, response, content_type=content_type, tags=("Emoji packs",))

    files_map = dict[str, str]
    table = RouteTable(policy=POLICY)
    table.pleroma("/emoji", emoji_list, ["GET"], public("Every custom emoji", None, dict[str, EmojiEntity]))
    table.add(
        "/api/v1/custom_emojis",
        custom_emojis,
        ["GET"],
        Doc("Every custom emoji (Mastodon)", None, list[CustomEmojiEntity], tags=("Emoji packs",)),
    )
    table.pleroma("/emoji/packs", list_packs, ["GET"], public("A page of packs", PacksQuery, PackListEntity))
    table.pleroma(
        "/emoji/pack", show_pack, ["GET"], public("A pack, one page of its files", PackQuery, PackEntity)
    )
    table.pleroma("/emoji/pack", create_pack, ["POST"], admin("Create an empty pack", NameQuery, str))
    table.pleroma(
        "/emoji/pack",
        update_pack,
        ["PATCH"],
        admin("Replace a pack's metadata", MetadataBody, dict[str, Any]),
    )
    table.pleroma("/emoji/pack", delete_pack, ["DELETE"], admin("Delete a pack", NameQuery, str))
    table.pleroma(
        "/emoji/packs/archive",
        archive,
        ["GET"],
        public("A shared pack as a zip", NameQuery, bytes, content_type="application/zip"),
    )
    table.pleroma(
        "/emoji/packs/import",
        import_packs,
        ["GET"],
        admin("Import packs from the directory", None, list[str]),
    )
    table.pleroma(
        "/emoji/packs/remote", remote, ["GET"], admin("Another instance's packs", RemoteQuery, dict[str, Any])
    )
    table.pleroma(
        "/emoji/packs/download",
        download,
        ["POST"],
        admin("Download a pack from another instance", DownloadBody, str),
    )
    table.pleroma(
        "/emoji/packs/files", add_file, ["POST"], admin("Add an emoji or a zip", AddFileBody, files_map)
    )
    table.pleroma(
        "/emoji/packs/files", rename_file, ["PATCH"], admin("Rename an emoji", RenameFileBody, files_map)
    )
    table.pleroma(
        "/emoji/packs/files", delete_file, ["DELETE"], admin("Delete an emoji", DeleteFileQuery, files_map)
    )
    table.add(
        "/emoji/{pack}/{path:path}",
        serve_file,
        ["GET"],
        Doc("A custom emoji image", None, bytes, content_type="image/*", tags=("Emoji packs",)),
    )
    return table.routes
