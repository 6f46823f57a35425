"""Which audience a reblog reaches."""

from datetime import UTC, datetime

import pytest

from plerome.domain.errors import InvalidInput
from plerome.domain.statuses import Status, reblog_visibility


def status(visibility: str) -> Status:
    return Status("s", "a", datetime(2026, 1, 1, tzinfo=UTC), visibility, "hi", "text/plain", "hi")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("original", "asked", "reblog"),
    [
        ("public", None, "public"),
        ("unlisted", None, "unlisted"),
        ("private", None, "private"),
        ("public", "unlisted", "unlisted"),
        ("unlisted", "public", "public"),
        ("public", "private", "private"),
        ("public", "direct", "private"),
    ],
)
def test_a_reblog_follows_what_was_asked_or_else_the_original(original, asked, reblog):
    assert reblog_visibility(status(original), asked) == reblog


def test_an_unknown_visibility_is_refused():
    with pytest.raises(InvalidInput):
        reblog_visibility(status("public"), "everyone")
