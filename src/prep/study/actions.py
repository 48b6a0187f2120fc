"""What the browser can do to cards: suspend, bury, reset, one card or many at once.
Time is a parameter: it stamps the change, and the latest change wins when
installations sync."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import datetime, tzinfo
from typing import TYPE_CHECKING

from prep.scheduling.days import next_day_start
from prep.scheduling.marks import CardMarks
from prep.scheduling.replay import Review, ReviewKind

if TYPE_CHECKING:
    from prep.store.repository import Store


def set_suspended(
    store: Store, key: str, suspended: bool, now: datetime | None = None
) -> CardMarks:
    marks = replace(store.marks().get(key, CardMarks()), suspended=suspended)
    store.set_marks(key, marks, now)
    return marks


def bury_until_next_day(
    store: Store, key: str, now: datetime, tz: tzinfo, rollover_hour: int
) -> CardMarks:
    """Hidden from the queue until the study day rolls over, as in Anki."""
    marks = replace(
        store.marks().get(key, CardMarks()), buried_until=next_day_start(now, tz, rollover_hour)
    )
    store.set_marks(key, marks, now)
    return marks


def unbury(store: Store, key: str, now: datetime | None = None) -> CardMarks:
    marks = replace(store.marks().get(key, CardMarks()), buried_until=None)
    store.set_marks(key, marks, now)
    return marks


def reset_progress(store: Store, key: str, now: datetime, review_id: str) -> None:
    """The card starts again as new. Its history stays in the log, with the
    reset recorded there too, so replaying the log still gives this state."""
    reset_many(store, [key], now, lambda: review_id)


def toggle_suspended(store: Store, keys: Sequence[str], now: datetime) -> bool:
    """Suspend every card of ``keys``, or, when all of them are suspended already,
    unsuspend them all (as Anki's toggle does). Returns whether they are now suspended."""
    marks = store.marks()
    suspend = not all(marks.get(key, CardMarks()).suspended for key in keys)
    store.set_many_marks(
        {key: replace(marks.get(key, CardMarks()), suspended=suspend) for key in keys}, now
    )
    return suspend


def toggle_buried(
    store: Store, keys: Sequence[str], now: datetime, tz: tzinfo, rollover_hour: int
) -> bool:
    """Bury every card of ``keys`` until the next study day, or, when all of them are
    buried already, unbury them all. Returns whether they are now buried."""
    marks = store.marks()

    def buried(key: str) -> bool:
        until = marks.get(key, CardMarks()).buried_until
        return until is not None and until > now

    bury = not all(buried(key) for key in keys)
    until = next_day_start(now, tz, rollover_hour) if bury else None
    store.set_many_marks(
        {key: replace(marks.get(key, CardMarks()), buried_until=until) for key in keys}, now
    )
    return bury


def reset_many(store: Store, keys: Sequence[str], now: datetime, new_id: Callable[[], str]) -> None:
    """Every card of ``keys`` starts again as new, in one transaction; each reset is
    logged with an id of its own."""
    store.reset_cards(
        [
            Review(new_id(), key, None, now, None, store.installation_id, ReviewKind.RESET)
            for key in keys
        ]
    )
