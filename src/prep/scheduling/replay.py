"""Rebuilding card states from the append-only review log."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from prep.scheduling.memory import CardState, MemoryModel, Rating


@dataclass(frozen=True)
class Review:
    """One answer, as logged: the unit of history (merged by id across machines)."""

    id: str
    card_key: str
    rating: Rating
    reviewed_at: datetime
    duration_ms: int | None
    installation_id: str


def replay(reviews: Iterable[Review], model: MemoryModel) -> dict[str, CardState]:
    states: dict[str, CardState] = {}
    # A stable sort by time: reviews logged in the same millisecond keep log order.
    for review in sorted(reviews, key=lambda r: r.reviewed_at):
        before = states.get(review.card_key) or CardState.new(review.card_key, review.reviewed_at)
        states[review.card_key] = model.review(before, review.rating, review.reviewed_at, review.id)
    return states
