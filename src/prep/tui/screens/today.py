"""Today: what is due, what is new, the streak, and counts per deck."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Static

from prep.humanize import format_when
from prep.stats.summary import TodaySummary, today_summary
from prep.tui.context import PrepContext
from prep.tui.widgets.stat_tile import StatTile

MAX_ERRORS_SHOWN = 8


class TodayScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("s", "study", "Study"),
        Binding("q", "app.quit", "Quit"),
    ]

    def __init__(self, context: PrepContext) -> None:
        super().__init__()
        self.context = context
        self.summary: TodaySummary | None = None

    def compose(self) -> ComposeResult:
        yield Header(show_clock=False)
        with VerticalScroll(id="today"):
            with Horizontal(id="tiles"):
                yield StatTile("due now", id="tile-due")
                yield StatTile("new available", id="tile-new")
                yield StatTile("reviewed today", id="tile-today")
                yield StatTile("day streak", id="tile-streak")
            yield Static(id="today-message", markup=False)
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

    def action_study(self) -> None:
        from prep.tui.screens.study import StudyScreen

        self.app.push_screen(StudyScreen(self.context))
