"""The Postgres driver: an asyncpg pool, for several server processes sharing one database."""

from .database import PostgresDatabase

__all__ = ["PostgresDatabase"]
