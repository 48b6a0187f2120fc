"""A year of reviews as a calendar heatmap: weeks across, weekdays down."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

from rich.text import Text
from textual.widgets import Static

SHADES = ("#2d333b", "#0e4429", "#006d32", "#26a641", "#39d353")
WEEKDAYS = ("Mon", "", "Wed", "", "Fri", "", "Sun")


def heatmap_text(days: Sequence[date], counts: Sequence[int]) -> Text:
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
    by_day = dict(zip(days, counts, strict=True))
    text = Text()
    months = [" "] * (weeks * 2)
    for week in range(weeks):
        first = start + timedelta(days=7 * week)
        if first.day <= 7:
            label = first.strftime("%b")
            for offset, char in enumerate(label):
                if week * 2 + offset < len(months):
                    months[week * 2 + offset] = char
    text.append("     " + "".join(months).rstrip() + "\n", style="dim")
    for weekday in range(7):
        text.append(f"{WEEKDAYS[weekday]:<4} ", style="dim")
        for week in range(weeks):
            day = start + timedelta(days=7 * week + weekday)
            if day not in by_day:
                text.append("  ")
                continue
            text.append("■ ", style=shade(by_day[day]))
        text.append("\n")
    text.append("     less ", style="dim")
    for colour in SHADES:
        text.append("■ ", style=colour)
    text.append("more", style="dim")
    return text


class Heatmap(Static):
    def show(self, days: Sequence[date], counts: Sequence[int]) -> None:
        self.update(heatmap_text(days, counts))
