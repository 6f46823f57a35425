"""Repositories written once in SQL, run by the SQLite and Postgres drivers."""

from .database import POSTGRES, SQLITE, Database, Dialect, Executor, Row, UniqueViolation
from .stores import SqlStores

__all__ = ["POSTGRES", "SQLITE", "Database", "Dialect", "Executor", "Row", "SqlStores", "UniqueViolation"]
