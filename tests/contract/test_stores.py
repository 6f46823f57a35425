"""The Stores contract on every store: transactions, ping, pool stats; and SQLite under concurrent writes."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

import anyio
import pytest

from plerome.adapters.sql import SqlStores
from plerome.adapters.sqlite import SqliteDatabase
from plerome.domain.errors import Conflict
from plerome.ports.repositories import PoolStats

pytestmark = pytest.mark.anyio


class Boom(Exception):
    pass


async def test_a_transaction_commits_everything_at_the_end(stores, make):
    account, app = make.account(), make.app()
    async with stores.transaction() as tx:
        await tx.accounts.add(account)
        await tx.apps.add(app)
        token = await tx.tokens.add(make.token(app, account))
        assert await tx.accounts.get(account.id) == account  # sees its own writes
        assert await tx.tokens.lookup(token.token_hash) == (token, account)
    assert await stores.tokens.lookup(token.token_hash) == (token, account)


async def test_a_raising_transaction_leaves_nothing_half_written(stores, make):
    existing = make.account(nickname="existing")
    await stores.accounts.add(existing)
    account, app, job = make.account(), make.app(), make.job()
    with pytest.raises(Boom):
        async with stores.transaction() as tx:
            await tx.accounts.add(account)
            await tx.apps.add(app)
            token = await tx.tokens.add(make.token(app, account))
            await tx.auth_codes.add(make.code(app, account))
            await tx.jobs.enqueue(job)
            await tx.accounts.update(dataclasses.replace(existing, display_name="changed"))
            assert await tx.accounts.delete(existing.id) is True
            raise Boom()
    assert await stores.accounts.get(account.id) is None
    assert await stores.accounts.get(existing.id) == existing
    assert await stores.apps.get(app.id) is None
    assert await stores.tokens.lookup(token.token_hash) is None
    assert await stores.jobs.get(job.id) is None
    assert await stores.accounts.count_local() == 1


async def test_a_domain_error_rolls_the_transaction_back(stores, make):
    alice = make.account(nickname="alice")
    await stores.accounts.add(alice)
    newcomer = make.account()
    with pytest.raises(Conflict):
        async with stores.transaction() as tx:
            await tx.accounts.add(newcomer)
            await tx.accounts.add(make.account(nickname="Alice"))
    assert await stores.accounts.get(newcomer.id) is None


async def test_a_nested_transaction_is_the_same_transaction(stores, make):
    account = make.account()
    with pytest.raises(Boom):
        async with stores.transaction() as tx:
            async with tx.transaction() as inner:
                assert inner is tx
                await inner.accounts.add(account)
            assert await tx.accounts.get(account.id) == account
            raise Boom()
    assert await stores.accounts.get(account.id) is None


async def test_the_store_can_be_used_after_a_rollback(stores, make):
    with pytest.raises(Boom):
        async with stores.transaction() as tx:
            await tx.accounts.add(make.account())
            raise Boom()
    account = make.account()
    async with stores.transaction() as tx:
        await tx.accounts.add(account)
    assert await stores.accounts.get(account.id) == account


async def test_a_cancelled_transaction_is_rolled_back(stores, make):
    account = make.account()
    started = anyio.Event()

    async def writer() -> None:
        async with stores.transaction() as tx:
            await tx.accounts.add(account)
            started.set()
            await anyio.sleep_forever()

    async with anyio.create_task_group() as tg:
        tg.start_soon(writer)
        await started.wait()
        tg.cancel_scope.cancel()
    assert await stores.accounts.get(account.id) is None
    await stores.accounts.add(account)
    assert await stores.accounts.get(account.id) == account


async def test_ping_answers_and_pool_stats_add_up(stores):
    await stores.ping()
    stats = stores.pool_stats()
    assert isinstance(stats, PoolStats)
    assert stats.size >= 1
    assert stats.active + stats.idle == stats.size
    assert 0 <= stats.active <= stats.size


async def test_fifty_concurrent_writers_all_land(stores, make):
    accounts = [make.account() for _ in range(50)]
    app = make.app()
    await stores.apps.add(app)
    seen: list[int] = []

    async def write(i: int) -> None:
        if i % 2:
            await stores.accounts.add(accounts[i])
        else:
            async with stores.transaction() as tx:
                await tx.accounts.add(accounts[i])
                await tx.tokens.add(make.token(app, accounts[i]))
                await tx.jobs.enqueue(make.job(run_at=make.now + timedelta(seconds=i)))
        seen.append(await stores.accounts.count_local())

    async with anyio.create_task_group() as tg:
        for i in range(50):
            tg.start_soon(write, i)
    assert await stores.accounts.count_local() == 50
    assert (await stores.jobs.stats()).queued == 25
    for account in accounts[::2]:
        assert len(await stores.tokens.for_account(account.id)) == 1
    assert len(seen) == 50


async def test_two_sqlite_databases_on_one_file_wait_for_each_other(tmp_path, make):
    """Two server processes sharing a SQLite file: writes queue on SQLite's lock (busy_timeout)."""
    path = str(tmp_path / "shared.sqlite3")
    first, second = SqliteDatabase(path), SqliteDatabase(path)
    try:
        await first.open()
        one, two = SqlStores(first), SqlStores(second)
        accounts = [make.account() for _ in range(20)]

        async def write(i: int) -> None:
            async with (one if i % 2 else two).transaction() as tx:
                await tx.accounts.add(accounts[i])

        async with anyio.create_task_group() as tg:
            for i in range(20):
                tg.start_soon(write, i)
        assert await one.accounts.count_local() == await two.accounts.count_local() == 20
    finally:
        await first.close()
        await second.close()
