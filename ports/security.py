"""Storage for logging in safely: counted failures, pending second factors, used codes, captcha
challenges and email confirmations. Each write that decides something is one atomic statement, so
several server processes sharing a database agree."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Protocol

from plerome.domain.captcha import CaptchaChallenge
from plerome.domain.mfa import MfaToken
from plerome.domain.throttle import Attempts


class AttemptCounts(Protocol):
    async def get(self, key: str) -> Attempts | None: ...

    async def hit(self, key: str, now: datetime, window: timedelta) -> Attempts:
        """Count one more under `key`: in the current window, or in a new one opened at `now` when
        the last has ended (or there is none)."""
        ...

    async def clear(self, key: str) -> None: ...


class MfaTokens(Protocol):
    async def add(self, token: MfaToken) -> None: ...  # also forgets tokens expired before its creation
    async def get(self, token_hash: str) -> MfaToken | None: ...
    async def delete(self, token_hash: str) -> bool: ...  # False: already gone (used by someone else)


class MfaUses(Protocol):
    """What a second factor has already been used for."""

    async def claim_step(self, account_id: str, step: int) -> bool:
        """Record a login with the TOTP code of `step`; False when that step or a later one already
        logged this account in."""
        ...

    async def claim_backup_code(self, account_id: str, code_hash: str) -> bool:
        """Record the use of a backup code; False when it was used already."""
        ...

    async def forget_backup_codes(self, account_id: str) -> None: ...


class Captchas(Protocol):
    async def add(self, challenge: CaptchaChallenge) -> None: ...  # also forgets long-expired ones

    async def take(self, token_hash: str) -> CaptchaChallenge | None:
        """The challenge, marked used; None when it is unknown or was used before."""
        ...

    async def known(self, token_hash: str) -> bool: ...  # issued (used or not), not yet forgotten


class EmailConfirmations(Protocol):
    async def put(self, account_id: str, token_hash: str, now: datetime) -> None: ...  # replaces
    async def take(self, account_id: str, token_hash: str) -> bool: ...  # True: it matched; now gone
