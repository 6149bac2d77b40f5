"""Persistent state: SQLAlchemy Core tables, Alembic migrations and the Store."""

from bot.storage.store import NewItem, SaveResult, SourceRow, Store, Subscription, url_key, utcnow

__all__ = ["NewItem", "SaveResult", "SourceRow", "Store", "Subscription", "url_key", "utcnow"]
