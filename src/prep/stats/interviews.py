"""Past mock interviews at a glance: one line each, and the trend of their scores.

Shared by Progress and ``prep mock``.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import tzinfo

from prep.study.mock import Ending, MockReport

# Eight heights, from a score of 0 to a score of 1: the scale is fixed, so that a
# steady 70 % reads as steady rather than as a climb from the bottom.
BARS = "▁▂▃▄▅▆▇█"


def score_trend(reports: Sequence[MockReport]) -> str:
    """One bar per interview, oldest first."""
    return "".join(BARS[min(len(BARS) - 1, int(report.score * len(BARS)))] for report in reports)


def minutes_used(report: MockReport) -> str:
    """'38 of 45 min'."""
    used = min(report.used.total_seconds() / 60, report.minutes)
    return f"{round(used)} of {report.minutes} min"


def ending_text(report: MockReport) -> str:
    return {
        Ending.FINISHED: "finished",
        Ending.TIME_UP: "time ran out",
        Ending.ABANDONED: "abandoned",
    }[report.ending]


def interview_row(report: MockReport, tz: tzinfo) -> tuple[str, str, str, str]:
    """(when, score, minutes, how it ended)."""
    when = report.started_at.astimezone(tz).strftime("%Y-%m-%d %H:%M")
    score = f"{report.passed}/{len(report.items)} ({report.score * 100:.0f} %)"
    return when, score, minutes_used(report), ending_text(report)


def interview_lines(reports: Sequence[MockReport], tz: tzinfo, newest: int = 10) -> list[str]:
    """The newest interviews, newest first, with the trend of them all above."""
    if not reports:
        return ["no mock interviews yet"]
    lines = [f"mock interviews: {len(reports)} · scores {score_trend(reports)}"]
    rows = [interview_row(report, tz) for report in reversed(reports[-newest:])]
    widths = [max(len(row[column]) for row in rows) for column in range(3)]
    for row in rows:
        cells = [cell.ljust(width) for cell, width in zip(row, widths, strict=False)]
        lines.append("  " + "  ".join([*cells, row[3]]))
    to_review = reports[-1].topics_to_review
    if to_review:
        lines.append(f"topics to review from the last one: {', '.join(to_review)}")
    return lines
