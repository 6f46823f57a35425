"""SqlStores: every repository over one Database, and transactions that bind them to one connection."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from plerome.ports.repositories import PoolStats

from .accounts import SqlAccounts
from .apps import SqlApps
from .attachments import SqlAttachments
from .auth_codes import SqlAuthCodes
from .conversations import SqlConversations
from .database import Database, Executor
from .jobs import SqlJobs
from .notifications import SqlNotifications
from .reactions import SqlReactions
from .security import (
    SqlAppSettings,
    SqlAttemptCounts,
    SqlCaptchas,
    SqlEmailConfirmations,
    SqlMfaTokens,
    SqlMfaUses,
)
from .social import SqlSocialGraph
from .statuses import SqlMarks, SqlStatuses
from .tokens import SqlTokens
from .userdata import SqlBackups, SqlScrobbles


class SqlStores:
    """Outside a transaction each call stands alone; `async with stores.transaction() as tx:` gives
    repositories on one connection, committed at the end of the block and rolled back if it raises."""

    def __init__(self, db: Database, _bound: Executor | None = None) -> None:
        self._db = db
        self._in_tx = _bound is not None
        executor: Executor = _bound if _bound is not None else db
        self.accounts = SqlAccounts(executor)
        self.apps = SqlApps(executor)
        self.tokens = SqlTokens(executor)
        self.auth_codes = SqlAuthCodes(executor)
        self.jobs = SqlJobs(executor)
        self.attempts = SqlAttemptCounts(executor)
        self.mfa_tokens = SqlMfaTokens(executor)
        self.mfa_uses = SqlMfaUses(executor)
        self.captchas = SqlCaptchas(executor)
        self.email_confirmations = SqlEmailConfirmations(executor)
        self.app_settings = SqlAppSettings(executor)
        self.notifications = SqlNotifications(executor)
        self.social = SqlSocialGraph(executor)
        self.statuses = SqlStatuses(executor)
        self.favourites = SqlMarks(executor, "favourites")
        self.bookmarks = SqlMarks(executor, "bookmarks")
        self.attachments = SqlAttachments(executor)
        self.scrobbles = SqlScrobbles(executor)
        self.backups = SqlBackups(executor)
        self.reactions = SqlReactions(executor)
        self.conversations = SqlConversations(executor)

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[SqlStores]:
        if self._in_tx:
            yield self
            return
        async with self._db.transaction() as bound:
            yield SqlStores(self._db, bound)

    async def ping(self) -> None:
        await self._db.fetch_one("SELECT 1 AS ok")

    def pool_stats(self) -> PoolStats:
        return self._db.pool_stats()
