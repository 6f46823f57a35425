from datetime import UTC, datetime, timedelta

from plerome.domain.jobs import Job, next_after_failure, retry_delay


def job(attempts, max_attempts=5):
    now = datetime(2026, 1, 1, tzinfo=UTC)
    return Job("1", "k", {}, "running", attempts, max_attempts, now, now)


def test_back_off_doubles_and_is_capped_at_ten_minutes():
    assert [retry_delay(n).total_seconds() for n in (1, 2, 3)] == [2, 4, 8]
    assert retry_delay(20) == timedelta(minutes=10)


def test_a_failed_job_is_retried_until_its_attempts_are_used_up():
    now = datetime(2026, 1, 1, tzinfo=UTC)
    assert next_after_failure(job(1), now) == now + timedelta(seconds=2)
    assert next_after_failure(job(5), now) is None
