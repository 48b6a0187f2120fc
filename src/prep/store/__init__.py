"""Storage: SQLite through SQLAlchemy, migrated by Alembic on start; read in plain
SQL (``history``), which needs no SQLAlchemy.

The names below load on first use: reading the history must not import SQLAlchemy.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from prep.store.database import DatabaseError
    from prep.store.repository import Store

__all__ = ["DatabaseError", "Store"]


def __getattr__(name: str) -> Any:
    if name == "DatabaseError":
        from prep.store.database import DatabaseError

        return DatabaseError
    if name == "Store":
        from prep.store.repository import Store

        return Store
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
