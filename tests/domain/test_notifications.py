"""When a notification is sent."""

from datetime import UTC, datetime

from plerome.domain.accounts import Account, NotificationSettings
from plerome.domain.notifications import should_notify
from plerome.domain.social import Relationship


def recipient(**settings):
    return Account(
        id="me",
        nickname="me",
        email=None,
        password_hash="x",
        created_at=datetime(2026, 1, 1, tzinfo=UTC),
        notification_settings=NotificationSettings(**settings),
    )


def towards(**flags):
    return Relationship(target_id="them", **flags)


def test_an_ordinary_action_notifies():
    assert should_notify(recipient(), "them", towards())


def test_nobody_is_notified_of_their_own_actions():
    assert not should_notify(recipient(), "me", towards())


def test_blocks_either_way_silence_notifications():
    assert not should_notify(recipient(), "them", towards(blocking=True))
    assert not should_notify(recipient(), "them", towards(blocked_by=True))


def test_a_mute_silences_notifications_only_when_it_says_so():
    assert not should_notify(recipient(), "them", towards(muting=True, muting_notifications=True))
    assert should_notify(recipient(), "them", towards(muting=True, muting_notifications=False))


def test_block_from_strangers_lets_only_followed_accounts_through():
    strict = recipient(block_from_strangers=True)
    assert not should_notify(strict, "them", towards())
    assert not should_notify(strict, "them", towards(followed_by=True))
    assert should_notify(strict, "them", towards(following=True))
