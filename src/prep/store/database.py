"""Opening the SQLite database: pragmas, and migrations applied on start.

An older database is upgraded in place, never dropped. Alembic is imported
only when the schema is behind, which keeps start-up fast.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, text

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
# The newest migration; a test checks it against Alembic's own idea of head.
HEAD_REVISION = "0003"


class DatabaseError(Exception):
    """The database cannot be opened or upgraded (message is for the user)."""


def _set_pragmas(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    # WAL: readers never block the writer. synchronous=FULL: a rating that
    # was committed survives the process being killed the next instant.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


def create_database_engine(path: Path) -> Engine:
    engine = create_engine(f"sqlite:///{path}", future=True)
    event.listen(engine, "connect", _set_pragmas)
    return engine


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        exists = connection.execute(
            text("SELECT name FROM sqlite_master WHERE type='table' AND name='alembic_version'")
        ).first()
        if exists is None:
            return None
        row = connection.execute(text("SELECT version_num FROM alembic_version")).first()
        return str(row[0]) if row is not None else None


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest revision."""
    if current_revision(engine) == HEAD_REVISION:
        return
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def open_database(path: Path) -> Engine:
    path.parent.mkdir(parents=True, exist_ok=True)
    engine = create_database_engine(path)
    try:
        migrate(engine)
    except Exception as exc:
        engine.dispose()
        raise DatabaseError(f"cannot open the database {path}: {exc}") from exc
    return engine
