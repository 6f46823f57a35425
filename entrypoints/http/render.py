"""What a viewer receives: load in batch (views, account stats), then build entities with no I/O."""

from __future__ import annotations

from collections.abc import Sequence

from plerome.domain.accounts import Account
from plerome.domain.statuses import Status
from plerome.domain.usecases.account_stats import AccountStats, account_stats
from plerome.domain.usecases.status_views import StatusView, load_views

from .entities import AccountEntity, account_entity
from .status_entities import StatusEntity, status_entity
from .web import Web


def view_account_ids(views: Sequence[StatusView]) -> list[str]:
    ids = []
    for v in views:
        ids.append(v.author.id)
        if v.reblog is not None:
            ids.append(v.reblog.author.id)
    return ids


async def stats_for(web: Web, account_ids: Sequence[str], viewer: Account | None) -> dict[str, AccountStats]:
    return await account_stats(web.ctx, account_ids, viewer.id if viewer else None)


async def render_accounts(
    web: Web, viewer: Account | None, accounts: Sequence[Account], *, with_settings: bool = False
) -> list[AccountEntity]:
    stats = await stats_for(web, [a.id for a in accounts], viewer)
    return [
        account_entity(a, web.policy, viewer=viewer, stats=stats[a.id], with_settings=with_settings)
        for a in accounts
    ]


async def render_account(
    web: Web, viewer: Account | None, account: Account, *, with_settings: bool = False
) -> AccountEntity:
    return (await render_accounts(web, viewer, [account], with_settings=with_settings))[0]


async def render_statuses(web: Web, viewer: Account | None, statuses: Sequence[Status]) -> list[StatusEntity]:
    """Entities for statuses the caller has already passed through visible_statuses / visible_status."""
    viewer_id = viewer.id if viewer else None
    views = await load_views(web.ctx, viewer_id, statuses)
    stats = await stats_for(web, view_account_ids(views), viewer)
    authors: dict[str, AccountEntity] = {}
    return [status_entity(v, web.policy, viewer_id, stats, authors) for v in views]
