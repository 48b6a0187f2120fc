"""A kata or predict attempt: what gets recorded, and the rating it suggests.

Rating rule (why prep beats self-grading: people press Hard when they forgot):
- solved on the first submission, with no hint: Good; Easy when it was also
  fast — under half the time budget for the card's difficulty (easy 5 min,
  medium 10 min, hard 20 min; predict cards 30 s);
- solved after failed submissions, or with a hint (a diagnosis of a failed
  submission, opened, counts as one): Hard;
- gave up, or never passed: Again.

And never better than Hard when the answer was already seen: the card was
given up on earlier the same study day (its relearning step comes back within
minutes), or its rating was undone after the answer showed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from prep.content.kinds import Difficulty
from prep.scheduling.memory import Rating
from prep.wording import plural

TIME_BUDGET = {
    Difficulty.EASY: timedelta(minutes=5),
    Difficulty.MEDIUM: timedelta(minutes=10),
    Difficulty.HARD: timedelta(minutes=20),
}
PREDICT_BUDGET = timedelta(seconds=60)


@dataclass(frozen=True)
class Outcome:
    """How an attempt at a card went, in the terms the rating rule needs."""

    solved: bool
    failed_submissions: int
    hints_used: int
    gave_up: bool
    elapsed: timedelta


def proposed_rating(outcome: Outcome, budget: timedelta) -> Rating:
    if outcome.gave_up or not outcome.solved:
        return Rating.Again
    if outcome.failed_submissions > 0 or outcome.hints_used > 0:
        return Rating.Hard
    if outcome.elapsed <= budget / 2:
        return Rating.Easy
    return Rating.Good


# Why a sitting may be proposed no better than Hard.
SEEN_AFTER_GIVING_UP = "you gave up on this card earlier today"
SEEN_BEFORE_UNDO = "its answer was seen before the rating was undone"


@dataclass
class CardAttempt:
    """One sitting with a kata or predict card, from opening it to rating it."""

    budget: timedelta
    opened_at: datetime
    failed_submissions: int = 0
    hints_used: int = 0
    gave_up: bool = False
    solved_at: datetime | None = None
    # Why the answer was already seen ('' when it was not): caps the proposal at Hard.
    answer_seen: str = ""
    # The known mistakes whose diagnosis was opened, by wrong solution: each counts as a hint.
    diagnoses_read: set[str] = field(default_factory=set)

    @classmethod
    def for_kata(cls, difficulty: Difficulty, opened_at: datetime) -> CardAttempt:
        return cls(TIME_BUDGET[difficulty], opened_at)

    @classmethod
    def for_predict(cls, opened_at: datetime) -> CardAttempt:
        return cls(PREDICT_BUDGET, opened_at)

    @property
    def finished(self) -> bool:
        return self.gave_up or self.solved_at is not None

    def submitted(self, passed: bool, at: datetime) -> None:
        if self.finished:
            return
        if passed:
            self.solved_at = at
        else:
            self.failed_submissions += 1

    def hint(self) -> None:
        if not self.finished:
            self.hints_used += 1

    def read_diagnosis(self, mistake: str) -> bool:
        """A diagnosis opened: a hint, the first time for each mistake. Whether it counted."""
        if self.finished or mistake in self.diagnoses_read:
            return False
        self.diagnoses_read.add(mistake)
        self.hints_used += 1
        return True

    @property
    def written_hints_read(self) -> int:
        """The card's own hints opened, without the diagnoses."""
        return self.hints_used - len(self.diagnoses_read)

    def give_up(self) -> None:
        if not self.finished:
            self.gave_up = True

    def outcome(self, now: datetime) -> Outcome:
        end = self.solved_at or now
        return Outcome(
            solved=self.solved_at is not None,
            failed_submissions=self.failed_submissions,
            hints_used=self.hints_used,
            gave_up=self.gave_up,
            elapsed=end - self.opened_at,
        )

    def elapsed(self, now: datetime) -> timedelta:
        """Time spent so far, or to the solve: the sitting's clock."""
        return (self.solved_at or now) - self.opened_at

    def capped(self, now: datetime) -> bool:
        """Whether the answer seen earlier holds the proposal below what was earned."""
        return (
            bool(self.answer_seen) and proposed_rating(self.outcome(now), self.budget) > Rating.Hard
        )

    def proposal(self, now: datetime) -> Rating:
        if self.capped(now):
            return Rating.Hard
        return proposed_rating(self.outcome(now), self.budget)

    def explain(self, now: datetime) -> str:
        """Why this rating is proposed, in a sentence."""
        outcome = self.outcome(now)
        rating = self.proposal(now)
        if self.capped(now):
            return f"Solved, but no better than Hard: {self.answer_seen}."
        if outcome.gave_up:
            return "You gave up: Again."
        if not outcome.solved:
            return "Not solved: Again."
        minutes = outcome.elapsed.total_seconds() / 60
        if rating is Rating.Hard:
            reasons = []
            if outcome.failed_submissions:
                reasons.append(plural(outcome.failed_submissions, "failed submission"))
            if outcome.hints_used:
                reasons.append(plural(outcome.hints_used, "hint"))
            return f"Solved after {' and '.join(reasons)}: Hard."
        if rating is Rating.Easy:
            return f"Solved first time in {minutes:.1f} min, no hints: Easy."
        return f"Solved first time, no hints ({minutes:.1f} min): Good."
