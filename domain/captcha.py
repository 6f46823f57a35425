"""The native captcha: a challenge is answered once, before it expires.

Pleroma-FE reads a captcha failure from a JSON document serialised into the `error` string
(`{"captcha": ["Invalid CAPTCHA"]}`), so the messages here are wrapped the same way.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta

from .errors import InvalidInput

SECONDS_VALID = 300
ANSWER_LENGTH = 5
FIELDS = ("captcha_solution", "captcha_token", "captcha_answer_data")


@dataclass(frozen=True, slots=True)
class CaptchaChallenge:
    """A challenge as stored: hashes of its token, of its answer and of the answer data."""

    token_hash: str
    answer_hash: str
    answer_data_hash: str
    created_at: datetime
    valid_until: datetime

    def is_valid(self, now: datetime) -> bool:
        return now < self.valid_until


class CaptchaRefused(InvalidInput):
    def __init__(self, reason: str) -> None:
        super().__init__(json.dumps({"captcha": [reason]}, separators=(",", ":")))
        self.reason = reason


def missing_field(name: str) -> CaptchaRefused:
    return CaptchaRefused(f"Invalid CAPTCHA (Missing parameter: {name})")


INVALID = "Invalid CAPTCHA"
EXPIRED = "CAPTCHA expired"
ALREADY_USED = "CAPTCHA already used"
INVALID_ANSWER_DATA = "Invalid answer data"


def lifetime() -> timedelta:
    return timedelta(seconds=SECONDS_VALID)


def normalise_answer(answer: str) -> str:
    """What is compared: the characters typed, spaces dropped, case ignored."""
    return "".join(answer.split()).lower()
