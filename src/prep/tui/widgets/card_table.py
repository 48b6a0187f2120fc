"""The browser's table of cards: columns fitted to the width it has, the title
shortened before any number is, marked cards and the sort shown."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from rich.cells import cell_len, set_cell_size
from rich.text import Text
from textual import events
from textual.message import Message
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

# Each column's header; short, so that the numbers keep their room.
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
# Wide enough for every value and for the header with its sort arrow; the title and the
# deck share what these leave (fit_widths).
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
    # When every deck name shown is short, the deck column narrows and the title gains.
    deck_low = min(deck_low, max(longest_deck, len(HEADERS[SortColumn.DECK]) + 1))
    fixed = sum(FIXED_WIDTHS.values()) + GAP * len(FIXED_WIDTHS) + GAP
    title = max(TITLE_MIN, total - fixed - deck_low)
    deck = deck_low
    wanted = min(max(longest_deck, deck_low), deck_high)
    if title > TITLE_ROOMY and wanted > deck_low:
        grow = min(wanted - deck_low, title - TITLE_ROOMY)
        deck += grow
        title -= grow
    return {SortColumn.TITLE: title, SortColumn.DECK: deck, **FIXED_WIDTHS}


def flag_text(marks: CardMarks, now: datetime) -> Text | str:
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
    if not flags:
        return ""
    if len(flags) == 1:
        word, _, style = flags[0]
        return Text(word, style=style)
    text = Text()
    for index, (_, letter, style) in enumerate(flags):
        if index:
            text.append(",")
        text.append(letter, style=style)
    return text


def _due(row: BrowserRow, now: datetime) -> Text | str:
    state = row.state
    if state is None or state.stage is Stage.NEW:
        return ""
    if state.due <= now:
        return Text("due", style="bold")
    return format_interval(state.due - now)


def cell_texts(row: BrowserRow, now: datetime, marked: bool) -> dict[SortColumn, Text | str]:
    """What each column shows of ``row``, before it is fitted to its width. Plain
    strings where no style is needed: a table of ten thousand cards fills quickly."""
    state = row.state
    seen = state is not None and state.stage is not Stage.NEW
    gap = interval(row)
    title: Text | str = f"  {row.title}"
    if marked or row.marks.blocks(now):
        title = Text(f"{MARK} " if marked else "  ", style="bold magenta")
        title.append(row.title, style="dim" if row.marks.blocks(now) else "")
    return {
        SortColumn.TITLE: title,
        SortColumn.DECK: row.deck,
        SortColumn.TYPE: row.type,
        SortColumn.STATE: STAGE_WORDS[state.stage] if state is not None else "new",
        SortColumn.DUE: _due(row, now),
        SortColumn.INTERVAL: format_interval(gap) if gap is not None else "",
        SortColumn.LAPSES: str(state.lapses) if seen and state is not None else "",
        SortColumn.DIFFICULTY: (
            f"{state.difficulty:.1f}" if seen and state and state.difficulty is not None else ""
        ),
        SortColumn.FLAGS: flag_text(row.marks, now),
    }


def fitted(text: Text | str, width: int, column: SortColumn, first: bool) -> Text | str:
    """``text`` in exactly its column's cells, shortened with an ellipsis if it must be."""
    lead = "" if first else " " * GAP
    right = column in RIGHT_ALIGNED
    if isinstance(text, str):
        size = cell_len(text)
        if size > width:
            return lead + set_cell_size(text, width - 1) + "…"
        pad = " " * (width - size)
        return lead + (pad + text if right else text + pad)
    if text.cell_len > width:
        text = text.copy()
        text.truncate(width, overflow="ellipsis")
    pad = " " * (width - text.cell_len)
    return Text(lead) + (Text(pad) + text if right else text + Text(pad))


@dataclass(frozen=True)
class TableSort:
    column: SortColumn | None = None
    descending: bool = False

    def header(self, column: SortColumn) -> str:
        if column is not self.column:
            return HEADERS[column]
        return HEADERS[column] + ("▼" if self.descending else "▲")


@dataclass(frozen=True)
class TableLayout:
    """Rows laid out for a width: what the table shows, built off the UI thread (ten
    thousand rows take a while to lay out)."""

    rows: tuple[BrowserRow, ...]
    widths: dict[SortColumn, int]
    cells: tuple[tuple[Text | str, ...], ...]
    marked: frozenset[str]
    sort: TableSort
    now: datetime


def _longest_deck(rows: Sequence[BrowserRow]) -> int:
    return max((len(row.deck) for row in rows), default=0)


def row_cells(
    row: BrowserRow, widths: dict[SortColumn, int], marked: bool, now: datetime
) -> tuple[Text | str, ...]:
    texts = cell_texts(row, now, marked)
    return tuple(
        fitted(texts[column], widths[column], column, first=index == 0)
        for index, column in enumerate(SortColumn)
    )


def lay_out(
    rows: Sequence[BrowserRow],
    width: int,
    marked: Collection[str],
    sort: TableSort,
    now: datetime,
) -> TableLayout:
    """``rows`` as the table shows them in ``width`` cells."""
    widths = fit_widths(width, _longest_deck(rows))
    kept = frozenset(marked)
    cells = tuple(row_cells(row, widths, row.key in kept, now) for row in rows)
    return TableLayout(tuple(rows), widths, cells, kept, sort, now)


class CardTable(DataTable[Text | str]):
    """Rows keyed by card key. ``show`` fills it with a layout; marks change a row's
    title alone; a change of width asks for a new layout (``WidthChanged``)."""

    @dataclass
    class WidthChanged(Message):
        """The columns no longer fit: the rows need laying out again."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=True, cell_padding=0)
        self.layout_shown: TableLayout | None = None

    @property
    def available_width(self) -> int:
        return self.scrollable_content_region.width

    @property
    def rows_shown(self) -> tuple[BrowserRow, ...]:
        return self.layout_shown.rows if self.layout_shown is not None else ()

    def show(self, layout: TableLayout, cursor_on: str | None = None) -> None:
        """Fill the table; the cursor goes to ``cursor_on`` when it is shown."""
        self.layout_shown = layout
        self.clear(columns=True)
        for index, column in enumerate(SortColumn):
            header = fitted(layout.sort.header(column), layout.widths[column], column, index == 0)
            self.add_column(
                header, key=column.value, width=layout.widths[column] + GAP * (index > 0)
            )
        for row, cells in zip(layout.rows, layout.cells, strict=True):
            self.add_row(*cells, key=row.key)
        keys = [row.key for row in layout.rows]
        if cursor_on in keys:
            self.move_cursor(row=keys.index(cursor_on), animate=False)
        self._check_width()

    def set_marked(self, marked: Collection[str]) -> None:
        """Show ``marked`` as the marked cards, redrawing only the titles that changed."""
        layout = self.layout_shown
        if layout is None:
            return
        new = frozenset(marked)
        changed = new ^ layout.marked
        self.layout_shown = replace(layout, marked=new)
        for row in layout.rows:
            if row.key in changed:
                title = cell_texts(row, layout.now, row.key in new)[SortColumn.TITLE]
                width = layout.widths[SortColumn.TITLE]
                cell = fitted(title, width, SortColumn.TITLE, first=True)
                self.update_cell(row.key, SortColumn.TITLE.value, cell)

    def on_resize(self, event: events.Resize) -> None:
        self._check_width()

    def _check_width(self) -> None:
        # The width may have changed again while the rows were laid out for the last one.
        layout = self.layout_shown
        if layout is None:
            return
        if fit_widths(self.available_width, _longest_deck(layout.rows)) != layout.widths:
            self.post_message(self.WidthChanged())

    def current_key(self) -> str | None:
        if not self.rows_shown or not 0 <= self.cursor_row < len(self.rows_shown):
            return None
        return str(self.coordinate_to_cell_key(self.cursor_coordinate).row_key.value)
