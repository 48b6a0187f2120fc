"""A predicted output against the real one, line by line: which lines match, which
differ, which are missing or extra, and within a differing pair the characters that
differ. Pure, so that the predict screen only draws it."""

from __future__ import annotations

from dataclasses import dataclass
from difflib import SequenceMatcher
from enum import Enum
from itertools import zip_longest

from prep.grading.verdict import normalise_output


class LineStatus(Enum):
    SAME = "same"
    CHANGED = "changed"  # both have a line here, and they differ
    MISSING = "missing"  # the program printed a line the prediction does not have
    EXTRA = "extra"  # the prediction has a line the program did not print


@dataclass(frozen=True)
class Span:
    """A run of one line's characters that either matches the other side or differs."""

    text: str
    differs: bool


@dataclass(frozen=True)
class LinePair:
    """One row of the comparison: the predicted line beside the real one (None: no line)."""

    yours: tuple[Span, ...] | None
    real: tuple[Span, ...] | None
    status: LineStatus

    @property
    def yours_text(self) -> str | None:
        return None if self.yours is None else "".join(span.text for span in self.yours)

    @property
    def real_text(self) -> str | None:
        return None if self.real is None else "".join(span.text for span in self.real)


def _whole(line: str, differs: bool) -> tuple[Span, ...]:
    return (Span(line, differs),) if line else ()


def _spans(line: str, other: str) -> tuple[tuple[Span, ...], tuple[Span, ...]]:
    """The two lines cut where they agree and where they do not."""
    mine: list[Span] = []
    theirs: list[Span] = []
    matcher = SequenceMatcher(None, line, other, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        same = tag == "equal"
        if i2 > i1:
            mine.append(Span(line[i1:i2], not same))
        if j2 > j1:
            theirs.append(Span(other[j1:j2], not same))
    return tuple(mine), tuple(theirs)


def compare_lines(real: str, yours: str) -> list[LinePair]:
    """Every line of both outputs in order, paired where they correspond.

    Trailing whitespace and trailing blank lines do not count, as in the check itself.
    """
    real_lines = normalise_output(real).split("\n") if normalise_output(real) else []
    your_lines = normalise_output(yours).split("\n") if normalise_output(yours) else []
    pairs: list[LinePair] = []
    matcher = SequenceMatcher(None, your_lines, real_lines, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            pairs += [
                LinePair(_whole(line, False), _whole(line, False), LineStatus.SAME)
                for line in your_lines[i1:i2]
            ]
            continue
        # A replaced block pairs its lines in order; what is left over is missing or extra.
        for mine, theirs in zip_longest(your_lines[i1:i2], real_lines[j1:j2]):
            if mine is None:
                pairs.append(LinePair(None, _whole(theirs, True), LineStatus.MISSING))
            elif theirs is None:
                pairs.append(LinePair(_whole(mine, True), None, LineStatus.EXTRA))
            else:
                yours_spans, real_spans = _spans(mine, theirs)
                pairs.append(LinePair(yours_spans, real_spans, LineStatus.CHANGED))
    return pairs
