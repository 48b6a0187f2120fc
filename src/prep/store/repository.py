"""The store: review log and card states, as domain values.

One Session per user action; every rating is committed in its own
transaction before the next card is shown.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, delete, func, literal_column, select
from sqlalchemy.orm import Session, sessionmaker

from prep.scheduling.memory import CardState, Rating, Stage
from prep.scheduling.replay import Review
from prep.store.database import open_database
from prep.store.tables import AttemptRow, CardStateRow, DraftRow, MetaRow, ReviewRow

INSTALLATION_KEY = "installation_id"


def to_ms(moment: datetime) -> int:
    return round(moment.timestamp() * 1000)


def from_ms(ms: int) -> datetime:
    return datetime.fromtimestamp(ms / 1000, tz=UTC)


def truncate_to_ms(moment: datetime) -> datetime:
    """Times are stored to the millisecond; domain code works at that grain
    too, so that states rebuilt from the log equal the stored ones."""
    return from_ms(to_ms(moment)).astimezone(UTC)


def _state_from_row(row: CardStateRow) -> CardState:
    return CardState(
        key=row.card_key,
        stage=Stage(row.stage),
        step=row.step,
        stability=row.stability,
        difficulty=row.difficulty,
        due=from_ms(row.due_ms),
        last_review=from_ms(row.last_review_ms) if row.last_review_ms is not None else None,
        reps=row.reps,
        lapses=row.lapses,
    )


def _write_state(session: Session, state: CardState) -> None:
    row = session.get(CardStateRow, state.key) or CardStateRow(card_key=state.key)
    row.stage = int(state.stage)
    row.step = state.step
    row.stability = state.stability
    row.difficulty = state.difficulty
    row.due_ms = to_ms(state.due)
    row.last_review_ms = to_ms(state.last_review) if state.last_review is not None else None
    row.reps = state.reps
    row.lapses = state.lapses
    session.add(row)


@dataclass(frozen=True)
class Attempt:
    """One run of a learner's code: a kata submission or a predict answer."""

    id: str
    card_key: str
    kind: str  # "submit", "examples" or "predict"
    submitted_at: datetime
    code: str
    passed: bool
    summary: dict[str, Any]
    duration_ms: int
    installation_id: str


def _review_from_row(row: ReviewRow) -> Review:
    return Review(
        id=row.id,
        card_key=row.card_key,
        rating=Rating(row.rating),
        reviewed_at=from_ms(row.reviewed_ms),
        duration_ms=row.duration_ms,
        installation_id=row.installation_id,
    )


class Store:
    def __init__(self, engine: Engine, path: Path | None = None) -> None:
        self.engine = engine
        self.path = path
        self._sessions = sessionmaker(engine, expire_on_commit=False)
        self.installation_id = self._ensure_installation_id()

    @classmethod
    def open(cls, path: Path) -> Store:
        return cls(open_database(path), path)

    def close(self) -> None:
        self.engine.dispose()

    def _ensure_installation_id(self) -> str:
        with self._sessions.begin() as session:
            row = session.get(MetaRow, INSTALLATION_KEY)
            if row is None:
                row = MetaRow(key=INSTALLATION_KEY, value=str(uuid.uuid4()))
                session.add(row)
            return row.value

    # -- card states -------------------------------------------------------

    def card_states(self) -> dict[str, CardState]:
        with self._sessions() as session:
            return {
                row.card_key: _state_from_row(row) for row in session.scalars(select(CardStateRow))
            }

    def card_state(self, key: str) -> CardState | None:
        with self._sessions() as session:
            row = session.get(CardStateRow, key)
            return _state_from_row(row) if row is not None else None

    # -- the review log ----------------------------------------------------

    def record_review(self, review: Review, after: CardState) -> None:
        """Append a review and store the state it produced, atomically."""
        with self._sessions.begin() as session:
            session.add(
                ReviewRow(
                    id=review.id,
                    card_key=review.card_key,
                    rating=int(review.rating),
                    reviewed_ms=to_ms(review.reviewed_at),
                    duration_ms=review.duration_ms,
                    installation_id=review.installation_id,
                )
            )
            _write_state(session, after)

    def undo_review(self, review_id: str, before: CardState | None) -> None:
        """Delete a review and put back the state the card had before it."""
        with self._sessions.begin() as session:
            review = session.get(ReviewRow, review_id)
            if review is None:
                return
            session.delete(review)
            if before is None or before.stage is Stage.NEW:
                session.execute(
                    delete(CardStateRow).where(CardStateRow.card_key == review.card_key)
                )
            else:
                _write_state(session, before)

    def reviews(self, card_key: str | None = None) -> list[Review]:
        query = select(ReviewRow).order_by(ReviewRow.reviewed_ms, literal_column("reviews.rowid"))
        if card_key is not None:
            query = query.where(ReviewRow.card_key == card_key)
        with self._sessions() as session:
            return [_review_from_row(row) for row in session.scalars(query)]

    def replace_states(self, states: Iterable[CardState]) -> None:
        with self._sessions.begin() as session:
            session.execute(delete(CardStateRow))
            for state in states:
                _write_state(session, state)

    def count_reviews(self) -> int:
        with self._sessions() as session:
            return int(session.scalar(select(func.count()).select_from(ReviewRow)) or 0)

    def review_times_ms(self, since: datetime | None = None) -> list[int]:
        query = select(ReviewRow.reviewed_ms)
        if since is not None:
            query = query.where(ReviewRow.reviewed_ms >= to_ms(since))
        with self._sessions() as session:
            return list(session.scalars(query))

    def count_reviews_since(self, since: datetime) -> int:
        with self._sessions() as session:
            query = (
                select(func.count())
                .select_from(ReviewRow)
                .where(ReviewRow.reviewed_ms >= to_ms(since))
            )
            return int(session.scalar(query) or 0)

    def count_first_reviews_since(self, since: datetime) -> int:
        """Cards whose first review falls after ``since``: new cards introduced."""
        first = select(
            ReviewRow.card_key, func.min(ReviewRow.reviewed_ms).label("first_ms")
        ).group_by(ReviewRow.card_key)
        sub = first.subquery()
        query = select(func.count()).select_from(sub).where(sub.c.first_ms >= to_ms(since))
        with self._sessions() as session:
            return int(session.scalar(query) or 0)

    # -- attempts and drafts -------------------------------------------------

    def record_attempt(self, attempt: Attempt) -> None:
        with self._sessions.begin() as session:
            session.add(
                AttemptRow(
                    id=attempt.id,
                    card_key=attempt.card_key,
                    kind=attempt.kind,
                    submitted_ms=to_ms(attempt.submitted_at),
                    code=attempt.code,
                    passed=attempt.passed,
                    summary=json.dumps(attempt.summary),
                    duration_ms=attempt.duration_ms,
                    installation_id=attempt.installation_id,
                )
            )

    def attempts(self, card_key: str | None = None) -> list[Attempt]:
        query = select(AttemptRow).order_by(
            AttemptRow.submitted_ms, literal_column("attempts.rowid")
        )
        if card_key is not None:
            query = query.where(AttemptRow.card_key == card_key)
        with self._sessions() as session:
            return [
                Attempt(
                    id=row.id,
                    card_key=row.card_key,
                    kind=row.kind,
                    submitted_at=from_ms(row.submitted_ms),
                    code=row.code,
                    passed=bool(row.passed),
                    summary=json.loads(row.summary),
                    duration_ms=row.duration_ms,
                    installation_id=row.installation_id,
                )
                for row in session.scalars(query)
            ]

    def save_draft(self, card_key: str, code: str, at: datetime) -> None:
        with self._sessions.begin() as session:
            row = session.get(DraftRow, card_key) or DraftRow(card_key=card_key)
            row.code = code
            row.updated_ms = to_ms(at)
            session.add(row)

    def draft(self, card_key: str) -> str | None:
        with self._sessions() as session:
            row = session.get(DraftRow, card_key)
            return row.code if row is not None else None
