"""The browser's sort orders: by any of its columns, either way round.

Cards a column says nothing of (a new card has no due date, interval or
difficulty) come after the others whichever way the column sorts, in deck
order; ties keep deck order too, so a sort is the same every time.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from prep.scheduling.memory import Stage
from prep.study.search import BrowserRow


class SortColumn(StrEnum):
    TITLE = "title"
    DECK = "deck"
    TYPE = "type"
    STATE = "state"
    DUE = "due"
    INTERVAL = "interval"
    LAPSES = "lapses"
    DIFFICULTY = "difficulty"
    FLAGS = "flags"


def interval(row: BrowserRow) -> timedelta | None:
    """The gap the scheduler left after the card's last review; None for a new card."""
    state = row.state
    if state is None or state.stage is Stage.NEW or state.last_review is None:
        return None
    return state.due - state.last_review


def _seen(row: BrowserRow) -> bool:
    return row.state is not None and row.state.stage is not Stage.NEW


def _flag_rank(row: BrowserRow, now: datetime) -> int | None:
    marks = row.marks
    buried = marks.buried_until is not None and marks.buried_until > now
    rank = 4 * marks.suspended + 2 * buried + marks.leech
    return rank or None


def sort_key(column: SortColumn, now: datetime) -> Callable[[BrowserRow], Any]:
    """What a row sorts by in ``column``; None when the column says nothing of it."""
    keys: dict[SortColumn, Callable[[BrowserRow], Any]] = {
        SortColumn.TITLE: lambda row: row.title.casefold(),
        SortColumn.DECK: lambda row: row.deck,
        SortColumn.TYPE: lambda row: row.type,
        SortColumn.STATE: lambda row: int(row.state.stage) if row.state is not None else 0,
        SortColumn.DUE: lambda row: row.state.due if _seen(row) and row.state else None,
        SortColumn.INTERVAL: interval,
        SortColumn.LAPSES: lambda row: row.state.lapses if row.state is not None else 0,
        SortColumn.DIFFICULTY: lambda row: row.state.difficulty if row.state else None,
        SortColumn.FLAGS: lambda row: _flag_rank(row, now),
    }
    return keys[column]


def sort_rows(
    rows: Sequence[BrowserRow], column: SortColumn | None, descending: bool, now: datetime
) -> list[BrowserRow]:
    """``rows`` in ``column``'s order (deck order when ``column`` is None)."""
    if column is None:
        return list(reversed(rows)) if descending else list(rows)
    key = sort_key(column, now)
    valued = [(value, row) for row in rows if (value := key(row)) is not None]
    blank = [row for row in rows if key(row) is None]
    # sorted() is stable; reverse=True keeps ties in their first order as well.
    ordered = sorted(valued, key=lambda pair: pair[0], reverse=descending)
    return [row for _, row in ordered] + blank


def next_column(column: SortColumn | None) -> SortColumn | None:
    """The column after ``column`` in the browser's cycle: deck order, then each column."""
    columns: list[SortColumn | None] = [None, *SortColumn]
    return columns[(columns.index(column) + 1) % len(columns)]
