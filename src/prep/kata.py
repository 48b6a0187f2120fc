"""A kata or predict attempt: what gets recorded, and the rating it suggests.

Rating rule (why prep beats self-grading: people press Hard when they forgot):
- solved on the first submission, with no hint: Good; Easy when it was also
  fast — under half the time budget for the card's difficulty (easy 5 min,
  medium 10 min, hard 20 min; predict cards 30 s);
- solved after failed submissions, or with a hint: Hard;
- gave up, or never passed: Again.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from prep.content.models import Difficulty
from prep.grading.grader import GradeReport
from prep.scheduling.memory import Rating
from prep.store.repository import Attempt

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


def attempt_from_report(
    card_key: str, code: str, report: GradeReport, at: datetime, installation_id: str
) -> Attempt:
    return Attempt(
        id=str(uuid.uuid4()),
        card_key=card_key,
        kind="submit" if report.which == "tests" else "examples",
        submitted_at=at,
        code=code,
        passed=report.passed,
        summary={
            "passed": report.passed_count,
            "total": len(report.cases),
            "statuses": [case.status.value for case in report.cases],
            "problem": report.problem,
        },
        duration_ms=round(report.duration_ms),
        installation_id=installation_id,
    )
