"""Katas the Exercism way: `prep katas` lists them, `prep start` writes one into a
folder, `prep grade` grades the file — each named by deck/id or by a bare id."""

from __future__ import annotations

import json
import shlex
import subprocess
import sys
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from prep.cli import main
from prep.cli.parser import DIFFICULTIES, KATA_STATUSES
from prep.content.kinds import Difficulty
from prep.grading.attempts import Attempt
from prep.scheduling.marks import CardMarks
from prep.scheduling.memory import CardState, Stage
from prep.store import Store
from prep.study.practice import KataStatus
from tests.helpers import prep_env

HEAPS = """\
deck: heaps
title: Heaps and top-k
tags: [heap]
cards:
  - id: kth-largest
    type: kata
    title: K-th largest
    difficulty: easy
    tags: [top-k]
    prompt: |
      Write `kth_largest(nums, k)`: the k-th largest value of `nums`.
    preamble: |
      import heapq
    starter: |
      def kth_largest(nums, k):
          raise NotImplementedError
    examples:
      - name: second
        call: kth_largest([3, 1, 2], 2)
        expect: 2
      - call: kth_largest([], 1)
        expect_error: IndexError
    tests:
      - name: first
        call: kth_largest([5, 9, 1], 1)
        expect: 9
      - name: last
        call: kth_largest([5, 9, 1], 3)
        expect: 1
    limits:
      timeout_s: 2
      memory_mb: 128
    solution: |
      def kth_largest(nums, k):
          if not nums:
              raise IndexError("no values")
          return heapq.nlargest(k, nums)[-1]
  - id: merge-lists
    type: kata
    title: Merge sorted lists
    difficulty: hard
    prompt: Write `merge(lists)`.
    tests:
      - call: merge([[1, 3], [2]])
        expect: [1, 2, 3]
    solution: |
      def merge(lists):
          return sorted(x for one in lists for x in one)
  - id: what-is-a-heap
    type: qa
    question: What is a heap?
    answer: A tree with the heap property.
"""
GRAPHS = """\
deck: graphs
title: Graph search
cards:
  - id: bfs
    type: kata
    title: Breadth-first search
    difficulty: easy
    tags: [search]
    prompt: Write `bfs(graph, start)`.
    tests:
      - call: 'bfs({1: [2], 2: []}, 1)'
        expect: [1, 2]
    solution: |
      def bfs(graph, start):
          return [start, *graph[start]]
  - id: merge-lists
    type: kata
    title: Merge adjacency lists
    prompt: Write `merge(a, b)`.
    tests:
      - call: merge([1, 3], [2])
        expect: [1, 2, 3]
    solution: |
      def merge(a, b):
          return sorted(a + b)
"""

Prep = Callable[..., tuple[int, str, str]]


@pytest.fixture
def decks(tmp_path: Path) -> Path:
    folder = tmp_path / "decks"
    folder.mkdir()
    (folder / "graphs.yaml").write_text(GRAPHS, encoding="utf-8")
    (folder / "heaps.yaml").write_text(HEAPS, encoding="utf-8")
    return folder


@pytest.fixture
def home(tmp_path: Path) -> Path:
    return tmp_path / "home"


@pytest.fixture
def prep(
    decks: Path, home: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> Prep:
    """``prep`` in this process on the two decks above: (exit code, stdout, stderr)."""

    def run(*args: str, cwd: Path | None = None) -> tuple[int, str, str]:
        if cwd is not None:
            monkeypatch.chdir(cwd)
        try:
            code = main(["--home", str(home), "--no-builtin", "--content", str(decks), *args])
        except SystemExit as exit_:  # argparse's own usage errors
            code = int(exit_.code or 0)
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    return run


def attempt(n: int, key: str, passed: bool, summary: dict[str, Any]) -> Attempt:
    return Attempt(
        id=f"attempt-{n}",
        card_key=key,
        kind="submit",
        submitted_at=datetime.now(UTC) - timedelta(hours=10 - n),
        code="...",
        passed=passed,
        summary=summary,
        duration_ms=30,
        installation_id="test",
    )


@pytest.fixture
def history(home: Path) -> None:
    """bfs attempted; heaps/kth-largest solved in 65 s at best; merge-lists due and suspended."""
    store = Store.open(home / "prep.db")
    try:
        store.record_attempt(attempt(1, "graphs/bfs", False, {"passed": 0, "total": 1}))
        store.record_attempt(attempt(2, "heaps/kth-largest", True, {"elapsed_ms": 65_400}))
        store.record_attempt(attempt(3, "heaps/kth-largest", True, {"elapsed_ms": 3_725_000}))
        store.record_attempt(attempt(4, "heaps/merge-lists", True, {"passed": 1, "total": 1}))
        due = datetime.now(UTC) - timedelta(days=1)
        reviewed = due - timedelta(days=3)
        store.write_states(
            [CardState("heaps/merge-lists", Stage.REVIEW, None, 3.0, 5.0, due, reviewed, 2, 0)]
        )
        store.set_marks("heaps/merge-lists", CardMarks(suspended=True))
    finally:
        store.close()


# -- prep katas ------------------------------------------------------------------


@pytest.mark.usefixtures("history")
def test_katas_lists_every_kata_with_its_status_and_best_time(prep: Prep) -> None:
    code, out, err = prep("katas")
    assert (code, err) == (0, "")
    assert out.splitlines() == [
        "kata                difficulty  status           best time  title",
        "graphs/bfs          easy        attempted        -          Breadth-first search",
        "graphs/merge-lists  medium      new              -          Merge adjacency lists",
        "heaps/kth-largest   easy        solved           1:05       K-th largest",
        "heaps/merge-lists   hard        due (suspended)  -          Merge sorted lists",
        "",
        "4 katas: 1 new, 1 attempted, 1 solved, 1 due",
    ]


@pytest.mark.usefixtures("history")
@pytest.mark.parametrize(
    ("options", "keys", "total"),
    [
        (
            ["--tag", "heap"],
            ["heaps/kth-largest", "heaps/merge-lists"],
            "2 katas (of 4): 1 solved, 1 due",
        ),
        (
            ["--difficulty", "easy"],
            ["graphs/bfs", "heaps/kth-largest"],
            "2 katas (of 4): 1 attempted, 1 solved",
        ),
        (
            ["--tag", "top-k", "--difficulty", "easy"],
            ["heaps/kth-largest"],
            "1 kata (of 4): 1 solved",
        ),
        (["--status", "due"], ["heaps/merge-lists"], "1 kata (of 4): 1 due"),
        (
            ["--status", "attempted", "--deck", "graphs"],
            ["graphs/bfs"],
            "1 kata (of 4): 1 attempted",
        ),
        (
            ["--deck", "heaps", "--difficulty", "hard"],
            ["heaps/merge-lists"],
            "1 kata (of 4): 1 due",
        ),
    ],
)
def test_katas_filters_combine(prep: Prep, options: list[str], keys: list[str], total: str) -> None:
    code, out, _ = prep("katas", *options)
    lines = out.splitlines()
    assert code == 0
    assert [line.split()[0] for line in lines[1:-2]] == keys
    assert lines[-1] == total


@pytest.mark.usefixtures("history")
def test_katas_says_when_nothing_matches(prep: Prep) -> None:
    nothing = (0, "no kata matches (4 katas in all)\n", "")
    assert prep("katas", "--tag", "top-k", "--difficulty", "hard") == nothing
    assert prep("katas", "--deck", "graphs", "--status", "solved") == nothing


def test_katas_without_any_history_are_all_new(prep: Prep) -> None:
    code, out, _ = prep("katas", "--deck", "graphs")
    assert code == 0
    assert out.splitlines()[-1] == "2 katas (of 4): 2 new"


@pytest.mark.usefixtures("history")
def test_katas_as_json(prep: Prep) -> None:
    code, out, _ = prep("katas", "--json", "--deck", "heaps")
    rows = json.loads(out)
    assert code == 0
    assert [row["key"] for row in rows] == ["heaps/kth-largest", "heaps/merge-lists"]
    solved, due = rows
    assert solved["status"] == "solved" and solved["best_time_ms"] == 65_400
    assert solved["tags"] == ["heap", "top-k"] and solved["deck_title"] == "Heaps and top-k"
    assert solved["submissions"] == 2 and solved["last_submission"]["passed"] is True
    assert due["status"] == "due" and due["suspended"] is True
    assert due["last_submission"]["tests_passed"] == 1 and due["best_time_ms"] is None
    assert json.loads(prep("katas", "--json", "--status", "new", "--deck", "heaps")[1]) == []


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--tag", "searh"], "prep: no kata has the tag 'searh' (did you mean 'search'?)\n"),
        (["--tag", "zzz"], "prep: no kata has the tag 'zzz'\n"),
        (["--deck", "graph"], "prep: no deck 'graph' (did you mean 'graphs'?)\n"),
    ],
)
def test_an_unknown_tag_or_deck_is_a_usage_error(
    prep: Prep, options: list[str], message: str
) -> None:
    assert prep("katas", *options) == (2, "", message)


def test_a_status_or_difficulty_must_be_one_of_the_choices(prep: Prep) -> None:
    code, _, err = prep("katas", "--status", "finished")
    assert code == 2 and "invalid choice: 'finished'" in err
    code, _, err = prep("katas", "--difficulty", "brutal")
    assert code == 2 and "invalid choice: 'brutal'" in err


def test_katas_says_when_a_deck_file_could_not_be_read(prep: Prep, decks: Path) -> None:
    (decks / "broken.yaml").write_text("deck: [\n", encoding="utf-8")
    code, out, err = prep("katas")
    assert code == 0 and out.splitlines()[-1] == "4 katas: 4 new"
    assert err == "prep: 1 deck file could not be read; 'prep check' says why\n"


def test_the_choices_are_the_statuses_and_difficulties() -> None:
    assert tuple(status.value for status in KataStatus) == KATA_STATUSES
    assert tuple(difficulty.value for difficulty in Difficulty) == DIFFICULTIES


# -- prep start ------------------------------------------------------------------


def grade_line(home: Path, decks: Path, key: str, file: str) -> str:
    return shlex.join(
        ["prep", "--home", str(home), "--content", str(decks), "--no-builtin", "grade", key, file]
    )


def test_start_writes_the_prompt_and_the_starter_into_a_folder_named_after_the_kata(
    prep: Prep, tmp_path: Path, home: Path, decks: Path
) -> None:
    work = tmp_path / "work"
    work.mkdir()
    code, out, err = prep("start", "heaps/kth-largest", cwd=work)
    assert (code, err) == (0, "")
    folder = work / "heaps-kth-largest"
    assert out.splitlines() == [
        "wrote heaps-kth-largest/README.md and heaps-kth-largest/solution.py",
        "edit heaps-kth-largest/solution.py, then grade it with:",
        "  " + grade_line(home, decks, "heaps/kth-largest", "heaps-kth-largest/solution.py"),
    ]
    assert (folder / "solution.py").read_text(encoding="utf-8") == (
        "def kth_largest(nums, k):\n    raise NotImplementedError\n"
    )
    readme = (folder / "README.md").read_text(encoding="utf-8")
    for part in [
        "# K-th largest\n\nWrite `kth_largest(nums, k)`: the k-th largest value of `nums`.",
        "### Given\n```python\nimport heapq\n```",
        "**second**: \n```python\nkth_largest([3, 1, 2], 2)\n```\n→ `2`",
        "kth_largest([], 1)\n```\n→ raises `IndexError`",
        "*2 hidden tests · time limit 2 s · memory 128 MB*",
        "```sh\n" + grade_line(home, decks, "heaps/kth-largest", "solution.py") + "\n```",
    ]:
        assert part in readme
    # Neither the reference solution nor the hidden tests are given away.
    assert "nlargest" not in readme and "[5, 9, 1]" not in readme


def test_start_never_overwrites_a_solution_without_force(prep: Prep, tmp_path: Path) -> None:
    folder = tmp_path / "kata"
    assert prep("start", "heaps/merge-lists", str(folder))[0] == 0
    # The starter of a kata without one is a comment, not an empty file.
    assert (folder / "solution.py").read_text(encoding="utf-8") == (
        "# Merge sorted lists: your solution here.\n"
    )
    (folder / "solution.py").write_text("my work\n", encoding="utf-8")
    assert prep("start", "heaps/merge-lists", str(folder)) == (
        1,
        "",
        f"prep: {folder / 'solution.py'} already exists: not overwritten (pass --force to replace)\n",
    )
    assert (folder / "solution.py").read_text(encoding="utf-8") == "my work\n"
    assert prep("start", "heaps/merge-lists", str(folder), "--force")[0] == 0
    assert "your solution here" in (folder / "solution.py").read_text(encoding="utf-8")


def test_start_rewrites_its_own_readme_but_not_another(prep: Prep, tmp_path: Path) -> None:
    folder = tmp_path / "kata"
    assert prep("start", "bfs", str(folder))[0] == 0
    (folder / "solution.py").unlink()
    assert prep("start", "heaps/merge-lists", str(folder))[0] == 0  # its own README, written again
    assert "# Merge sorted lists" in (folder / "README.md").read_text(encoding="utf-8")
    (folder / "solution.py").unlink()
    (folder / "README.md").write_text("# My project\n", encoding="utf-8")
    code, _, err = prep("start", "bfs", str(folder))
    assert code == 1 and "README.md already exists: not overwritten" in err
    assert (folder / "README.md").read_text(encoding="utf-8") == "# My project\n"
    assert not (folder / "solution.py").exists()


def test_start_writes_nothing_through_a_link_in_the_way(prep: Prep, tmp_path: Path) -> None:
    folder = tmp_path / "kata"
    folder.mkdir()
    (folder / "solution.py").symlink_to(tmp_path / "elsewhere.py")  # leading nowhere yet
    code, _, err = prep("start", "bfs", str(folder))
    assert code == 1 and "solution.py already exists: not overwritten" in err
    assert not (tmp_path / "elsewhere.py").exists()


def test_start_mentions_a_draft_kept_in_the_app(prep: Prep, tmp_path: Path, home: Path) -> None:
    store = Store.open(home / "prep.db")
    try:
        store.save_draft("graphs/bfs", "def bfs(graph, start): ...", datetime.now(UTC))
    finally:
        store.close()
    code, out, _ = prep("start", "bfs", str(tmp_path / "kata"))
    assert code == 0
    assert "note: your draft of this kata stays in the app" in out
    assert "note:" not in prep("start", "heaps/merge-lists", str(tmp_path / "other"))[1]


@pytest.mark.parametrize(
    ("command", "name", "message"),
    [
        (
            "start",
            "heaps/kth-largets",
            "unknown kata 'heaps/kth-largets' (did you mean 'heaps/kth-largest'?)",
        ),
        ("start", "kth-largets", "unknown kata 'kth-largets' (did you mean 'kth-largest'?)"),
        (
            "start",
            "merge-lists",
            "kata 'merge-lists' is in several decks: name one of graphs/merge-lists, heaps/merge-lists",
        ),
        ("start", "heaps/what-is-a-heap", "unknown kata 'heaps/what-is-a-heap'"),
        ("grade", "grahps/bfs", "unknown kata 'grahps/bfs' (did you mean 'graphs/bfs'?)"),
    ],
)
def test_an_unknown_kata_is_a_usage_error_with_a_suggestion(
    prep: Prep, tmp_path: Path, command: str, name: str, message: str
) -> None:
    extra = [str(tmp_path / "solution.py")] if command == "grade" else [str(tmp_path / "k")]
    assert prep(command, name, *extra) == (2, "", f"prep: {message}; 'prep katas' lists them\n")
    assert not (tmp_path / "k").exists()


# -- and grade it ----------------------------------------------------------------


def run_printed(command: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run a command line prep printed, as the user would paste it, in ``cwd``."""
    argv = shlex.split(command)
    assert argv[0] == "prep"
    return subprocess.run(
        [sys.executable, "-m", "prep", *argv[1:]],
        capture_output=True,
        text=True,
        env=prep_env(),
        cwd=cwd,
        timeout=300,
    )


@pytest.mark.slow
def test_the_printed_grade_command_fails_the_starter_and_passes_the_reference(
    prep: Prep, tmp_path: Path, home: Path, decks: Path
) -> None:
    work = tmp_path / "work"
    work.mkdir()
    assert prep("start", "heaps/kth-largest", cwd=work)[0] == 0
    folder = work / "heaps-kth-largest"
    readme = (folder / "README.md").read_text(encoding="utf-8")
    command = readme.split("```sh\n", 1)[1].split("\n", 1)[0]
    starter = run_printed(command, folder)
    assert starter.returncode == 1, starter.stdout + starter.stderr
    assert "0/2 hidden tests passed" in starter.stdout
    (folder / "solution.py").write_text(
        "def kth_largest(nums, k):\n"
        "    if not nums:\n"
        "        raise IndexError('no values')\n"
        "    return heapq.nlargest(k, nums)[-1]\n",  # heapq: the preamble's
        encoding="utf-8",
    )
    # By its bare id this time: no other deck has a 'kth-largest'.
    solved = run_printed(command.replace("heaps/kth-largest", "kth-largest"), folder)
    assert solved.returncode == 0, solved.stdout + solved.stderr
    assert "2/2 hidden tests passed" in solved.stdout
    out = prep("katas", "--json", "--deck", "heaps")[1]
    (row, _) = json.loads(out)
    assert (row["status"], row["submissions"]) == ("solved", 2)
    # Timed from 'prep start'; practice, so the app's next review of the kata starts afresh.
    assert isinstance(row["best_time_ms"], int) and row["best_time_ms"] >= 0
    store = Store.open(home / "prep.db")
    try:
        runs = [a for a in store.attempts("heaps/kth-largest") if a.kind == "submit"]
        assert runs and all(a.summary.get("practice") for a in runs)
    finally:
        store.close()
