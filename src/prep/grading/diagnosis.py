"""A failed submission likened to a known mistake: each of a kata's wrong
solutions fails the hidden tests in its own way, and a submission that fails
them the same way most likely makes the same mistake.

A run's *failure pattern* is, per fixed hidden test (random cases differ from
one submission to the next, so they take no part), how it ended: passed, a wrong
value, raised a given exception class, timed out, ran out of memory, or
crashed (no result at all: the code did not load, the run was killed, its
results could not be read). The rule that likens two patterns:

1. an exact match: the same tests fail, each with the same outcome;
2. else a near match: the same tests fail, each the same *way* — a wrong
   value for a wrong value, a limit for a limit, a raise for a raise even of
   another exception class. A crash is never near anything: code that does not
   load says nothing about which mistake it makes.

Among several wrong solutions that match equally, the first in the kata wins.
A diagnosis says only the mistake, in the deck's words: never a test's input.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from prep.content.models import WrongSolution
from prep.grading.verdict import CaseStatus, CaseVerdict, GradeReport

PASSED = "passed"
WRONG_VALUE = "wrong value"
TIMED_OUT = "timed out"
OUT_OF_MEMORY = "out of memory"
CRASHED = "crashed"
RAISED = "raised"  # followed by the exception's class: "raised KeyError"


def outcome_class(verdict: CaseVerdict) -> str:
    """How one test ended, in the terms patterns are compared in."""
    if verdict.status is CaseStatus.PASS:
        return PASSED
    if verdict.raised:
        return f"{RAISED} {verdict.raised}"
    if verdict.status is CaseStatus.FAIL:
        return WRONG_VALUE  # a wrong value, or a value where an exception was expected
    if verdict.status is CaseStatus.TIMEOUT:
        return TIMED_OUT
    if verdict.status is CaseStatus.MEMORY:
        return OUT_OF_MEMORY
    return CRASHED


def _way(outcome: str) -> str:
    """An outcome without its detail: which exception was raised, which limit was hit."""
    if outcome.startswith(f"{RAISED} "):
        return RAISED
    if outcome in (TIMED_OUT, OUT_OF_MEMORY):
        return "limit"
    return outcome


@dataclass(frozen=True)
class FailurePattern:
    """Each hidden test's outcome class, in the kata's order of tests."""

    outcomes: tuple[tuple[str, str], ...]  # (test name, outcome class)

    @classmethod
    def of(cls, report: GradeReport) -> FailurePattern:
        """A report's pattern: its fixed tests (its random cases, if any, are not kept there)."""
        return cls.of_cases(report.cases)

    @classmethod
    def of_cases(cls, verdicts: Iterable[CaseVerdict]) -> FailurePattern:
        return cls(tuple((case.name, outcome_class(case)) for case in verdicts))

    @property
    def failures(self) -> dict[str, str]:
        return {name: outcome for name, outcome in self.outcomes if outcome != PASSED}

    @property
    def passed(self) -> bool:
        return not self.failures

    def same_as(self, other: FailurePattern) -> bool:
        return bool(self.failures) and self.failures == other.failures

    def near(self, other: FailurePattern) -> bool:
        mine, theirs = self.failures, other.failures
        if not mine or mine.keys() != theirs.keys():
            return False
        return all(
            _way(outcome) == _way(theirs[name]) and _way(outcome) != CRASHED
            for name, outcome in mine.items()
        )

    def to_json(self) -> list[list[str]]:
        return [[name, outcome] for name, outcome in self.outcomes]

    @classmethod
    def from_json(cls, data: Any) -> FailurePattern:
        if not isinstance(data, list) or not all(
            isinstance(pair, list) and len(pair) == 2 and all(isinstance(x, str) for x in pair)
            for pair in data
        ):
            raise ValueError("a failure pattern is a list of [test, outcome] pairs")
        return cls(tuple((name, outcome) for name, outcome in data))


def mistake_text(wrong: WrongSolution) -> str:
    """The mistake in the deck's words, or the wrong solution's name made readable."""
    if wrong.mistake:
        return wrong.mistake
    return wrong.name.replace("-", " ").replace("_", " ").strip()


@dataclass(frozen=True)
class KnownMistake:
    """A wrong solution of the kata, with how it fails the hidden tests."""

    name: str  # the wrong solution's name
    description: str
    pattern: FailurePattern


@dataclass(frozen=True)
class Diagnosis:
    """Which known mistake a failed submission looks like."""

    name: str  # the wrong solution's name
    mistake: str  # what the learner is told
    exact: bool  # the same outcomes too, not only the same failing tests

    def to_dict(self) -> dict[str, Any]:
        return {"mistake": self.mistake, "wrong_solution": self.name, "exact": self.exact}

    @property
    def sentence(self) -> str:
        likeness = "looks like" if self.exact else "looks close to"
        return f"This {likeness} a known mistake: {self.mistake}"


def diagnose(report: GradeReport, known: Iterable[KnownMistake]) -> Diagnosis | None:
    """The known mistake a failed run of the hidden tests looks like, if any."""
    if report.which != "tests" or report.passed:
        return None
    return liken(FailurePattern.of(report), known)


def liken(pattern: FailurePattern, known: Iterable[KnownMistake]) -> Diagnosis | None:
    """The known mistake whose pattern ``pattern`` matches: exactly, else nearly."""
    mistakes: Sequence[KnownMistake] = tuple(known)
    for exact, likened in ((True, pattern.same_as), (False, pattern.near)):
        for mistake in mistakes:
            if likened(mistake.pattern):
                return Diagnosis(mistake.name, mistake.description, exact)
    return None
