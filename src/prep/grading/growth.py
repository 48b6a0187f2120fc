"""How a submission's running time grows with its input, beside the reference's.

Both are timed in the sandbox (CPU seconds, on the same generated inputs), and
the exponent is the slope of the least-squares line through (log n, log t).
A comment for the learner, never the verdict: the time limit stays that.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass


def growth_exponent(sizes: Sequence[int], seconds: Sequence[float | None]) -> float | None:
    """The slope of log t against log n over the sizes measured (None below two)."""
    points = [
        (math.log(size), math.log(spent))
        for size, spent in zip(sizes, seconds, strict=False)
        if spent is not None and spent > 0 and size > 0
    ]
    if len(points) < 2:
        return None
    mean_x = sum(x for x, _ in points) / len(points)
    mean_y = sum(y for _, y in points) / len(points)
    spread = sum((x - mean_x) ** 2 for x, _ in points)
    if spread == 0:
        return None
    return sum((x - mean_x) * (y - mean_y) for x, y in points) / spread


@dataclass(frozen=True)
class GrowthMeasure:
    sizes: tuple[int, ...]
    yours: tuple[float | None, ...]  # CPU seconds at each size; None where it did not finish
    reference: tuple[float | None, ...]
    problem: str = ""  # why the learner's sizes were not all measured ('' when they were)

    @property
    def yours_exponent(self) -> float | None:
        return growth_exponent(self.sizes, self.yours)

    @property
    def reference_exponent(self) -> float | None:
        return growth_exponent(self.sizes, self.reference)

    def describe(self) -> str:
        """'yours grows like n^2.0, the reference like n^1.1', and what was not measured."""
        yours, reference = self.yours_exponent, self.reference_exponent
        mine = (
            "yours could not be measured" if yours is None else f"yours grows like {_power(yours)}"
        )
        theirs = "" if reference is None else f", the reference like {_power(reference)}"
        missing = [
            size for size, spent in zip(self.sizes, self.yours, strict=False) if spent is None
        ]
        note = ""
        if missing and yours is not None:
            note = f" (not measured at n = {', '.join(map(str, missing))}"
            note += f": {self.problem})" if self.problem else ")"
        elif self.problem:
            note = f" ({self.problem})"
        return mine + theirs + note


def _power(exponent: float) -> str:
    return f"n^{round(exponent, 1) + 0.0:.1f}"  # + 0.0: never "n^-0.0"
