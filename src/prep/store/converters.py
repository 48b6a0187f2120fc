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

# A card_states row as plain values, in the table's order of columns: (card_key,
# stage, step, stability, difficulty, due_ms, last_review_ms, reps, lapses).
StateRow = tuple[str, int, int | None, float | None, float | None, int, int | None, int, int]
_STAGES = {int(stage): stage for stage in Stage}


def state_from_values(values: StateRow) -> CardState:
    key, stage, step, stability, difficulty, due_ms, last_ms, reps, lapses = values
    # Positional, and the stage looked up rather than called: card_states builds
    # ten thousand of these for the Today screen.
    return CardState(
        key, _STAGES[stage], step, stability, difficulty, from_ms(due_ms),
        from_ms(last_ms) if last_ms is not None else None, reps, lapses,
    )  # fmt: skip


def state_from_row(row: CardStateRow) -> CardState:
    return state_from_values(
        (
            row.card_key, row.stage, row.step, row.stability, row.difficulty, row.due_ms,
            row.last_review_ms, row.reps, row.lapses,
        )
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


def review_from_row(row: ReviewRow) -> Review:
    kind = ReviewKind(row.kind or "review")
    return Review(
        id=row.id,
        card_key=row.card_key,
        rating=Rating(row.rating) if kind is ReviewKind.REVIEW else None,
        reviewed_at=from_ms(row.reviewed_ms),
        duration_ms=row.duration_ms,
        installation_id=row.installation_id,
        kind=kind,
        stage_before=Stage(row.stage_before) if row.stage_before is not None else None,
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


def marks_values(key: str, marks: CardMarks) -> dict[str, Any]:
    return {
        "card_key": key,
        "suspended": marks.suspended,
        "buried_until_ms": to_ms(marks.buried_until) if marks.buried_until is not None else None,
        "leech": marks.leech,
    }


def fill_marks_row(row: CardMarkRow, marks: CardMarks) -> CardMarkRow:
    for column, value in marks_values(row.card_key, marks).items():
        setattr(row, column, value)
    return row
