"""A failed submission likened to a known mistake: the failure patterns, the
matching rule, the patterns kept in the home, and every shipped kata's wrong
solutions diagnosed as themselves — with the real sandbox."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, timedelta
from pathlib import Path

import pytest

from prep.content import KataCard, load_library
from prep.content.models import WrongSolution
from prep.grading.diagnosis import (
    CRASHED,
    PASSED,
    TIMED_OUT,
    WRONG_VALUE,
    FailurePattern,
    KnownMistake,
    diagnose,
    liken,
    mistake_text,
    outcome_class,
)
from prep.grading.grader import Grader
from prep.grading.mistakes import MistakeCache, kata_fingerprint, work_out
from prep.grading.protocol import Job, WorkerReply
from prep.grading.sandbox import GradeCancelledError
from prep.grading.verdict import CaseStatus, CaseVerdict, GradeReport, RandomOutcome, Which
from prep.study.attempt import CardAttempt
from prep.study.sitting import DIAGNOSIS, HINT, open_sitting
from prep.study.sitting import log_event as log_sitting_event
from tests.conftest import FakeClock

QUESTIONS = Path(__file__).resolve().parents[1] / "questions"

DECK = """\
deck: runs
title: Runs
cards:
  - id: count-runs
    type: kata
    title: Count the runs
    prompt: Write `count_runs(s)`, the number of runs of equal characters in `s`.
    tests:
      - name: empty
        call: count_runs("")
        expect: 0
      - name: one-run
        call: count_runs("aaa")
        expect: 1
      - name: three-runs
        call: count_runs("aabbba")
        expect: 3
      - name: not-a-string
        call: count_runs(None)
        expect_error: TypeError
    solution: |
      def count_runs(s):
          if not isinstance(s, str):
              raise TypeError("s must be a string")
          return sum(1 for i, c in enumerate(s) if i == 0 or s[i - 1] != c)
    wrong_solutions:
      - name: counts-characters
        mistake: counts characters, not runs
        code: |
          def count_runs(s):
              if not isinstance(s, str):
                  raise TypeError("s must be a string")
              return len(s)
      - name: counts-distinct-characters
        code: |
          def count_runs(s):
              if not isinstance(s, str):
                  raise TypeError("s must be a string")
              return len(set(s))
      - name: no-type-check
        mistake: lets a non-string through
        code: |
          def count_runs(s):
              s = s or ""
              return sum(1 for i, c in enumerate(s) if i == 0 or s[i - 1] != c)
"""

SOLUTION = """\
def count_runs(s):
    if not isinstance(s, str):
        raise TypeError("s must be a string")
    return sum(1 for i, c in enumerate(s) if i == 0 or s[i - 1] != c)
"""


class CountingGrader(Grader):
    """The real grader, counting the jobs it sends to the sandbox."""

    def __init__(self) -> None:
        super().__init__(size=1)
        self.runs = 0

    def run_job(
        self, job: Job, cancel: threading.Event | None = None, reference: bool = False
    ) -> WorkerReply:
        self.runs += 1
        return super().run_job(job, cancel, reference)


@pytest.fixture(scope="module")
def grader() -> Iterator[CountingGrader]:
    shared = CountingGrader()
    shared.warm_up()
    yield shared
    shared.close()


@pytest.fixture
def kata(tmp_path: Path) -> KataCard:
    (tmp_path / "runs.yaml").write_text(DECK, encoding="utf-8")
    library = load_library([tmp_path / "runs.yaml"])
    assert not library.errors
    card = library.cards["runs/count-runs"].card
    assert isinstance(card, KataCard)
    return card


# -- patterns and the matching rule, without the sandbox ------------------------------


def verdict(name: str, status: CaseStatus, raised: str = "") -> CaseVerdict:
    return CaseVerdict(name, status, "", raised=raised)


def report(*cases: CaseVerdict, which: Which = "tests") -> GradeReport:
    return GradeReport(which, cases, "", "", 1.0)


def pattern(**outcomes: str) -> FailurePattern:
    return FailurePattern(tuple(outcomes.items()))


def test_each_way_a_test_ends_has_its_outcome_class() -> None:
    assert outcome_class(verdict("a", CaseStatus.PASS)) == PASSED
    assert outcome_class(verdict("a", CaseStatus.FAIL)) == WRONG_VALUE
    assert outcome_class(verdict("a", CaseStatus.ERROR, "KeyError")) == "raised KeyError"
    # The wrong exception where one was expected is a raise of that class.
    assert outcome_class(verdict("a", CaseStatus.FAIL, "ValueError")) == "raised ValueError"
    assert outcome_class(verdict("a", CaseStatus.TIMEOUT)) == TIMED_OUT
    assert outcome_class(verdict("a", CaseStatus.ERROR)) == CRASHED  # no result at all


KNOWN = (
    KnownMistake("off-by-one", "stops one short", pattern(a="passed", b="wrong value", c="passed")),
    KnownMistake("key-error", "assumes the key is there", pattern(a="raised KeyError", b="passed")),
    KnownMistake("slow", "tries every pair", pattern(a="passed", b="passed", c="timed out")),
)


def test_an_exact_match_names_its_mistake() -> None:
    failed = report(
        verdict("a", CaseStatus.PASS), verdict("b", CaseStatus.FAIL), verdict("c", CaseStatus.PASS)
    )
    found = diagnose(failed, KNOWN)
    assert found is not None
    assert (found.name, found.mistake, found.exact) == ("off-by-one", "stops one short", True)
    assert found.sentence == "This looks like a known mistake: stops one short"


def test_the_same_failing_tests_failing_the_same_way_is_a_near_match() -> None:
    # Another exception class than the known mistake's, on the same test.
    failed = report(verdict("a", CaseStatus.ERROR, "IndexError"), verdict("b", CaseStatus.PASS))
    found = diagnose(failed, KNOWN)
    assert found is not None and found.name == "key-error" and not found.exact
    assert found.sentence.startswith("This looks close to a known mistake")
    # Out of memory where the known mistake timed out: both hit a limit.
    limit = report(
        verdict("a", CaseStatus.PASS),
        verdict("b", CaseStatus.PASS),
        verdict("c", CaseStatus.MEMORY),
    )
    assert (found := diagnose(limit, KNOWN)) is not None and found.name == "slow"


def test_an_exact_match_wins_over_an_earlier_near_one() -> None:
    known = (
        KnownMistake("near", "near", pattern(a="raised KeyError")),
        KnownMistake("exact", "exact", pattern(a="raised IndexError")),
    )
    found = diagnose(report(verdict("a", CaseStatus.ERROR, "IndexError")), known)
    assert found is not None and found.name == "exact"


def test_no_diagnosis_for_other_failures_a_crash_a_pass_or_the_examples() -> None:
    # A wrong value where the known mistake raised is another mistake.
    assert (
        diagnose(report(verdict("a", CaseStatus.FAIL), verdict("b", CaseStatus.PASS)), KNOWN)
        is None
    )
    # Other failing tests.
    other = report(
        verdict("a", CaseStatus.FAIL), verdict("b", CaseStatus.FAIL), verdict("c", CaseStatus.PASS)
    )
    assert diagnose(other, KNOWN) is None
    # Code that did not load says nothing of the mistake it makes.
    crashed = (KnownMistake("k", "k", pattern(a="raised KeyError")),)
    assert diagnose(report(verdict("a", CaseStatus.ERROR)), crashed) is None
    passing = report(verdict("a", CaseStatus.PASS), verdict("b", CaseStatus.PASS))
    assert diagnose(passing, KNOWN) is None
    examples = report(
        verdict("a", CaseStatus.PASS), verdict("b", CaseStatus.FAIL), which="examples"
    )
    assert diagnose(examples, KNOWN) is None


def test_a_mistake_without_words_is_its_name_made_readable() -> None:
    assert mistake_text(WrongSolution(name="dedupes-with-set", code="x = 1")) == "dedupes with set"
    worded = WrongSolution(name="x", code="x = 1", mistake="counts characters, not runs")
    assert mistake_text(worded) == "counts characters, not runs"


def test_a_mistake_is_one_line() -> None:
    with pytest.raises(ValueError, match="one line"):
        WrongSolution(name="x", code="x = 1", mistake="one\ntwo")


def test_a_pattern_survives_its_json_and_refuses_other_shapes() -> None:
    kept = pattern(a="passed", b="raised KeyError")
    assert FailurePattern.from_json(kept.to_json()) == kept
    for bad in ({"a": "passed"}, [["a"]], [["a", 1]], "a"):
        with pytest.raises(ValueError):
            FailurePattern.from_json(bad)


# -- with the sandbox ----------------------------------------------------------------


def test_each_wrong_solution_is_diagnosed_and_a_correct_one_is_not(
    kata: KataCard, grader: CountingGrader, tmp_path: Path
) -> None:
    mistakes = MistakeCache(tmp_path / "cache")
    found = []
    for wrong in kata.wrong_solutions:
        failed = grader.grade(kata, wrong.code)
        diagnosis = mistakes.diagnose(kata, failed, grader)
        assert diagnosis is not None and diagnosis.exact
        found.append((diagnosis.name, diagnosis.mistake))
    assert found == [
        ("counts-characters", "counts characters, not runs"),
        ("counts-distinct-characters", "counts distinct characters"),
        ("no-type-check", "lets a non-string through"),
    ]
    # A diagnosis is the mistake only: never a hidden test's input.
    assert not any("count_runs(" in text for _, text in found)

    before = grader.runs
    passed = grader.grade(kata, SOLUTION)
    assert mistakes.diagnose(kata, passed, grader) is None
    assert grader.runs == before + 1  # nothing ran but the submission itself


def test_a_run_failing_random_cases_only_is_not_diagnosed_and_runs_nothing(
    kata: KataCard, grader: CountingGrader, tmp_path: Path
) -> None:
    fixed = tuple(verdict(case.name or "", CaseStatus.PASS) for case in kata.tests)
    random = RandomOutcome(7, (verdict("random 1", CaseStatus.FAIL),), ("s='ab'",))
    failed = GradeReport("tests", fixed, "", "", 1.0, random=random)
    assert not failed.passed
    mistakes = MistakeCache(tmp_path / "cache")
    before = grader.runs
    assert not mistakes.would_run(kata, failed)
    assert mistakes.diagnose(kata, failed, grader) is None
    assert grader.runs == before


def test_the_patterns_are_kept_in_the_home_and_worked_out_again_when_the_kata_changes(
    kata: KataCard, grader: CountingGrader, tmp_path: Path
) -> None:
    folder = tmp_path / "home" / "cache" / "mistakes"
    before = grader.runs
    first = MistakeCache(folder).known_mistakes(kata, grader)
    assert grader.runs == before + len(kata.wrong_solutions)
    assert MistakeCache(folder).has(kata)

    again = MistakeCache(folder).known_mistakes(kata, grader)  # as a later start would
    assert again == first
    assert grader.runs == before + len(kata.wrong_solutions)  # the sandbox did not run

    # A new hidden test changes every pattern: worked out again.
    changed = kata.model_copy(update={"tests": kata.tests[:-1]})
    assert kata_fingerprint(changed) != kata_fingerprint(kata)
    assert not MistakeCache(folder).has(changed)
    shorter = MistakeCache(folder).known_mistakes(changed, grader)
    assert grader.runs == before + 2 * len(kata.wrong_solutions)
    assert all("not-a-string" not in item.pattern.failures for item in shorter)

    # A damaged entry is worked out again, never an error.
    for entry in folder.iterdir():
        entry.write_text("{not json", encoding="utf-8")
    assert MistakeCache(folder).known_mistakes(kata, grader) == first
    assert grader.runs == before + 3 * len(kata.wrong_solutions)


def test_a_cancelled_computation_keeps_nothing(
    kata: KataCard, grader: CountingGrader, tmp_path: Path
) -> None:
    cancel = threading.Event()
    cancel.set()
    folder = tmp_path / "mistakes"
    with pytest.raises(GradeCancelledError):
        MistakeCache(folder).known_mistakes(kata, grader, cancel)
    assert not MistakeCache(folder).has(kata)


# -- a diagnosis opened counts as a hint ------------------------------------------------


def test_a_diagnosis_counts_as_a_hint_once_per_mistake() -> None:
    attempt = CardAttempt(budget=timedelta(minutes=5), opened_at=FakeClock()())
    assert attempt.read_diagnosis("counts-characters")
    assert not attempt.read_diagnosis("counts-characters")
    assert attempt.read_diagnosis("no-type-check")
    attempt.hint()
    assert (attempt.hints_used, attempt.written_hints_read) == (3, 1)


def test_a_diagnosis_read_is_kept_with_the_sitting(tmp_path: Path, clock: FakeClock) -> None:
    from prep.settings import Settings
    from prep.store import Store

    (tmp_path / "runs.yaml").write_text(DECK, encoding="utf-8")
    card = load_library([tmp_path / "runs.yaml"]).cards["runs/count-runs"]
    store = Store.open(tmp_path / "prep.db")
    try:
        rollover = Settings().rollover_hour
        open_sitting(store, card, clock(), UTC, rollover)
        log_sitting_event(store, card.key, DIAGNOSIS, clock(), mistake="counts-characters")
        log_sitting_event(store, card.key, DIAGNOSIS, clock(), mistake="counts-characters")
        log_sitting_event(store, card.key, HINT, clock())
        clock.advance(minutes=1)
        sitting = open_sitting(store, card, clock(), UTC, rollover)
    finally:
        store.close()
    assert sitting.attempt.hints_used == 2
    assert sitting.attempt.written_hints_read == 1
    assert sitting.attempt.diagnoses_read == {"counts-characters"}


# -- every shipped kata ----------------------------------------------------------------


@pytest.mark.slow  # every wrong solution of every shipped kata, in the sandbox
def test_every_shipped_wrong_solution_is_diagnosed_as_itself(grader: CountingGrader) -> None:
    from prep.content.pyversion import running_python

    library = load_library([QUESTIONS])
    assert not library.errors
    version = running_python()
    problems = []
    katas = diagnosed = 0
    for study_card in library.cards.values():
        kata = study_card.card
        if not isinstance(kata, KataCard) or not kata.applies_to(version):
            continue
        katas += 1
        known = work_out(kata, grader)
        for mistake in known:
            if mistake.pattern.passed:
                continue  # caught by random cases only: nothing fixed to tell it by
            found = liken(mistake.pattern, known)
            diagnosed += 1
            # Wrong solutions that fail alike cannot be told apart: either name is right.
            alike = {other.name for other in known if other.pattern.same_as(mistake.pattern)}
            if found is None or found.name not in alike or not found.exact:
                problems.append(f"{study_card.key}: {mistake.name} diagnosed as {found}")
    assert katas >= 150 and diagnosed >= katas
    assert problems == []
