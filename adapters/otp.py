"""TOTP with pyotp: 6 digits, 30-second steps, SHA-1 (what every authenticator app speaks)."""

from __future__ import annotations

import binascii
import hmac
from datetime import datetime

import pyotp

from plerome.domain.mfa import TOTP_DIGITS, TOTP_PERIOD, totp_step

SKEW = 1  # steps accepted either side of the current one


class PyotpOtp:
    def new_secret(self) -> str:
        # 160 bits, the size RFC 4226 recommends; 32 Base32 characters, no padding.
        return pyotp.random_base32(32)

    def matching_step(self, secret: str, code: str, now: datetime) -> int | None:
        if len(code) != TOTP_DIGITS or not (code.isascii() and code.isdigit()):
            return None
        try:
            totp = pyotp.TOTP(secret, digits=TOTP_DIGITS, interval=TOTP_PERIOD)
            current = totp_step(now)
            candidates = [(current + d, totp.generate_otp(current + d)) for d in range(-SKEW, SKEW + 1)]
        except (binascii.Error, ValueError):  # a secret that is not Base32
            return None
        found = None
        for step, expected in candidates:  # every candidate compared, in constant time
            if hmac.compare_digest(expected, code) and found is None:
                found = step
        return found
