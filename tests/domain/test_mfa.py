"""MFA rules: how the settings change, the provisioning URI, code formats."""

from datetime import UTC, datetime

import pytest

from plerome.domain.accounts import MfaSettings
from plerome.domain.mfa import (
    backup_code,
    begin_totp_setup,
    confirm_totp,
    disable_all,
    disable_totp,
    is_backup_code_form,
    normalise_code,
    provisioning_uri,
    summary,
    supported_challenge_types,
    totp_step,
    with_backup_codes,
    without_backup_code,
)

ON = MfaSettings(enabled=True, totp_secret="OLD", totp_confirmed=True, backup_codes=("h1", "h2"))


def test_a_new_account_has_mfa_off():
    assert summary(MfaSettings()) == (False, False)
    assert supported_challenge_types(MfaSettings()) == ""


def test_setting_up_totp_turns_nothing_on_until_it_is_confirmed():
    pending = begin_totp_setup(MfaSettings(), "NEW")
    assert summary(pending) == (False, False)
    assert pending.totp_secret is None and pending.pending_totp_secret == "NEW"
    confirmed = confirm_totp(pending)
    assert summary(confirmed) == (True, True)
    assert confirmed.totp_secret == "NEW" and confirmed.pending_totp_secret is None
    assert supported_challenge_types(confirmed) == "totp"


def test_a_new_setup_leaves_the_confirmed_secret_working_until_it_is_confirmed():
    pending = begin_totp_setup(ON, "NEW")
    assert pending.totp_secret == "OLD" and summary(pending) == (True, True)
    assert confirm_totp(pending).totp_secret == "NEW"
    assert confirm_totp(pending).backup_codes == ("h1", "h2")


def test_confirming_without_a_setup_is_a_programming_error():
    with pytest.raises(ValueError):
        confirm_totp(ON)


def test_turning_totp_off_turns_mfa_off_and_keeps_the_backup_codes():
    off = disable_totp(begin_totp_setup(ON, "NEW"))
    assert summary(off) == (False, False)
    assert off.totp_secret is None and off.pending_totp_secret is None
    assert off.backup_codes == ("h1", "h2")


def test_turning_all_off_forgets_everything():
    assert disable_all() == MfaSettings()


def test_backup_codes_are_replaced_and_removed_one_by_one():
    fresh = with_backup_codes(ON, ("a", "b", "c"))
    assert fresh.backup_codes == ("a", "b", "c")
    assert without_backup_code(fresh, "b").backup_codes == ("a", "c")
    assert without_backup_code(fresh, "zzz").backup_codes == ("a", "b", "c")


def test_the_provisioning_uri_names_the_email_and_the_instance():
    uri = provisioning_uri("JBSWY3DPEHPK3PXP", "alice@example.test", "My Instance")
    assert uri == (
        "otpauth://totp/alice@example.test?digits=6&issuer=My%20Instance&period=30&secret=JBSWY3DPEHPK3PXP"
    )
    assert provisioning_uri("S", "", "x").startswith("otpauth://totp/?digits=6")


def test_a_backup_code_is_sixteen_lowercase_hex_digits():
    codes = {backup_code(f"seed-{n}") for n in range(50)}
    assert len(codes) == 50
    assert all(len(c) == 16 and is_backup_code_form(c) for c in codes)
    assert not is_backup_code_form("ABCDEF0123456789") and not is_backup_code_form("123")


def test_codes_are_compared_as_typed_without_spaces_dashes_or_case():
    assert normalise_code(" 123 456 ") == "123456"
    assert normalise_code("ABCD-EF01 2345-6789") == "abcdef0123456789"


def test_steps_are_thirty_seconds_long():
    assert totp_step(datetime(1970, 1, 1, 0, 0, 59, tzinfo=UTC)) == 1
    assert totp_step(datetime(1970, 1, 1, 0, 1, 0, tzinfo=UTC)) == 2
