"""The card browser: search, sort, mark, preview; suspend / bury / reset the marked
cards (or the one under the cursor); a card's info; a card's deck file in the editor."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.timer import Timer
from textual.widgets import DataTable, Footer, Header, Input, Label, Markdown, Static

from prep.content.errors import ContentError
from prep.content.library import Library
from prep.content.models import KataCard, PredictCard, QACard
from prep.scheduling.memory import memory_model
from prep.study.actions import reset_many, toggle_buried, toggle_suspended
from prep.study.card_info import CardInfo, card_info
from prep.study.search import BrowserRow, QueryError, browser_rows, search
from prep.study.sorting import next_column, sort_rows
from prep.tui.context import PrepContext
from prep.tui.editor import chosen_editor, command_at_line
from prep.tui.screens.base import PrepScreen, styles
from prep.tui.screens.card_info import CardInfoScreen, log_rows, memory_lines
from prep.tui.screens.confirm import ConfirmScreen as ConfirmScreen  # named here too
from prep.tui.screens.practice import KataOpener
from prep.tui.widgets.card_table import CardTable, TableLayout, TableSort, lay_out
from prep.wording import plural

SEARCH_DELAY_S = 0.15
NO_MATCH = "No cards match"


def card_markdown(context: PrepContext, key: str) -> str:
    study_card = context.library.cards.get(key)
    if study_card is None:
        return f"### {key}\n\nThis card is known only from your history (imported, or removed from its deck)."
    card = study_card.card
    head = f"*{key} · {card.type} · {card.difficulty.value}*"
    if isinstance(card, QACard):
        return f"{head}\n\n{card.question}\n\n---\n\n{card.answer}"
    if isinstance(card, PredictCard):
        return f"{head}\n\n{card.question}\n\n```python\n{card.code.rstrip()}\n```\n\n**Output**\n\n```text\n{card.expect_output.rstrip()}\n```"
    assert isinstance(card, KataCard)
    return f"{head}\n\n## {card.title}\n\n{card.prompt}"


def read_card_info(context: PrepContext, key: str) -> CardInfo:
    history = context.history
    model = memory_model(context.settings, history.fitted_parameters())
    return card_info(history, key, model, context.clock())


@dataclass(frozen=True)
class Preview:
    key: str
    card: str  # Markdown
    info: CardInfo


def read_preview(context: PrepContext, key: str) -> Preview:
    return Preview(key, card_markdown(context, key), read_card_info(context, key))


@dataclass(frozen=True)
class Edited:
    """A deck file after the learner's editor closed: the decks read again."""

    library: Library
    errors: tuple[ContentError, ...]  # the edited file's problems, if it has any now


class BrowserScreen(PrepScreen[None]):
    CSS_PATH = styles("browser.tcss")
    # Below this width the preview goes under the table, which then has the full width.
    HORIZONTAL_BREAKPOINTS = [  # noqa: RUF012 (Textual reads it from the class)
        (0, "-narrow"),
        (140, "-wide"),
    ]
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", show=False),
        # The search box names its own key ("/ search: …"): the footer keeps its room.
        Binding("slash", "focus_search", "Search", show=False),
        Binding("space", "toggle_mark", "Mark", key_display="␣"),
        Binding("a", "mark_all", "Mark all", show=False),
        Binding("x", "toggle_suspend", "Susp"),
        Binding("z", "toggle_bury", "Bury"),
        Binding("R", "reset", "Reset"),
        Binding("i", "info", "Info"),
        Binding("e", "edit", "Edit"),
        Binding("s", "cycle_sort", "Sort"),
        Binding("S", "reverse_sort", "Reverse", show=False),
    ]

    def __init__(self, context: PrepContext, query: str = "") -> None:
        super().__init__(context)
        self.initial_query = query
        self.rows: list[BrowserRow] = []
        self.found: list[BrowserRow] = []  # what the search found, in deck order
        self.shown: list[BrowserRow] = []  # ... in the table's order
        self.marked: set[str] = set()
        self.sort = TableSort()
        self.loaded = False
        self._timer: Timer | None = None
        self.opener = KataOpener(self, self.reload)
        # A deck file an edit left broken, and where: `e` opens it there again.
        self.broken_file: tuple[Path, int, str] | None = None

    def compose(self) -> ComposeResult:
        yield Header(show_clock=False)
        yield Input(
            self.initial_query,
            placeholder="/ search: words deck:attention tag:gan type:kata is:due -is:new",
            id="search",
            compact=True,
        )
        yield Static("", id="search-status", markup=False)
        with Horizontal(id="browser"):
            yield CardTable(id="cards")
            with VerticalScroll(id="preview"):
                yield Markdown("", id="preview-card")
                yield Static("", id="preview-memory", markup=False)
                yield Label("History", classes="section-subtitle", id="preview-history-label")
                yield DataTable(id="preview-history", cursor_type="none")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "Browse"
        self.query_one("#preview-history", DataTable).add_columns(
            "When", "Rating", "Interval", "Took"
        )
        self.reload()
        self.table.focus()

    @property
    def table(self) -> CardTable:
        return self.query_one("#cards", CardTable)

    # -- reading and searching -------------------------------------------------

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
        self.table.focus()

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
        status.remove_class("error")
        self.found = found
        # A mark is on a card the learner can see: one the search hides is let go, so
        # that a bulk action never reaches a card out of sight.
        self.marked &= {row.key for row in found}
        self._show(then_preview or self.table.current_key())

    def _show(self, cursor_on: str | None) -> None:
        """Sort what the search found and lay it out off the UI thread, then show it."""
        found, sort, marked = self.found, self.sort, frozenset(self.marked)
        width, now = self.table.available_width, self.context.clock()

        def lay_out_rows() -> TableLayout:
            return lay_out(
                sort_rows(found, sort.column, sort.descending, now), width, marked, sort, now
            )

        self.in_background(
            lay_out_rows, lambda layout: self._shown(layout, cursor_on),
            what="laying out the cards", group="layout",
        )  # fmt: skip

    def _shown(self, layout: TableLayout, cursor_on: str | None) -> None:
        self.shown = list(layout.rows)
        self.table.show(layout, cursor_on)
        self._update_status()
        key = self.table.current_key()
        if key is None:
            self._clear_preview()
        else:
            self._preview(key)

    @on(CardTable.WidthChanged)
    def _width_changed(self) -> None:
        self._show(self.current_key())

    def _update_status(self) -> None:
        parts = [f"{len(self.shown)} of {plural(len(self.rows), 'card')}"]
        if self.marked:
            parts.append(f"{len(self.marked)} marked")
        if self.sort.column is not None:
            arrow = "▼" if self.sort.descending else "▲"
            parts.append(f"sorted by {self.sort.column.value} {arrow}")
        elif self.sort.descending:
            parts.append("deck order, reversed")
        self.query_one("#search-status", Static).update(" · ".join(parts))

    # -- the preview -----------------------------------------------------------

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
        return self.table.current_key()

    def _preview(self, key: str) -> None:
        context = self.context
        self.in_background(
            lambda: read_preview(context, key), self._show_preview,
            what="reading the card's history", group="preview",
        )  # fmt: skip

    def _show_preview(self, preview: Preview) -> None:
        if preview.key != self.current_key():
            return  # the cursor moved on, or the search left nothing to show
        now = self.context.clock()
        self.query_one("#preview-card", Markdown).update(preview.card)
        memory = "\n".join(memory_lines(preview.info, now, self.context.tz))
        self.query_one("#preview-memory", Static).update(memory)
        self.query_one("#preview-history-label").display = True
        history = self.query_one("#preview-history", DataTable)
        history.display = True
        history.clear()
        for row in log_rows(preview.info, self.context.tz):
            history.add_row(*row)

    def _clear_preview(self) -> None:
        self.query_one("#preview-card", Markdown).update("")
        self.query_one("#preview-memory", Static).update(NO_MATCH)
        self.query_one("#preview-history-label").display = False
        history = self.query_one("#preview-history", DataTable)
        history.clear()
        history.display = False

    # -- marks and sorting -----------------------------------------------------

    def action_toggle_mark(self) -> None:
        key = self.current_key()
        if key is None:
            return
        self.marked ^= {key}
        self.table.set_marked(self.marked)
        self._update_status()
        if self.table.cursor_row < len(self.shown) - 1:
            self.table.move_cursor(row=self.table.cursor_row + 1)

    def action_mark_all(self) -> None:
        """Mark every card shown; when all are marked already, unmark them."""
        shown = {row.key for row in self.shown}
        self.marked = set() if shown and shown <= self.marked else shown
        self.table.set_marked(self.marked)
        self._update_status()

    def action_cycle_sort(self) -> None:
        self.sort = TableSort(next_column(self.sort.column), self.sort.descending)
        self._show(self.current_key())

    def action_reverse_sort(self) -> None:
        self.sort = replace(self.sort, descending=not self.sort.descending)
        self._show(self.current_key())

    # -- changes to cards ------------------------------------------------------

    def targets(self) -> list[str]:
        """The cards an action is for: the marked ones in table order, else the cursor's."""
        if self.marked:
            return [row.key for row in self.shown if row.key in self.marked]
        key = self.current_key()
        return [key] if key is not None else []

    def _change(self, change: Callable[[], str]) -> None:
        """Apply a change to cards off the UI thread, say what it did, and show the result."""
        cursor = self.current_key()

        def changed(message: str) -> None:
            self.notify(message)
            self.reload(then_preview=cursor)

        self.in_background(change, changed, what="changing the cards", group="change")

    def action_toggle_suspend(self) -> None:
        keys = self.targets()
        if not keys:
            return
        context = self.context

        def toggle() -> str:
            suspended = toggle_suspended(context.store, keys, context.clock())
            return f"{'Suspended' if suspended else 'Unsuspended'} {_cards(keys)}"

        self._change(toggle)

    def action_toggle_bury(self) -> None:
        keys = self.targets()
        if not keys:
            return
        context = self.context

        def toggle() -> str:
            buried = toggle_buried(
                context.store, keys, context.clock(), context.tz, context.settings.rollover_hour
            )
            return (
                f"Buried {_cards(keys)} until the next study day"
                if buried
                else (f"Unburied {_cards(keys)}")
            )

        self._change(toggle)

    def action_reset(self) -> None:
        keys = self.targets()
        if not keys:
            return
        context = self.context

        def reset() -> str:
            reset_many(context.store, keys, context.clock(), context.new_id)
            if len(keys) == 1:
                return f"{keys[0]} is new again (its history is kept)"
            return f"{_cards(keys)} are new again (their history is kept)"

        def confirmed(yes: bool | None) -> None:
            if yes:
                self._change(reset)

        self.app.push_screen(
            ConfirmScreen(
                f"Reset {_cards(keys)}? {'Each becomes' if len(keys) > 1 else 'It becomes'} "
                "a new card; past reviews stay in the history."
            ),
            confirmed,
        )

    # -- a card's info, a card's file ------------------------------------------

    def action_info(self) -> None:
        key = self.current_key()
        if key is None:
            return
        context = self.context
        row = next(row for row in self.shown if row.key == key)

        def show(info: CardInfo) -> None:
            self.app.push_screen(CardInfoScreen(info, row.title, context.clock(), context.tz))

        self.in_background(
            lambda: read_card_info(context, key), show,
            what="reading the card's history", group="info",
        )  # fmt: skip

    def action_edit(self) -> None:
        editor = chosen_editor(os.environ)
        if editor is None:
            self.notify("Set $VISUAL or $EDITOR to edit cards in your editor.", severity="warning")
            return
        if self.broken_file is not None:
            broken, at, edited_key = self.broken_file
            self._run_editor(command_at_line(editor, broken, at), edited_key, broken)
            return
        key = self.current_key()
        if key is None:
            return
        card = self.context.library.cards.get(key)
        if card is None:
            self.notify(f"{key} is not in any deck file: there is nothing to edit.")
            return
        path, line = card.path, card.line

        def check() -> str | None:
            from prep.content.files import edit_refusal
            from prep.paths import builtin_deck_dir

            return edit_refusal(path, builtin_deck_dir())

        def checked(refusal: str | None) -> None:
            if refusal is not None:
                self.notify(f"Cannot edit {key}: {refusal}.", severity="warning", timeout=8)
                return
            self._run_editor(command_at_line(editor, path, line), key, path)

        self.in_background(check, checked, what="checking the deck file", group="edit")

    def _run_editor(self, command: list[str], key: str, path: Path) -> None:
        try:
            # The terminal is the editor's until it exits; the app draws nothing meanwhile.
            with self.app.suspend():
                subprocess.call(command)
        except Exception as exc:  # no terminal to hand over, editor missing, ...
            self.notify(f"Could not run {command[0]!r}: {exc}", severity="error")
            return
        locations = self.context.locations
        if locations is None:
            return

        def read_again() -> Edited:
            from prep.content.library import load_library

            library = load_library(list(locations.decks), locations.deck_cache)
            resolved = path.resolve()
            errors = tuple(e for e in library.errors if e.path.resolve() == resolved)
            return Edited(library, errors)

        def read(edited: Edited) -> None:
            self.context.library = edited.library
            self.opener = KataOpener(self, self.reload)
            if edited.errors:
                first = edited.errors[0]
                self.broken_file = (path, first.line, key)
                self.notify(
                    f"{path.name} has problems now: {first}. Press e to fix it.",
                    severity="error", timeout=12,
                )  # fmt: skip
            else:
                self.broken_file = None
                self.notify(f"Read {path.name} again.")
            self.reload(then_preview=key)

        self.in_background(read_again, read, what="reading the decks again", group="edit")

    # -- focus -----------------------------------------------------------------

    def action_focus_search(self) -> None:
        self.query_one("#search", Input).focus()

    def action_back(self) -> None:
        search_box = self.query_one("#search", Input)
        if search_box.has_focus:
            self.table.focus()
            return
        self.dismiss()


def _cards(keys: list[str]) -> str:
    return keys[0] if len(keys) == 1 else plural(len(keys), "card")
