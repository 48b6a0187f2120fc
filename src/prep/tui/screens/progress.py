"""Progress: reviews, retention, forecast, mastery and katas at a glance."""

from __future__ import annotations

from typing import ClassVar

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.widgets import DataTable, Footer, Header, Label, LoadingIndicator, Static
from textual_plotext import PlotextPlot

from prep.stats.interviews import interview_row, score_trend
from prep.stats.progress import PERIODS, Progress, compute_progress
from prep.study.mock import MockReport, past_interviews
from prep.tui.context import PrepContext
from prep.tui.format import shorten
from prep.tui.screens.base import PrepScreen, styles
from prep.tui.widgets.heatmap import Heatmap
from prep.wording import plural

CHART_DAYS = 90
# Beside a name: two counts, the bar and its percentage, the cells' padding, the screen's
# padding and scrollbars. The bar narrows below WIDE_FROM columns, then the names are cut.
BAR_WIDTH = 20
NARROW_BAR_WIDTH = 10
WIDE_FROM = 100
MASTERY_NUMBERS = 10 + 7 + 7 + 6 + 2 + 8
HARDEST_NUMBERS = 8 + 12 + 6 + 2 + 8
MAX_KEY_WIDTH = 40
MIN_NAME_WIDTH = 12


def _bar(share: float, width: int = 20) -> str:
    filled = round(share * width)
    return "█" * filled + "░" * (width - filled)


def _percent(value: float | None) -> str:
    return f"{value * 100:.1f} %" if value is not None else "–"


class ProgressScreen(PrepScreen[None]):
    CSS_PATH = styles("progress.tcss")
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", "Back"),
        Binding("r", "reload", "Refresh"),
    ]

    def __init__(self, context: PrepContext) -> None:
        super().__init__(context)
        self.progress: Progress | None = None

    def compose(self) -> ComposeResult:
        yield Header(show_clock=False)
        yield LoadingIndicator(id="progress-loading")
        with VerticalScroll(id="progress", classes="hidden"):
            yield Label("Reviews", classes="section-title")
            yield Heatmap(id="heatmap")
            yield Static(id="streaks", markup=False)
            yield PlotextPlot(id="reviews-chart")
            yield Label("Retention", classes="section-title")
            yield DataTable(id="retention", cursor_type="none")
            yield Label("Forecast", classes="section-title")
            yield PlotextPlot(id="forecast-chart")
            yield Static(id="card-states", markup=False)
            yield Label("Mastery", classes="section-title")
            yield Static(
                "Share of cards you would recall now with probability ≥ 0.9.", classes="muted"
            )
            yield DataTable(id="mastery-decks", cursor_type="none")
            yield DataTable(id="mastery-tags", cursor_type="none")
            yield Label("Katas", classes="section-title")
            yield Static(id="kata-stats", markup=False)
            yield Label("Hardest cards", classes="section-subtitle")
            yield DataTable(id="hardest", cursor_type="none")
            yield Label("Mock interviews", classes="section-title")
            yield Static(id="mock-trend", markup=False)
            yield DataTable(id="mock-interviews", cursor_type="none")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "Progress"
        self.query_one("#retention", DataTable).add_columns(
            "Period", "Passed", "Reviews", "True retention"
        )
        self.query_one("#mock-interviews", DataTable).add_columns(
            "Date", "Score", "Minutes", "Ended"
        )
        self.action_reload()

    def action_reload(self) -> None:
        context = self.context
        self.in_background(
            lambda: compute_progress(
                context.library, context.history, context.settings, context.clock(), context.tz
            ),
            self.show_progress,
            what="computing your progress",
            group="progress",
        )
        self.in_background(
            lambda: past_interviews(context.history),
            self.show_interviews,
            what="reading your mock interviews",
            group="interviews",
        )

    def show_interviews(self, reports: list[MockReport]) -> None:
        trend = self.query_one("#mock-trend", Static)
        if not reports:
            trend.update("No mock interviews yet: press m on Today to take one.")
        else:
            trend.update(
                f"{plural(len(reports), 'interview')} · scores, oldest first: "
                f"{score_trend(reports)} · last {reports[-1].score * 100:.0f} %"
            )
        table = self.query_one("#mock-interviews", DataTable)
        table.clear()
        table.display = bool(reports)
        for report in reversed(reports[-20:]):
            table.add_row(*interview_row(report, self.context.tz))

    @staticmethod
    def _bars(chart: PlotextPlot, xs: list[int], ys: list[int]) -> None:
        plt = chart.plt
        plt.bar(xs, ys, marker="hd")
        plt.ylim(0, max(1, *ys))
        step = max(1, len(xs) // 10)
        plt.xticks([float(x) for x in xs[::step]])

    def show_progress(self, progress: Progress) -> None:
        self.progress = progress
        self.query_one("#progress-loading").display = False
        self.query_one("#progress").remove_class("hidden")
        self.query_one(Heatmap).show(progress.days, progress.reviews_per_day)
        studied = [n for n in progress.reviews_per_day if n]
        average = sum(studied) / len(studied) if studied else 0
        self.query_one("#streaks", Static).update(
            f"Streak: {plural(progress.streak_current, 'day')} (longest {progress.streak_longest}) · "
            f"{plural(progress.reviews_total, 'review', grouped=True)} in all · "
            f"{average:.0f} a day on days studied this year"
        )
        recent = progress.reviews_per_day[-CHART_DAYS:]
        chart = self.query_one("#reviews-chart", PlotextPlot)
        plt = chart.plt
        plt.clear_data()
        self._bars(chart, list(range(-len(recent) + 1, 1)), list(recent))
        plt.title(f"Reviews per day, last {CHART_DAYS} days (0 = today)")
        chart.refresh()

        retention = self.query_one("#retention", DataTable)
        retention.clear()
        for name in PERIODS:
            row = progress.retention[name]
            retention.add_row(name.capitalize(), row.passed, row.total, _percent(row.rate))

        forecast = self.query_one("#forecast-chart", PlotextPlot)
        plt = forecast.plt
        plt.clear_data()
        self._bars(forecast, list(range(len(progress.forecast))), list(progress.forecast))
        plt.title("Cards due per day, next 30 days (0 = today, overdue included)")
        forecast.refresh()
        states = progress.states
        self.query_one("#card-states", Static).update(
            "Cards: " + " · ".join(f"{count} {name}" for name, count in states.items())
        )

        self._fill_tables()

        katas = progress.katas
        seconds = katas.median_seconds_to_solve
        self.query_one("#kata-stats", Static).update(
            f"{plural(katas.katas_tried, 'kata')} tried · {plural(katas.submissions, 'submission')} · "
            f"pass rate {_percent(katas.pass_rate)} · first-try rate {_percent(katas.first_try_rate)} · "
            f"median time to solve {f'{seconds / 60:.1f} min' if seconds is not None else '–'}"
        )

    def on_resize(self, event: events.Resize) -> None:
        self._fill_tables()

    def _fill_tables(self) -> None:
        """The tables whose first column holds names: cut to the width, never the numbers."""
        progress = self.progress
        if progress is None:
            return
        width = self.size.width
        bar = BAR_WIDTH if width >= WIDE_FROM else NARROW_BAR_WIDTH
        room = max(MIN_NAME_WIDTH, width - MASTERY_NUMBERS - bar)
        for selector, masteries, first in (
            ("#mastery-decks", sorted(progress.mastery_by_deck, key=lambda m: -m.share), "Deck"),
            ("#mastery-tags", progress.mastery_by_tag[:15], "Tag"),
        ):
            table = self.query_one(selector, DataTable)
            # The columns too: an auto-width column never narrows as its cells do.
            table.clear(columns=True)
            table.add_columns(first, "Mastered", "Cards", "")
            for mastery in masteries:
                table.add_row(
                    shorten(mastery.name, room),
                    mastery.mastered,
                    mastery.total,
                    f"{_bar(mastery.share, bar)} {mastery.share * 100:.0f} %",
                )
        hardest = self.query_one("#hardest", DataTable)
        hardest.clear(columns=True)
        hardest.add_columns("Card", "Lapses", "Difficulty", "")
        # The key and the text share what the numbers leave, the key at most half.
        longest = max((len(card.key) for card in progress.hardest), default=0)
        key_room = min(longest, MAX_KEY_WIDTH, max(MIN_NAME_WIDTH, (width - HARDEST_NUMBERS) // 2))
        text_room = max(MIN_NAME_WIDTH, width - HARDEST_NUMBERS - key_room)
        for card in progress.hardest:
            hardest.add_row(
                shorten(card.key, key_room), card.lapses, f"{card.difficulty:.1f}",
                shorten(card.text, min(60, text_room)),
            )  # fmt: skip
