"""Opening the SQLite database: pragmas, and migrations applied on start.

An older database is upgraded in place, never dropped. Alembic is imported
only when the schema is behind, which keeps start-up fast.

Transactions are prep's own: pysqlite would run DDL outside any transaction,
so a first start killed half-way left a schema that never opened again.
Here every transaction starts with an explicit BEGIN, the schema and every
migration are created in one ``BEGIN IMMEDIATE`` transaction (all or
nothing), and a second process starting at the same moment waits for the
first instead of racing it.
"""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, text

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
# The newest migration; a test checks it against Alembic's own idea of head.
HEAD_REVISION = "0005"


class DatabaseError(Exception):
    """The database cannot be opened or upgraded (message is for the user)."""


PREP_TABLES = frozenset({"meta", "card_states", "reviews", "attempts", "drafts", "card_marks"})
BUSY_TIMEOUT_MS = 15_000
# An execution option: the transactions that write take the write lock at once.
BEGIN_MODE = "prep_begin"


def _set_pragmas(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
    dbapi_connection.isolation_level = None  # no implicit transactions: see _begin
    cursor = dbapi_connection.cursor()
    # First, so that every statement below waits for a concurrent first start.
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    # WAL: readers never block the writer. synchronous=FULL: a rating that
    # was committed survives the process being killed the next instant.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def _begin(connection: Connection) -> None:
    mode = connection.get_execution_options().get(BEGIN_MODE, "DEFERRED")
    connection.exec_driver_sql(f"BEGIN {mode}")


def create_database_engine(path: Path) -> Engine:
    engine = create_engine(f"sqlite:///{path}", future=True)
    event.listen(engine, "connect", _set_pragmas)
    event.listen(engine, "begin", _begin)
    return engine


def writing(engine: Engine) -> Engine:
    """The same engine, whose transactions take the write lock when they begin:
    a read-then-write transaction never fails half-way on a busy database."""
    return engine.execution_options(**{BEGIN_MODE: "IMMEDIATE"})


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        exists = connection.execute(
            text("SELECT name FROM sqlite_master WHERE type='table' AND name='alembic_version'")
        ).first()
        if exists is None:
            return None
        row = connection.execute(text("SELECT version_num FROM alembic_version")).first()
        return str(row[0]) if row is not None else None


def _table_names(connection: Connection) -> set[str]:
    rows = connection.exec_driver_sql(
        "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'"
    )
    return {str(row[0]) for row in rows}


def _refuse_foreign_or_repair(connection: Connection, path: Path | None) -> None:
    """A file with tables but no schema version is either another program's
    database (refused, never adopted) or an older prep's first start that was
    cut short with nothing in it yet (its empty tables are created again)."""
    tables = _table_names(connection)
    if not tables or "alembic_version" in tables:
        return
    where = f" {path}" if path else ""
    if not tables & PREP_TABLES:
        raise DatabaseError(
            f"the database{where} belongs to another program (tables: "
            f"{', '.join(sorted(tables)[:5])}); prep never adopts it: choose another home"
        )
    for table in sorted(tables & PREP_TABLES):
        if connection.exec_driver_sql(f'SELECT 1 FROM "{table}" LIMIT 1').first() is not None:
            raise DatabaseError(
                f"the database{where} holds prep's tables but no schema version; "
                "restore a backup into a new home (prep restore)"
            )
    for table in sorted(tables & PREP_TABLES):
        connection.exec_driver_sql(f'DROP TABLE "{table}"')


def migrate(engine: Engine, path: Path | None = None) -> None:
    """Bring the schema to the newest revision, all in one transaction."""
    if current_revision(engine) == HEAD_REVISION:
        return
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    # IMMEDIATE: a second process starting now waits here, then finds the schema done.
    with writing(engine).begin() as connection:
        _refuse_foreign_or_repair(connection, path)
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def _migrate_when_free(engine: Engine, path: Path) -> None:
    """Migrate, waiting out a concurrent first start. SQLite answers "locked" at once,
    without its busy timeout, in a few cases (a switch to WAL, a read that would turn
    into a write while another process writes): those are tried again until the
    timeout, as the busy handler would have waited."""
    from sqlalchemy.exc import OperationalError

    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            migrate(engine, path)
            return
        except OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def open_database(path: Path) -> Engine:
    path.parent.mkdir(parents=True, exist_ok=True)
    engine = create_database_engine(path)
    try:
        _migrate_when_free(engine, path)
    except DatabaseError:
        engine.dispose()
        raise
    except Exception as exc:
        engine.dispose()
        raise DatabaseError(f"cannot open the database {path}: {one_line(exc)}") from exc
    return engine


def one_line(error: BaseException) -> str:
    """A database error in one line: the driver's words, without SQLAlchemy's
    statement echo and its "Background on this error" link."""
    original = getattr(error, "orig", None)
    text = str(original if original is not None else error)
    return " ".join(text.split("\n")[0].split()) or type(error).__name__
