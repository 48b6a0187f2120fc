"""Start-up time: from `prep` to the Today screen with the shipped deck.

Textual presses the keys in TEXTUAL_PRESS once the app is ready, so
`TEXTUAL_PRESS=q prep` opens Today and quits at once; `script` gives it a
terminal. Uses hyperfine when installed (prints its own report), else times
the runs itself and prints the median.

    .venv/bin/python bench/startup.py [--runs N]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    prep = Path(sys.executable).with_name("prep")
    if shutil.which("script") is None:
        raise SystemExit("needs util-linux 'script' to give the app a terminal")
    with tempfile.TemporaryDirectory() as home:
        # A first run creates and migrates the database, as `make run` would.
        subprocess.run([str(prep), "--home", home, "stats"], check=True, capture_output=True)
        command = f"script -qec 'env TEXTUAL_PRESS=q {prep} --home {home}' /dev/null"
        if shutil.which("hyperfine"):
            subprocess.run(
                ["hyperfine", "--warmup", "2", "--runs", str(args.runs), "-N", command], check=True
            )
            return
        times = []
        for _ in range(args.runs):
            started = time.perf_counter()
            subprocess.run(command, shell=True, check=True, capture_output=True)
            times.append(time.perf_counter() - started)
        print(
            f"prep → Today → quit: median {statistics.median(times) * 1000:.0f} ms over {args.runs} runs"
        )


if __name__ == "__main__":
    main()
