"""The SQLite driver: the embedded default store."""

from .database import SqliteDatabase

__all__ = ["SqliteDatabase"]
