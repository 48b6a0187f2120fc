"""Rebuilding card states from the append-only review log."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum

from prep.clock import to_ms
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
    # Its place among the reviews of its installation, in the order they were made
    # (the store numbers them); None for a review imported from a CSV.
    seq: int | None = None


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
    # A stable sort by time: entries logged in the same millisecond keep log order.
    return _steps_in_order(sorted(reviews, key=lambda r: r.reviewed_at), model)


def _steps_in_order(reviews: Iterable[Review], model: MemoryModel) -> Iterator[ReplayStep]:
    states: dict[str, CardState] = {}
    for review in reviews:
        before = states.get(review.card_key) or CardState.new(review.card_key, review.reviewed_at)
        if review.kind is ReviewKind.RESET or review.rating is None:
            states.pop(review.card_key, None)
            yield ReplayStep(review, before, None)
            continue
        after = model.review(before, review.rating, review.reviewed_at, review.id)
        states[review.card_key] = after
        yield ReplayStep(review, before, after)


def merged_order(reviews: Iterable[Review]) -> list[Review]:
    """The logs of several installations as one, in an order every machine finds alike:
    by time, except that each installation's own reviews keep the order it made them
    in (its ``seq``), however its clock disagreed. A review made after a later-stamped
    one of its installation counts as made at that later time; equal times fall to the
    installation, then the number, then the id."""
    chains: dict[str, list[Review]] = defaultdict(list)
    keyed: list[tuple[int, str, int, str, Review]] = []
    for review in reviews:
        if review.seq is None:
            keyed.append((to_ms(review.reviewed_at), review.installation_id, 0, review.id, review))
        else:
            chains[review.installation_id].append(review)
    for installation, chain in chains.items():
        chain.sort(key=lambda r: (r.seq, r.id))
        latest = None
        for review in chain:
            at = to_ms(review.reviewed_at)
            latest = at if latest is None else max(latest, at)
            keyed.append((latest, installation, review.seq or 0, review.id, review))
    keyed.sort(key=lambda entry: entry[:4])
    return [entry[4] for entry in keyed]


def replay_merged(reviews: Iterable[Review], model: MemoryModel) -> dict[str, CardState]:
    """The card states the merged logs give, replayed in ``merged_order``."""
    return _replay_in_order(merged_order(reviews), model)[0]


def replay_with_stages(
    reviews: Iterable[Review], model: MemoryModel
) -> tuple[dict[str, CardState], list[Review]]:
    """Replay, and return the log with each review's ``stage_before`` filled in
    (for histories imported from elsewhere)."""
    # A stable sort by time: entries logged in the same millisecond keep log order.
    return _replay_in_order(sorted(reviews, key=lambda r: r.reviewed_at), model)


def _replay_in_order(
    reviews: Iterable[Review], model: MemoryModel
) -> tuple[dict[str, CardState], list[Review]]:
    states: dict[str, CardState] = {}
    annotated: list[Review] = []
    for step in _steps_in_order(reviews, model):
        key = step.review.card_key
        if step.after is None:
            states.pop(key, None)
            annotated.append(step.review)
        else:
            states[key] = step.after
            annotated.append(replace(step.review, stage_before=step.before.stage))
    return states, annotated
