"""`prep grade` on katas from a deck outside the shipped one."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from prep.content import KataCard, load_library
from tests.helpers import run_prep

DECKS = Path(__file__).resolve().parent / "decks"


def grade(tmp_path: Path, kata: str, source: str, *extra: str) -> subprocess.CompletedProcess[str]:
    path = tmp_path / "submission.py"
    path.write_text(source, encoding="utf-8")
    return run_prep(
        "--no-builtin",
        "--content",
        str(DECKS),
        "grade",
        kata,
        str(path),
        *extra,
        PREP_HOME=str(tmp_path / "home"),
    )


@pytest.mark.slow
@pytest.mark.parametrize("kata_id", ["unseen/softmax", "unseen/counter-class"])
def test_reference_passes_and_every_wrong_solution_is_refused(tmp_path: Path, kata_id: str) -> None:
    kata = load_library([DECKS]).cards[kata_id].card
    assert isinstance(kata, KataCard)
    good = grade(tmp_path, kata_id, kata.solution, "--json")
    assert good.returncode == 0, good.stdout + good.stderr
    verdict = json.loads(good.stdout)
    assert verdict["kata"] == kata_id and verdict["passed"] is True
    assert {t["status"] for t in verdict["tests"]} == {"pass"}
    assert isinstance(verdict["duration_ms"], float | int)
    for wrong in kata.wrong_solutions:
        bad = grade(tmp_path, kata_id, wrong.code, "--json")
        assert bad.returncode == 1, wrong.name
        assert json.loads(bad.stdout)["passed"] is False


@pytest.mark.slow
def test_attempts_are_recorded_unless_asked_not_to(tmp_path: Path) -> None:
    from prep.store import Store

    kata = load_library([DECKS]).cards["unseen/counter-class"].card
    assert isinstance(kata, KataCard)
    assert grade(tmp_path, "unseen/counter-class", kata.solution).returncode == 0
    assert grade(tmp_path, "unseen/counter-class", kata.solution, "--no-record").returncode == 0
    store = Store.open(tmp_path / "home" / "prep.db")
    try:
        (attempt,) = store.attempts("unseen/counter-class")
        assert attempt.passed and attempt.kind == "submit"
    finally:
        store.close()


def test_unknown_kata_and_missing_file_are_usage_errors(tmp_path: Path) -> None:
    unknown = grade(tmp_path, "unseen/softmaks", "x = 1")
    assert unknown.returncode == 2 and "did you mean 'unseen/softmax'" in unknown.stderr
    missing = run_prep(
        "--no-builtin",
        "--content",
        str(DECKS),
        "grade",
        "unseen/softmax",
        str(tmp_path / "nope.py"),
        PREP_HOME=str(tmp_path / "h"),
    )
    assert missing.returncode == 2 and "cannot read" in missing.stderr


def test_the_fixture_deck_passes_its_own_check() -> None:
    result = run_prep("check", str(DECKS))
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_failure_like_a_known_mistake_is_named_after_the_results(tmp_path: Path) -> None:
    kata = load_library([DECKS]).cards["unseen/counter-class"].card
    assert isinstance(kata, KataCard)
    wrong = kata.wrong_solutions[0]
    (tmp_path / "home").mkdir()  # the patterns are kept in a home, never made just for them
    said = grade(tmp_path, "unseen/counter-class", wrong.code, "--no-record")
    assert said.returncode == 1
    last = said.stdout.rstrip().splitlines()[-1]
    expected = wrong.mistake or wrong.name.replace("-", " ")
    assert last == f"This looks like a known mistake: {expected}"
    # The patterns are kept in the home: the second run finds them there.
    assert list((tmp_path / "home" / "cache" / "mistakes").glob("*.json"))
    as_json = grade(tmp_path, "unseen/counter-class", wrong.code, "--json", "--no-record")
    diagnosis = json.loads(as_json.stdout)["diagnosis"]
    assert diagnosis == {"mistake": expected, "wrong_solution": wrong.name, "exact": True}
    good = grade(tmp_path, "unseen/counter-class", kata.solution, "--json", "--no-record")
    assert json.loads(good.stdout)["diagnosis"] is None
