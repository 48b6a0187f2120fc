"""The browser's table of cards: columns fitted to the width it has, the title
shortened before any number is, marked cards and the sort shown."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime

from rich.text import Text
from textual import events
from textual.widgets import DataTable

from prep.scheduling.marks import CardMarks
from prep.scheduling.memory import Stage
from prep.study.search import BrowserRow
from prep.study.sorting import SortColumn, interval
from prep.tui.format import format_interval

MARK = "●"
TITLE_MIN = 12
TITLE_ROOMY = 44  # a title this wide has room enough: the deck column may grow instead
DECK_WIDTHS = (10, 28)  # the deck column's narrowest and widest

# Each column's header and width; the title takes what the others leave.
HEADERS = {
    SortColumn.TITLE: "Title",
    SortColumn.DECK: "Deck",
    SortColumn.TYPE: "Type",
    SortColumn.STATE: "State",
    SortColumn.DUE: "Due",
    SortColumn.INTERVAL: "Ivl",
    SortColumn.LAPSES: "Lap",
    SortColumn.DIFFICULTY: "Diff",
    SortColumn.FLAGS: "Flags",
}
# Wide enough for every value and for the header with its sort arrow.
FIXED_WIDTHS = {
    SortColumn.TYPE: 7,
    SortColumn.STATE: 7,
    SortColumn.DUE: 5,
    SortColumn.INTERVAL: 5,
    SortColumn.LAPSES: 4,
    SortColumn.DIFFICULTY: 5,
    SortColumn.FLAGS: 6,
}
RIGHT_ALIGNED = {
    SortColumn.DUE,
    SortColumn.INTERVAL,
    SortColumn.LAPSES,
    SortColumn.DIFFICULTY,
}
STAGE_WORDS = {
    Stage.NEW: "new",
    Stage.LEARNING: "learn",
    Stage.REVIEW: "review",
    Stage.RELEARNING: "relearn",
}
GAP = 1  # the space before every column but the first


def fit_widths(total: int, longest_deck: int) -> dict[SortColumn, int]:
    """Each column's width in ``total`` cells (gaps included in none): the numbers keep
    theirs, the deck takes its narrowest, and the title the rest; a title with room
    enough lets the deck column grow to the longest deck name."""
    deck_low, deck_high = DECK_WIDTHS
    fixed = sum(FIXED_WIDTHS.values()) + GAP * len(FIXED_WIDTHS) + GAP
    title = max(TITLE_MIN, total - fixed - deck_low)
    deck = deck_low
    wanted = min(max(longest_deck, deck_low), deck_high)
    if title > TITLE_ROOMY and wanted > deck_low:
        grow = min(wanted - deck_low, title - TITLE_ROOMY)
        deck += grow
        title -= grow
    return {SortColumn.TITLE: title, SortColumn.DECK: deck, **FIXED_WIDTHS}


def flag_text(marks: CardMarks, now: datetime) -> Text:
    """A card's marks in a few cells: one as a word, several as their initials."""
    buried = marks.buried_until is not None and marks.buried_until > now
    flags = [
        (word, letter, style)
        for word, letter, style, on in (
            ("susp", "S", "bold yellow", marks.suspended),
            ("buried", "B", "bold cyan", buried),
            ("leech", "L", "bold red", marks.leech),
        )
        if on
    ]
    if len(flags) == 1:
        word, _, style = flags[0]
        return Text(word, style=style)
    text = Text()
    for index, (_, letter, style) in enumerate(flags):
        if index:
            text.append(",")
        text.append(letter, style=style)
    return text


def _due(row: BrowserRow, now: datetime) -> Text:
    state = row.state
    if state is None or state.stage is Stage.NEW:
        return Text("")
    if state.due <= now:
        return Text("due", style="bold")
    return Text(format_interval(state.due - now))


def cell_texts(row: BrowserRow, now: datetime, marked: bool) -> dict[SortColumn, Text]:
    """What each column shows of ``row``, before it is fitted to its width."""
    state = row.state
    seen = state is not None and state.stage is not Stage.NEW
    gap = interval(row)
    title = Text(f"{MARK} " if marked else "  ", style="bold magenta")
    title.append(row.title, style="dim" if row.marks.blocks(now) else "")
    return {
        SortColumn.TITLE: title,
        SortColumn.DECK: Text(row.deck),
        SortColumn.TYPE: Text(row.type),
        SortColumn.STATE: Text(STAGE_WORDS[state.stage] if state is not None else "new"),
        SortColumn.DUE: _due(row, now),
        SortColumn.INTERVAL: Text(format_interval(gap) if gap is not None else ""),
        SortColumn.LAPSES: Text(str(state.lapses) if seen and state is not None else ""),
        SortColumn.DIFFICULTY: Text(
            f"{state.difficulty:.1f}" if seen and state and state.difficulty is not None else ""
        ),
        SortColumn.FLAGS: flag_text(row.marks, now),
    }


def fitted(text: Text, width: int, column: SortColumn, first: bool) -> Text:
    """``text`` in exactly its column's cells, shortened with an ellipsis if it must be."""
    if text.cell_len > width:
        text = text.copy()
        text.truncate(width, overflow="ellipsis")
    pad = " " * (width - text.cell_len)
    cell = Text(pad) + text if column in RIGHT_ALIGNED else text + Text(pad)
    return cell if first else Text(" " * GAP) + cell


@dataclass(frozen=True)
class TableSort:
    column: SortColumn | None = None
    descending: bool = False

    def header(self, column: SortColumn) -> str:
        if column is not self.column:
            return HEADERS[column]
        return HEADERS[column] + ("▼" if self.descending else "▲")


class CardTable(DataTable[Text]):
    """Rows keyed by card key. ``show`` fills it; marks change a row's title alone."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=True, cell_padding=0)
        self.rows_shown: tuple[BrowserRow, ...] = ()
        self.marked: frozenset[str] = frozenset()
        self.table_sort = TableSort()
        self.now: datetime | None = None
        self._widths: dict[SortColumn, int] = {}

    def show(
        self,
        rows: Sequence[BrowserRow],
        marked: Collection[str],
        sort: TableSort,
        now: datetime,
        cursor_on: str | None = None,
    ) -> None:
        """Fill the table with ``rows``; the cursor goes to ``cursor_on`` when shown."""
        self.rows_shown = tuple(rows)
        self.marked = frozenset(marked)
        self.table_sort = sort
        self.now = now
        self._rebuild(cursor_on)

    def _rebuild(self, cursor_on: str | None) -> None:
        now = self.now
        if now is None:
            return
        longest_deck = max((len(row.deck) for row in self.rows_shown), default=0)
        self._widths = fit_widths(self._available_width(), longest_deck)
        self.clear(columns=True)
        for index, column in enumerate(SortColumn):
            label = Text(self.table_sort.header(column))
            header = fitted(label, self._widths[column], column, first=index == 0)
            self.add_column(
                header, key=column.value, width=self._widths[column] + GAP * (index > 0)
            )
        for row in self.rows_shown:
            self.add_row(*self._cells(row, now), key=row.key)
        keys = [row.key for row in self.rows_shown]
        if cursor_on in keys:
            self.move_cursor(row=keys.index(cursor_on), animate=False)

    def _cells(self, row: BrowserRow, now: datetime) -> list[Text]:
        texts = cell_texts(row, now, row.key in self.marked)
        return [
            fitted(texts[column], self._widths[column], column, first=index == 0)
            for index, column in enumerate(SortColumn)
        ]

    def set_marked(self, marked: Collection[str]) -> None:
        """Show ``marked`` as the marked cards, redrawing only the titles that changed."""
        now = self.now
        new = frozenset(marked)
        changed = new ^ self.marked
        self.marked = new
        if now is None:
            return
        by_key = {row.key: row for row in self.rows_shown if row.key in changed}
        for key, row in by_key.items():
            title = cell_texts(row, now, key in new)[SortColumn.TITLE]
            cell = fitted(title, self._widths[SortColumn.TITLE], SortColumn.TITLE, first=True)
            self.update_cell(key, SortColumn.TITLE.value, cell)

    def _available_width(self) -> int:
        return self.scrollable_content_region.width

    def on_resize(self, event: events.Resize) -> None:
        if not self.rows_shown and self.now is None:
            return
        longest_deck = max((len(row.deck) for row in self.rows_shown), default=0)
        if fit_widths(self._available_width(), longest_deck) != self._widths:
            cursor = self.current_key()
            self._rebuild(cursor)

    def current_key(self) -> str | None:
        if not self.rows_shown or not 0 <= self.cursor_row < len(self.rows_shown):
            return None
        return str(self.coordinate_to_cell_key(self.cursor_coordinate).row_key.value)
