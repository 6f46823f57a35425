"""Drawing captcha challenges."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True, slots=True)
class CaptchaImage:
    answer: str  # what a person reads in the picture
    png: bytes


class CaptchaImages(Protocol):
    async def draw(self) -> CaptchaImage:
        """A new challenge with a random answer."""
        ...
