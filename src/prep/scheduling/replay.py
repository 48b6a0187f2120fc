"""Rebuilding card states from the append-only review log."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
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


@dataclass(frozen=True)
class ReplayStep:
    """One entry of the log replayed: the card's state before it and after it
    (``None`` after a reset: the card is new again)."""

    review: Review
    before: CardState
    after: CardState | None


def replay_steps(reviews: Iterable[Review], model: MemoryModel) -> Iterator[ReplayStep]:
    """The log in time order, each entry with the states around it: what an export
    that writes every review's interval needs, and what ``replay`` keeps the last of."""
    states: dict[str, CardState] = {}
    # A stable sort by time: entries logged in the same millisecond keep log order.
    for review in sorted(reviews, key=lambda r: r.reviewed_at):
        before = states.get(review.card_key) or CardState.new(review.card_key, review.reviewed_at)
        if review.kind is ReviewKind.RESET or review.rating is None:
            states.pop(review.card_key, None)
            yield ReplayStep(review, before, None)
            continue
        after = model.review(before, review.rating, review.reviewed_at, review.id)
        states[review.card_key] = after
        yield ReplayStep(review, before, after)


def replay_with_stages(
    reviews: Iterable[Review], model: MemoryModel
) -> tuple[dict[str, CardState], list[Review]]:
    """Replay, and return the log with each review's ``stage_before`` filled in
    (for histories imported from elsewhere)."""
    states: dict[str, CardState] = {}
    annotated: list[Review] = []
    for step in replay_steps(reviews, model):
        key = step.review.card_key
        if step.after is None:
            states.pop(key, None)
            annotated.append(step.review)
        else:
            states[key] = step.after
            annotated.append(replace(step.review, stage_before=step.before.stage))
    return states, annotated
