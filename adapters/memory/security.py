"""Login safety stores and per-app settings in memory."""

from __future__ import annotations

import copy
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from plerome.domain.captcha import CaptchaChallenge
from plerome.domain.mfa import MfaToken
from plerome.domain.throttle import Attempts

if TYPE_CHECKING:
    from .stores import MemoryStores, _State

CAPTCHA_KEPT = timedelta(hours=1)  # how long after expiry a challenge is still known (to say "expired")


class _Repo:
    def __init__(self, stores: MemoryStores) -> None:
        self._stores = stores

    @property
    def _s(self) -> _State:
        return self._stores._state


class MemoryAttemptCounts(_Repo):
    async def get(self, key: str) -> Attempts | None:
        return self._s.attempts.get(key)

    async def hit(self, key: str, now: datetime, window: timedelta) -> Attempts:
        async with self._stores._writing():
            old = self._s.attempts.get(key)
            if old is None or old.started_at + window <= now:
                new = Attempts(key=key, count=1, started_at=now)
            else:
                new = Attempts(key=key, count=old.count + 1, started_at=old.started_at)
            self._s.attempts[key] = new
            return new

    async def clear(self, key: str) -> None:
        async with self._stores._writing():
            self._s.attempts.pop(key, None)


class MemoryMfaTokens(_Repo):
    async def add(self, token: MfaToken) -> None:
        async with self._stores._writing():
            s = self._s
            s.mfa_tokens = {k: t for k, t in s.mfa_tokens.items() if t.valid_until > token.created_at}
            s.mfa_tokens[token.token_hash] = token

    async def get(self, token_hash: str) -> MfaToken | None:
        return self._s.mfa_tokens.get(token_hash)

    async def delete(self, token_hash: str) -> bool:
        async with self._stores._writing():
            return self._s.mfa_tokens.pop(token_hash, None) is not None


class MemoryMfaUses(_Repo):
    async def claim_step(self, account_id: str, step: int) -> bool:
        async with self._stores._writing():
            last = self._s.totp_steps.get(account_id)
            if last is not None and last >= step:
                return False
            self._s.totp_steps[account_id] = step
            return True

    async def claim_backup_code(self, account_id: str, code_hash: str) -> bool:
        async with self._stores._writing():
            if (account_id, code_hash) in self._s.used_backup_codes:
                return False
            self._s.used_backup_codes.add((account_id, code_hash))
            return True

    async def forget_backup_codes(self, account_id: str) -> None:
        async with self._stores._writing():
            self._s.used_backup_codes = {u for u in self._s.used_backup_codes if u[0] != account_id}


class MemoryCaptchas(_Repo):
    async def add(self, challenge: CaptchaChallenge) -> None:
        async with self._stores._writing():
            s = self._s
            cutoff = challenge.created_at - CAPTCHA_KEPT
            s.captchas = {k: v for k, v in s.captchas.items() if v[0].valid_until > cutoff}
            s.captchas[challenge.token_hash] = (challenge, False)

    async def take(self, token_hash: str) -> CaptchaChallenge | None:
        async with self._stores._writing():
            found = self._s.captchas.get(token_hash)
            if found is None or found[1]:
                return None
            self._s.captchas[token_hash] = (found[0], True)
            return found[0]

    async def known(self, token_hash: str) -> bool:
        return token_hash in self._s.captchas


class MemoryEmailConfirmations(_Repo):
    async def put(self, account_id: str, token_hash: str, now: datetime) -> None:
        async with self._stores._writing():
            self._s.confirmations[account_id] = token_hash

    async def take(self, account_id: str, token_hash: str) -> bool:
        async with self._stores._writing():
            if self._s.confirmations.get(account_id) != token_hash:
                return False
            del self._s.confirmations[account_id]
            return True


class MemoryAppSettings(_Repo):
    async def get(self, account_id: str, app: str) -> dict[str, Any]:
        return copy.deepcopy(self._s.app_settings.get((account_id, app), {}))

    async def put(self, account_id: str, app: str, settings: dict[str, Any]) -> None:
        async with self._stores._writing():
            self._s.app_settings[(account_id, app)] = copy.deepcopy(settings)
