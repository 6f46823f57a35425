"""The Apps contract, on every store."""

from __future__ import annotations

import dataclasses

import pytest

from plerome.domain.errors import Conflict

pytestmark = pytest.mark.anyio


async def test_an_added_app_comes_back_whole(stores, make):
    app = make.app(
        name="Tusky ✨",
        redirect_uris=("https://a.example/cb", "urn:ietf:wg:oauth:2.0:oob", "app://x?y=z"),
        scopes=("read", "write:statuses", "follow", "push", "admin:read"),
        website="https://tusky.example",
        created_at=make.now.replace(microsecond=654321),
    )
    await stores.apps.add(app)
    assert await stores.apps.get(app.id) == app
    assert await stores.apps.by_client_id(app.client_id) == app


async def test_unknown_apps_are_none(stores, make):
    await stores.apps.add(make.app())
    assert await stores.apps.get("nope") is None
    assert await stores.apps.by_client_id("nope") is None
    assert await stores.apps.by_name_and_owner("app", "nobody") is None


async def test_by_name_and_owner_finds_only_that_owners_app(stores, make):
    alice, bob = make.account(), make.account()
    await stores.accounts.add(alice)
    await stores.accounts.add(bob)
    ownerless = make.app(name="plerome-cli")
    alices = make.app(name="plerome-cli", owner_id=alice.id)
    bobs_other = make.app(name="other", owner_id=bob.id)
    for app in (ownerless, alices, bobs_other):
        await stores.apps.add(app)
    assert await stores.apps.by_name_and_owner("plerome-cli", alice.id) == alices
    assert await stores.apps.by_name_and_owner("plerome-cli", bob.id) is None
    assert await stores.apps.by_name_and_owner("other", bob.id) == bobs_other


async def test_a_client_id_is_unique(stores, make):
    app = make.app()
    await stores.apps.add(app)
    with pytest.raises(Conflict):
        await stores.apps.add(dataclasses.replace(make.app(), client_id=app.client_id))
    with pytest.raises(Conflict):
        await stores.apps.add(dataclasses.replace(app, client_id="fresh"))
    assert await stores.apps.get(app.id) == app
