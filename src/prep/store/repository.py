"""The store: review log and card states, as domain values, written through
SQLAlchemy (and read as a ``History``).

One Session per user action; every rating is committed in its own
transaction before the next card is shown.
"""

from __future__ import annotations

import json
import sqlite3
import uuid
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, delete, func, select, text
from sqlalchemy.orm import Session, sessionmaker

from prep.clock import to_ms
from prep.grading.attempts import Attempt
from prep.scheduling.marks import CardMarks
from prep.scheduling.memory import CardState, Stage
from prep.scheduling.replay import Review, ReviewKind
from prep.store.converters import (
    REVIEW_FIELDS,
    STATE_FIELDS,
    attempt_values,
    fill_marks_row,
    fill_state_row,
    review_values,
    state_values,
)
from prep.store.database import open_database, writing
from prep.store.history import (
    FIT_RECORD_KEY,
    FITTED_PARAMETERS_KEY,
    INSTALLATION_KEY,
    LOG_MARK_QUERY,
    History,
)
from prep.store.restoring import Restoring
from prep.store.tables import (
    AttemptRow,
    CardMarkRow,
    CardStateRow,
    DraftRow,
    MetaRow,
    ReviewRow,
    UndoneReviewRow,
)

RESTORE_CACHE_KIB = 64 * 1024


# A review made here is numbered after this installation's last one (``seq``): the
# order they were made in, whatever the clock said.
_RECORD_REVIEW = (
    f"INSERT INTO reviews ({', '.join(REVIEW_FIELDS)}) VALUES"
    f" ({', '.join(f':{name}' for name in REVIEW_FIELDS if name != 'seq')},"
    " coalesce(:seq, (SELECT coalesce(max(seq), 0) + 1 FROM reviews"
    " WHERE installation_id = :installation_id)))"
)
_WRITE_STATE = (
    f"INSERT INTO card_states ({', '.join(STATE_FIELDS)})"
    f" VALUES ({', '.join(f':{name}' for name in STATE_FIELDS)})"
    " ON CONFLICT (card_key) DO UPDATE SET "
    + ", ".join(f"{name} = excluded.{name}" for name in STATE_FIELDS if name != "card_key")
)


def _write_state(session: Session, state: CardState) -> None:
    row = session.get(CardStateRow, state.key) or CardStateRow(card_key=state.key)
    session.add(fill_state_row(row, state))


class LogChangedError(Exception):
    """The review log is not what a merge was computed from."""


def _log_mark(session: Session) -> tuple[int, int]:
    row = session.execute(text(LOG_MARK_QUERY)).one()
    return int(row[0]), int(row[1])


class Store(History):
    """The history, read (``History``) and written, through SQLAlchemy."""

    def __init__(self, engine: Engine, path: Path | None = None) -> None:
        super().__init__(self._pooled_connection)
        self.engine = engine
        self.path = path
        self._write_engine = writing(engine)
        self._writes = sessionmaker(self._write_engine, expire_on_commit=False)
        self.installation_id = self._ensure_installation_id()

    @contextmanager
    def _pooled_connection(self) -> Iterator[sqlite3.Connection]:
        """A connection of the engine's pool, as the driver's own (reads are plain SQL)."""
        pooled = self.engine.raw_connection()
        try:
            driver = pooled.driver_connection
            assert isinstance(driver, sqlite3.Connection)
            yield driver
        finally:
            pooled.close()

    @classmethod
    def open(cls, path: Path) -> Store:
        return cls(open_database(path), path)

    def close(self) -> None:
        self.engine.dispose()

    def _ensure_installation_id(self) -> str:
        from sqlalchemy.dialects.sqlite import insert

        with self._writes.begin() as session:
            # OR IGNORE: a second process starting on the same new home keeps the first's id.
            session.execute(
                insert(MetaRow)
                .values(key=INSTALLATION_KEY, value=str(uuid.uuid4()))
                .on_conflict_do_nothing()
            )
            return str(session.scalar(select(MetaRow.value).where(MetaRow.key == INSTALLATION_KEY)))

    # -- the review log ----------------------------------------------------

    def _numbered(self, session: Session, review: Review) -> ReviewRow:
        """The row of a review made here, numbered after this installation's last one:
        the order they were made in, whatever the clock said."""
        last = session.scalar(
            select(func.max(ReviewRow.seq)).where(
                ReviewRow.installation_id == review.installation_id
            )
        )
        seq = review.seq if review.seq is not None else int(last or 0) + 1
        return ReviewRow(**review_values(replace(review, seq=seq)))

    def record_review(self, review: Review, after: CardState) -> None:
        """Append a review and store the state it produced, atomically. Two statements
        of plain SQL: a rating is the write a learner waits for, every few seconds."""
        with self._write_engine.begin() as connection:
            connection.exec_driver_sql(_RECORD_REVIEW, review_values(review))
            connection.exec_driver_sql(_WRITE_STATE, state_values(after))

    def undo_review(self, review_id: str, before: CardState | None) -> None:
        """Delete a review and put back the state the card had before it. The id is kept
        as taken back, for a sync to take it back on the other installations too."""
        with self._writes.begin() as session:
            review = session.get(ReviewRow, review_id)
            if review is None:
                return
            session.delete(review)
            session.merge(UndoneReviewRow(id=review_id))
            if before is None or before.stage is Stage.NEW:
                session.execute(
                    delete(CardStateRow).where(CardStateRow.card_key == review.card_key)
                )
            else:
                _write_state(session, before)

    def reset_card(self, reset: Review) -> None:
        """Log a reset and forget the card's memory state: it is new again."""
        self.reset_cards([reset])

    def reset_cards(self, resets: Sequence[Review]) -> None:
        """Log each reset and forget each card's memory state, in one transaction."""
        assert all(reset.kind is ReviewKind.RESET for reset in resets)
        with self._writes.begin() as session:
            for reset in resets:
                session.add(self._numbered(session, reset))
                session.flush()  # the next reset is numbered after this one
                session.execute(delete(CardStateRow).where(CardStateRow.card_key == reset.card_key))

    def add_reviews(self, reviews: Iterable[Review]) -> int:
        """Append reviews whose ids are not in the log yet; returns how many were new."""
        from sqlalchemy.dialects.sqlite import insert

        rows = [review_values(review) for review in reviews]
        if not rows:
            return 0
        before = self.count_reviews(kinds=None)
        with self._writes.begin() as session:
            for start in range(0, len(rows), 500):
                session.execute(
                    insert(ReviewRow).on_conflict_do_nothing(), rows[start : start + 500]
                )
        return self.count_reviews(kinds=None) - before

    @contextmanager
    def restoring(self) -> Iterator[Restoring]:
        """One transaction for a whole restore: committed when the block ends, rolled
        back (nothing written) when it raises."""
        with writing(self.engine).begin() as connection:
            cache = connection.exec_driver_sql("PRAGMA cache_size").scalar()
            # The indexes of a million reviews take random inserts: with SQLite's
            # default cache of 2 MB, most of them would wait for the disk.
            connection.exec_driver_sql(f"PRAGMA cache_size = -{RESTORE_CACHE_KIB}")
            try:
                restoring = Restoring(connection)
                yield restoring
                restoring.finish()
            finally:
                connection.exec_driver_sql(f"PRAGMA cache_size = {int(cache or 0)}")
        self.installation_id = self.meta(INSTALLATION_KEY) or self.installation_id

    def write_states(self, states: Iterable[CardState]) -> None:
        with self._writes.begin() as session:
            for state in states:
                _write_state(session, state)

    def replace_states(self, states: Iterable[CardState]) -> None:
        with self._writes.begin() as session:
            session.execute(delete(CardStateRow))
            for state in states:
                _write_state(session, state)

    # -- attempts and drafts -------------------------------------------------

    def record_attempt(self, attempt: Attempt) -> None:
        with self._writes.begin() as session:
            session.add(AttemptRow(**attempt_values(attempt)))

    def save_draft(self, card_key: str, code: str, at: datetime) -> None:
        with self._writes.begin() as session:
            row = session.get(DraftRow, card_key) or DraftRow(card_key=card_key)
            row.code = code
            row.updated_ms = to_ms(at)
            session.add(row)

    def set_installation_id(self, value: str) -> None:
        self.set_meta(INSTALLATION_KEY, value)
        self.installation_id = value

    # -- marks: suspended, buried, leech -------------------------------------

    def set_marks(
        self, card_key: str, marks: CardMarks, changed_at: datetime | None = None
    ) -> None:
        """``changed_at``: when the learner changed them; a change without a time loses a
        sync to any change with one."""
        self.set_many_marks({card_key: marks}, changed_at)

    def set_many_marks(
        self, marks: Mapping[str, CardMarks], changed_at: datetime | None = None
    ) -> None:
        """Several cards' marks, changed at one time, in one transaction."""
        changed_ms = to_ms(changed_at) if changed_at is not None else None
        with self._writes.begin() as session:
            for card_key, card_marks in marks.items():
                row = session.get(CardMarkRow, card_key) or CardMarkRow(card_key=card_key)
                session.add(fill_marks_row(row, card_marks, changed_ms))

    # -- merging another installation's history ---------------------------------

    def merge_history(
        self,
        reviews: Iterable[Review],
        undone: Iterable[str],
        states: Iterable[CardState],
        marks: Mapping[str, tuple[CardMarks, int | None]],
        log_mark: tuple[int, int],
        attempts: Iterable[Attempt] = (),
    ) -> int:
        """In one transaction: add the reviews not in the log yet, take back the undone
        ones, put ``states`` in place of every card state, write ``marks`` and add the
        ``attempts`` not kept yet.
        Returns how many reviews were added. ``log_mark`` is the log's when the merge
        was computed: a review written since (the app rates while it syncs) raises
        LogChangedError, and nothing is written."""
        from sqlalchemy.dialects.sqlite import insert

        rows = [review_values(review) for review in reviews]
        taken_back = [{"id": review_id} for review_id in undone]
        count = select(func.count()).select_from(ReviewRow)
        with self._writes.begin() as session:
            if _log_mark(session) != log_mark:
                raise LogChangedError("the review log changed during the merge")
            before = int(session.scalar(count) or 0)
            for start in range(0, len(rows), 500):
                session.execute(
                    insert(ReviewRow).on_conflict_do_nothing(), rows[start : start + 500]
                )
            added = int(session.scalar(count) or 0) - before
            for start in range(0, len(taken_back), 500):
                chunk = taken_back[start : start + 500]
                session.execute(insert(UndoneReviewRow).on_conflict_do_nothing(), chunk)
                session.execute(
                    delete(ReviewRow).where(ReviewRow.id.in_([row["id"] for row in chunk]))
                )
            session.execute(delete(CardStateRow))
            for state in states:
                _write_state(session, state)
            for key, (mark, changed_ms) in marks.items():
                row = session.get(CardMarkRow, key) or CardMarkRow(card_key=key)
                session.add(fill_marks_row(row, mark, changed_ms))
            attempt_rows = [attempt_values(attempt) for attempt in attempts]
            for start in range(0, len(attempt_rows), 500):
                session.execute(
                    insert(AttemptRow).on_conflict_do_nothing(),
                    attempt_rows[start : start + 500],
                )
        return added

    # -- settings kept with the history ---------------------------------------

    def set_meta(self, key: str, value: str | None) -> None:
        with self._writes.begin() as session:
            row = session.get(MetaRow, key)
            if value is None:
                if row is not None:
                    session.delete(row)
                return
            if row is None:
                row = MetaRow(key=key, value=value)
            row.value = value
            session.add(row)

    # -- fitted FSRS parameters -------------------------------------------------

    def save_fit(self, parameters: tuple[float, ...], record: dict[str, Any]) -> None:
        self.set_meta(FITTED_PARAMETERS_KEY, json.dumps(list(parameters)))
        self.set_meta(FIT_RECORD_KEY, json.dumps(record))
