"""Backups: one per interval, their names, and when they go."""

import re
from datetime import UTC, datetime, timedelta

import pytest

from plerome.domain.backups import KEEP_DAYS, Backup, archive_name, check_interval, expiry_cutoff
from plerome.domain.errors import InvalidInput

NOW = datetime(2026, 3, 9, 16, 18, 3, tzinfo=UTC)


def backup(age: timedelta, state="complete") -> Backup:
    return Backup("b1", "a1", "archive.zip", NOW - age, state=state)


def test_the_first_backup_is_always_allowed():
    check_interval(None, NOW, 7)


@pytest.mark.parametrize(
    "days, text", [(7, "Last export was less than 7 days ago"), (1, "Last export was less than a day ago")]
)
def test_a_second_backup_within_the_interval_is_refused_with_pleromas_text(days, text):
    with pytest.raises(InvalidInput, match=f"^{re.escape(text)}$"):
        check_interval(backup(timedelta(days=days) - timedelta(seconds=1)), NOW, days)
    check_interval(backup(timedelta(days=days)), NOW, days)


def test_a_pending_backup_counts_and_no_interval_means_no_limit():
    with pytest.raises(InvalidInput):
        check_interval(backup(timedelta(minutes=1), state="pending"), NOW, 7)
    check_interval(backup(timedelta(0)), NOW, 0)


def test_archives_are_named_as_pleroma_names_them():
    assert archive_name("foobar", NOW, "QUhx6VYD") == "archive-foobar-20260309T161803-QUhx6VYD.zip"


def test_backups_are_kept_thirty_days():
    assert KEEP_DAYS == 30
    assert expiry_cutoff(NOW) == NOW - timedelta(days=30)


def test_a_backup_is_processed_once_complete():
    assert [backup(timedelta(0), s).processed for s in ("pending", "running", "failed", "complete")] == [
        False,
        False,
        False,
        True,
    ]
