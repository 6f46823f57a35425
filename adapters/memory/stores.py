"""Every repository in process memory, with transactions that roll back on error."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from datetime import datetime
from typing import Any

from plerome.domain.accounts import Account, AccountCounts, nickname_key
from plerome.domain.attachments import Attachment
from plerome.domain.backups import Backup
from plerome.domain.captcha import CaptchaChallenge
from plerome.domain.conversations import Participation
from plerome.domain.errors import Conflict
from plerome.domain.jobs import Job, QueueStats
from plerome.domain.mfa import MfaToken
from plerome.domain.notifications import Notification
from plerome.domain.oauth import App, AuthCode, NewToken, Token
from plerome.domain.scrobbles import Scrobble
from plerome.domain.social import Block, Follow, Mute
from plerome.domain.statuses import Status
from plerome.domain.throttle import Attempts
from plerome.ports.repositories import PoolStats, TokenListing
from plerome.ports.statuses import Mark

from .conversations import MemoryConversations
from .notifications import MemoryNotifications
from .reactions import EmojiReactions, MemoryReactions
from .security import (
    MemoryAppSettings,
    MemoryAttemptCounts,
    MemoryCaptchas,
    MemoryEmailConfirmations,
    MemoryMfaTokens,
    MemoryMfaUses,
)
from .social import MemorySocialGraph
from .statuses import MemoryAttachments, MemoryMarks, MemoryStatuses
from .userdata import MemoryBackups, MemoryScrobbles


class _State:
    def __init__(self) -> None:
        self.accounts: dict[str, Account] = {}
        self.apps: dict[str, App] = {}
        self.tokens: dict[int, Token] = {}
        self.token_seq = 0
        self.auth_codes: dict[str, AuthCode] = {}
        self.jobs: dict[str, Job] = {}
        self.statuses: dict[str, Status] = {}
        self.idempotency: dict[tuple[str, str], str] = {}
        self.favourites: dict[tuple[str, str], Mark] = {}
        self.bookmarks: dict[tuple[str, str], Mark] = {}
        self.attachments: dict[str, Attachment] = {}
        self.follows: dict[tuple[str, str], Follow] = {}
        self.blocks: dict[tuple[str, str], Block] = {}
        self.mutes: dict[tuple[str, str], Mute] = {}
        self.subscriptions: set[tuple[str, str]] = set()
        self.notifications: dict[str, Notification] = {}
        self.attempts: dict[str, Attempts] = {}
        self.mfa_tokens: dict[str, MfaToken] = {}
        self.totp_steps: dict[str, int] = {}
        self.used_backup_codes: set[tuple[str, str]] = set()
        self.captchas: dict[str, tuple[CaptchaChallenge, bool]] = {}  # (challenge, used)
        self.confirmations: dict[str, str] = {}  # account id -> token hash
        self.app_settings: dict[tuple[str, str], dict[str, Any]] = {}
        self.scrobbles: dict[str, Scrobble] = {}
        self.backups: dict[str, Backup] = {}
        self.reactions: dict[str, dict[str, EmojiReactions]] = {}  # status id -> emoji -> its reactions
        self.participations: dict[str, Participation] = {}

    def snapshot(self) -> dict[str, Any]:
        return {k: (v.copy() if isinstance(v, dict | set) else v) for k, v in vars(self).items()}

    def restore(self, snap: dict[str, Any]) -> None:
        for k, v in snap.items():
            setattr(self, k, v)


class _Repo:
    def __init__(self, stores: MemoryStores) -> None:
        self._stores = stores

    @property
    def _s(self) -> _State:
        return self._stores._state


class _Accounts(_Repo):
    def _check_unique(self, account: Account, *, new: bool) -> None:
        if new and account.id in self._s.accounts:
            raise Conflict("Nickname or email has already been taken.")
        key = nickname_key(account.nickname)
        for other in self._s.accounts.values():
            if other.id != account.id and (
                nickname_key(other.nickname) == key
                or (account.email and other.email and other.email.casefold() == account.email.casefold())
            ):
                raise Conflict("Nickname or email has already been taken.")

    async def add(self, account: Account) -> None:
        async with self._stores._writing():
            self._check_unique(account, new=True)
            self._s.accounts[account.id] = account

    async def get(self, account_id: str) -> Account | None:
        return self._s.accounts.get(account_id)

    async def get_many(self, account_ids: Sequence[str]) -> dict[str, Account]:
        return {i: self._s.accounts[i] for i in account_ids if i in self._s.accounts}

    async def by_nickname(self, nickname: str) -> Account | None:
        key = nickname_key(nickname)
        return next((a for a in self._s.accounts.values() if nickname_key(a.nickname) == key), None)

    async def by_email(self, email: str) -> Account | None:
        key = email.casefold()
        return next((a for a in self._s.accounts.values() if a.email and a.email.casefold() == key), None)

    async def update(self, account: Account) -> None:
        async with self._stores._writing():
            if account.id in self._s.accounts:
                self._check_unique(account, new=False)
                self._s.accounts[account.id] = account

    async def delete(self, account_id: str) -> bool:
        """Everything that is its or about it goes with it, as the SQL stores' foreign keys cascade."""
        async with self._stores._writing():
            if self._s.accounts.pop(account_id, None) is None:
                return False
            s = self._s
            owned = {k for k, a in s.apps.items() if a.owner_id == account_id}
            s.apps = {k: a for k, a in s.apps.items() if k not in owned}
            s.tokens = {
                k: t for k, t in s.tokens.items() if t.account_id != account_id and t.app_id not in owned
            }
            s.auth_codes = {
                k: c for k, c in s.auth_codes.items() if c.account_id != account_id and c.app_id not in owned
            }
            _cascade_social(s, account_id)
            s.mfa_tokens = {k: t for k, t in s.mfa_tokens.items() if t.account_id != account_id}
            s.totp_steps.pop(account_id, None)
            s.used_backup_codes = {u for u in s.used_backup_codes if u[0] != account_id}
            s.confirmations.pop(account_id, None)
            s.app_settings = {k: v for k, v in s.app_settings.items() if k[0] != account_id}
            s.scrobbles = {k: x for k, x in s.scrobbles.items() if x.account_id != account_id}
            s.backups = {k: b for k, b in s.backups.items() if b.account_id != account_id}
            return True

    async def count_local(self) -> int:
        return len(self._s.accounts)

    async def counts(self, account_ids: Sequence[str]) -> dict[str, AccountCounts]:
        tally = {i: [0, 0, 0, 0] for i in account_ids}
        for st in self._s.statuses.values():
            if st.account_id in tally and st.counts_as_posted:
                tally[st.account_id][0] += 1
        for f in self._s.follows.values():
            if f.followee_id in tally:
                tally[f.followee_id][1 if f.state == "accepted" else 3] += 1
            if f.follower_id in tally and f.state == "accepted":
                tally[f.follower_id][2] += 1
        return {i: AccountCounts(*n) for i, n in tally.items()}

    async def statuses_total(self) -> int:
        return sum(1 for st in self._s.statuses.values() if st.counts_as_posted)


def _cascade_social(s: _State, account_id: str) -> None:
    """Statuses (and reblogs of them), marks, the social graph and notifications of or about a
    deleted account, as the SQL schema's ON DELETE CASCADE removes them."""
    gone = {k for k, st in s.statuses.items() if st.account_id == account_id}
    gone |= {k for k, st in s.statuses.items() if st.reblog_of_id in gone}
    s.statuses = {k: v for k, v in s.statuses.items() if k not in gone}
    s.idempotency = {k: v for k, v in s.idempotency.items() if k[0] != account_id and v not in gone}
    s.favourites = {k: m for k, m in s.favourites.items() if m.account_id != account_id and k[1] not in gone}
    s.bookmarks = {k: m for k, m in s.bookmarks.items() if m.account_id != account_id and k[1] not in gone}
    s.attachments = {k: a for k, a in s.attachments.items() if a.account_id != account_id}
    s.follows = {k: f for k, f in s.follows.items() if account_id not in k}
    s.blocks = {k: b for k, b in s.blocks.items() if account_id not in k}
    s.mutes = {k: m for k, m in s.mutes.items() if account_id not in k}
    s.subscriptions = {k for k in s.subscriptions if account_id not in k}
    s.notifications = {
        k: n
        for k, n in s.notifications.items()
        if account_id not in (n.account_id, n.from_account_id) and n.status_id not in gone
    }


class _Apps(_Repo):
    async def add(self, app: App) -> None:
        async with self._stores._writing():
            if app.id in self._s.apps or any(a.client_id == app.client_id for a in self._s.apps.values()):
                raise Conflict("App already exists.")
            self._s.apps[app.id] = app

    async def get(self, app_id: str) -> App | None:
        return self._s.apps.get(app_id)

    async def by_client_id(self, client_id: str) -> App | None:
        return next((a for a in self._s.apps.values() if a.client_id == client_id), None)

    async def by_name_and_owner(self, name: str, owner_id: str) -> App | None:
        return next((a for a in self._s.apps.values() if a.name == name and a.owner_id == owner_id), None)


class _Tokens(_Repo):
    async def add(self, token: NewToken) -> Token:
        async with self._stores._writing():
            self._s.token_seq += 1
            stored = Token(
                id=self._s.token_seq,
                token_hash=token.token_hash,
                refresh_hash=token.refresh_hash,
                app_id=token.app_id,
                account_id=token.account_id,
                scopes=token.scopes,
                created_at=token.created_at,
                valid_until=token.valid_until,
            )
            self._s.tokens[stored.id] = stored
            return stored

    async def lookup(self, token_hash: str) -> tuple[Token, Account | None] | None:
        token = next((t for t in self._s.tokens.values() if t.token_hash == token_hash), None)
        if token is None:
            return None
        return token, self._s.accounts.get(token.account_id) if token.account_id else None

    async def by_refresh_hash(self, refresh_hash: str) -> Token | None:
        return next((t for t in self._s.tokens.values() if t.refresh_hash == refresh_hash), None)

    async def for_account(self, account_id: str) -> list[TokenListing]:
        tokens = sorted(
            (t for t in self._s.tokens.values() if t.account_id == account_id), key=lambda t: t.id
        )
        return [
            TokenListing(t, self._s.apps[t.app_id].name if t.app_id in self._s.apps else "") for t in tokens
        ]

    async def delete(self, token_id: int) -> bool:
        async with self._stores._writing():
            return self._s.tokens.pop(token_id, None) is not None

    async def delete_owned(self, account_id: str, token_id: int) -> bool:
        async with self._stores._writing():
            token = self._s.tokens.get(token_id)
            if token is None or token.account_id != account_id:
                return False
            del self._s.tokens[token_id]
            return True

    async def delete_by_hash(self, token_hash: str) -> bool:
        async with self._stores._writing():
            for token in list(self._s.tokens.values()):
                if token.token_hash == token_hash:
                    del self._s.tokens[token.id]
                    return True
            return False

    async def delete_for_account(self, account_id: str) -> int:
        async with self._stores._writing():
            doomed = [t.id for t in self._s.tokens.values() if t.account_id == account_id]
            for token_id in doomed:
                del self._s.tokens[token_id]
            return len(doomed)


class _AuthCodes(_Repo):
    async def add(self, code: AuthCode) -> None:
        async with self._stores._writing():
            self._s.auth_codes[code.code_hash] = code

    async def take(self, code_hash: str) -> AuthCode | None:
        async with self._stores._writing():
            return self._s.auth_codes.pop(code_hash, None)


class _Jobs(_Repo):
    async def enqueue(self, job: Job) -> None:
        async with self._stores._writing():
            self._s.jobs[job.id] = job

    async def get(self, job_id: str) -> Job | None:
        return self._s.jobs.get(job_id)

    async def claim(self, now: datetime, locked_until: datetime) -> Job | None:
        async with self._stores._writing():
            due = [
                j
                for j in self._s.jobs.values()
                if (j.state == "queued" and j.run_at <= now)
                or (j.state == "running" and j.locked_until is not None and j.locked_until < now)
            ]
            if not due:
                return None
            job = min(due, key=lambda j: (j.run_at, j.id))
            claimed = dataclasses.replace(
                job, state="running", attempts=job.attempts + 1, locked_until=locked_until
            )
            self._s.jobs[job.id] = claimed
            return claimed

    async def _set(self, job_id: str, **changes: Any) -> None:
        async with self._stores._writing():
            job = self._s.jobs.get(job_id)
            if job is not None:
                self._s.jobs[job_id] = dataclasses.replace(job, **changes)

    async def extend(self, job_id: str, locked_until: datetime) -> None:
        async with self._stores._writing():
            job = self._s.jobs.get(job_id)
            if job is not None and job.state == "running":
                self._s.jobs[job_id] = dataclasses.replace(job, locked_until=locked_until)

    async def complete(self, job_id: str, now: datetime) -> None:
        await self._set(job_id, state="done", locked_until=None)

    async def retry(self, job_id: str, run_at: datetime, error: str) -> None:
        await self._set(job_id, state="queued", run_at=run_at, locked_until=None, last_error=error)

    async def fail(self, job_id: str, error: str, now: datetime) -> None:
        await self._set(job_id, state="failed", locked_until=None, last_error=error)

    async def stats(self) -> QueueStats:
        counts = {"queued": 0, "running": 0, "done": 0, "failed": 0}
        for job in self._s.jobs.values():
            counts[job.state] += 1
        return QueueStats(**counts)


class MemoryStores:
    def __init__(self, _shared: MemoryStores | None = None) -> None:
        root = _shared or self
        self._root = root
        self._state: _State = root._state if _shared else _State()
        self._lock: asyncio.Lock = root._lock if _shared else asyncio.Lock()
        self._in_tx = _shared is not None
        self.accounts = _Accounts(self)
        self.apps = _Apps(self)
        self.tokens = _Tokens(self)
        self.auth_codes = _AuthCodes(self)
        self.jobs = _Jobs(self)
        self.statuses = MemoryStatuses(self)
        self.favourites = MemoryMarks(self, "favourites")
        self.bookmarks = MemoryMarks(self, "bookmarks")
        self.attachments = MemoryAttachments(self)
        self.social = MemorySocialGraph(self)
        self.notifications = MemoryNotifications(self)
        self.attempts = MemoryAttemptCounts(self)
        self.mfa_tokens = MemoryMfaTokens(self)
        self.mfa_uses = MemoryMfaUses(self)
        self.captchas = MemoryCaptchas(self)
        self.email_confirmations = MemoryEmailConfirmations(self)
        self.app_settings = MemoryAppSettings(self)
        self.scrobbles = MemoryScrobbles(self)
        self.backups = MemoryBackups(self)
        self.reactions = MemoryReactions(self)
        self.conversations = MemoryConversations(self)

    @asynccontextmanager
    async def _writing(self) -> AsyncIterator[None]:
        if self._in_tx:
            yield
        else:
            async with self._lock:
                yield

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[MemoryStores]:
        if self._in_tx:
            yield self
            return
        async with self._lock:
            snap = self._state.snapshot()
            try:
                yield MemoryStores(self)
            except BaseException:
                self._state.restore(snap)
                raise

    async def ping(self) -> None:
        return None

    def pool_stats(self) -> PoolStats:
        return PoolStats(size=1, active=1 if self._lock.locked() else 0, idle=0 if self._lock.locked() else 1)

    async def open(self) -> None:
        return None

    async def close(self) -> None:
        return None
