"""One card's record, as the browser's card info shows it: its memory state now,
its marks, and each entry of its log with the interval that review gave."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from prep.scheduling.marks import CardMarks
from prep.scheduling.memory import CardState, MemoryModel, Rating, Stage
from prep.scheduling.replay import replay_steps
from prep.store.history import History


@dataclass(frozen=True)
class LogLine:
    """One entry of a card's log: a rating (None for a reset) and what it led to."""

    reviewed_at: datetime
    rating: Rating | None
    interval: timedelta | None  # until the next review the scheduler set; None after a reset
    duration_ms: int | None
    stage_before: Stage | None


@dataclass(frozen=True)
class CardInfo:
    key: str
    state: CardState | None  # None: new, never reviewed (or reset)
    marks: CardMarks
    retrievability: float | None  # the chance of recalling it now; None while new
    log: tuple[LogLine, ...]  # oldest first

    @property
    def is_new(self) -> bool:
        return self.state is None or self.state.stage is Stage.NEW


def card_info(history: History, key: str, model: MemoryModel, now: datetime) -> CardInfo:
    """``key``'s record at ``now``. Each review's interval is the one replaying the
    card's log with ``model`` gives, as the Anki export writes it."""
    state = history.card_state(key)
    marks = history.marks().get(key, CardMarks())
    log = []
    for step in replay_steps(history.reviews(key), model):
        review = step.review
        after = step.after
        log.append(
            LogLine(
                review.reviewed_at,
                review.rating,
                after.due - review.reviewed_at if after is not None else None,
                review.duration_ms,
                step.before.stage if after is not None else None,
            )
        )
    fresh = state is None or state.stage is Stage.NEW
    retrievability = None if fresh or state is None else model.retrievability(state, now)
    return CardInfo(key, state, marks, retrievability, tuple(log))
