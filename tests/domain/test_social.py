"""Rules of the social graph: who may follow or subscribe, follow options, mute expiry, search terms."""

import re
from datetime import UTC, datetime, timedelta

import pytest

from plerome.domain.accounts import Account
from plerome.domain.errors import Forbidden, InvalidInput
from plerome.domain.social import (
    MUTE_SECONDS_MAX,
    Follow,
    Mute,
    Relationship,
    check_can_follow,
    check_can_subscribe,
    initial_follow_state,
    mute_expires_at,
    new_follow,
    not_yourself,
    refollow,
    search_prefix,
)

NOW = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)


def exactly(text: str) -> str:
    return f"^{re.escape(text)}$"


def account(nickname="bob", **kw):
    return Account(
        id=f"id-{nickname}", nickname=nickname, email=None, password_hash="x", created_at=NOW, **kw
    )


def test_nobody_follows_themselves():
    me = account("me")
    with pytest.raises(InvalidInput, match=exactly("Can not follow yourself")):
        check_can_follow(me.id, me, Relationship(target_id=me.id))


def test_nobody_follows_someone_who_blocks_them():
    with pytest.raises(Forbidden, match=exactly("Could not follow user: bob blocked you.")):
        check_can_follow("me", account(), Relationship(target_id="id-bob", blocked_by=True))


def test_nobody_follows_someone_they_block():
    with pytest.raises(Forbidden, match=exactly("Could not follow user: you are blocking bob.")):
        check_can_follow("me", account(), Relationship(target_id="id-bob", blocking=True))


def test_anyone_else_may_be_followed_even_while_muted():
    check_can_follow("me", account(), Relationship(target_id="id-bob", muting=True, followed_by=True))


def test_subscribing_is_refused_only_by_a_block_from_the_target():
    with pytest.raises(Forbidden, match=exactly("Could not subscribe: bob is blocking you")):
        check_can_subscribe(account(), Relationship(target_id="id-bob", blocked_by=True))
    check_can_subscribe(account(), Relationship(target_id="id-bob", blocking=True))
    me = account("me")
    check_can_subscribe(me, Relationship(target_id=me.id))  # yourself: allowed, as in Pleroma


def test_acting_on_yourself_names_the_verb():
    with pytest.raises(InvalidInput, match=exactly("Can not mute yourself")):
        not_yourself("a", "a", "mute")
    not_yourself("a", "b", "mute")


def test_a_locked_account_gets_a_request_and_an_open_one_a_follower():
    assert initial_follow_state(True) == "pending"
    assert new_follow("f1", "me", account(locked=True), None, NOW).state == "pending"
    made = new_follow("f1", "me", account(), None, NOW)
    assert made == Follow("f1", "me", "id-bob", "accepted", True, NOW)


def test_a_new_follow_takes_the_reblogs_option_given():
    assert new_follow("f1", "me", account(), False, NOW).show_reblogs is False


def test_following_again_changes_only_the_options_given():
    existing = Follow("f1", "me", "id-bob", "pending", False, NOW)
    assert refollow(existing, None) is existing
    assert refollow(existing, False) is existing
    changed = refollow(existing, True)
    assert changed == Follow("f1", "me", "id-bob", "pending", True, NOW)


def test_a_mute_lasts_for_good_unless_given_positive_seconds():
    assert mute_expires_at(NOW, None) is None
    assert mute_expires_at(NOW, 0) is None
    assert mute_expires_at(NOW, -5) is None
    assert mute_expires_at(NOW, 90) == NOW + timedelta(seconds=90)
    assert mute_expires_at(NOW, MUTE_SECONDS_MAX) is not None


def test_a_mute_for_more_than_a_century_is_refused_not_overflowed():
    with pytest.raises(InvalidInput):
        mute_expires_at(NOW, MUTE_SECONDS_MAX + 1)
    with pytest.raises(InvalidInput):
        mute_expires_at(NOW, 10**30)


def test_a_mute_is_over_at_its_expiry_time():
    mute = Mute("m1", "me", "them", True, NOW, expires_at=NOW + timedelta(seconds=1))
    assert mute.active(NOW)
    assert not mute.active(NOW + timedelta(seconds=1))
    assert Mute("m2", "me", "them", True, NOW).active(NOW + timedelta(days=10_000))


@pytest.mark.parametrize(
    ("query", "prefix"),
    [
        ("alice", "alice"),
        ("  @Alice ", "Alice"),
        ("alice@social.example", "alice"),
        ("@alice@SOCIAL.example", "alice"),
        ("Zoë ✨", "Zoë ✨"),
        ("alice@elsewhere.example", None),
        ("", None),
        ("   ", None),
        ("@", None),
        ("@social.example", "social.example"),
        ("@@social.example", None),
    ],
)
def test_search_terms_are_local_nicknames_or_names(query, prefix):
    assert search_prefix(query, "social.example") == prefix
