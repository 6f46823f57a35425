"""Page parameters in, `Link` header out: one way for every list endpoint."""

from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import urlencode

import msgspec
from starlette.requests import Request

from plerome.domain.pagination import Page, make_page

_ID_PARAMS = ("max_id", "since_id", "min_id")


class PageParams(msgspec.Struct):
    """Mixed into a route's params Struct (or used alone) for paginated lists."""

    max_id: str | None = None
    since_id: str | None = None
    min_id: str | None = None
    limit: int | None = None


def page_of(p: PageParams, *, default: int = 20, maximum: int = 40) -> Page:
    return make_page(p.max_id, p.since_id, p.min_id, p.limit, default=default, maximum=maximum)


def link_header(request: Request, base_url: str, ids: Sequence[str]) -> dict[str, str]:
    """`Link: <…?max_id=LAST>; rel="next", <…?min_id=FIRST>; rel="prev"` for a page whose items carry
    `ids` (newest first); the other query parameters are kept. No header for an empty page."""
    if not ids:
        return {}
    kept = [(k, v) for k, v in request.query_params.multi_items() if k not in _ID_PARAMS]
    root = request.scope.get("root_path", "")
    path = request.url.path
    if root and path.startswith(root):
        path = path[len(root) :]
    url = base_url + path

    def with_(key: str, value: str) -> str:
        return f"{url}?{urlencode([*kept, (key, value)])}"

    return {"Link": f'<{with_("max_id", ids[-1])}>; rel="next", <{with_("min_id", ids[0])}>; rel="prev"'}
