"""A Starlette Router that tries only the routes a path could match.

Starlette's Router tries its routes in order, one regular expression each. With the ~200 routes of
the API (every Pleroma path under two prefixes) that scan cost a status GET about 200 µs, more than
the rest of the request. Here routes are indexed by the literal segments their path starts with
(up to `DEPTH`); a request tries, in the original order, only the routes whose literal start it
shares. What answers is unchanged: the first full match wins, a path match with the wrong method
answers 405, and a path that matches nothing falls back to Starlette's own handling (slash
redirects, 404).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from starlette._utils import get_route_path
from starlette.routing import BaseRoute, Match, Router
from starlette.types import Receive, Scope, Send

DEPTH = 4


@dataclass
class _Node:
    children: dict[str, _Node] = field(default_factory=dict)
    own: list[tuple[int, BaseRoute]] = field(default_factory=list)
    candidates: list[BaseRoute] = field(default_factory=list)


def literal_start(path: str) -> list[str]:
    """The segments a route's path starts with before its first parameter, at most DEPTH of them."""
    out: list[str] = []
    for segment in path.split("/")[1:]:
        if "{" in segment or len(out) == DEPTH:
            break
        out.append(segment)
    return out


def _index(routes: Sequence[BaseRoute]) -> _Node:
    root = _Node()
    for position, route in enumerate(routes):
        path = getattr(route, "path", None)
        node = root
        for segment in literal_start(path) if isinstance(path, str) else []:
            node = node.children.setdefault(segment, _Node())
        node.own.append((position, route))

    def settle(node: _Node, inherited: list[tuple[int, BaseRoute]]) -> None:
        mine = sorted([*inherited, *node.own], key=lambda item: item[0])
        node.candidates = [route for _, route in mine]
        for child in node.children.values():
            settle(child, mine)

    settle(root, [])
    return root


class IndexedRouter(Router):
    _root: _Node | None = None
    _indexed: tuple[BaseRoute, ...] = ()

    def _candidates(self, path: str) -> list[BaseRoute]:
        # Rebuilt when routes are added after construction (Router.add_route, mount).
        if self._root is None or len(self._indexed) != len(self.routes):
            self._root, self._indexed = _index(self.routes), tuple(self.routes)
        node: _Node = self._root
        for segment in path.split("/")[1 : DEPTH + 1]:
            child = node.children.get(segment)
            if child is None:
                break
            node = child
        return node.candidates

    async def app(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await super().app(scope, receive, send)
            return
        if "router" not in scope:
            scope["router"] = self
        partial = None
        for route in self._candidates(get_route_path(scope)):
            match, child_scope = route.matches(scope)
            if match is Match.FULL:
                scope["route"] = route
                scope.update(child_scope)
                await route.handle(scope, receive, send)
                return
            if match is Match.PARTIAL and partial is None:
                partial, partial_scope = route, child_scope
        if partial is not None:
            scope["route"] = partial
            scope.update(partial_scope)
            await partial.handle(scope, receive, send)
            return
        await super().app(scope, receive, send)  # nothing here: Starlette's redirects and 404
