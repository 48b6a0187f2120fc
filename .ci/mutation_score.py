"""The mutation score per package, from mutmut's results (run after `mutmut run`).

A mutant counts as caught when a test failed on it or it ran out of time (it
made the code hang); it escapes when it survived or when no test covers it.
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections import Counter, defaultdict
from pathlib import Path

GOAL = 0.85
CAUGHT = {"killed", "timeout"}
ESCAPED = {"survived", "no tests", "suspicious"}


def package_of(mutant: str) -> str:
    parts = mutant.split(".")
    if parts[1] == "grading":
        return "grading (parent side)"
    return parts[1]


def main() -> int:
    mutmut = Path(sys.executable).with_name("mutmut")
    listing = subprocess.run(
        [str(mutmut), "results", "--all", "true"], capture_output=True, text=True, check=True
    ).stdout
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    for line in listing.splitlines():
        match = re.match(r"\s*(prep\.[\w.]+__mutmut_\d+): (.+)$", line)
        if match:
            counts[package_of(match.group(1))][match.group(2).strip()] += 1
    if not counts:
        print("no mutmut results: run `make mutate` first")
        return 1
    total_caught = total_judged = 0
    print(f"{'package':<24} {'caught':>7} {'escaped':>8} {'unrun':>6}  score  (goal {GOAL:.0%})")
    for package in sorted(counts):
        tally = counts[package]
        caught = sum(tally[s] for s in CAUGHT)
        escaped = sum(tally[s] for s in ESCAPED)
        unrun = sum(n for s, n in tally.items() if s not in CAUGHT | ESCAPED)
        judged = caught + escaped
        total_caught += caught
        total_judged += judged
        score = f"{caught / judged:6.1%}" if judged else "   –  "
        print(f"{package:<24} {caught:>7} {escaped:>8} {unrun:>6} {score}")
    if total_judged:
        print(f"{'all':<24} {total_caught:>7} {total_judged - total_caught:>8} {'':>6} {total_caught / total_judged:6.1%}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
