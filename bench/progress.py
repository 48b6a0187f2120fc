"""How long the Progress screen takes to draw with a real history.

Imports the 12,580-review sample history into a temporary home, then opens
the app headless (Textual's test driver), presses `p` and times until every
section is filled. Also times `prep optimize` end to end.

    .venv/bin/python bench/progress.py [--runs N] [--csv FILE]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC
from pathlib import Path

from prep.cli.factory import make_context
from prep.clock import local_timezone, utc_now
from prep.content import load_library
from prep.paths import Locations, builtin_deck_dir
from prep.scheduling.memory import MemoryModel
from prep.settings import Settings
from prep.stats.progress import compute_progress
from prep.store import Store
from prep.transfer.reviews_csv import import_review_csv
from prep.tui.app import PrepApp
from prep.tui.context import PrepContext
from prep.tui.screens.progress import ProgressScreen

SAMPLE = Path(__file__).resolve().parents[1] / "tests" / "data" / "review-log-sample.csv"


async def draw_once(context: PrepContext) -> float:
    app = PrepApp(context)
    async with app.run_test(size=(160, 60)) as pilot:
        await pilot.pause()
        started = time.perf_counter()
        await pilot.press("p")
        while not (isinstance(app.screen, ProgressScreen) and app.screen.progress is not None):
            await asyncio.sleep(0.005)
        await pilot.pause()  # let the filled widgets render
        return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--csv", type=Path, default=SAMPLE)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        home = Path(folder)
        store = Store.open(home / "prep.db")
        started = time.perf_counter()
        report = import_review_csv(args.csv, store, MemoryModel())
        print(
            f"import: {report.imported} reviews of {report.cards} cards in {time.perf_counter() - started:.2f} s"
        )
        library = load_library([builtin_deck_dir()])
        numbers = []
        for _ in range(args.runs):
            started = time.perf_counter()
            compute_progress(library, store, Settings(), utc_now(), local_timezone())
            numbers.append(time.perf_counter() - started)
        print(f"progress numbers: median {statistics.median(numbers) * 1000:.0f} ms")
        locations = Locations(home, (), include_builtin=True, home_is_explicit=True)
        context = make_context(
            locations, store=store, settings=Settings(), library=library, clock=utc_now, tz=UTC
        )
        draws = [asyncio.run(draw_once(context)) for _ in range(args.runs)]
        print(
            f"Progress screen, `p` to drawn: median {statistics.median(draws) * 1000:.0f} ms over {args.runs} runs"
        )
        store.close()
        prep = Path(sys.executable).with_name("prep")
        runs = []
        for _ in range(3):
            started = time.perf_counter()
            subprocess.run(
                [str(prep), "--home", str(home), "optimize"], check=True, capture_output=True
            )
            runs.append(time.perf_counter() - started)
        print(f"prep optimize end to end: median {statistics.median(runs):.2f} s")


if __name__ == "__main__":
    main()
