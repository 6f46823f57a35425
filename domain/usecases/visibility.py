"""Reading statuses as a given viewer: every status a use case returns passes through here."""

from __future__ import annotations

from collections.abc import Sequence

from plerome.domain.errors import NotFound
from plerome.domain.social import Relationship
from plerome.domain.statuses import Status
from plerome.domain.visibility import can_see, hidden_from_lists

from .context import Context


async def visible_status(ctx: Context, viewer_id: str | None, status_id: str) -> Status:
    """The status if the viewer may see it; otherwise NotFound, exactly as for an unknown id, so that
    existence does not leak. For a reblog, the reblogged status must be visible too."""
    status = await ctx.stores.statuses.get(status_id)
    if status is None:
        raise NotFound()
    shown = await visible_statuses(ctx, viewer_id, [status], for_list=False)
    if not shown:
        raise NotFound()
    return shown[0]


async def visible_statuses(
    ctx: Context, viewer_id: str | None, statuses: Sequence[Status], *, for_list: bool = True
) -> list[Status]:
    """Those of `statuses` the viewer may see, in the same order. Lists (`for_list`) also drop the
    statuses of accounts the viewer blocks or mutes. Reblogs are judged with what they reblog."""
    inner_ids = [s.reblog_of_id for s in statuses if s.reblog_of_id]
    inner = await ctx.stores.statuses.get_many(inner_ids) if inner_ids else {}
    # The viewer's own statuses need no relationship: can_see passes them first.
    authors = {s.account_id for s in statuses} | {s.account_id for s in inner.values()}
    authors.discard(viewer_id or "")
    relations: dict[str, Relationship] = {}
    if viewer_id is not None and authors:
        relations = await ctx.stores.social.relationships(viewer_id, sorted(authors), ctx.clock.now())

    def ok(status: Status) -> bool:
        towards = relations.get(status.account_id)
        if not can_see(status, viewer_id, towards):
            return False
        return not (for_list and viewer_id != status.account_id and hidden_from_lists(status, towards))

    shown = []
    for status in statuses:
        if not ok(status):
            continue
        if status.reblog_of_id is not None:
            original = inner.get(status.reblog_of_id)
            if original is None or not ok(original):
                continue
        shown.append(status)
    return shown


async def relationship_map(
    ctx: Context, viewer_id: str | None, target_ids: Sequence[str]
) -> dict[str, Relationship]:
    if viewer_id is None or not target_ids:
        return {}
    return await ctx.stores.social.relationships(viewer_id, list(dict.fromkeys(target_ids)), ctx.clock.now())
