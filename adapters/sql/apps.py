"""OAuth apps in SQL."""

from __future__ import annotations

from plerome.domain.errors import Conflict
from plerome.domain.oauth import App

from .database import Executor, Row, UniqueViolation, from_micros, to_micros

_SELECT = (
    "SELECT id, name, client_id, client_secret, redirect_uris, scopes, website, created_at, owner_id"
    " FROM apps"
)


def app_from_row(r: Row) -> App:
    return App(
        id=r["id"],
        name=r["name"],
        client_id=r["client_id"],
        client_secret=r["client_secret"],
        redirect_uris=tuple(r["redirect_uris"].split("\n")),
        scopes=tuple(r["scopes"].split()),
        website=r["website"],
        created_at=from_micros(r["created_at"]),
        owner_id=r["owner_id"],
    )


class SqlApps:
    def __init__(self, db: Executor) -> None:
        self._db = db

    async def add(self, app: App) -> None:
        try:
            await self._insert(app)
        except UniqueViolation:
            raise Conflict("App already exists.") from None

    async def _insert(self, app: App) -> None:
        await self._db.execute(
            "INSERT INTO apps (id, name, client_id, client_secret, redirect_uris, scopes, website,"
            " created_at, owner_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            app.id,
            app.name,
            app.client_id,
            app.client_secret,
            "\n".join(app.redirect_uris),
            " ".join(app.scopes),
            app.website,
            to_micros(app.created_at),
            app.owner_id,
        )

    async def get(self, app_id: str) -> App | None:
        row = await self._db.fetch_one(_SELECT + " WHERE id = ?", app_id)
        return app_from_row(row) if row else None

    async def by_client_id(self, client_id: str) -> App | None:
        row = await self._db.fetch_one(_SELECT + " WHERE client_id = ?", client_id)
        return app_from_row(row) if row else None

    async def by_name_and_owner(self, name: str, owner_id: str) -> App | None:
        row = await self._db.fetch_one(
            _SELECT + " WHERE owner_id = ? AND name = ? ORDER BY created_at, id LIMIT 1", owner_id, name
        )
        return app_from_row(row) if row else None
