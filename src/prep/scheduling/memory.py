"""The memory model: FSRS card states and how a rating changes them.

Wraps the ``fsrs`` Scheduler with two decisions of ours:
- fuzz is drawn from a generator seeded by the review's id, so the interval
  shown on a rating button is the one applied, and replaying the review log
  rebuilds exactly the same states;
- lapses and repetitions are counted (the leech rule and statistics use them).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from enum import IntEnum

from fsrs import Card, Rating, Scheduler, State
from fsrs.scheduler import DEFAULT_PARAMETERS, FUZZ_RANGES

from prep.scheduling.days import require_utc
from prep.settings import Settings

__all__ = [
    "DEFAULT_PARAMETERS",
    "RATING_NAMES",
    "CardState",
    "MemoryModel",
    "Rating",
    "SchedulerConfig",
    "Stage",
    "memory_model",
]

# The one table of rating names, for every screen and report.
RATING_NAMES = {
    Rating.Again: "Again",
    Rating.Hard: "Hard",
    Rating.Good: "Good",
    Rating.Easy: "Easy",
}


class Stage(IntEnum):
    """Where a card is in its life; NEW has no FSRS state yet."""

    NEW = 0
    LEARNING = 1
    REVIEW = 2
    RELEARNING = 3


@dataclass(frozen=True)
class CardState:
    key: str
    stage: Stage
    step: int | None
    stability: float | None
    difficulty: float | None
    due: datetime
    last_review: datetime | None
    reps: int = 0
    lapses: int = 0

    @classmethod
    def new(cls, key: str, now: datetime) -> CardState:
        return cls(key, Stage.NEW, 0, None, None, require_utc(now), None)

    def to_fsrs(self) -> Card:
        state = State.Learning if self.stage is Stage.NEW else State(int(self.stage))
        return Card(
            card_id=0,
            state=state,
            step=self.step,
            stability=self.stability,
            difficulty=self.difficulty,
            due=self.due,
            last_review=self.last_review,
        )


@dataclass(frozen=True)
class SchedulerConfig:
    desired_retention: float = 0.9
    learning_steps: tuple[timedelta, ...] = (timedelta(minutes=1), timedelta(minutes=10))
    relearning_steps: tuple[timedelta, ...] = (timedelta(minutes=10),)
    maximum_interval_days: int = 36500
    parameters: tuple[float, ...] = field(default=tuple(DEFAULT_PARAMETERS))
    fuzz: bool = True


class MemoryModel:
    def __init__(self, config: SchedulerConfig | None = None) -> None:
        self.config = config or SchedulerConfig()
        self._scheduler = Scheduler(
            parameters=self.config.parameters,
            desired_retention=self.config.desired_retention,
            learning_steps=self.config.learning_steps,
            relearning_steps=self.config.relearning_steps,
            maximum_interval=self.config.maximum_interval_days,
            enable_fuzzing=False,
        )

    def review(self, state: CardState, rating: Rating, at: datetime, review_id: str) -> CardState:
        """The state after rating ``state`` at ``at``; ``review_id`` seeds the fuzz."""
        require_utc(at)
        card, _ = self._scheduler.review_card(state.to_fsrs(), rating, at)
        due = card.due
        if self.config.fuzz and card.state == State.Review:
            due = at + timedelta(days=self._fuzzed_days((card.due - at).days, review_id))
        lapsed = state.stage is Stage.REVIEW and rating == Rating.Again
        return replace(
            state,
            stage=Stage(int(card.state)),
            step=card.step,
            stability=card.stability,
            difficulty=card.difficulty,
            due=due,
            last_review=at,
            reps=state.reps + 1,
            lapses=state.lapses + (1 if lapsed else 0),
        )

    def preview(self, state: CardState, at: datetime, review_id: str) -> dict[Rating, timedelta]:
        """How far away each rating would schedule the card (the rating bar's labels)."""
        return {rating: self.review(state, rating, at, review_id).due - at for rating in Rating}

    def retrievability(self, state: CardState, at: datetime) -> float:
        if state.stage is Stage.NEW:
            return 0.0
        return float(self._scheduler.get_card_retrievability(state.to_fsrs(), require_utc(at)))

    def _fuzzed_days(self, interval_days: int, review_id: str) -> int:
        """FSRS's fuzz ranges (as in Anki), drawn from a per-review generator."""
        if interval_days < 2.5:
            return interval_days
        delta = 1.0
        for fuzz_range in FUZZ_RANGES:
            delta += fuzz_range["factor"] * max(
                min(float(interval_days), fuzz_range["end"]) - fuzz_range["start"], 0.0
            )
        maximum = self.config.maximum_interval_days
        low = max(2, round(interval_days - delta))
        high = min(round(interval_days + delta), maximum)
        low = min(low, high)
        draw = random.Random(review_id).random() * (high - low + 1) + low
        return min(round(draw), maximum)


def memory_model(settings: Settings, fitted_parameters: tuple[float, ...] | None) -> MemoryModel:
    """The learner's memory model: their settings, and their fitted parameters when they have some."""
    return MemoryModel(
        SchedulerConfig(
            desired_retention=settings.desired_retention,
            maximum_interval_days=settings.maximum_interval_days,
            parameters=fitted_parameters or tuple(DEFAULT_PARAMETERS),
        )
    )
