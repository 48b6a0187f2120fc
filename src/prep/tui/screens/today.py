"""Today: what is due, what is new, the streak, and counts per deck."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Static

from prep.scheduling.fitting import MIN_REVIEWS, FitReport
from prep.stats.summary import TodaySummary, today_summary
from prep.tui.context import PrepContext
from prep.tui.format import format_when
from prep.tui.widgets.stat_tile import StatTile

MAX_ERRORS_SHOWN = 8


class TodayScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("s", "study", "Study"),
        Binding("p", "progress", "Progress"),
        Binding("b", "browse", "Browse"),
        Binding("comma", "settings", "Settings"),
        Binding("o", "refit", "Refit scheduler"),
        Binding("q", "app.quit", "Quit"),
    ]

    @dataclass
    class Refitted(Message):
        report: FitReport | None
        error: str

    def __init__(self, context: PrepContext) -> None:
        super().__init__()
        self.context = context
        self.summary: TodaySummary | None = None
        self.fitting = False
        self.reviews_since_fit = 0  # refreshed with the summary, read by every binding check

    def compose(self) -> ComposeResult:
        yield Header(show_clock=False)
        with VerticalScroll(id="today"):
            with Horizontal(id="tiles"):
                yield StatTile("due now", id="tile-due")
                yield StatTile("new available", id="tile-new")
                yield StatTile("reviewed today", id="tile-today")
                yield StatTile("day streak", id="tile-streak")
            yield Static(id="today-message", markup=False)
            yield Static(id="refit-offer", markup=False, classes="hidden")
            yield DataTable(id="decks", cursor_type="row", zebra_stripes=True)
            yield Static(id="content-errors", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "Today"
        table = self.query_one("#decks", DataTable)
        table.add_columns("Deck", "Cards", "Seen", "Due", "New")
        self.refresh_summary()

    def on_screen_resume(self) -> None:
        self.refresh_summary()

    def refresh_summary(self) -> None:
        context = self.context
        if context.library_loader is not None:
            self.query_one("#today-message", Static).update("Loading decks…")
            for tile in self.query(StatTile):
                tile.set_value("…")
            return
        now = context.clock()
        summary = today_summary(context.library, context.store, context.settings, now, context.tz)
        self.summary = summary
        self.query_one("#tile-due", StatTile).set_value(str(summary.due_now))
        self.query_one("#tile-new", StatTile).set_value(str(summary.new_available))
        self.query_one("#tile-today", StatTile).set_value(str(summary.reviewed_today))
        self.query_one("#tile-streak", StatTile).set_value(str(summary.streak_days))

        message = self.query_one("#today-message", Static)
        if not context.library.cards:
            message.update(
                "No cards loaded. Add a deck folder with --content DIR (see prep --help)."
            )
        elif summary.due_now or summary.new_available:
            message.update(
                f"{summary.due_now + summary.new_available} cards to study: press s to start."
            )
        elif summary.next_due is not None:
            message.update(
                f"All done for now. Next card {format_when(summary.next_due, now, context.tz)}."
            )
        else:
            message.update("All done for today. New cards arrive when the day rolls over.")

        table = self.query_one("#decks", DataTable)
        table.clear()
        for deck in summary.decks:
            table.add_row(
                deck.title, deck.cards, deck.seen, deck.due_now, deck.new_available, key=deck.slug
            )

        errors = context.library.errors
        panel = self.query_one("#content-errors", Static)
        panel.display = bool(errors)
        if errors:
            files = len({error.path for error in errors})
            lines = [f"{files} deck file{'s' if files != 1 else ''} could not be loaded:"]
            lines += [f"  {error}" for error in errors[:MAX_ERRORS_SHOWN]]
            if len(errors) > MAX_ERRORS_SHOWN:
                lines.append(f"  … and {len(errors) - MAX_ERRORS_SHOWN} more (run 'prep check')")
            panel.update("\n".join(lines))
        self._show_refit_offer()

    def refit_offer(self) -> int:
        """How many reviews arrived since the last fit, when that is enough to offer a refit."""
        store = self.context.store
        total = store.count_reviews()
        record = store.fit_record() or {}
        fitted = int(record.get("reviews", 0))
        new = total - fitted
        if total >= MIN_REVIEWS and new >= self.context.settings.refit_every:
            return new
        return 0

    def _show_refit_offer(self) -> None:
        new = self.reviews_since_fit = self.refit_offer()
        offer = self.query_one("#refit-offer", Static)
        offer.set_class(not new, "hidden")
        if new:
            offer.update(
                f"{new} reviews since the scheduler was last fitted to your history: press o to refit it."
            )
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("study", "progress", "browse"):
            return self.context.library_loader is None
        if action == "refit":
            return self.reviews_since_fit > 0 and not self.fitting
        return True

    def action_refit(self) -> None:
        if self.fitting:
            return
        self.fitting = True
        self.query_one("#refit-offer", Static).update("Fitting FSRS to your reviews…")
        self._refit()

    @work(thread=True, exclusive=True, group="refit", exit_on_error=False)
    def _refit(self) -> None:
        from prep.scheduling.fitting import NotEnoughReviewsError, fit_parameters

        store = self.context.store
        try:
            report = fit_parameters(
                store.reviews(), self.context.tz, self.context.settings.rollover_hour
            )
        except NotEnoughReviewsError as exc:
            self.post_message(self.Refitted(None, str(exc)))
            return
        except Exception as exc:  # the optimizer failed: say so; the old parameters stay
            self.post_message(self.Refitted(None, f"fitting failed: {exc}"))
            return
        store.save_fit(report.parameters, report.to_dict())
        self.post_message(self.Refitted(report, ""))

    def on_today_screen_refitted(self, message: Refitted) -> None:
        self.fitting = False
        self.reviews_since_fit = 0  # refreshed with the summary, read by every binding check
        report = message.report
        if report is None:
            self.notify(message.error, severity="warning")
        else:
            self.notify(
                f"Scheduler fitted to {report.reviews} reviews: log loss {report.log_loss_default:.4f} → "
                f"{report.log_loss_fitted:.4f}, RMSE {report.rmse_bins_default:.3f} → {report.rmse_bins_fitted:.3f}",
                timeout=8,
            )
        self._show_refit_offer()

    def action_progress(self) -> None:
        from prep.tui.screens.progress import ProgressScreen

        self.app.push_screen(ProgressScreen(self.context))

    def action_browse(self) -> None:
        from prep.tui.screens.browser import BrowserScreen

        self.app.push_screen(BrowserScreen(self.context))

    def action_settings(self) -> None:
        from prep.tui.screens.settings import SettingsScreen

        self.app.push_screen(SettingsScreen(self.context))

    def action_study(self) -> None:
        from prep.tui.screens.study import StudyScreen

        self.app.push_screen(StudyScreen(self.context))
