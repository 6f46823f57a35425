"""Rules for account names, emails and settings."""

from datetime import UTC, datetime

import pytest

from plerome.domain.accounts import (
    Account,
    login_refusal,
    merge_settings,
    nickname_key,
    validate_email,
    validate_nickname,
)
from plerome.domain.errors import InvalidInput


def account(**kw):
    return Account(
        id="1", nickname="alice", email=None, password_hash="x", created_at=datetime.now(UTC), **kw
    )


@pytest.mark.parametrize("name", ["alice", "Alice_2", "a-b", "0"])
def test_local_nicknames_are_letters_digits_underscore_and_dash(name):
    assert validate_nickname(name) == name


@pytest.mark.parametrize("name", ["", "al ice", "alice@host", "ali.ce", "ålice", "a" * 65, "../x"])
def test_anything_else_is_not_a_nickname(name):
    with pytest.raises(InvalidInput):
        validate_nickname(name)


def test_nicknames_compare_without_case():
    assert nickname_key("Alice") == nickname_key("aLICE")


def test_emails_need_a_local_part_and_a_dotted_domain():
    assert validate_email(" a@b.example ") == "a@b.example"
    for bad in ("a", "a@b", "@b.example", "a b@c.example"):
        with pytest.raises(InvalidInput):
            validate_email(bad)


def test_settings_merge_recursively_and_null_removes_a_key():
    old = {"theme": "dark", "nested": {"keep": 1, "drop": 2}, "gone": True}
    patch = {"gone": None, "nested": {"drop": None, "new": 3}, "added": [1]}
    assert merge_settings(old, patch) == {"theme": "dark", "nested": {"keep": 1, "new": 3}, "added": [1]}
    assert old["nested"] == {"keep": 1, "drop": 2}  # the old value is not changed in place


def test_nulls_inside_a_new_object_are_dropped_too():
    assert merge_settings({}, {"a": {"b": None, "c": 1}}) == {"a": {"c": 1}}


def test_disabled_and_unconfirmed_accounts_may_not_log_in():
    assert login_refusal(account()) is None
    assert login_refusal(account(is_active=False)) == (
        "Your account is currently disabled",
        "account_is_disabled",
    )
    assert login_refusal(account(is_confirmed=False))[1] == "missing_confirmed_email"
