"""Practice: every kata as a problem list, as on LeetCode — filter, pick, solve.

A kata that is due or new opens as a review and is rated like one. Any other
kata opens as practice: its attempt is recorded (and counts towards solved and
best time), and its schedule stays as it was.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import ClassVar

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.widgets import DataTable, Footer, Header, Select, Static
from textual.widgets.data_table import ColumnKey

from prep.content.kinds import Difficulty
from prep.content.library import StudyCard
from prep.content.models import KataCard
from prep.scheduling.memory import RATING_NAMES, Rating, Stage
from prep.study.practice import (
    KataFilter,
    KataRow,
    KataStatus,
    filter_katas,
    kata_tags,
    read_kata_rows,
)
from prep.study.session import Prompt, StudySession
from prep.tui.context import PrepContext
from prep.tui.format import format_duration
from prep.tui.screens.base import PrepScreen, styles
from prep.tui.screens.exercise import ExerciseResult
from prep.wording import plural

ANY = "any"
# (label, width); the first, the title, gets the rest of the width.
COLUMNS = (("Kata", 30), ("Deck", 14), ("Level", 6), ("Status", 9), ("Last", 11), ("Best", 5))


def best_time(row: KataRow) -> str:
    if row.best_time_ms is None:
        return "–"
    return format_duration(timedelta(milliseconds=row.best_time_ms))


def last_result(row: KataRow) -> str:
    last = row.last_submission
    if last is None:
        return "–"
    counts = (
        f" {last.tests_passed}/{last.tests_total}"
        if last.tests_passed is not None and last.tests_total is not None
        else ""
    )
    return ("passed" if last.passed else "failed") + counts


@dataclass(frozen=True)
class Opening:
    """A kata about to open: its prompt, and whether it is practice (not rated)."""

    prompt: Prompt
    practice: bool


class KataOpener:
    """Opens a kata chosen from a list: as a review when it is due or new (and rates it
    when the learner does), as practice otherwise; then ``refresh`` the list."""

    def __init__(self, screen: PrepScreen[None], refresh: Callable[[], None]) -> None:
        self.screen = screen
        self.refresh = refresh
        context = screen.context
        self.session = StudySession(
            context.library, lambda: context.store, context.settings, context.tz, context.clock,
            context.new_id, history=context.history_at_hand(),
        )  # fmt: skip
        self.opening = False

    def open(self, card: StudyCard) -> None:
        if self.opening or not isinstance(card.card, KataCard):
            return
        self.opening = True
        session, clock = self.session, self.screen.context.clock

        def prepare() -> Opening:
            prompt = session.prompt_for(card)
            state = prompt.state
            return Opening(prompt, practice=state.stage is not Stage.NEW and state.due > clock())

        self.screen.in_background(
            prepare, self._push, what="opening the kata", group="open",
            failed=lambda _: setattr(self, "opening", False),
        )  # fmt: skip

    def _push(self, opening: Opening) -> None:
        from prep.tui.screens.kata import KataScreen

        self.opening = False

        def rated(result: ExerciseResult) -> None:
            if isinstance(result, Rating) and not opening.practice:
                self._rate(opening.prompt, result)

        screen = KataScreen(self.screen.context, opening.prompt, practice=opening.practice)
        self.screen.app.push_screen(screen, callback=rated)

    def _rate(self, prompt: Prompt, rating: Rating) -> None:
        self.screen.notify(RATING_NAMES[rating], timeout=1.5)
        self.screen.in_background(
            lambda: self.session.answer(prompt, rating), lambda _: self.refresh(),
            what="saving the rating", group="rate",
        )  # fmt: skip


class PracticeScreen(PrepScreen[None]):
    CSS_PATH = styles("practice.tcss")
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("d", "focus_filter('#filter-difficulty')", "Difficulty"),
        Binding("t", "focus_filter('#filter-tag')", "Tag"),
        Binding("f", "focus_filter('#filter-status')", "Status"),
        Binding("escape", "back", "Back"),
    ]

    def __init__(self, context: PrepContext) -> None:
        super().__init__(context)
        self.rows: list[KataRow] = []
        self.shown: list[KataRow] = []
        self.opener = KataOpener(self, self.refresh_rows)

    def compose(self) -> ComposeResult:
        yield Header(show_clock=False)
        with Horizontal(id="practice-filters"):
            yield Select(
                [("any difficulty", ANY)] + [(d.value, d.value) for d in Difficulty],
                value=ANY, allow_blank=False, id="filter-difficulty",
            )  # fmt: skip
            yield Select([("any tag", ANY)], value=ANY, allow_blank=False, id="filter-tag")
            yield Select(
                [("any status", ANY)] + [(s.value, s.value) for s in KataStatus],
                value=ANY, allow_blank=False, id="filter-status",
            )  # fmt: skip
        yield DataTable(id="katas", cursor_type="row", zebra_stripes=True)
        yield Static(
            "enter opens a kata · a kata that is due or new is a review; any other is "
            "practice: the attempt is kept, the schedule is not touched",
            id="practice-note",
            markup=False,
        )
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "Practice"
        table = self.query_one("#katas", DataTable)
        for label, width in COLUMNS:
            table.add_column(label, key=label.lower(), width=width)
        self._fit(self.app.size.width)
        table.focus()
        self.refresh_rows()

    def on_resize(self, event: events.Resize) -> None:
        self._fit(event.size.width)

    def _fit(self, width: int) -> None:
        """The title takes what the other columns leave: numbers are never cut, titles are."""
        table = self.query_one("#katas", DataTable)
        fixed = sum(w for _, w in COLUMNS[1:]) + 2 * len(COLUMNS) + 2
        column = table.columns[ColumnKey("kata")]
        column.width = max(12, width - fixed)
        column.auto_width = False
        table.refresh()

    def on_screen_resume(self) -> None:
        self.refresh_rows()

    def refresh_rows(self) -> None:
        context = self.context
        self.in_background(
            lambda: read_kata_rows(context.library, context.history, context.clock()),
            self._show_rows, what="reading the katas", group="katas",
        )  # fmt: skip

    def _show_rows(self, rows: list[KataRow]) -> None:
        self.rows = rows
        tag_filter = self.query_one("#filter-tag", Select)
        chosen = tag_filter.value
        tags = kata_tags(rows)
        with self.prevent(Select.Changed):
            tag_filter.set_options([("any tag", ANY)] + [(tag, tag) for tag in tags])
            tag_filter.value = chosen if chosen in tags else ANY
        self._fill()

    def wanted(self) -> KataFilter:
        def value(selector: str) -> str | None:
            chosen = self.query_one(selector, Select).value
            return None if chosen == ANY or not isinstance(chosen, str) else chosen

        difficulty, status = value("#filter-difficulty"), value("#filter-status")
        return KataFilter(
            difficulty=Difficulty(difficulty) if difficulty else None,
            tag=value("#filter-tag"),
            status=KataStatus(status) if status else None,
        )

    def _fill(self) -> None:
        table = self.query_one("#katas", DataTable)
        self.shown = filter_katas(self.rows, self.wanted())
        table.clear()
        for row in self.shown:
            status = row.status.value + (" · suspended" if row.suspended else "")
            table.add_row(
                row.title, row.deck_title, row.difficulty.value, status,
                last_result(row), best_time(row), key=row.key,
            )  # fmt: skip
        total = len(self.rows)
        solved = sum(1 for row in self.rows if row.status is KataStatus.SOLVED)
        self.sub_title = (
            f"Practice · {len(self.shown)} of {plural(total, 'kata')} shown · {solved} solved"
        )

    @on(Select.Changed)
    def _filter_changed(self) -> None:
        if self.rows:
            self._fill()
        self.query_one("#katas", DataTable).focus()  # the choice made, back to the list

    def action_focus_filter(self, selector: str) -> None:
        self.query_one(selector, Select).focus()

    @on(DataTable.RowSelected, "#katas")
    def _open(self, event: DataTable.RowSelected) -> None:
        card = self.context.library.cards.get(event.row_key.value or "")
        if card is not None:
            self.opener.open(card)

    def action_back(self) -> None:
        self.dismiss()
