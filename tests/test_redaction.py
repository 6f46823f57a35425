"""Secrets that clients put in URLs never reach the access log."""

import logging

from plerome.entrypoints.redaction import RedactSecrets, redact, redact_access_log


def test_secret_query_parameters_are_redacted_and_others_kept():
    assert (
        redact("/api/v1/accounts/verify_credentials?access_token=abc123&limit=5")
        == "/api/v1/accounts/verify_credentials?access_token=[redacted]&limit=5"
    )
    assert (
        redact("/oauth/authorize?client_id=x&code=SECRET") == "/oauth/authorize?client_id=x&code=[redacted]"
    )
    assert redact("/api/v1/timelines/public?local=true") == "/api/v1/timelines/public?local=true"


def test_the_token_of_a_confirmation_link_is_redacted():
    assert (
        redact("/api/account/confirm_email/9abc/Zm9v-YmFy_baz?x=1")
        == "/api/account/confirm_email/9abc/[redacted]?x=1"
    )


def test_an_access_log_record_is_rewritten_before_it_is_written(caplog):
    redact_access_log("plerome.test.access")
    redact_access_log("plerome.test.access")  # installing twice adds one filter
    logger = logging.getLogger("plerome.test.access")
    assert sum(isinstance(f, RedactSecrets) for f in logger.filters) == 1
    with caplog.at_level(logging.INFO, logger="plerome.test.access"):
        logger.info('%s - "%s %s HTTP/%s" %d', "127.0.0.1:5", "GET", "/x?access_token=tok-XYZ", "1.1", 200)
    assert "tok-XYZ" not in caplog.text
    assert "access_token=[redacted]" in caplog.text
