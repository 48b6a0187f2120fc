"""The card browser: search, preview, and suspend / bury / reset."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.timer import Timer
from textual.widgets import DataTable, Footer, Header, Input, Label, Markdown, Static

from prep.content.models import KataCard, PredictCard, QACard
from prep.scheduling.marks import CardMarks
from prep.scheduling.memory import RATING_NAMES, Stage, memory_model
from prep.study.actions import bury_until_next_day, reset_progress, set_suspended, unbury
from prep.study.search import BrowserRow, QueryError, browser_rows, search
from prep.tui.context import PrepContext
from prep.tui.format import format_when
from prep.tui.screens.base import PrepScreen, styles
from prep.tui.screens.confirm import ConfirmScreen
from prep.tui.screens.practice import KataOpener
from prep.wording import plural

SEARCH_DELAY_S = 0.15


def flag_words(marks: CardMarks, now: datetime) -> list[str]:
    words = []
    if marks.suspended:
        words.append("suspended")
    elif marks.blocks(now):
        words.append("buried")
    if marks.leech:
        words.append("leech")
    return words


def card_markdown(context: PrepContext, key: str) -> str:
    study_card = context.library.cards.get(key)
    if study_card is None:
        return f"### {key}\n\nThis card is known only from your history (imported, or removed from its deck)."
    card = study_card.card
    head = f"*{study_card.deck} · {card.type} · {card.difficulty.value}*"
    if isinstance(card, QACard):
        return f"{head}\n\n{card.question}\n\n---\n\n{card.answer}"
    if isinstance(card, PredictCard):
        return f"{head}\n\n{card.question}\n\n```python\n{card.code.rstrip()}\n```\n\n**Output**\n\n```text\n{card.expect_output.rstrip()}\n```"
    assert isinstance(card, KataCard)
    return f"{head}\n\n## {card.title}\n\n{card.prompt}"


@dataclass(frozen=True)
class Preview:
    key: str
    card: str  # Markdown
    memory: str
    history: tuple[tuple[str, str, str, str], ...]


def read_preview(context: PrepContext, key: str) -> Preview:
    store = context.store
    state = store.card_state(key)
    marks = store.marks().get(key)
    now = context.clock()
    if state is None or state.stage is Stage.NEW:
        memory = "New card: no memory state yet."
    else:
        retrievability = memory_model(context.settings, store.fitted_parameters()).retrievability(
            state, now
        )
        memory = (
            f"Stability {state.stability or 0:.1f} days · difficulty {state.difficulty or 0:.2f} / 10 · "
            f"retrievability now {retrievability * 100:.0f} %\n"
            f"{state.stage.name.lower()}, due {format_when(state.due, now, context.tz)}, "
            f"{plural(state.reps, 'review')}, {plural(state.lapses, 'lapse')}"
        )
    if marks is not None and flag_words(marks, now):
        memory += "\n" + ", ".join(flag_words(marks, now))
    history = []
    for review in reversed(store.reviews(key)):
        when = review.reviewed_at.astimezone(context.tz).strftime("%Y-%m-%d %H:%M")
        if review.rating is None:
            history.append((when, "reset", "", ""))
            continue
        took = f"{review.duration_ms / 1000:.0f} s" if review.duration_ms else ""
        stage = review.stage_before.name.lower() if review.stage_before is not None else ""
        history.append((when, RATING_NAMES[review.rating], took, stage))
    return Preview(key, card_markdown(context, key), memory, tuple(history))


class BrowserScreen(PrepScreen[None]):
    CSS_PATH = styles("browser.tcss")
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back"),
        Binding("slash", "focus_search", "Search"),
        Binding("x", "toggle_suspend", "Suspend/unsuspend"),
        Binding("z", "toggle_bury", "Bury/unbury"),
        Binding("R", "reset", "Reset progress"),
    ]

    def __init__(self, context: PrepContext, query: str = "") -> None:
        super().__init__(context)
        self.initial_query = query
        self.rows: list[BrowserRow] = []
        self.shown: list[BrowserRow] = []
        self.loaded = False
        self._timer: Timer | None = None
        self.opener = KataOpener(self, self.reload)

    def compose(self) -> ComposeResult:
        yield Header(show_clock=False)
        yield Input(
            self.initial_query,
            placeholder="search: words deck:attention tag:gan type:kata is:due is:new is:suspended is:leech -is:new",
            id="search",
        )
        yield Static("", id="search-status", markup=False)
        with Horizontal(id="browser"):
            yield DataTable(id="cards", cursor_type="row", zebra_stripes=True)
            with VerticalScroll(id="preview"):
                yield Markdown("", id="preview-card")
                yield Static("", id="preview-memory", markup=False)
                yield Label("History", classes="section-subtitle")
                yield DataTable(id="preview-history", cursor_type="none")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "Browse"
        self.query_one("#cards", DataTable).add_columns(
            "Card", "Type", "Text", "State", "Due", "Lapses", ""
        )
        self.query_one("#preview-history", DataTable).add_columns(
            "When", "Rating", "Took", "Stage before"
        )
        self.reload()
        self.query_one("#cards", DataTable).focus()

    def reload(self, then_preview: str | None = None) -> None:
        """Read every card's row again (after a change), then search and preview."""
        context = self.context

        def loaded(rows: list[BrowserRow]) -> None:
            self.rows = rows
            self.loaded = True
            self.apply_search(then_preview)

        self.in_background(
            lambda: browser_rows(context.library, context.history), loaded,
            what="reading the cards", group="rows",
        )  # fmt: skip

    @on(Input.Changed, "#search")
    def _search_changed(self) -> None:
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(SEARCH_DELAY_S, self.apply_search)

    @on(Input.Submitted, "#search")
    def _search_submitted(self) -> None:
        self.apply_search()
        self.query_one("#cards", DataTable).focus()

    def apply_search(self, then_preview: str | None = None) -> None:
        text = self.query_one("#search", Input).value
        rows, now = self.rows, self.context.clock()

        def run() -> list[BrowserRow] | str:
            try:
                return search(rows, text, now)
            except QueryError as exc:
                return str(exc)

        self.in_background(
            run, lambda found: self._searched(found, then_preview),
            what="searching", group="search",
        )  # fmt: skip

    def _searched(self, found: list[BrowserRow] | str, then_preview: str | None) -> None:
        status = self.query_one("#search-status", Static)
        if isinstance(found, str):
            status.update(f"⚠ {found}")
            status.add_class("error")
            return
        self.shown = found
        status.remove_class("error")
        status.update(f"{len(self.shown)} of {plural(len(self.rows), 'card')}")
        self._fill_table(then_preview)

    def _state_cells(self, row: BrowserRow) -> tuple[str, str, str]:
        now = self.context.clock()
        state = row.state
        if state is None or state.stage is Stage.NEW:
            return "new", "", ""
        due = format_when(state.due, now, self.context.tz) if state.due > now else "due"
        return state.stage.name.lower(), due, str(state.lapses)

    def _fill_table(self, then_preview: str | None = None) -> None:
        table = self.query_one("#cards", DataTable)
        table.clear()
        for row in self.shown:
            stage, due, lapses = self._state_cells(row)
            flags = " ".join(flag_words(row.marks, self.context.clock()))
            table.add_row(
                row.title[:60],
                row.type,
                row.key,
                stage,
                due,
                lapses,
                Text(flags, style="bold red"),
                key=row.key,
            )
        keys = [row.key for row in self.shown]
        if then_preview in keys:
            table.move_cursor(row=keys.index(then_preview))
            self._preview(then_preview)
        elif self.shown:
            self._preview(self.shown[0].key)

    @on(DataTable.RowSelected, "#cards")
    def _open(self, event: DataTable.RowSelected) -> None:
        card = self.context.library.cards.get(event.row_key.value or "")
        if card is None:
            return
        if isinstance(card.card, KataCard):
            self.opener.open(card)
        else:
            self.notify(
                "Enter opens a kata; Q&A and predict cards are studied from Today "
                "(c: custom study)."
            )

    @on(DataTable.RowHighlighted, "#cards")
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.row_key.value is not None:
            self._preview(str(event.row_key.value))

    def current_key(self) -> str | None:
        table = self.query_one("#cards", DataTable)
        if not self.shown or table.cursor_row < 0 or table.cursor_row >= len(self.shown):
            return None
        return str(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value)

    def _preview(self, key: str) -> None:
        context = self.context
        self.in_background(
            lambda: read_preview(context, key), self._show_preview,
            what="reading the card's history", group="preview",
        )  # fmt: skip

    def _show_preview(self, preview: Preview) -> None:
        self.query_one("#preview-card", Markdown).update(preview.card)
        self.query_one("#preview-memory", Static).update(preview.memory)
        history = self.query_one("#preview-history", DataTable)
        history.clear()
        for row in preview.history:
            history.add_row(*row)

    def _change(self, key: str, change: Callable[[], str]) -> None:
        """Apply a change to a card off the UI thread, say what it did, and show the result."""

        def changed(message: str) -> None:
            self.notify(message)
            self.reload(then_preview=key)

        self.in_background(change, changed, what="changing the card", group="change")

    def action_toggle_suspend(self) -> None:
        key = self.current_key()
        if key is None:
            return
        context = self.context

        def toggle() -> str:
            store = context.store
            suspended = not store.marks().get(key, CardMarks()).suspended
            set_suspended(store, key, suspended, context.clock())
            return f"{'Suspended' if suspended else 'Unsuspended'} {key}"

        self._change(key, toggle)

    def action_toggle_bury(self) -> None:
        key = self.current_key()
        if key is None:
            return
        context = self.context

        def toggle() -> str:
            marks = context.store.marks().get(key)
            now = context.clock()
            if marks is not None and marks.buried_until is not None and marks.buried_until > now:
                unbury(context.store, key, now)
                return f"Unburied {key}"
            bury_until_next_day(context.store, key, now, context.tz, context.settings.rollover_hour)
            return f"Buried {key} until the next study day"

        self._change(key, toggle)

    def action_reset(self) -> None:
        key = self.current_key()
        if key is None:
            return
        context = self.context

        def reset() -> str:
            reset_progress(context.store, key, context.clock(), context.new_id())
            return f"{key} is new again (its history is kept)"

        def confirmed(yes: bool | None) -> None:
            if yes:
                self._change(key, reset)

        self.app.push_screen(
            ConfirmScreen(f"Reset {key}? It becomes a new card; its past reviews are kept."),
            confirmed,
        )

    def action_focus_search(self) -> None:
        self.query_one("#search", Input).focus()

    def action_back(self) -> None:
        search_box = self.query_one("#search", Input)
        if search_box.has_focus:
            self.query_one("#cards", DataTable).focus()
            return
        self.dismiss()
