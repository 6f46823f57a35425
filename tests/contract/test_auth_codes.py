"""The AuthCodes contract, on every store: a code is taken once."""

from __future__ import annotations

import anyio
import pytest

pytestmark = pytest.mark.anyio


async def app_and_account(stores, make):
    account, app = make.account(), make.app()
    await stores.accounts.add(account)
    await stores.apps.add(app)
    return app, account


async def test_a_code_is_taken_once(stores, make):
    app, account = await app_and_account(stores, make)
    code = make.code(app, account, scopes=("read", "write:follows"), redirect_uri="app://cb?x=1")
    await stores.auth_codes.add(code)
    assert await stores.auth_codes.take(code.code_hash) == code
    assert await stores.auth_codes.take(code.code_hash) is None


async def test_an_unknown_code_is_none_and_others_stay(stores, make):
    app, account = await app_and_account(stores, make)
    code = make.code(app, account)
    await stores.auth_codes.add(code)
    assert await stores.auth_codes.take("unknown") is None
    assert await stores.auth_codes.take(code.code_hash) == code


async def test_concurrent_takers_get_the_code_once(stores, make):
    app, account = await app_and_account(stores, make)
    code = make.code(app, account)
    await stores.auth_codes.add(code)
    results = []

    async def take() -> None:
        results.append(await stores.auth_codes.take(code.code_hash))

    async with anyio.create_task_group() as tg:
        for _ in range(8):
            tg.start_soon(take)
    assert [r for r in results if r is not None] == [code]
    assert len(results) == 8
