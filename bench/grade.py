"""Grading speed: prep's warm sandbox vs pytest in a fresh subprocess.

pytest in a fresh interpreter is how Exercism's test runner grades a
submission. Both sides run the same kata's hidden tests against its
reference solution; the figures are medians over several runs.

A kata with random cases is also timed with them and without: drawing 20
fresh cases costs one more sandboxed run (the reference's) and 20 small
cases, unless they were drawn ahead (the kata screen draws the next
submission's while the learner types). The goal: at most twice the
fixed-only figure.

    .venv/bin/python bench/grade.py [--kata deck/id] [--runs N]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

from prep.content import KataCard, load_library
from prep.grading.grader import Grader
from prep.paths import builtin_deck_dir


def pytest_file(kata: KataCard) -> str:
    """The kata's hidden tests as a pytest module (numeric cases with approx)."""
    lines = ["import pytest", "import numpy as np", "from solution import *", ""]
    if kata.preamble:
        lines += [kata.preamble, ""]
    lines += ["def _plain(value):", "    if hasattr(value, 'tolist'):", "        return value.tolist()",
              "    if isinstance(value, tuple):", "        return [_plain(v) for v in value]",
              "    if isinstance(value, list):", "        return [_plain(v) for v in value]", "    return value", "",
              "def _close(a, b, tol):", "    if isinstance(b, list):",
              "        return isinstance(a, list) and len(a) == len(b) and all(_close(x, y, tol) for x, y in zip(a, b))",
              "    return abs(a - b) <= tol", ""]  # fmt: skip
    for index, case in enumerate(kata.tests):
        lines.append(f"def test_{index}():")
        body = case.code if case.code is not None else f"result = {case.call}"
        if case.expect_error is not None:
            lines.append(f"    with pytest.raises({case.expect_error}):")
            lines.append(textwrap.indent(body, "        "))
            continue
        lines.append(textwrap.indent(body, "    "))
        if case.compare.value == "close":
            lines.append(
                f"    assert _close(_plain(result), {case.expect!r}, {case.tolerance or 1e-6})"
            )
        else:
            lines.append(f"    assert _plain(result) == {case.expect!r}")
        lines.append("")
    return "\n".join(lines) + "\n"


def time_pytest(kata: KataCard, runs: int) -> list[float]:
    times = []
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        (root / "solution.py").write_text(
            (kata.preamble or "") + "\n" + kata.solution, encoding="utf-8"
        )
        (root / "test_kata.py").write_text(pytest_file(kata), encoding="utf-8")
        for _ in range(runs):
            started = time.perf_counter()
            result = subprocess.run(
                [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "test_kata.py"],
                cwd=root,
                # A lean pytest: the plugins installed for prep's own suite would slow it unfairly.
                env={**os.environ, "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"},
                capture_output=True,
                text=True,
            )
            times.append((time.perf_counter() - started) * 1000)
            if result.returncode != 0:
                raise SystemExit(
                    f"pytest failed on the reference solution:\n{result.stdout[-2000:]}"
                )
    return times


RANDOM_GOAL_RATIO = 2.0


def time_prep(kata: KataCard, runs: int, drawn_ahead: bool = False) -> list[float]:
    """``drawn_ahead``: as on the kata screen, each run's random cases are drawn
    before it (while the learner types), so the run waits for the learner's code alone."""
    grader = Grader(size=1)
    try:
        grader.warm_up(reference=kata.random is not None)
        times = []
        for _ in range(runs):
            prepared = grader.prepare_random(kata) if drawn_ahead else None
            if prepared is not None:
                prepared.result()
            started = time.perf_counter()
            report = grader.grade(kata, kata.solution, "tests")
            times.append((time.perf_counter() - started) * 1000)
            if not report.passed:
                raise SystemExit(f"prep failed the reference solution: {report}")
        return times
    finally:
        mode = grader.isolation.mode.value if grader.isolation else "?"
        grader.close()
        print(f"sandbox mode: {mode}")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--kata", default="heaps-top-k/top-k-frequent-words")
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    library = load_library([builtin_deck_dir()])
    card = library.cards[args.kata].card
    assert isinstance(card, KataCard)
    random_text = f" + {card.random.count} random cases" if card.random is not None else ""
    print(f"kata: {args.kata} ({len(card.tests)} hidden tests{random_text}), {args.runs} runs each")
    prep_ms = time_prep(card, args.runs)
    pytest_ms = time_pytest(card, args.runs)
    prep_median = statistics.median(prep_ms)
    pytest_median = statistics.median(pytest_ms)
    print(
        f"prep grader:            median {prep_median:8.1f} ms  (min {min(prep_ms):.1f}, max {max(prep_ms):.1f})"
    )
    print(
        f"pytest, fresh process:  median {pytest_median:8.1f} ms  (min {min(pytest_ms):.1f}, max {max(pytest_ms):.1f})"
    )
    print(f"ratio: prep is {pytest_median / prep_median:.1f}x faster")
    if card.random is not None:
        fixed_ms = time_prep(card.model_copy(update={"random": None}), args.runs)
        fixed_median = statistics.median(fixed_ms)
        count = card.random.count
        print(
            f"prep, fixed tests only: median {fixed_median:8.1f} ms  (min {min(fixed_ms):.1f}, max {max(fixed_ms):.1f})"
        )
        ahead_ms = time_prep(card, args.runs, drawn_ahead=True)
        ahead_median = statistics.median(ahead_ms)
        print(
            f"prep, cases drawn ahead: median {ahead_median:7.1f} ms  (min {min(ahead_ms):.1f}, max {max(ahead_ms):.1f})"
        )
        for what, median in (("drawn at submission", prep_median), ("drawn ahead", ahead_median)):
            ratio = median / fixed_median
            verdict = "✓" if ratio <= RANDOM_GOAL_RATIO else "✗"
            print(
                f"with {count} random cases, {what}: {ratio:.2f}× the fixed-only figure "
                f"(goal ≤ {RANDOM_GOAL_RATIO:g}×) {verdict}"
            )


if __name__ == "__main__":
    main()
