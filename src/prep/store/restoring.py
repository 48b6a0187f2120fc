"""Writing a whole backup: one transaction that takes it a chunk at a time.

A restore of a million reviews must neither hold them all nor leave half of them
behind: the caller hands entries over in chunks as it reads and checks them, and
everything is committed at the end, or rolled back on any error. Reviews go to
the driver's ``executemany`` as plain tuples: an ORM object (or even a ``Review``)
per review would cost more than the rest of the restore.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Table, exc
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from prep.clock import to_ms
from prep.grading.attempts import Attempt
from prep.scheduling.marks import CardMarks
from prep.scheduling.memory import CardState
from prep.store.converters import attempt_values, marks_values, state_values
from prep.store.tables import (
    AttemptRow,
    Base,
    CardMarkRow,
    CardStateRow,
    DraftRow,
    MetaRow,
    ReviewRow,
)

# One review as a backup holds it, checked: (id, card_key, rating (None for a
# reset), reviewed_ms, duration_ms, installation_id, kind, stage_before, seq).
ReviewValues = tuple[str, str, int | None, int, int | None, str, str, int | None, int | None]

_INSERT_REVIEWS = (
    "INSERT INTO reviews (id, card_key, rating, reviewed_ms, duration_ms,"
    " installation_id, kind, stage_before, seq) VALUES (?, ?, coalesce(?, 0), ?, ?, ?, ?, ?, ?)"
)
REVIEWS, STATES, MARKS, DRAFTS, ATTEMPTS = _HISTORY = tuple(
    Base.metadata.tables[row.__tablename__]
    for row in (ReviewRow, CardStateRow, CardMarkRow, DraftRow, AttemptRow)
)


class DuplicateKeyError(Exception):
    """An entry whose key an earlier entry of the same kind already has."""

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


class Restoring:
    """The transaction of a restore, as ``Store.restoring`` gives it."""

    def __init__(self, connection: Connection) -> None:
        self._connection = connection
        # The log's indexes are built once at the end: inserting a million reviews
        # into them one by one (in an order that is not theirs) takes longer than
        # sorting them. Kept as the schema wrote them, to be made again the same.
        self._indexes = [
            (str(name), str(sql))
            for name, sql in connection.exec_driver_sql(
                "SELECT name, sql FROM sqlite_master"
                " WHERE type = 'index' AND tbl_name = 'reviews' AND sql IS NOT NULL"
            )
        ]
        for name, _ in self._indexes:
            connection.exec_driver_sql(f'DROP INDEX "{name}"')

    def finish(self) -> None:
        """Build the indexes set aside: the last step before the commit."""
        for _, sql in self._indexes:
            self._connection.exec_driver_sql(sql)

    def is_empty(self) -> bool:
        """No history at all (the installation's own id aside)."""
        return all(
            self._connection.execute(table.select().limit(1)).first() is None for table in _HISTORY
        )

    def add_reviews(self, reviews: Sequence[ReviewValues]) -> None:
        self._insert(_INSERT_REVIEWS, reviews)

    def add_states(self, states: Sequence[CardState]) -> None:
        self._insert_values(STATES, [state_values(state) for state in states])

    def add_marks(self, marks: Sequence[tuple[str, CardMarks, datetime | None]]) -> None:
        rows = [
            marks_values(key, mark, to_ms(changed) if changed is not None else None)
            for key, mark, changed in marks
        ]
        self._insert_values(MARKS, rows)

    def add_drafts(self, drafts: Sequence[tuple[str, str, datetime]]) -> None:
        rows = [
            {"card_key": key, "code": code, "updated_ms": to_ms(at)} for key, code, at in drafts
        ]
        self._insert_values(DRAFTS, rows)

    def add_attempts(self, attempts: Sequence[Attempt]) -> None:
        self._insert_values(ATTEMPTS, [attempt_values(attempt) for attempt in attempts])

    def set_meta(self, key: str, value: str) -> None:
        upsert = sqlite_insert(MetaRow).values(key=key, value=value)
        self._connection.execute(
            upsert.on_conflict_do_update(index_elements=["key"], set_={"value": value})
        )

    def _insert_values(self, table: Table, rows: Sequence[Mapping[str, Any]]) -> None:
        names = [column.name for column in table.columns]
        statement = (
            f"INSERT INTO {table.name} ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})"
        )
        self._insert(statement, [tuple(row[name] for name in names) for row in rows])

    def _insert(self, statement: str, rows: Sequence[tuple[Any, ...]]) -> None:
        """Insert ``rows``, whose first value is the key: a key already taken (by a row
        written, or earlier in ``rows``) raises DuplicateKeyError naming it."""
        if not rows:
            return
        driver = self._connection.connection.driver_connection
        assert isinstance(driver, sqlite3.Connection)
        before = driver.total_changes
        try:
            self._connection.exec_driver_sql(statement, list(rows))
        except exc.IntegrityError as error:
            # executemany stops at the first row refused, the rows before it written:
            # the count of rows written tells which row it was.
            refused = driver.total_changes - before
            if "UNIQUE" not in str(error.orig) or refused >= len(rows):
                raise
            raise DuplicateKeyError(str(rows[refused][0])) from error
