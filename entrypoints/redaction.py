"""Keep secrets that clients put in URLs (`?access_token=…`) out of the server's access log."""

from __future__ import annotations

import logging
import re

SECRET_PARAMS = ("access_token", "refresh_token", "token", "password", "client_secret", "code", "mfa_token")
_SECRET = re.compile(r"([?&](?:" + "|".join(SECRET_PARAMS) + r")=)[^&#\s]*", re.I)
# Pleroma's email confirmation link carries its token in the path.
_PATH_SECRET = re.compile(r"(/api/account/confirm_email/[^/?#\s]+/)[^/?#\s]+")


def redact(text: str) -> str:
    return _PATH_SECRET.sub(r"\1[redacted]", _SECRET.sub(r"\1[redacted]", text))


class RedactSecrets(logging.Filter):
    """Rewrites string arguments of a record (uvicorn's access log passes the path with its query)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(redact(a) if isinstance(a, str) else a for a in record.args)
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        return True


def redact_access_log(logger_name: str = "uvicorn.access") -> None:
    """Install the filter once on the ASGI server's access logger."""
    logger = logging.getLogger(logger_name)
    if not any(isinstance(f, RedactSecrets) for f in logger.filters):
        logger.addFilter(RedactSecrets())
