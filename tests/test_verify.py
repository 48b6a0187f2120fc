"""`prep check`'s proof that a deck's code is honest, run in-process against a real grader."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from prep.content import load_library
from prep.content.library import Library
from prep.content.models import KataCard
from prep.grading.grader import Grader
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
    checks = plan_checks([replace(double, card=lenient)])
    errors = run_checks(checks, grader, jobs=1)
    assert [error.message for error in errors] == [
        "kata 'double': wrong solution 'square' passes every hidden test: "
        "the tests miss this mistake"
    ]


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
    assert len(errors) == 1
    assert errors[0].message.startswith("predict 'hangs': snippet did not run: ")
