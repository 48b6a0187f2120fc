"""Start-up: prep's first frame against a bare Textual app's, on the same terminal.

In one run, alternately: a bare Textual app whose only widget is `Static("hello")`,
and prep with the shipped deck, once on an empty temporary home (a new one each
launch: a new learner's first start, the database created and migrated) and
once on a home made before the run (every later start). Each program is started
on a pseudo-terminal of the same size and timed from exec until its first frame
has been written: `hello` for the bare app, the header's `Today` for prep. prep's
launches go on until Today shows the decks' counts (the decks are read in a worker
once the screen is up).

The goal: prep's first frame within 1.25× the bare app's.

    .venv/bin/python bench/startup.py [--runs N]
"""

from __future__ import annotations

import argparse
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from terminal import COLUMNS, LINES, Terminal, clean_env

PREP = Path(sys.executable).with_name("prep")
GOAL_RATIO = 1.25
BARE_APP = """\
from textual.app import App, ComposeResult
from textual.widgets import Static


class Bare(App[None]):
    def compose(self) -> ComposeResult:
        yield Static("hello")


Bare().run()
"""
BARE_FRAME = re.compile(rb"hello")
PREP_FRAME = re.compile(rb"Today")
# Today's message once the decks are read and counted: "N cards to study: press s to start."
DECKS_COUNTED = re.compile(rb"to study")


def first_frame(argv: list[str], frame: re.Pattern[bytes], counted: bool = False) -> list[float]:
    """Seconds from exec to ``frame`` drawn, and (``counted``) to the decks counted."""
    with Terminal(argv, clean_env()) as program:
        program.wait_for(frame, "the first frame", 60)
        times = [time.perf_counter() - program.started]
        if counted:
            program.wait_for(DECKS_COUNTED, "Today's deck counts", 60)
            times.append(time.perf_counter() - program.started)
        return times


def median_ms(values: list[float]) -> str:
    return f"median {statistics.median(values) * 1000:5.0f} ms (min {min(values) * 1000:.0f}, max {max(values) * 1000:.0f})"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=10, help="launches of each (default 10)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="prep-startup-") as folder:
        root = Path(folder)
        bare_app = root / "bare.py"
        bare_app.write_text(BARE_APP, encoding="utf-8")
        bare = [sys.executable, str(bare_app)]
        used_home = root / "used-home"
        # A first run creates and migrates the database, as a first `prep` would.
        subprocess.run(
            [str(PREP), "--home", str(used_home), "stats"],
            check=True,
            capture_output=True,
            env=clean_env(),
        )

        def prep_on(home: Path) -> list[str]:
            return [str(PREP), "--home", str(home)]

        # One launch of each, not counted: the files they read come into the page cache.
        first_frame(bare, BARE_FRAME)
        first_frame(prep_on(root / "warm-up"), PREP_FRAME, counted=True)
        bare_ms: list[float] = []
        empty: list[list[float]] = []
        used: list[list[float]] = []
        for run in range(args.runs):
            bare_ms += first_frame(bare, BARE_FRAME)
            empty.append(first_frame(prep_on(root / f"empty-{run}"), PREP_FRAME, counted=True))
            bare_ms += first_frame(bare, BARE_FRAME)
            used.append(first_frame(prep_on(used_home), PREP_FRAME, counted=True))

    bare_median = statistics.median(bare_ms)
    print(
        f"first frame, alternating on a {COLUMNS}×{LINES} pseudo-terminal, {args.runs} runs each:"
    )
    print(f"  bare Textual app (one Static):        {median_ms(bare_ms)}")
    for name, runs in (("prep, empty home", empty), ("prep, home used before", used)):
        frames = [times[0] for times in runs]
        ratio = statistics.median(frames) / bare_median
        verdict = "✓" if ratio <= GOAL_RATIO else "✗"
        print(
            f"  {name + ':':38}{median_ms(frames)}  {ratio:.2f}× the bare app "
            f"(goal ≤ {GOAL_RATIO}×) {verdict}"
        )
    print("prep → the decks loaded and counted on Today:")
    for name, runs in (("empty home", empty), ("home used before", used)):
        print(f"  {name + ':':38}{median_ms([times[1] for times in runs])}")


if __name__ == "__main__":
    main()
