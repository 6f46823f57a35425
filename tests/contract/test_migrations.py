"""Migrations: both dialects hold the same files, build the same schema, and apply once."""

from __future__ import annotations

import os
import re
from importlib.resources import files

import anyio
import pytest

from plerome.adapters.postgres import PostgresDatabase
from plerome.adapters.sql import SqlStores
from plerome.adapters.sql.migrations import load
from plerome.adapters.sqlite import SqliteDatabase
from plerome.adapters.sqlite.database import path_from_url
from plerome.domain.accounts import AccountCounts
from plerome.domain.social import Follow

from .conftest import NOW, Scene

pytestmark = pytest.mark.anyio


def migration_names(package: str) -> list[str]:
    return sorted(p.name for p in files(package).joinpath("migrations").iterdir() if p.name.endswith(".sql"))


def test_both_dialects_hold_the_same_migration_files():
    sqlite = migration_names("plerome.adapters.sqlite")
    assert sqlite == migration_names("plerome.adapters.postgres")
    assert sqlite, "the migrations must ship inside the package"


def test_migrations_are_numbered_one_after_another():
    names = migration_names("plerome.adapters.sqlite")
    assert all(re.fullmatch(r"\d{4}_[a-z0-9_]+\.sql", n) for n in names)
    assert [int(n[:4]) for n in names] == list(range(1, len(names) + 1))
    assert [m.version for m in load("plerome.adapters.sqlite")] == [n[:-4] for n in names]


async def sqlite_schema(db: SqliteDatabase) -> dict[str, object]:
    tables = [
        r["name"]
        for r in await db.fetch_all(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
        )
    ]
    columns = {}
    for table in tables:
        rows = await db.fetch_all(f"SELECT name FROM pragma_table_info('{table}') ORDER BY cid")
        columns[table] = [r["name"] for r in rows]
    # Indexes written out by the migrations (SQLite's automatic ones back primary keys).
    indexes = [
        r["name"]
        for r in await db.fetch_all(
            "SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL ORDER BY name"
        )
    ]
    return {"tables": tables, "columns": columns, "indexes": indexes}


async def postgres_schema(db: PostgresDatabase) -> dict[str, object]:
    tables = [
        r["table_name"]
        for r in await db.fetch_all(
            "SELECT table_name FROM information_schema.tables"
            " WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name"
        )
    ]
    columns = {}
    for table in tables:
        rows = await db.fetch_all(
            "SELECT column_name FROM information_schema.columns"
            " WHERE table_schema = current_schema() AND table_name = ? ORDER BY ordinal_position",
            table,
        )
        columns[table] = [r["column_name"] for r in rows]
    indexes = [
        r["relname"]
        for r in await db.fetch_all(
            "SELECT c.relname FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid"
            " WHERE c.relnamespace = current_schema()::regnamespace AND NOT i.indisprimary ORDER BY c.relname"
        )
    ]
    return {"tables": tables, "columns": columns, "indexes": indexes}


async def test_migrating_twice_applies_nothing_the_second_time_on_sqlite(tmp_path):
    db = SqliteDatabase(str(tmp_path / "m.sqlite3"), auto_migrate=False)
    try:
        every = [m.version for m in load("plerome.adapters.sqlite")]
        assert await db.migrate() == every
        assert await db.migrate() == []
        recorded = await db.fetch_all("SELECT version FROM schema_migrations ORDER BY version")
        assert [r["version"] for r in recorded] == every
    finally:
        await db.close()


async def test_sqlite_migrates_on_first_use_when_asked(tmp_path):
    db = SqliteDatabase(str(tmp_path / "nested" / "dir" / "auto.sqlite3"))
    try:
        assert (await db.fetch_one("SELECT count(*) AS n FROM accounts"))["n"] == 0
        assert await db.migrate() == []
    finally:
        await db.close()


async def test_migrating_twice_applies_nothing_the_second_time_on_postgres(fresh_postgres_url):
    db = PostgresDatabase(fresh_postgres_url, pool_size=2, auto_migrate=False)
    try:
        every = [m.version for m in load("plerome.adapters.postgres")]
        assert await db.migrate() == every
        assert await db.migrate() == []
        recorded = await db.fetch_all("SELECT version FROM schema_migrations ORDER BY version")
        assert [r["version"] for r in recorded] == every
    finally:
        await db.close()


async def test_workers_starting_together_migrate_postgres_once(fresh_postgres_url):
    dbs = [PostgresDatabase(fresh_postgres_url, pool_size=1, auto_migrate=False) for _ in range(3)]
    applied: list[list[str]] = []

    async def migrate(db: PostgresDatabase) -> None:
        applied.append(await db.migrate())

    try:
        async with anyio.create_task_group() as tg:
            for db in dbs:
                tg.start_soon(migrate, db)
    finally:
        for db in dbs:
            await db.close()
    every = [m.version for m in load("plerome.adapters.postgres")]
    assert sorted(v for versions in applied for v in versions) == sorted(every)


async def test_sqlite_and_postgres_build_the_same_schema(tmp_path, fresh_postgres_url):
    lite = SqliteDatabase(str(tmp_path / "schema.sqlite3"), auto_migrate=False)
    pg = PostgresDatabase(fresh_postgres_url, pool_size=1, auto_migrate=False)
    try:
        await lite.migrate()
        await pg.migrate()
        lite_schema, pg_schema = await sqlite_schema(lite), await postgres_schema(pg)
    finally:
        await lite.close()
        await pg.close()
    assert lite_schema == pg_schema
    assert {"accounts", "apps", "oauth_tokens", "auth_codes", "jobs", "schema_migrations"} <= set(
        lite_schema["tables"]  # type: ignore[arg-type]
    )


def test_sqlite_urls_name_a_path_relative_to_the_working_directory():
    assert path_from_url("sqlite:///data/plerome.sqlite3") == os.path.join(
        os.getcwd(), "data/plerome.sqlite3"
    )
    assert path_from_url("sqlite:////var/lib/plerome.sqlite3") == "/var/lib/plerome.sqlite3"
    assert path_from_url("sqlite:///:memory:") == ":memory:"
    for bad in ("sqlite://", "sqlite:///", "sqlite://host/x.db", "postgres://x"):
        with pytest.raises(ValueError):
            path_from_url(bad)


async def test_from_url_creates_the_parent_directory(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    db = SqliteDatabase.from_url("sqlite:///deep/er/plerome.sqlite3", readers=1)
    try:
        await db.open()
        assert (tmp_path / "deep" / "er" / "plerome.sqlite3").exists()
        assert db.pool_stats().size == 2
    finally:
        await db.close()


async def test_an_in_memory_sqlite_database_works_with_no_readers():
    db = SqliteDatabase.from_url("sqlite:///:memory:", readers=3)
    try:
        await db.execute(
            "INSERT INTO jobs (id, kind, payload, state, max_attempts, run_at, created_at)"
            " VALUES ('j', 'k', '{}', 'queued', 1, 0, 0)"
        )
        assert (await db.fetch_one("SELECT count(*) AS n FROM jobs"))["n"] == 1
        assert db.pool_stats().size == 1
    finally:
        await db.close()


async def test_the_account_counts_migration_counts_what_is_already_there(tmp_path, make):
    db = SqliteDatabase(str(tmp_path / "upgrade.sqlite3"), auto_migrate=False)
    try:
        await db.migrate()
        scene = Scene(SqlStores(db), make)
        alice, bob = await scene.account("alice"), await scene.account("bob")
        first = await scene.status(alice)
        await scene.status(alice, visibility="unlisted")
        await scene.status(alice, visibility="private")
        await scene.status(bob, reblog_of=first)
        stores = SqlStores(db)
        await stores.social.follow(Follow("f1", bob, alice, "accepted", True, NOW))
        await stores.social.follow(Follow("f2", alice, bob, "pending", True, NOW))
        # the database as it was before 0008
        triggers = await db.fetch_all("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        for name in [t["name"] for t in triggers if t["name"].endswith("counted")]:
            await db.execute(f"DROP TRIGGER {name}")
        await db.execute("DROP TABLE account_counts")
        await db.execute("DELETE FROM schema_migrations WHERE version LIKE '0008%'")
        assert [v[:4] for v in await db.migrate()] == ["0008"]
        assert await stores.accounts.counts([alice, bob]) == {
            alice: AccountCounts(statuses=2, followers=1, following=0, follow_requests=0),
            bob: AccountCounts(statuses=0, followers=0, following=1, follow_requests=1),
        }
    finally:
        await db.close()
