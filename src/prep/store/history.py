"""Reading the history: card states, marks and counts of the review log, in SQL
through the standard library's ``sqlite3``.

Every read of the store is here, once. The ``Store`` is a ``History`` whose
connections come from its SQLAlchemy engine; ``History.open`` reads the same file
without importing SQLAlchemy, so the first numbers a learner sees (Today, ``prep
stats``) do not wait for it. It opens only a database whose schema is the
newest: anything older (or no database at all) is left to the ``Store``, which
migrates.
"""

from __future__ import annotations

import itertools
import json
import math
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, closing, contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

from prep.clock import from_ms, to_ms
from prep.grading.attempts import Attempt
from prep.scheduling.marks import CardMarks
from prep.scheduling.memory import DEFAULT_PARAMETERS, CardState, Rating, Stage
from prep.scheduling.replay import Review
from prep.store.converters import (
    ATTEMPT_FIELDS,
    REVIEW_FIELDS,
    STATE_FIELDS,
    attempt_from_values,
    marks_from_values,
    review_from_values,
    state_from_values,
)

# The newest migration; a test checks it against Alembic's own idea of head.
HEAD_REVISION = "0005"
BUSY_TIMEOUT_MS = 15_000

INSTALLATION_KEY = "installation_id"
FITTED_PARAMETERS_KEY = "fsrs_parameters"
FIT_RECORD_KEY = "fsrs_fit"

STATE_QUERY = f"SELECT {', '.join(STATE_FIELDS)} FROM card_states"
# The log in order: by time, then as written (two reviews in one millisecond keep theirs).
LOG_QUERY = f"SELECT {', '.join(REVIEW_FIELDS)} FROM reviews"
LOG_ORDER = " ORDER BY reviewed_ms, rowid"
# Changes whenever a review is written or taken back (see Store.merge_history).
LOG_MARK_QUERY = "SELECT count(*), coalesce(max(rowid), 0) FROM reviews"

# The spans between consecutive boundaries, as rows (n, low, high): the boundaries
# travel as one JSON array, whatever their number.
_SPANS = (
    "edge(n, at) AS (SELECT key, value FROM json_each(:edges)),"
    " span(n, low, high) AS (SELECT lo.n, lo.at, hi.at FROM edge AS lo"
    " JOIN edge AS hi ON hi.n = lo.n + 1)"
)

Connect = Callable[[], AbstractContextManager[sqlite3.Connection]]


def rising(boundaries_ms: Sequence[int]) -> list[int]:
    if any(later < earlier for earlier, later in itertools.pairwise(boundaries_ms)):
        raise ValueError("span boundaries must not decrease")
    return [int(at) for at in boundaries_ms]


def _file_connection(path: Path) -> Connect:
    # mode=rw: a file that is not there is not created (the Store makes homes).
    uri = f"file:{quote(str(path.resolve()))}?mode=rw"

    @contextmanager
    def connect() -> Iterator[sqlite3.Connection]:
        with closing(sqlite3.connect(uri, uri=True, isolation_level=None)) as connection:
            connection.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
            yield connection

    return connect


class ChangeWatch:
    """Whether anyone has committed to the database since the watch began: this
    process's store, or another process. SQLite's ``data_version`` changes with every
    commit made through another connection, so the watch keeps one of its own open,
    and reads it from one thread at a time (whichever asks)."""

    def __init__(self, path: Path) -> None:
        self._connection = sqlite3.connect(
            f"file:{quote(str(path.resolve()))}?mode=rw",
            uri=True,
            isolation_level=None,
            check_same_thread=False,
        )
        self._began = self._version()

    def _version(self) -> int:
        return int(self._connection.execute("PRAGMA data_version").fetchone()[0])

    def changed(self) -> bool:
        return self._version() != self._began

    def close(self) -> None:
        self._connection.close()


def schema_revision(connection: sqlite3.Connection) -> str | None:
    tables = connection.execute(
        "SELECT 1 FROM sqlite_master WHERE type='table' AND name='alembic_version'"
    ).fetchone()
    if tables is None:
        return None
    row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
    return str(row[0]) if row is not None else None


class History:
    """What the store holds, read; one short connection per read."""

    def __init__(self, connect: Connect) -> None:
        self._connect = connect

    @classmethod
    def open(cls, path: Path) -> History | None:
        """The history in ``path`` read without SQLAlchemy, or None when the Store must
        open it first: no such file, a schema to migrate, or a file SQLite refuses."""
        if not path.is_file():
            return None
        connect = _file_connection(path)
        try:
            with connect() as connection:
                if schema_revision(connection) != HEAD_REVISION:
                    return None
                if _meta(connection, INSTALLATION_KEY) is None:
                    return None  # the Store writes it on its first start
        except sqlite3.Error:
            return None  # the Store says what is wrong
        return cls(connect)

    def _rows(self, query: str, values: Sequence[Any] | dict[str, Any] = ()) -> list[Any]:
        with self._connect() as connection:
            return connection.execute(query, values).fetchall()

    def _number(self, query: str, values: Sequence[Any] | dict[str, Any] = ()) -> Any:
        with self._connect() as connection:
            row = connection.execute(query, values).fetchone()
        return row[0] if row is not None else None

    # -- card states and marks -----------------------------------------------

    def card_states(self) -> dict[str, CardState]:
        # Plain tuples: a heavy learner has tens of thousands of states.
        return {values[0]: state_from_values(*values) for values in self._rows(STATE_QUERY)}

    def card_state(self, key: str) -> CardState | None:
        rows = self._rows(f"{STATE_QUERY} WHERE card_key = ?", (key,))
        return state_from_values(*rows[0]) if rows else None

    def marks(self) -> dict[str, CardMarks]:
        rows = self._rows("SELECT card_key, suspended, buried_until_ms, leech FROM card_marks")
        return {key: marks_from_values(*values) for key, *values in rows}

    def stamped_marks(self) -> dict[str, tuple[CardMarks, int | None]]:
        """Each card's marks and when they last changed (ms; None when not known)."""
        rows = self._rows(
            "SELECT card_key, suspended, buried_until_ms, leech, changed_ms FROM card_marks"
        )
        return {key: (marks_from_values(*values), changed) for key, *values, changed in rows}

    # -- the review log ----------------------------------------------------------

    def reviews(self, card_key: str | None = None, include_resets: bool = True) -> list[Review]:
        conditions, values = [], []
        if not include_resets:
            conditions.append("kind = 'review'")
        if card_key is not None:
            conditions.append("card_key = ?")
            values.append(card_key)
        where = f" WHERE {' AND '.join(conditions)}" if conditions else ""
        rows = self._rows(f"{LOG_QUERY}{where}{LOG_ORDER}", values)
        return [review_from_values(*row) for row in rows]

    def iter_reviews(self, chunk: int = 5000) -> Iterator[Review]:
        """Every entry of the log in order, read a chunk at a time: a million reviews never
        sit in memory at once (a backup streams them)."""
        with self._connect() as connection:
            cursor = connection.execute(f"{LOG_QUERY}{LOG_ORDER}")
            while rows := cursor.fetchmany(chunk):
                for row in rows:
                    yield review_from_values(*row)

    def log_mark(self) -> tuple[int, int]:
        """Something that changes whenever a review is written or taken back: a merge
        computed from the log as it was can tell that it is no longer."""
        count, last = self._rows(LOG_MARK_QUERY)[0]
        return int(count), int(last)

    def undone_review_ids(self) -> frozenset[str]:
        return frozenset(row[0] for row in self._rows("SELECT id FROM undone_reviews"))

    # -- counts of the review log --------------------------------------------

    def count_reviews(self, kinds: tuple[str, ...] | None = ("review",)) -> int:
        if kinds is None:
            return int(self._number("SELECT count(*) FROM reviews"))
        marks = ", ".join("?" for _ in kinds)
        return int(self._number(f"SELECT count(*) FROM reviews WHERE kind IN ({marks})", kinds))

    def count_reviews_since(self, since: datetime) -> int:
        """Ratings given since ``since``; a reset is not a review."""
        query = "SELECT count(*) FROM reviews WHERE reviewed_ms >= ? AND kind = 'review'"
        return int(self._number(query, (to_ms(since),)))

    def count_first_reviews_since(self, since: datetime) -> int:
        """How many cards were first reviewed after ``since``: new cards introduced."""
        return len(self.first_reviewed_since(since))

    def first_reviewed_since(self, since: datetime) -> frozenset[str]:
        """The cards whose first review falls after ``since``: the new cards introduced."""
        # The cards reviewed since, less those with an earlier entry: a seek per card
        # in ix_reviews_card_time, not a minimum over the whole log. MATERIALIZED keeps
        # the planner on the time range (it would rather scan the card index for DISTINCT).
        query = (
            "WITH recent AS MATERIALIZED"
            " (SELECT card_key FROM reviews WHERE reviewed_ms >= :since)"
            " SELECT DISTINCT card_key FROM recent WHERE NOT EXISTS"
            " (SELECT 1 FROM reviews AS earlier"
            "  WHERE earlier.card_key = recent.card_key AND earlier.reviewed_ms < :since)"
        )
        return frozenset(row[0] for row in self._rows(query, {"since": to_ms(since)}))

    def first_review_ms(self, card_key: str) -> int | None:
        """When the card's log begins (ms), as ``first_reviewed_since`` counts it; one card."""
        first = self._number("SELECT min(reviewed_ms) FROM reviews WHERE card_key = ?", (card_key,))
        return int(first) if first is not None else None

    def first_rating_ms(self) -> int | None:
        """When the first rating was given (a reset is not a rating)."""
        first = self._number("SELECT min(reviewed_ms) FROM reviews WHERE kind = 'review'")
        return int(first) if first is not None else None

    def rating_counts(self, boundaries_ms: Sequence[int]) -> list[int]:
        """How many ratings fall in each span ``[boundaries_ms[i], boundaries_ms[i + 1])``
        (a reset is not a rating): one number per span, counted in ix_reviews_time."""
        query = (
            f"WITH {_SPANS}"
            " SELECT (SELECT count(*) FROM reviews"
            "  WHERE kind = 'review' AND reviewed_ms >= span.low AND reviewed_ms < span.high)"
            " FROM span ORDER BY span.n"
        )
        rows = self._rows(query, {"edges": json.dumps(rising(boundaries_ms))})
        return [int(row[0]) for row in rows]

    def rating_outcomes(
        self, boundaries_ms: Sequence[int], stage_before: Stage, passing: Rating
    ) -> list[tuple[int, int]]:
        """(ratings, ratings of ``passing`` or better) in each span, of the cards that
        were at ``stage_before`` when rated: for a few long spans (the retention periods),
        each one range of ix_reviews_time."""
        query = (
            "SELECT count(*), coalesce(sum(rating >= :passing), 0) FROM reviews"
            " WHERE reviewed_ms >= :low AND reviewed_ms < :high"
            " AND kind = 'review' AND stage_before = :stage"
        )
        values = {"stage": int(stage_before), "passing": int(passing)}
        with self._connect() as connection:
            outcomes = []
            for low, high in itertools.pairwise(rising(boundaries_ms)):
                row = connection.execute(query, values | {"low": low, "high": high}).fetchone()
                outcomes.append((int(row[0]), int(row[1])))
            return outcomes

    def attempts(self, card_key: str | None = None, kind: str | None = None) -> list[Attempt]:
        conditions, values = [], []
        if card_key is not None:
            conditions.append("card_key = ?")
            values.append(card_key)
        if kind is not None:
            # Building an Attempt costs more than reading its row: leave out the kinds not asked for.
            conditions.append("kind = ?")
            values.append(kind)
        where = f" WHERE {' AND '.join(conditions)}" if conditions else ""
        query = (
            f"SELECT {', '.join(ATTEMPT_FIELDS)} FROM attempts{where} ORDER BY submitted_ms, rowid"
        )
        return [attempt_from_values(*row) for row in self._rows(query, values)]

    def submission_outcomes(self) -> list[tuple[str, bool, float | None]]:
        """(card_key, passed, elapsed_ms) of every kata submission, oldest first, without
        building an Attempt each. elapsed_ms is the summary's when it is a number, as
        ``Attempt.elapsed_ms`` reads it (JSON's true is not a number of milliseconds)."""
        query = (
            "SELECT card_key, passed,"
            " CASE WHEN json_type(summary, '$.elapsed_ms') IN ('integer', 'real')"
            " THEN json_extract(summary, '$.elapsed_ms') END"
            " FROM attempts WHERE kind = 'submit' ORDER BY submitted_ms, rowid"
        )
        return [(str(key), bool(passed), elapsed) for key, passed, elapsed in self._rows(query)]

    # -- columns for statistics (numbers, not objects) -------------------------

    def review_columns(
        self, since: datetime | None = None
    ) -> list[tuple[int, int, int | None, str, int | None]]:
        """(reviewed_ms, rating, stage_before, card_key, duration_ms) of every rating."""
        query = (
            "SELECT reviewed_ms, rating, stage_before, card_key, duration_ms FROM reviews"
            " WHERE kind = 'review' AND reviewed_ms >= ? ORDER BY reviewed_ms"
        )
        low = to_ms(since) if since is not None else -(2**63)
        return [tuple(row) for row in self._rows(query, (low,))]

    def review_times_ms(self, since: datetime | None = None) -> list[int]:
        query = "SELECT reviewed_ms FROM reviews WHERE kind = 'review' AND reviewed_ms >= ?"
        low = to_ms(since) if since is not None else -(2**63)
        return [int(row[0]) for row in self._rows(query, (low,))]

    def state_columns(
        self,
    ) -> list[tuple[str, int, float | None, float | None, int, int | None, int, int]]:
        """(card_key, stage, stability, difficulty, due_ms, last_review_ms, reps, lapses) of every state."""
        query = (
            "SELECT card_key, stage, stability, difficulty, due_ms, last_review_ms, reps, lapses"
            " FROM card_states"
        )
        return [tuple(row) for row in self._rows(query)]

    # -- drafts ------------------------------------------------------------------

    def drafts(self) -> dict[str, tuple[str, datetime]]:
        rows = self._rows("SELECT card_key, code, updated_ms FROM drafts")
        return {key: (code, from_ms(updated_ms)) for key, code, updated_ms in rows}

    def saved_draft(self, card_key: str) -> tuple[str, datetime] | None:
        """One card's draft and when it was saved."""
        rows = self._rows("SELECT code, updated_ms FROM drafts WHERE card_key = ?", (card_key,))
        return (rows[0][0], from_ms(rows[0][1])) if rows else None

    def draft(self, card_key: str) -> str | None:
        saved = self.saved_draft(card_key)
        return saved[0] if saved is not None else None

    def is_empty(self) -> bool:
        """No history at all: nothing reviewed, attempted, drafted or marked."""
        with self._connect() as connection:
            for table in ("reviews", "card_states", "attempts", "drafts", "card_marks"):
                if connection.execute(f"SELECT 1 FROM {table} LIMIT 1").fetchone() is not None:
                    return False
        return True

    # -- what is kept beside the history -------------------------------------------

    def meta(self, key: str) -> str | None:
        with self._connect() as connection:
            return _meta(connection, key)

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


def _meta(connection: sqlite3.Connection, key: str) -> str | None:
    row = connection.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
    return str(row[0]) if row is not None else None
