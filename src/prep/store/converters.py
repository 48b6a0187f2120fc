"""Rows ↔ domain values, at the edge of the store: nothing above it sees a row.

Plain values in, domain values out: no SQLAlchemy here, so that the history can be
read without it (``History.open``).
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from prep.clock import from_ms, to_ms
from prep.grading.attempts import Attempt
from prep.scheduling.marks import CardMarks
from prep.scheduling.memory import CardState, Rating, Stage
from prep.scheduling.replay import Review, ReviewKind

if TYPE_CHECKING:
    from prep.store.tables import CardMarkRow, CardStateRow

# Enum members by value: a heavy learner's log is read a million rows at a time.
_STAGES = {int(stage): stage for stage in Stage}
_RATINGS = {int(rating): rating for rating in Rating}
_KINDS = {kind.value: kind for kind in ReviewKind}

# The columns, in order, that ``state_from_values``, ``review_from_values`` and
# ``attempt_from_values`` take.
STATE_FIELDS = (
    "card_key", "stage", "step", "stability", "difficulty", "due_ms", "last_review_ms",
    "reps", "lapses",
)  # fmt: skip
REVIEW_FIELDS = (
    "id", "card_key", "rating", "reviewed_ms", "duration_ms", "installation_id", "kind",
    "stage_before", "seq",
)  # fmt: skip
ATTEMPT_FIELDS = (
    "id", "card_key", "kind", "submitted_ms", "code", "passed", "summary", "duration_ms",
    "installation_id",
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


def attempt_from_values(
    attempt_id: str,
    card_key: str,
    kind: str,
    submitted_ms: int,
    code: str,
    passed: int | bool,
    summary: str,
    duration_ms: int,
    installation_id: str,
) -> Attempt:
    return Attempt(
        id=attempt_id,
        card_key=card_key,
        kind=kind,
        submitted_at=from_ms(submitted_ms),
        code=code,
        passed=bool(passed),
        summary=json.loads(summary),
        duration_ms=duration_ms,
        installation_id=installation_id,
    )


def marks_from_values(
    suspended: int | bool, buried_until_ms: int | None, leech: int | bool
) -> CardMarks:
    return CardMarks(
        bool(suspended),
        from_ms(buried_until_ms) if buried_until_ms is not None else None,
        bool(leech),
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
