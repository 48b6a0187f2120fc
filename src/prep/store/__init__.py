"""Storage: SQLite through SQLAlchemy, migrated by Alembic on start."""

from prep.store.database import DatabaseError
from prep.store.repository import Store

__all__ = ["DatabaseError", "Store"]
