"""Statuses as a viewer receives them: load the views in batch, then build entities with no I/O."""

from __future__ import annotations

from collections.abc import Sequence

from plerome.domain.statuses import Status
from plerome.domain.usecases.status_views import load_views

from .status_entities import StatusEntity, status_entity
from .web import Web


async def render_statuses(web: Web, viewer_id: str | None, statuses: Sequence[Status]) -> list[StatusEntity]:
    """Entities for statuses the caller has already passed through visible_statuses / visible_status."""
    views = await load_views(web.ctx, viewer_id, statuses)
    return [status_entity(v, web.policy, viewer_id) for v in views]
