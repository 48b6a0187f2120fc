"""`prep check`'s proof that a deck's code is honest, run in-process against a real grader."""

from __future__ import annotations

import json
import os
import signal
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path

import pytest

from prep.content import load_library
from prep.content.library import Library
from prep.content.models import KataCard, Limits, PredictCard
from prep.grading.grader import Grader, kata_job
from prep.grading.protocol import CaseInput, KataJob
from prep.grading.sandbox import GradeCancelledError
from prep.grading.verdict import GradeReport
from prep.grading.verify import plan_checks, run_checks

DECK = """\
deck: honest
title: Honest and dishonest code
cards:
  - id: double
    type: kata
    title: Double it
    prompt: Return twice x.
    starter: |
      def double(x):
          ...
    examples:
      - call: double(1)
        expect: 2
    tests:
      - name: two
        call: double(2)
        expect: 4
      - name: zero
        call: double(0)
        expect: 0
      - name: three
        call: double(3)
        expect: 6
    solution: |
      def double(x):
          return 2 * x
    wrong_solutions:
      - name: square
        code: |
          def double(x):
              return x * x
      - name: plus-two
        code: |
          def double(x):
              return x + 2
  - id: broken
    type: kata
    title: A solution that fails its own tests
    prompt: Return x plus one.
    starter: |
      def inc(x):
          ...
    examples:
      - call: inc(1)
        expect: 3
    tests:
      - name: one
        call: inc(1)
        expect: 2
      - name: ten
        call: inc(10)
        expect: 12
    solution: |
      def inc(x):
          return x + 1
  - id: echo
    type: predict
    code: |
      print("a")
      print("b")
    expect_output: |
      a
      c
  - id: short
    type: predict
    code: |
      print("a")
    expect_output: |
      a
      b
  - id: raises
    type: predict
    code: |
      print("before")
      raise ValueError("boom")
    expect_output: |
      before
  - id: right
    type: predict
    code: |
      print(1 + 1)
    expect_output: "2"
  - id: future-only
    type: predict
    python: ">=9.0"
    code: |
      print(1)
    expect_output: "2"
  - id: plain
    type: qa
    question: Is a QA card run?
    answer: No.
"""


@pytest.fixture(scope="module")
def grader() -> Iterator[Grader]:
    shared = Grader(size=1)
    yield shared
    shared.close()


@pytest.fixture
def library(tmp_path: Path) -> Library:
    (tmp_path / "honest.yaml").write_text(DECK, encoding="utf-8")
    loaded = load_library([tmp_path])
    assert not loaded.errors, loaded.errors
    return loaded


def test_the_plan_has_one_check_per_solution_wrong_solution_and_snippet(library: Library) -> None:
    plan = [(check.card.card.id, check.label) for check in plan_checks(library.cards.values())]
    assert plan == [
        ("double", "solution"),
        ("double", "wrong solution 0"),
        ("double", "wrong solution 1"),
        ("broken", "solution"),
        ("echo", "snippet"),
        ("short", "snippet"),
        ("raises", "snippet"),
        ("right", "snippet"),
    ]


def test_each_problem_is_named_with_its_card_file_and_line(
    library: Library, grader: Grader
) -> None:
    checks = plan_checks(library.cards.values())
    seen: list[tuple[int, int]] = []
    errors = run_checks(
        checks, grader, jobs=2, progress=lambda done, total: seen.append((done, total))
    )
    assert seen == [(n, len(checks)) for n in range(1, len(checks) + 1)]
    lines = {card.card.id: card.line for card in library.cards.values()}
    messages = [(error.path.name, error.line, error.message) for error in errors]
    assert messages == [
        (
            "honest.yaml",
            lines["broken"],
            "kata 'broken': solution fails example example 1: expected 3, got 2",
        ),
        (
            "honest.yaml",
            lines["broken"],
            "kata 'broken': solution fails test ten: expected 12, got 11",
        ),
        (
            "honest.yaml",
            lines["echo"],
            "predict 'echo': expect_output is wrong: line 2: expected 'c', got 'b'",
        ),
        (
            "honest.yaml",
            lines["short"],
            "predict 'short': expect_output is wrong: expected 2 lines, got 1",
        ),
    ]


def test_a_wrong_solution_that_passes_is_a_problem(library: Library, grader: Grader) -> None:
    double = library.cards["honest/double"]
    kata = double.card
    assert isinstance(kata, KataCard)
    lenient = kata.model_copy(
        update={
            "wrong_solutions": (kata.wrong_solutions[0].model_copy(update={"code": kata.solution}),)
        }
    )
    checks = plan_checks([replace(double, source=lenient)])
    errors = run_checks(checks, grader, jobs=1)
    assert [error.message for error in errors] == [
        "kata 'double': wrong solution 'square' passes every hidden test: "
        "the tests miss this mistake"
    ]


@pytest.mark.slow  # it waits out the 5-second time limit
def test_a_snippet_that_cannot_run_is_not_compared(tmp_path: Path, grader: Grader) -> None:
    deck = DECK.split("  - id: broken")[0] + (
        "  - id: hangs\n"
        "    type: predict\n"
        "    code: |\n"
        "      while True:\n"
        "          pass\n"
        '    expect_output: ""\n'
    )
    (tmp_path / "hang.yaml").write_text(deck.replace("honest", "hangs"), encoding="utf-8")
    library = load_library([tmp_path])
    hangs = [c for c in library.cards.values() if c.card.id == "hangs"]
    checks = plan_checks(hangs)
    errors = run_checks(checks, grader, jobs=1)
    assert [error.message for error in errors] == [
        "predict 'hangs': snippet did not run: time limit exceeded"
    ]


# -- the grader itself -------------------------------------------------------------


def _kata(library: Library, card_id: str) -> KataCard:
    card = library.cards[f"honest/{card_id}"].card
    assert isinstance(card, KataCard)
    return card


def test_a_job_carries_the_inputs_and_limits_but_never_the_expected_values(
    library: Library,
) -> None:
    kata = _kata(library, "double").model_copy(
        update={"preamble": "import math\n", "limits": Limits(timeout_s=2.5, memory_mb=128)}
    )
    job = kata_job(kata, "def double(x): ...", kata.tests)
    assert job == KataJob(
        source="def double(x): ...",
        cases=(
            CaseInput(call="double(2)"),
            CaseInput(call="double(0)"),
            CaseInput(call="double(3)"),
        ),
        preamble="import math\n",
        timeout_s=2.5,
        memory_mb=128,
    )
    assert "expect" not in json.dumps(job.to_wire())


def test_a_report_says_which_set_ran_and_what_was_printed(library: Library, grader: Grader) -> None:
    kata = _kata(library, "double")
    source = "import sys\ndef double(x):\n    print('out', x)\n    print('err', file=sys.stderr)\n    return 2 * x\n"
    tests = grader.grade(kata, source, "tests")
    assert (tests.which, tests.passed, tests.passed_count, tests.problem) == ("tests", True, 3, "")
    assert [case.name for case in tests.cases] == ["two", "zero", "three"]
    assert tests.stdout == "out 2\nout 0\nout 3\n"
    assert tests.stderr == "err\nerr\nerr\n"
    assert tests.duration_ms > 0
    examples = grader.grade(kata, source, "examples")
    assert (examples.which, [c.name for c in examples.cases]) == ("examples", ["example 1"])
    assert examples.stdout == "out 1\n"
    wrong = grader.grade(kata, "def double(x):\n    return x * x\n")
    assert (wrong.which, wrong.passed, wrong.passed_count) == ("tests", False, 2)


def test_the_pool_keeps_at_most_its_size_of_warm_workers(library: Library) -> None:
    kata = _kata(library, "double")
    pool = Grader(size=1)
    try:
        pool.warm_up()
        assert len(pool._idle) == 1
        first = pool._idle[0]
        assert pool.grade(kata, kata.solution).passed
        assert pool._idle == [first]  # the warm worker was reused, not replaced
        with ThreadPoolExecutor(2) as threads:
            reports = list(threads.map(lambda _: pool.grade(kata, kata.solution), range(2)))
        assert all(report.passed for report in reports)
        assert len(pool._idle) == 1
    finally:
        pool.close()
    assert pool._idle == []


def test_a_worker_started_by_a_thread_that_ended_stays_warm(library: Library) -> None:
    """Each check in the app runs in a thread of its own; the warm worker outlives it."""
    kata = _kata(library, "double")
    pool = Grader(size=1)
    try:
        starter = threading.Thread(target=pool.warm_up)
        starter.start()
        starter.join()
        pid = pool._idle[0].pid
        reports: list[GradeReport] = []

        def grade() -> None:
            reports.append(pool.grade(kata, kata.solution))

        for _ in range(3):
            grading = threading.Thread(target=grade)
            grading.start()
            grading.join()
            assert reports[-1].passed, reports[-1].problem
            assert pool._idle[0].pid == pid
    finally:
        pool.close()


def test_a_grader_made_in_a_forked_child_still_starts_workers(library: Library) -> None:
    """The spawning thread does not survive fork; a child (a test runner's, say) makes its own."""
    warm = Grader(size=1)
    warm.warm_up()  # the parent's spawning thread exists now
    warm.close()
    child = os.fork()
    if child == 0:  # pragma: no cover - runs in the child
        code = 1
        try:
            signal.alarm(60)
            pool = Grader(size=1)
            kata = _kata(library, "double")
            code = 0 if pool.grade(kata, kata.solution).passed else 2
            pool.close()
        finally:
            os._exit(code)
    _, status = os.waitpid(child, 0)
    assert os.waitstatus_to_exitcode(status) == 0


def test_a_snippet_run_reports_its_output_problem_and_time(
    library: Library, grader: Grader
) -> None:
    card = library.cards["honest/raises"].card
    assert isinstance(card, PredictCard)
    started = time.monotonic()
    ran = grader.run_snippet(card)
    elapsed_ms = (time.monotonic() - started) * 1000
    assert (ran.stdout, ran.problem) == ("before\n", "raised ValueError: boom")
    assert ran.stderr.endswith("ValueError: boom\n")
    assert 1 <= ran.duration_ms <= elapsed_ms
    cancelled = threading.Event()
    cancelled.set()
    with pytest.raises(GradeCancelledError):
        grader.run_snippet(card, cancelled)


def test_failures_are_worded_from_the_cases_or_else_the_run() -> None:
    from prep.grading.verdict import CaseStatus, CaseVerdict
    from prep.grading.verify import _failures

    def report(problem: str, *cases: CaseVerdict) -> GradeReport:
        return GradeReport("tests", cases, "", "", 1.0, problem)

    failed = CaseVerdict("ten", CaseStatus.FAIL, "wrong answer", "expected 12, got 11")
    error = CaseVerdict("one", CaseStatus.ERROR, "raised KeyError", "")
    passed = CaseVerdict("zero", CaseStatus.PASS, "")
    assert _failures(report("the code failed to load: X")) == ["the code failed to load: X"]
    assert _failures(report("", failed, error, passed)) == [
        "ten: expected 12, got 11",
        "one: raised KeyError",
    ]
    assert _failures(report("killed", failed)) == ["ten: expected 12, got 11"]
    assert _failures(report("", passed)) == []
    assert _failures(report("")) == []
    assert _failures(report("output limit", passed)) == []


def test_a_kata_without_examples_is_checked_on_its_tests_alone(
    tmp_path: Path, grader: Grader
) -> None:
    (tmp_path / "bare.yaml").write_text(
        "deck: bare\ntitle: Bare\ncards:\n  - id: inc\n    type: kata\n    title: Inc\n"
        "    prompt: p\n    tests:\n      - name: ten\n        call: inc(10)\n        expect: 12\n"
        "    solution: |\n      def inc(x):\n          return x + 1\n",
        encoding="utf-8",
    )
    errors = run_checks(plan_checks(load_library([tmp_path]).cards.values()), grader, jobs=1)
    assert [error.message for error in errors] == [
        "kata 'inc': solution fails test ten: expected 12, got 11"
    ]


def test_the_first_differing_line_is_found_in_lines_that_hold_spaces() -> None:
    from prep.grading.verify import _first_difference

    assert _first_difference("a b\nc d\n", "a b\nc e\n") == "line 2: expected 'c d', got 'c e'"
    assert _first_difference("x\n", "x\ny\n") == "expected 1 line, got 2"


def test_an_error_record_without_a_type_is_an_exception_and_keeps_its_message() -> None:
    from prep.grading.protocol import ErrorInfo

    info = ErrorInfo.from_wire({"mro": ["Exception"], "message": "MAX"})
    assert (info.type, info.describe()) == ("Exception", "Exception: MAX")
    assert ErrorInfo("KeyError", ("KeyError",), "").describe() == "KeyError"
    assert ErrorInfo("ValueError", (), "a: X").describe() == "ValueError: a: X"


def test_a_snippet_may_use_temporary_files_in_its_scratch_folder(grader: Grader) -> None:
    """tempfile in the child must not reuse the worker's /tmp: the walls allow only the scratch."""
    code = (
        "import os, tempfile\n"
        "with tempfile.TemporaryDirectory() as folder:\n"
        "    with open(os.path.join(folder, 'f.txt'), 'w') as handle:\n"
        "        handle.write('x')\n"
        "    print(os.listdir(folder), folder.startswith(tempfile.gettempdir()))\n"
    )
    card = PredictCard(id="temp", type="predict", code=code, expect_output="['f.txt'] True\n")
    ran = grader.run_snippet(card)
    assert (ran.stdout, ran.problem) == ("['f.txt'] True\n", "")
