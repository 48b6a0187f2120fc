"""The store: review log and card states, as domain values.

One Session per user action; every rating is committed in its own
transaction before the next card is shown.
"""

from __future__ import annotations

import itertools
import json
import math
import uuid
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, Select, delete, func, literal_column, select, text
from sqlalchemy.orm import Session, sessionmaker

from prep.clock import from_ms, to_ms
from prep.grading.attempts import Attempt
from prep.scheduling.marks import CardMarks
from prep.scheduling.memory import DEFAULT_PARAMETERS, CardState, Rating, Stage
from prep.scheduling.replay import Review, ReviewKind
from prep.store.converters import (
    REVIEW_COLUMNS,
    STATE_COLUMNS,
    attempt_from_row,
    attempt_row,
    fill_marks_row,
    fill_state_row,
    marks_from_row,
    review_from_values,
    review_values,
    state_from_row,
    state_from_values,
)
from prep.store.database import open_database, writing
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

INSTALLATION_KEY = "installation_id"
FITTED_PARAMETERS_KEY = "fsrs_parameters"
FIT_RECORD_KEY = "fsrs_fit"
RESTORE_CACHE_KIB = 64 * 1024


# The spans between consecutive boundaries, as rows (n, low, high): the boundaries
# travel as one JSON array, whatever their number.
_SPANS = (
    "edge(n, at) AS (SELECT key, value FROM json_each(:edges)),"
    " span(n, low, high) AS (SELECT lo.n, lo.at, hi.at FROM edge AS lo"
    " JOIN edge AS hi ON hi.n = lo.n + 1)"
)


def _rising(boundaries_ms: Sequence[int]) -> list[int]:
    if any(later < earlier for earlier, later in itertools.pairwise(boundaries_ms)):
        raise ValueError("span boundaries must not decrease")
    return [int(at) for at in boundaries_ms]


def _spans(boundaries_ms: Sequence[int]) -> dict[str, Any]:
    return {"edges": json.dumps(_rising(boundaries_ms))}


def _write_state(session: Session, state: CardState) -> None:
    row = session.get(CardStateRow, state.key) or CardStateRow(card_key=state.key)
    session.add(fill_state_row(row, state))


class LogChangedError(Exception):
    """The review log is not what a merge was computed from."""


def _log_mark(session: Session) -> tuple[int, int]:
    row = session.execute(text("SELECT count(*), coalesce(max(rowid), 0) FROM reviews")).one()
    return int(row[0]), int(row[1])


def _log_in_order() -> Select[tuple[Any, ...]]:
    """The review log's columns as ``review_from_values`` takes them, oldest first."""
    return select(*REVIEW_COLUMNS).order_by(ReviewRow.reviewed_ms, literal_column("reviews.rowid"))


class Store:
    def __init__(self, engine: Engine, path: Path | None = None) -> None:
        self.engine = engine
        self.path = path
        self._sessions = sessionmaker(engine, expire_on_commit=False)
        self._writes = sessionmaker(writing(engine), expire_on_commit=False)
        self.installation_id = self._ensure_installation_id()

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

    # -- card states -------------------------------------------------------

    def card_states(self) -> dict[str, CardState]:
        # Plain tuples, not ORM objects: a heavy learner has tens of thousands of states.
        with self._sessions() as session:
            rows = session.execute(select(*STATE_COLUMNS)).tuples()
            return {values[0]: state_from_values(*values) for values in rows}

    def card_state(self, key: str) -> CardState | None:
        with self._sessions() as session:
            row = session.get(CardStateRow, key)
            return state_from_row(row) if row is not None else None

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
        """Append a review and store the state it produced, atomically."""
        with self._writes.begin() as session:
            session.add(self._numbered(session, review))
            _write_state(session, after)

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

    def reviews(self, card_key: str | None = None, include_resets: bool = True) -> list[Review]:
        query = _log_in_order()
        if not include_resets:
            query = query.where(ReviewRow.kind == "review")
        if card_key is not None:
            query = query.where(ReviewRow.card_key == card_key)
        with self._sessions() as session:
            return [review_from_values(*values) for values in session.execute(query).tuples()]

    def iter_reviews(self, chunk: int = 5000) -> Iterator[Review]:
        """Every entry of the log in order, read a chunk at a time: a million reviews never
        sit in memory at once (a backup streams them)."""
        query = _log_in_order().execution_options(yield_per=chunk)
        with self._sessions() as session:
            for values in session.execute(query).tuples():
                yield review_from_values(*values)

    def reset_card(self, reset: Review) -> None:
        """Log a reset and forget the card's memory state: it is new again."""
        assert reset.kind is ReviewKind.RESET
        with self._writes.begin() as session:
            session.add(self._numbered(session, reset))
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

    def count_reviews(self, kinds: tuple[str, ...] | None = ("review",)) -> int:
        query = select(func.count()).select_from(ReviewRow)
        if kinds is not None:
            query = query.where(ReviewRow.kind.in_(kinds))
        with self._sessions() as session:
            return int(session.scalar(query) or 0)

    def review_times_ms(self, since: datetime | None = None) -> list[int]:
        query = select(ReviewRow.reviewed_ms).where(ReviewRow.kind == "review")
        if since is not None:
            query = query.where(ReviewRow.reviewed_ms >= to_ms(since))
        with self._sessions() as session:
            return list(session.scalars(query))

    def count_reviews_since(self, since: datetime) -> int:
        """Ratings given since ``since``; a reset is not a review."""
        with self._sessions() as session:
            query = (
                select(func.count())
                .select_from(ReviewRow)
                .where(ReviewRow.reviewed_ms >= to_ms(since), ReviewRow.kind == "review")
            )
            return int(session.scalar(query) or 0)

    def count_first_reviews_since(self, since: datetime) -> int:
        """How many cards were first reviewed after ``since``: new cards introduced."""
        return len(self.first_reviewed_since(since))

    def first_reviewed_since(self, since: datetime) -> frozenset[str]:
        """The cards whose first review falls after ``since``: the new cards introduced."""
        # The cards reviewed since, less those with an earlier entry: a seek per card
        # in ix_reviews_card_time, not a minimum over the whole log. MATERIALIZED keeps
        # the planner on the time range (it would rather scan the card index for DISTINCT).
        query = text(
            "WITH recent AS MATERIALIZED"
            " (SELECT card_key FROM reviews WHERE reviewed_ms >= :since)"
            " SELECT DISTINCT card_key FROM recent WHERE NOT EXISTS"
            " (SELECT 1 FROM reviews AS earlier"
            "  WHERE earlier.card_key = recent.card_key AND earlier.reviewed_ms < :since)"
        )
        with self._sessions() as session:
            return frozenset(session.scalars(query, {"since": to_ms(since)}))

    def first_review_ms(self, card_key: str) -> int | None:
        """When the card's log begins (ms), as ``first_reviewed_since`` counts it; one card."""
        query = select(func.min(ReviewRow.reviewed_ms)).where(ReviewRow.card_key == card_key)
        with self._sessions() as session:
            first = session.scalar(query)
        return int(first) if first is not None else None

    def first_rating_ms(self) -> int | None:
        """When the first rating was given (a reset is not a rating)."""
        query = select(func.min(ReviewRow.reviewed_ms)).where(ReviewRow.kind == "review")
        with self._sessions() as session:
            first = session.scalar(query)
            return int(first) if first is not None else None

    def rating_counts(self, boundaries_ms: Sequence[int]) -> list[int]:
        """How many ratings fall in each span ``[boundaries_ms[i], boundaries_ms[i + 1])``
        (a reset is not a rating): one number per span, counted in ix_reviews_time."""
        query = text(
            f"WITH {_SPANS}"
            " SELECT (SELECT count(*) FROM reviews"
            "  WHERE kind = 'review' AND reviewed_ms >= span.low AND reviewed_ms < span.high)"
            " FROM span ORDER BY span.n"
        )
        with self._sessions() as session:
            return [int(n) for n in session.scalars(query, _spans(boundaries_ms))]

    def rating_outcomes(
        self, boundaries_ms: Sequence[int], stage_before: Stage, passing: Rating
    ) -> list[tuple[int, int]]:
        """(ratings, ratings of ``passing`` or better) in each span, of the cards that
        were at ``stage_before`` when rated: for a few long spans (the retention periods),
        each one range of ix_reviews_time."""
        query = text(
            "SELECT count(*), coalesce(sum(rating >= :passing), 0) FROM reviews"
            " WHERE reviewed_ms >= :low AND reviewed_ms < :high"
            " AND kind = 'review' AND stage_before = :stage"
        )
        values = {"stage": int(stage_before), "passing": int(passing)}
        with self._sessions() as session:
            outcomes = []
            for low, high in itertools.pairwise(_rising(boundaries_ms)):
                row = session.execute(query, values | {"low": low, "high": high}).one()
                outcomes.append((int(row[0]), int(row[1])))
            return outcomes

    # -- attempts and drafts -------------------------------------------------

    def record_attempt(self, attempt: Attempt) -> None:
        with self._writes.begin() as session:
            session.add(attempt_row(attempt))

    def attempts(self, card_key: str | None = None, kind: str | None = None) -> list[Attempt]:
        query = select(AttemptRow).order_by(
            AttemptRow.submitted_ms, literal_column("attempts.rowid")
        )
        if card_key is not None:
            query = query.where(AttemptRow.card_key == card_key)
        if kind is not None:
            # Building an Attempt costs more than reading its row: leave out the kinds not asked for.
            query = query.where(AttemptRow.kind == kind)
        with self._sessions() as session:
            return [attempt_from_row(row) for row in session.scalars(query)]

    def submission_outcomes(self) -> list[tuple[str, bool, float | None]]:
        """(card_key, passed, elapsed_ms) of every kata submission, oldest first, without
        building an Attempt each. elapsed_ms is the summary's when it is a number, as
        ``Attempt.elapsed_ms`` reads it (JSON's true is not a number of milliseconds)."""
        query = text(
            "SELECT card_key, passed,"
            " CASE WHEN json_type(summary, '$.elapsed_ms') IN ('integer', 'real')"
            " THEN json_extract(summary, '$.elapsed_ms') END"
            " FROM attempts WHERE kind = 'submit' ORDER BY submitted_ms, rowid"
        )
        with self._sessions() as session:
            return [
                (str(key), bool(passed), elapsed) for key, passed, elapsed in session.execute(query)
            ]

    def save_draft(self, card_key: str, code: str, at: datetime) -> None:
        with self._writes.begin() as session:
            row = session.get(DraftRow, card_key) or DraftRow(card_key=card_key)
            row.code = code
            row.updated_ms = to_ms(at)
            session.add(row)

    def drafts(self) -> dict[str, tuple[str, datetime]]:
        with self._sessions() as session:
            return {
                row.card_key: (row.code, from_ms(row.updated_ms))
                for row in session.scalars(select(DraftRow))
            }

    def is_empty(self) -> bool:
        """No history at all: nothing reviewed, attempted, drafted or marked."""
        with self._sessions() as session:
            for table in (ReviewRow, CardStateRow, AttemptRow, DraftRow, CardMarkRow):
                if session.scalar(select(func.count()).select_from(table)):
                    return False
        return True

    def set_installation_id(self, value: str) -> None:
        self.set_meta(INSTALLATION_KEY, value)
        self.installation_id = value

    def draft(self, card_key: str) -> str | None:
        saved = self.saved_draft(card_key)
        return saved[0] if saved is not None else None

    def saved_draft(self, card_key: str) -> tuple[str, datetime] | None:
        """One card's draft and when it was saved."""
        with self._sessions() as session:
            row = session.get(DraftRow, card_key)
            return (row.code, from_ms(row.updated_ms)) if row is not None else None

    # -- marks: suspended, buried, leech -------------------------------------

    def marks(self) -> dict[str, CardMarks]:
        with self._sessions() as session:
            return {
                row.card_key: marks_from_row(row) for row in session.scalars(select(CardMarkRow))
            }

    def set_marks(
        self, card_key: str, marks: CardMarks, changed_at: datetime | None = None
    ) -> None:
        """``changed_at``: when the learner changed them; a change without a time loses a
        sync to any change with one."""
        changed_ms = to_ms(changed_at) if changed_at is not None else None
        with self._writes.begin() as session:
            row = session.get(CardMarkRow, card_key) or CardMarkRow(card_key=card_key)
            session.add(fill_marks_row(row, marks, changed_ms))

    def stamped_marks(self) -> dict[str, tuple[CardMarks, int | None]]:
        """Each card's marks and when they last changed (ms; None when not known)."""
        with self._sessions() as session:
            return {
                row.card_key: (marks_from_row(row), row.changed_ms)
                for row in session.scalars(select(CardMarkRow))
            }

    # -- merging another installation's history ---------------------------------

    def log_mark(self) -> tuple[int, int]:
        """Something that changes whenever a review is written or taken back: a merge
        computed from the log as it was can tell that it is no longer."""
        with self._sessions() as session:
            return _log_mark(session)

    def undone_review_ids(self) -> frozenset[str]:
        with self._sessions() as session:
            return frozenset(session.scalars(select(UndoneReviewRow.id)))

    def merge_history(
        self,
        reviews: Iterable[Review],
        undone: Iterable[str],
        states: Iterable[CardState],
        marks: Mapping[str, tuple[CardMarks, int | None]],
        log_mark: tuple[int, int],
    ) -> int:
        """In one transaction: add the reviews not in the log yet, take back the undone
        ones, put ``states`` in place of every card state and write ``marks``.
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
        return added

    # -- settings kept with the history ---------------------------------------

    def meta(self, key: str) -> str | None:
        with self._sessions() as session:
            row = session.get(MetaRow, key)
            return row.value if row is not None else None

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

    # -- columns for statistics (numbers, not objects) -------------------------

    def review_columns(
        self, since: datetime | None = None
    ) -> list[tuple[int, int, int | None, str, int | None]]:
        """(reviewed_ms, rating, stage_before, card_key, duration_ms) of every review."""
        query = select(
            ReviewRow.reviewed_ms,
            ReviewRow.rating,
            ReviewRow.stage_before,
            ReviewRow.card_key,
            ReviewRow.duration_ms,
        ).where(ReviewRow.kind == "review")
        if since is not None:
            query = query.where(ReviewRow.reviewed_ms >= to_ms(since))
        with self._sessions() as session:
            return [tuple(row) for row in session.execute(query.order_by(ReviewRow.reviewed_ms))]

    def state_columns(
        self,
    ) -> list[tuple[str, int, float | None, float | None, int, int | None, int, int]]:
        """(card_key, stage, stability, difficulty, due_ms, last_review_ms, reps, lapses) of every state."""
        query = select(
            CardStateRow.card_key,
            CardStateRow.stage,
            CardStateRow.stability,
            CardStateRow.difficulty,
            CardStateRow.due_ms,
            CardStateRow.last_review_ms,
            CardStateRow.reps,
            CardStateRow.lapses,
        )
        with self._sessions() as session:
            return [tuple(row) for row in session.execute(query)]

    # -- fitted FSRS parameters -------------------------------------------------

    def _meta_json(self, key: str) -> Any:
        """A JSON meta value, or None when it is missing or unreadable."""
        raw = self.meta(key)
        try:
            return json.loads(raw) if raw else None
        except ValueError:
            return None

    def fitted_parameters(self) -> tuple[float, ...] | None:
        """The fitted FSRS parameters; None when missing or not a full, finite set
        (the scheduler then uses its defaults rather than failing)."""
        values = self._meta_json(FITTED_PARAMETERS_KEY)
        if (
            not isinstance(values, list)
            or len(values) != len(DEFAULT_PARAMETERS)
            or not all(type(v) in (int, float) and math.isfinite(v) for v in values)
        ):
            return None
        return tuple(float(v) for v in values)

    def fit_record(self) -> dict[str, Any] | None:
        record = self._meta_json(FIT_RECORD_KEY)
        return record if isinstance(record, dict) else None

    def save_fit(self, parameters: tuple[float, ...], record: dict[str, Any]) -> None:
        self.set_meta(FITTED_PARAMETERS_KEY, json.dumps(list(parameters)))
        self.set_meta(FIT_RECORD_KEY, json.dumps(record))
