"""Two levels of checking (docs/content-format.md): a deck written the way a person
writes one loads, grades and passes `prep check` with warnings; `prep check
--strict` applies the shipped deck's rules."""

from __future__ import annotations

import json
from pathlib import Path

from prep.content import KataCard, load_library
from prep.content.models import Compare
from prep.grading.walls import landlock_abi
from tests.helpers import run_prep

PERSONAL = """\
deck: mine
title: My own katas
cards:
  - id: mean
    type: kata
    title: Mean
    prompt: Write `mean(xs)`, the arithmetic mean of a non-empty list.
    starter: |
      def mean(xs):
          ...
    tests:
      - call: mean([1, 2])
        expect: 1.5
      - call: mean([0.1, 0.2])
        expect: 0.15
        tolerance: 1.0e-9
    solution: |
      def mean(xs):
          return sum(xs) / len(xs)
  - id: what-is-a-mean
    type: qa
    question: What is the mean?
    answer: The sum divided by the count.
"""


def write(tmp_path: Path) -> Path:
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "mine.yaml").write_text(PERSONAL, encoding="utf-8")
    return folder


def test_a_tolerance_alone_means_a_close_comparison(tmp_path: Path) -> None:
    library = load_library([write(tmp_path)])
    assert not library.errors
    kata = library.cards["mine/mean"].card
    assert isinstance(kata, KataCard)
    assert kata.tests[1].compare is Compare.CLOSE and kata.tests[0].compare is Compare.EXACT
    assert kata.examples == () and kata.wrong_solutions == ()


def test_a_personal_deck_passes_check_with_warnings_and_grades(tmp_path: Path) -> None:
    folder = write(tmp_path)
    checked = run_prep("--no-builtin", "check", str(folder), "--json")
    assert checked.returncode == 0, checked.stdout + checked.stderr
    report = json.loads(checked.stdout)
    assert report["errors"] == []
    warned = {(w["line"], w["message"].split(": ", 1)[1].split(",")[0]) for w in report["warnings"]}
    assert warned == {
        (4, "warning: no examples"),
        (4, "warning: no wrong_solutions"),
    }
    plain = run_prep("--no-builtin", "check", str(folder))
    assert plain.returncode == 0 and "2 warnings" in plain.stderr

    solution = tmp_path / "mean.py"
    solution.write_text("def mean(xs):\n    return sum(xs) / len(xs)\n", encoding="utf-8")
    graded = run_prep(
        "--home", str(tmp_path / "home"), "--no-builtin", "--content", str(folder),
        "grade", "mine/mean", str(solution), "--json",
    )  # fmt: skip
    assert graded.returncode == 0, graded.stdout + graded.stderr
    assert json.loads(graded.stdout)["passed"] is True


def test_strict_applies_the_shipped_deck_rules(tmp_path: Path) -> None:
    folder = write(tmp_path)
    checked = run_prep("--no-builtin", "check", "--strict", "--no-run", str(folder), "--json")
    assert checked.returncode == 1
    messages = sorted(e["message"] for e in json.loads(checked.stdout)["errors"])
    assert messages == sorted(
        [
            "card 'mean': warning: no examples, so 'run examples' has nothing to run",
            "card 'mean': warning: no wrong_solutions, so nothing shows the hidden tests catch a mistake",
            "card 'mean': needs a 'source' or a 'reference' (a public book, paper or docs)",
            "card 'mean': a kata needs 1 to 3 examples",
            "card 'mean': a kata needs at least 8 hidden tests, not 2",
            "card 'mean': a kata needs at least 3 wrong_solutions, not 0",
            "card 'mean': a kata needs 'hints'",
            "card 'mean': a kata needs 'explanation'",
            "card 'mean': a kata needs 'complexity'",
            "card 'what-is-a-mean': needs a 'source' or a 'reference' (a public book, paper or docs)",
            "card 'what-is-a-mean': a medium Q&A card needs a 'hint'",
        ]
    )


def test_strict_refuses_text_that_points_at_an_internal_source(tmp_path: Path) -> None:
    folder = tmp_path / "d"
    folder.mkdir()
    (folder / "d.yaml").write_text(
        "deck: d\ntitle: D\ncards:\n  - id: c\n    type: qa\n    difficulty: easy\n"
        "    reference: A book\n    question: Why?\n    answer: The seed says so.\n",
        encoding="utf-8",
    )
    checked = run_prep("--no-builtin", "check", "--strict", "--no-run", str(folder))
    assert checked.returncode == 1
    assert "internal source ('The seed')" in checked.stdout


def test_without_a_real_sandbox_only_the_shipped_deck_s_code_runs_unless_trusted(
    tmp_path: Path,
) -> None:
    folder = write(tmp_path)
    home = str(tmp_path / "home")
    refused = run_prep("check", str(folder), PREP_HOME=home, PREP_SANDBOX="plain")
    assert refused.returncode == 1
    assert refused.stdout.splitlines() == [
        f"{folder / 'mine.yaml'}:1: code not run: grading has no real sandbox here (plain mode, "
        "see prep doctor); pass --trust to run this deck's solutions and snippets with your "
        "own rights"
    ]
    trusted = run_prep("check", "--trust", str(folder), PREP_HOME=home, PREP_SANDBOX="plain")
    assert (trusted.returncode, trusted.stdout) == (0, ""), trusted.stderr
    # The shipped deck's own code is run without --trust, and a real sandbox needs none.
    shipped = Path(__file__).parents[1] / "questions" / "python" / "generators.yaml"
    assert run_prep("check", str(shipped), PREP_HOME=home, PREP_SANDBOX="plain").returncode == 0
    if landlock_abi() >= 1:
        sandboxed = run_prep("check", str(folder), PREP_HOME=home, PREP_SANDBOX="landlock")
        assert (sandboxed.returncode, sandboxed.stdout) == (0, ""), sandboxed.stderr
