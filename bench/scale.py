"""prep at scale: the figures of a learner with 10,000 cards and a million reviews.

Builds the data set with bench/large.py (10,000 cards in 50 decks, 1,000,000
reviews over three years) or reuses one (--data DIR), restores it into a fresh
temporary home with `prep import` (timed, with its peak RSS), then runs the app
on a pseudo-terminal with those decks only and times what a user sees:

- launch → Today shows the deck counts (a deck's row of the table: it is filled
  once the counts are read);
- `s` → the first card's question drawn;
- rating → the next card's question (answer shown with space, then `3`);
- `p` → Progress drawn with its numbers (in a second launch, from Today);
- the app's peak RSS, and `prep stats --json` as a whole process.

Each launch starts from a copy of the restored home, so runs see the same history;
the home is used once before (`prep stats`), as every start after the first is,
so its deck cache is warm.
The goals are those of the issue, for the full data set; a smaller one (--cards,
--reviews) runs faster and its figures are not comparable with the goals.

    .venv/bin/python bench/scale.py [--runs N] [--data DIR] [--cards N] [--decks D] [--reviews M]

Generating the full data set takes about two minutes and the whole run several
more; --data DIR keeps the data set for the next run.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from large import deck_title
from terminal import StepError, Terminal, clean_env, max_rss_mb

BENCH = Path(__file__).resolve().parent
PREP = Path(sys.executable).with_name("prep")
ISSUE_SIZE = (10_000, 1_000_000)
RATINGS = 6

# A deck's row on Today: its title, then its card count (the table is filled with the counts).
TODAY_COUNTS = re.compile(re.escape(deck_title(0)).encode() + rb"\s+\d+\s+\d+")
QUESTION = re.compile(rb"\b([QPK])(\d{6})\b")
# The streak line is written with the rest of the numbers, once they are computed.
PROGRESS_DRAWN = re.compile(rb"reviews in all")


@dataclass
class Figures:
    launch: list[float] = field(default_factory=list)
    first_card: list[float] = field(default_factory=list)
    next_card: list[float] = field(default_factory=list)
    progress: list[float] = field(default_factory=list)
    tui_rss: list[float] = field(default_factory=list)
    stats: list[float] = field(default_factory=list)
    stats_rss: list[float] = field(default_factory=list)
    restore: list[float] = field(default_factory=list)
    restore_rss: list[float] = field(default_factory=list)


def run_measured(argv: list[str], what: str, timeout: float) -> tuple[float, float, str]:
    """Run ``argv`` to its end: (seconds, peak RSS in MB, its output)."""
    with tempfile.TemporaryFile() as output:
        started = time.perf_counter()
        child = subprocess.Popen(
            argv, stdout=output, stderr=subprocess.STDOUT, env=clean_env(), stdin=subprocess.DEVNULL
        )
        deadline = started + timeout
        while True:
            pid, status, usage = os.wait4(child.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() > deadline:
                child.kill()
                os.wait4(child.pid, 0)
                raise StepError(f"{what} took more than {timeout:.0f} s")
            time.sleep(0.005)
        elapsed = time.perf_counter() - started
        child.returncode = os.waitstatus_to_exitcode(status)
        output.seek(0)
        text = output.read().decode("utf-8", "replace")
    if child.returncode != 0:
        raise StepError(f"{what} failed (exit {child.returncode}):\n{text[-2000:]}")
    return elapsed, max_rss_mb(usage), text


def data_set(args: argparse.Namespace, scratch: Path) -> Path:
    """The folder with decks/ and backup.json: given, or generated now."""
    folder = args.data or scratch / "data"
    if (folder / "backup.json").is_file() and (folder / "decks").is_dir():
        print(f"data: reusing {folder}")
        return folder
    print(
        f"data: generating {args.cards:,} cards in {args.decks} decks and {args.reviews:,} reviews…",
        flush=True,
    )
    command = [sys.executable, str(BENCH / "large.py"), str(folder)]
    command += ["--cards", str(args.cards), "--decks", str(args.decks)]
    command += ["--reviews", str(args.reviews), "--seed", str(args.seed)]
    subprocess.run(command, check=True, env=clean_env())
    return folder


def app_argv(home: Path, decks: Path) -> list[str]:
    return [str(PREP), "--home", str(home), "--no-builtin", "--content", str(decks)]


def study(home: Path, decks: Path, figures: Figures, timeout: float) -> None:
    """Launch, `s`, then rate RATINGS cards Good."""
    with Terminal(app_argv(home, decks)) as app:
        app.wait_for(TODAY_COUNTS, "Today's deck counts", timeout)
        figures.launch.append(time.perf_counter() - app.started)
        app.settle(at_least=1.0)
        sent = app.send(b"s")
        shown = app.wait_for(QUESTION, "the first card after s", timeout)
        figures.first_card.append(time.perf_counter() - sent)
        for _ in range(RATINGS):
            if shown.group(1) != b"Q":
                raise StepError(
                    f"the card served is not a Q&A card ({shown.group(0).decode()}): "
                    "this data set was not made by bench/large.py"
                )
            number = shown.group(2)
            app.settle(quiet=0.3)
            app.send(b" ")
            app.wait_for(re.compile(rb"A" + number), "the answer after space", timeout)
            app.settle(quiet=0.3)
            sent = app.send(b"3")
            shown = app.wait_for(
                QUESTION,
                "the next card after rating",
                timeout,
                lambda m, shown_before=number: m.group(2) != shown_before,
            )
            figures.next_card.append(time.perf_counter() - sent)
        app.settle(quiet=0.3)
        figures.tui_rss.append(max_rss_mb(app.close()))


def progress(home: Path, decks: Path, figures: Figures, timeout: float) -> None:
    """Launch, then `p` from Today."""
    with Terminal(app_argv(home, decks)) as app:
        app.wait_for(TODAY_COUNTS, "Today's deck counts", timeout)
        app.settle(at_least=1.0)
        sent = app.send(b"p")
        app.wait_for(PROGRESS_DRAWN, "Progress's numbers after p", timeout)
        figures.progress.append(time.perf_counter() - sent)
        app.settle(quiet=0.3)
        figures.tui_rss.append(max_rss_mb(app.close()))


def report(figures: Figures, full_size: bool) -> None:
    def seconds(values: list[float]) -> str:
        return f"{statistics.median(values):.2f} s"

    def millis(values: list[float]) -> str:
        return f"{statistics.median(values) * 1000:.0f} ms"

    def megabytes(values: list[float]) -> str:
        return f"{max(values):.0f} MB"

    rows: list[tuple[str, list[float], Callable[[list[float]], str], float, str]] = [
        ("launch → Today shows the deck counts", figures.launch, seconds, 0.6, "≤ 0.6 s"),
        ("s → first card", figures.first_card, seconds, 0.1, "≤ 0.1 s"),
        (f"rating → next card (median of {len(figures.next_card)})", figures.next_card,
         millis, 0.05, "≤ 50 ms"),
        ("p → Progress drawn", figures.progress, seconds, 0.5, "≤ 0.5 s"),
        ("prep stats --json, whole process", figures.stats, seconds, 0.5, "≤ 0.5 s"),
        ("prep stats --json, peak RSS", figures.stats_rss, megabytes, 200, "≤ 200 MB"),
        ("TUI peak RSS", figures.tui_rss, megabytes, 200, "≤ 200 MB"),
        ("prep import of the backup", figures.restore, seconds, 10, "≤ 10 s"),
        ("prep import, peak RSS", figures.restore_rss, megabytes, 400, "≤ 400 MB"),
    ]  # fmt: skip
    print()
    print(f"{'figure':44} {'measured':>10}   {'goal':<9} {'':2}")
    for name, values, shown, goal, goal_text in rows:
        if not values:
            print(f"{name:44} {'–':>10}   {goal_text:<9}")
            continue
        # RSS: the worst run; times: the median.
        value = max(values) if shown is megabytes else statistics.median(values)
        verdict = ("✓" if value <= goal else "✗") if full_size else " "
        print(f"{name:44} {shown(values):>10}   {goal_text:<9} {verdict}")
    if not full_size:
        print(
            "(a smaller data set than the issue's 10,000 cards and 1,000,000 reviews: "
            "no verdicts against the goals)"
        )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=3, help="launches of each kind (default 3)")
    parser.add_argument("--data", type=Path, help="reuse (or create and keep) the data set here")
    parser.add_argument("--cards", type=int, default=ISSUE_SIZE[0])
    parser.add_argument("--decks", type=int, default=50)
    parser.add_argument("--reviews", type=int, default=ISSUE_SIZE[1])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--timeout", type=float, default=180.0, help="seconds each step may take (default 180)"
    )
    args = parser.parse_args()
    figures = Figures()
    with tempfile.TemporaryDirectory(prefix="prep-scale-") as folder:
        scratch = Path(folder)
        data = data_set(args, scratch)
        decks = data / "decks"
        restored = scratch / "restored"
        elapsed, rss, output = run_measured(
            [str(PREP), "--home", str(restored), "import", str(data / "backup.json")],
            "prep import",
            args.timeout * 5,
        )
        figures.restore.append(elapsed)
        figures.restore_rss.append(rss)
        print(f"prep import: {output.strip()} in {elapsed:.1f} s, peak RSS {rss:.0f} MB")
        match = re.search(r"restored (\d+) reviews", output)
        cards = sum(
            line.startswith("  - id: ")
            for path in decks.glob("*.yaml")
            for line in path.read_text(encoding="utf-8").splitlines()
        )
        full_size = (cards, int(match.group(1)) if match else 0) == ISSUE_SIZE
        # The learner's first start after the import parses every deck file into the
        # home's cache; the launches below are the starts of every day after that.
        elapsed, _, _ = run_measured(
            [*app_argv(restored, decks), "stats", "--json"], "first prep stats", args.timeout
        )
        print(f"first start after the import (decks parsed into the cache): {elapsed:.1f} s")
        try:
            for run in range(args.runs):
                for step in (study, progress):
                    home = scratch / f"home-{run}-{step.__name__}"
                    shutil.copytree(restored, home)
                    step(home, decks, figures, args.timeout)
                    shutil.rmtree(home)
                elapsed, rss, _ = run_measured(
                    [*app_argv(restored, decks), "stats", "--json"],
                    "prep stats --json",
                    args.timeout,
                )
                figures.stats.append(elapsed)
                figures.stats_rss.append(rss)
                print(
                    f"run {run + 1}: launch {figures.launch[-1]:.2f} s, s {figures.first_card[-1]:.2f} s, "
                    f"ratings {', '.join(f'{t * 1000:.0f}' for t in figures.next_card[-RATINGS:])} ms, "
                    f"p {figures.progress[-1]:.2f} s, stats {elapsed:.2f} s; peak RSS: "
                    f"studying {figures.tui_rss[-2]:.0f} MB, Progress {figures.tui_rss[-1]:.0f} MB",
                    flush=True,
                )
        except StepError as exc:
            report(figures, full_size)
            raise SystemExit(f"\nscale benchmark stopped: {exc}") from None
    report(figures, full_size)


if __name__ == "__main__":
    main()
