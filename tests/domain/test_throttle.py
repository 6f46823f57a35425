"""Counting failures: a window opens at the first, and past the limit the next attempt waits."""

from datetime import UTC, datetime, timedelta

from plerome.domain.throttle import WINDOW, Attempts, account_key, address_key, mfa_key, retry_after

NOW = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)


def test_no_failures_never_wait():
    assert retry_after(None, NOW, 10) is None


def test_fewer_failures_than_the_limit_do_not_wait():
    assert retry_after(Attempts("k", 9, NOW), NOW, 10) is None


def test_at_the_limit_the_wait_lasts_until_the_window_ends():
    started = NOW - timedelta(minutes=5)
    assert retry_after(Attempts("k", 10, started), NOW, 10) == 600
    assert retry_after(Attempts("k", 10, started), NOW + timedelta(seconds=599.2), 10) == 1


def test_an_ended_window_counts_nothing():
    old = Attempts("k", 50, NOW - WINDOW)
    assert old.current(NOW) == 0
    assert retry_after(old, NOW, 10) is None


def test_each_kind_of_attempt_has_its_own_key():
    keys = {account_key("1"), mfa_key("1"), address_key("1")}
    assert len(keys) == 3
