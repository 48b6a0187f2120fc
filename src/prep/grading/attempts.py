"""What is kept of one graded run of a learner's code: a kata submission, a
run of the examples, or a predict answer."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the history is read without the grader's modules (or the card models)
    from prep.grading.verdict import GradeReport

# The summary flag of a run made in practice (a kata neither due nor new): not part of a review.
PRACTICE = "practice"


@dataclass(frozen=True)
class Attempt:
    id: str
    card_key: str
    kind: str  # "submit", "examples", "predict", or a sitting's event (prep.study.sitting)
    submitted_at: datetime
    code: str
    passed: bool
    summary: dict[str, Any]
    duration_ms: int
    installation_id: str

    # The summary's keys are written below; these read them back. Attempts recorded
    # before a key existed (or imported from elsewhere) lack it: None, not an error.

    # The hidden tests with the submission's random cases: a run that passed every fixed
    # test but failed a random case did not pass, and its counts say so.

    @property
    def tests_passed(self) -> int | None:
        return _with_random(self.summary, "passed")

    @property
    def tests_total(self) -> int | None:
        return _with_random(self.summary, "total")

    @property
    def elapsed_ms(self) -> int | None:
        """How long the learner worked on the kata before this run, when it was measured."""
        value = self.summary.get("elapsed_ms")
        if isinstance(value, bool) or not isinstance(value, int | float):
            return None
        return round(value)


def _with_random(summary: dict[str, Any], key: str) -> int | None:
    fixed = _count(summary.get(key))
    drawn = summary.get("random")
    extra = _count(drawn.get(key)) if isinstance(drawn, dict) else None
    return fixed if fixed is None or extra is None else fixed + extra


def _count(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def attempt_from_report(
    card_key: str,
    code: str,
    report: GradeReport,
    at: datetime,
    installation_id: str,
    elapsed: timedelta | None = None,
    practice: bool = False,
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
            **(
                {"elapsed_ms": round(elapsed.total_seconds() * 1000)} if elapsed is not None else {}
            ),
            **({PRACTICE: True} if practice else {}),
            **(
                {
                    "random": {
                        "seed": report.random.seed,
                        "passed": report.random.passed_count,
                        "total": len(report.random.cases),
                    }
                }
                if report.random is not None
                else {}
            ),
        },
        duration_ms=round(report.duration_ms),
        installation_id=installation_id,
    )


def predict_attempt(
    card_key: str,
    guess: str,
    actual: str,
    passed: bool,
    at: datetime,
    installation_id: str,
    duration_ms: float,
) -> Attempt:
    return Attempt(
        id=str(uuid.uuid4()),
        card_key=card_key,
        kind="predict",
        submitted_at=at,
        code=guess,
        passed=passed,
        summary={"actual": actual[:4000]},
        duration_ms=round(duration_ms),
        installation_id=installation_id,
    )
