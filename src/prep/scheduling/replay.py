"""Rebuilding card states from the append-only review log."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum

from prep.scheduling.memory import CardState, MemoryModel, Rating, Stage


class ReviewKind(StrEnum):
    REVIEW = "review"
    RESET = "reset"  # "forget this card": it starts again as new


@dataclass(frozen=True)
class Review:
    """One entry of the log: the unit of history (merged by id across machines)."""

    id: str
    card_key: str
    rating: Rating | None  # None for a reset
    reviewed_at: datetime
    duration_ms: int | None
    installation_id: str
    kind: ReviewKind = ReviewKind.REVIEW
    stage_before: Stage | None = None


def replay(reviews: Iterable[Review], model: MemoryModel) -> dict[str, CardState]:
    return replay_with_stages(reviews, model)[0]


def replay_with_stages(
    reviews: Iterable[Review], model: MemoryModel
) -> tuple[dict[str, CardState], list[Review]]:
    """Replay, and return the log with each review's ``stage_before`` filled in
    (for histories imported from elsewhere)."""
    states: dict[str, CardState] = {}
    annotated: list[Review] = []
    # A stable sort by time: entries logged in the same millisecond keep log order.
    for review in sorted(reviews, key=lambda r: r.reviewed_at):
        if review.kind is ReviewKind.RESET or review.rating is None:
            states.pop(review.card_key, None)
            annotated.append(review)
            continue
        before = states.get(review.card_key) or CardState.new(review.card_key, review.reviewed_at)
        states[review.card_key] = model.review(before, review.rating, review.reviewed_at, review.id)
        annotated.append(replace(review, stage_before=before.stage))
    return states, annotated
