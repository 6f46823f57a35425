"""A page of a list, and the ids its Link header pages by."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Listed(Generic[T]):
    """`items` to show, and `ids`: the page's own ids, newest first (of the statuses, marks or wrappers
    the page was read by), which the next and previous pages start from even when some items were
    left out."""

    items: list[T]
    ids: list[str]
