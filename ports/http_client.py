"""Outgoing HTTP: fetching from other servers, with the caller's size limit."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True, slots=True)
class Fetched:
    url: str  # after redirects
    status: int
    content_type: str
    body: bytes


class FetchFailed(Exception):
    """Nothing usable came back: unreachable, timed out, refused by us, or too large."""

    def __init__(self, message: str, *, refused: bool = False, too_large: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.refused = refused  # our own rule said no (a private or loopback address, a bad URL)
        self.too_large = too_large


class HttpClient(Protocol):
    async def get(self, url: str, *, max_bytes: int, accept: str = "application/json") -> Fetched:
        """GET `url`, following redirects; FetchFailed when no answer came or it passed `max_bytes`.
        Any status is an answer: the caller decides what a 404 means."""
        ...
