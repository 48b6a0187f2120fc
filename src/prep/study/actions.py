"""What the browser can do to a card: suspend, bury, reset. Time is a parameter: it
stamps the change, and the latest change wins when installations sync."""

from __future__ import annotations

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
    store.reset_card(
        Review(review_id, key, None, now, None, store.installation_id, ReviewKind.RESET)
    )
