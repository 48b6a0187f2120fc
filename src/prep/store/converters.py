"""Rows ↔ domain values, at the edge of the store: nothing above it sees a row."""

from __future__ import annotations

import json
from typing import Any

from prep.clock import from_ms, to_ms
from prep.grading.attempts import Attempt
from prep.scheduling.marks import CardMarks
from prep.scheduling.memory import CardState, Rating, Stage
from prep.scheduling.replay import Review, ReviewKind
from prep.store.tables import AttemptRow, CardMarkRow, CardStateRow, ReviewRow

# Enum members by value: a heavy learner's log is read a million rows at a time.
_STAGES = {int(stage): stage for stage in Stage}
_RATINGS = {int(rating): rating for rating in Rating}
_KINDS = {kind.value: kind for kind in ReviewKind}

# The columns, in order, that ``state_from_values`` and ``review_from_values`` take.
STATE_COLUMNS = (
    CardStateRow.card_key, CardStateRow.stage, CardStateRow.step, CardStateRow.stability,
    CardStateRow.difficulty, CardStateRow.due_ms, CardStateRow.last_review_ms,
    CardStateRow.reps, CardStateRow.lapses,
)  # fmt: skip
REVIEW_COLUMNS = (
    ReviewRow.id, ReviewRow.card_key, ReviewRow.rating, ReviewRow.reviewed_ms,
    ReviewRow.duration_ms, ReviewRow.installation_id, ReviewRow.kind, ReviewRow.stage_before,
    ReviewRow.seq,
)  # fmt: skip


def state_from_values(
    card_key: str,
    stage: int,
    step: int | None,
    stability: float | None,
    difficulty: float | None,
    due_ms: int,
    last_review_ms: int | None,
    reps: int,
    lapses: int,
) -> CardState:
    return CardState(
        key=card_key,
        stage=_STAGES[stage],
        step=step,
        stability=stability,
        difficulty=difficulty,
        due=from_ms(due_ms),
        last_review=from_ms(last_review_ms) if last_review_ms is not None else None,
        reps=reps,
        lapses=lapses,
    )


def state_from_row(row: CardStateRow) -> CardState:
    return state_from_values(
        row.card_key, row.stage, row.step, row.stability, row.difficulty, row.due_ms,
        row.last_review_ms, row.reps, row.lapses,
    )  # fmt: skip


def state_values(state: CardState) -> dict[str, Any]:
    return {
        "card_key": state.key,
        "stage": int(state.stage),
        "step": state.step,
        "stability": state.stability,
        "difficulty": state.difficulty,
        "due_ms": to_ms(state.due),
        "last_review_ms": to_ms(state.last_review) if state.last_review is not None else None,
        "reps": state.reps,
        "lapses": state.lapses,
    }


def fill_state_row(row: CardStateRow, state: CardState) -> CardStateRow:
    for column, value in state_values(state).items():
        setattr(row, column, value)
    return row


def review_from_values(
    review_id: str,
    card_key: str,
    rating: int,
    reviewed_ms: int,
    duration_ms: int | None,
    installation_id: str,
    kind: str | None,
    stage_before: int | None,
    seq: int | None = None,
) -> Review:
    review_kind = _KINDS[kind or "review"]
    return Review(
        id=review_id,
        card_key=card_key,
        rating=_RATINGS[rating] if review_kind is ReviewKind.REVIEW else None,
        reviewed_at=from_ms(reviewed_ms),
        duration_ms=duration_ms,
        installation_id=installation_id,
        kind=review_kind,
        stage_before=_STAGES[stage_before] if stage_before is not None else None,
        seq=seq,
    )


def review_values(review: Review) -> dict[str, Any]:
    return {
        "id": review.id,
        "card_key": review.card_key,
        "rating": int(review.rating) if review.rating is not None else 0,
        "reviewed_ms": to_ms(review.reviewed_at),
        "duration_ms": review.duration_ms,
        "installation_id": review.installation_id,
        "kind": review.kind.value,
        "stage_before": int(review.stage_before) if review.stage_before is not None else None,
        "seq": review.seq,
    }


def attempt_values(attempt: Attempt) -> dict[str, Any]:
    return {
        "id": attempt.id,
        "card_key": attempt.card_key,
        "kind": attempt.kind,
        "submitted_ms": to_ms(attempt.submitted_at),
        "code": attempt.code,
        "passed": attempt.passed,
        "summary": json.dumps(attempt.summary),
        "duration_ms": attempt.duration_ms,
        "installation_id": attempt.installation_id,
    }


def attempt_row(attempt: Attempt) -> AttemptRow:
    return AttemptRow(**attempt_values(attempt))


def attempt_from_row(row: AttemptRow) -> Attempt:
    return Attempt(
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


def marks_from_row(row: CardMarkRow) -> CardMarks:
    return CardMarks(
        bool(row.suspended),
        from_ms(row.buried_until_ms) if row.buried_until_ms is not None else None,
        bool(row.leech),
    )


def marks_values(key: str, marks: CardMarks, changed_ms: int | None = None) -> dict[str, Any]:
    return {
        "card_key": key,
        "suspended": marks.suspended,
        "buried_until_ms": to_ms(marks.buried_until) if marks.buried_until is not None else None,
        "leech": marks.leech,
        "changed_ms": changed_ms,
    }


def fill_marks_row(row: CardMarkRow, marks: CardMarks, changed_ms: int | None) -> CardMarkRow:
    for column, value in marks_values(row.card_key, marks, changed_ms).items():
        setattr(row, column, value)
    return row
