"""A year of reviews as a calendar heatmap: weeks across, weekdays down."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

from rich.text import Text
from textual import events
from textual.widgets import Static

SHADES = ("#2d333b", "#0e4429", "#006d32", "#26a641", "#39d353")
WEEKDAYS = ("Mon", "", "Wed", "", "Fri", "", "Sun")
LABEL_WIDTH = 5  # "Mon " and a space
WEEK_WIDTH = 2  # a square and a space


def weeks_that_fit(width: int) -> int:
    """How many week columns a line of ``width`` cells holds beside the weekday labels."""
    return max(1, (width - LABEL_WIDTH) // WEEK_WIDTH)


def heatmap_text(days: Sequence[date], counts: Sequence[int], max_weeks: int | None = None) -> Text:
    """The calendar of ``days``; with ``max_weeks``, only the most recent weeks that fit."""
    if not days:
        return Text("no reviews yet")
    positive = sorted(c for c in counts if c > 0)

    def shade(count: int) -> str:
        if count <= 0 or not positive:
            return SHADES[0]
        # Quartiles of the days studied, so one huge day does not wash out the rest.
        rank = sum(1 for c in positive if c < count) / len(positive)
        return SHADES[1 + min(3, int(rank * 4))]

    start = days[0] - timedelta(days=days[0].weekday())
    weeks = (days[-1] - start).days // 7 + 1
    if max_weeks is not None and weeks > max_weeks:
        # A narrow terminal shows the latest weeks whole rather than wrapping the year.
        start += timedelta(days=7 * (weeks - max_weeks))
        weeks = max_weeks
    by_day = dict(zip(days, counts, strict=True))
    text = Text()
    months = [" "] * (weeks * WEEK_WIDTH)
    for week in range(weeks):
        first = start + timedelta(days=7 * week)
        if first.day <= 7:
            label = first.strftime("%b")
            for offset, char in enumerate(label):
                if week * WEEK_WIDTH + offset < len(months):
                    months[week * WEEK_WIDTH + offset] = char
    text.append(" " * LABEL_WIDTH + "".join(months).rstrip() + "\n", style="dim")
    for weekday in range(7):
        text.append(f"{WEEKDAYS[weekday]:<4} ", style="dim")
        for week in range(weeks):
            day = start + timedelta(days=7 * week + weekday)
            if day not in by_day:
                text.append("  ")
                continue
            text.append("■ ", style=shade(by_day[day]))
        text.append("\n")
    text.append(" " * LABEL_WIDTH + "less ", style="dim")
    for colour in SHADES:
        text.append("■ ", style=colour)
    text.append("more", style="dim")
    return text


class Heatmap(Static):
    """As many of the latest weeks as the widget's width holds; redrawn when it changes."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._days: Sequence[date] = ()
        self._counts: Sequence[int] = ()
        self.weeks_shown = 0

    def show(self, days: Sequence[date], counts: Sequence[int]) -> None:
        self._days, self._counts = days, counts
        self._draw()

    def on_resize(self, event: events.Resize) -> None:
        self._draw()

    def _draw(self) -> None:
        width = self.content_size.width or self.app.size.width
        weeks = weeks_that_fit(width)
        if self._days:
            start = self._days[0] - timedelta(days=self._days[0].weekday())
            self.weeks_shown = min(weeks, (self._days[-1] - start).days // 7 + 1)
        self.update(heatmap_text(self._days, self._counts, weeks))
