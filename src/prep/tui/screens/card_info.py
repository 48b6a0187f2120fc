"""A card's info, over the browser: its memory now and every review with its interval."""

from __future__ import annotations

from datetime import datetime, tzinfo
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Static

from prep.scheduling.memory import RATING_NAMES
from prep.study.card_info import CardInfo
from prep.tui.format import format_interval, format_when
from prep.tui.screens.base import styles
from prep.wording import plural


def flag_words(info: CardInfo, now: datetime) -> list[str]:
    marks = info.marks
    words = []
    if marks.suspended:
        words.append("suspended")
    if marks.buried_until is not None and marks.buried_until > now:
        words.append("buried")
    if marks.leech:
        words.append("leech")
    return words


def memory_lines(info: CardInfo, now: datetime, tz: tzinfo) -> list[str]:
    """The card's memory now, in a few short lines."""
    state = info.state
    if info.is_new or state is None:
        lines = ["New card: no memory state yet."]
    else:
        retrievability = info.retrievability or 0.0
        lines = [
            f"Stability {state.stability or 0:.1f} days · "
            f"difficulty {state.difficulty or 0:.2f} / 10",
            f"Retrievability now {retrievability * 100:.0f} %",
            f"{state.stage.name.lower().capitalize()}, due {format_when(state.due, now, tz)}",
            f"{plural(state.reps, 'review')}, {plural(state.lapses, 'lapse')}",
        ]
    flags = flag_words(info, now)
    if flags:
        lines.append(", ".join(flags).capitalize())
    return lines


def log_rows(info: CardInfo, tz: tzinfo) -> list[tuple[str, str, str, str]]:
    """The log, newest first: date, rating, the interval it gave, how long it took."""
    rows = []
    for line in reversed(info.log):
        when = line.reviewed_at.astimezone(tz).strftime("%Y-%m-%d %H:%M")
        if line.rating is None:
            rows.append((when, "reset", "", ""))
            continue
        gap = format_interval(line.interval) if line.interval is not None else ""
        took = f"{line.duration_ms / 1000:.0f} s" if line.duration_ms else ""
        rows.append((when, RATING_NAMES[line.rating], gap, took))
    return rows


class CardInfoScreen(ModalScreen[None]):
    CSS_PATH = styles("card_info.tcss")
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Close"),
        Binding("i", "close", "Close", show=False),
    ]

    def __init__(self, info: CardInfo, title: str, now: datetime, tz: tzinfo) -> None:
        super().__init__()
        self.info = info
        self.card_title = title
        self.now = now
        self.tz = tz

    def compose(self) -> ComposeResult:
        with Vertical(id="card-info") as box:
            box.border_title = self.info.key
            box.border_subtitle = "esc closes"
            yield Static(self.card_title, id="card-info-title", markup=False)
            yield Static(
                "\n".join(memory_lines(self.info, self.now, self.tz)),
                id="card-info-memory",
                markup=False,
            )
            log = DataTable[str](id="card-info-log", cursor_type="row", zebra_stripes=True)
            yield log
            if not self.info.log:
                yield Static("Never reviewed.", id="card-info-empty")

    def on_mount(self) -> None:
        log = self.query_one("#card-info-log", DataTable)
        log.add_columns("Date", "Rating", "Interval", "Took")
        for row in log_rows(self.info, self.tz):
            log.add_row(*row)
        if not self.info.log:
            log.display = False
        else:
            log.focus()

    def action_close(self) -> None:
        self.dismiss(None)
