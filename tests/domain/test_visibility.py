"""Who may see a status."""

from datetime import UTC, datetime

import pytest

from plerome.domain.social import Relationship
from plerome.domain.statuses import Status
from plerome.domain.visibility import can_see, hidden_from_lists

AUTHOR, READER = "author", "reader"


def status(visibility, mentioned=()):
    return Status(
        id="s1",
        account_id=AUTHOR,
        created_at=datetime(2026, 1, 1, tzinfo=UTC),
        visibility=visibility,
        source="hi",
        content_type="text/plain",
        content="<p>hi</p>",
        mentioned_ids=tuple(mentioned),
    )


def rel(**flags):
    return Relationship(target_id=AUTHOR, **flags)


@pytest.mark.parametrize("visibility", ["public", "unlisted"])
def test_public_and_unlisted_statuses_are_seen_by_anyone_even_anonymous(visibility):
    assert can_see(status(visibility), None, None)
    assert can_see(status(visibility), READER, rel())


def test_private_statuses_reach_followers_and_mentioned_accounts_only():
    assert can_see(status("private"), READER, rel(following=True))
    assert can_see(status("private", mentioned=[READER]), READER, rel())
    assert not can_see(status("private"), READER, rel())
    assert not can_see(status("private"), READER, rel(requested=True))
    assert not can_see(status("private"), None, None)


def test_direct_statuses_reach_only_the_mentioned_even_among_followers():
    assert can_see(status("direct", mentioned=[READER]), READER, rel())
    assert not can_see(status("direct"), READER, rel(following=True))
    assert not can_see(status("direct"), None, None)


def test_authors_always_see_their_own():
    for visibility in ("public", "unlisted", "private", "direct"):
        assert can_see(status(visibility), AUTHOR, None)


def test_nobody_sees_the_statuses_of_someone_who_blocks_them():
    assert not can_see(status("public"), READER, rel(blocked_by=True))
    assert not can_see(status("direct", mentioned=[READER]), READER, rel(blocked_by=True))


def test_blocking_or_muting_the_author_keeps_a_status_out_of_lists_only():
    assert can_see(status("public"), READER, rel(blocking=True))
    assert hidden_from_lists(status("public"), rel(blocking=True))
    assert hidden_from_lists(status("public"), rel(muting=True))
    assert not hidden_from_lists(status("public"), rel(following=True))
    assert not hidden_from_lists(status("public"), None)
