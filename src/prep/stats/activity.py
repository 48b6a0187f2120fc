"""Ratings per study day, and the streaks they make: the one way prep counts
days studied, for Today, Progress and ``prep stats`` alike.

Days are study days (rolling over at the learner's hour, in their zone): a
review at 1 a.m. counts for the day before, as in Anki. The store counts the
ratings between the UTC moments the days begin, computed here with the real
zone, so a day across a change of summer time lasts 23 or 25 hours exactly.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo
from typing import TYPE_CHECKING

from prep.clock import from_ms, to_ms
from prep.scheduling.days import day_start, streaks, study_day
from prep.store.history import History

if TYPE_CHECKING:  # numpy only for the check of the counts against every row's time
    import numpy as np
    from numpy.typing import NDArray

# Bounds beyond any stored time: the spans before the first day and after today.
BEFORE_ALL = -(2**63)
AFTER_ALL = 2**63 - 1


def day_starts(first: date, last: date, tz: tzinfo, rollover: int) -> list[int]:
    """The UTC milliseconds at which the study days ``first`` to ``last + 1`` begin."""
    return [
        to_ms(day_start(first + timedelta(days=n), tz, rollover))
        for n in range((last - first).days + 2)
    ]


def day_index(
    times_ms: NDArray[np.int64], first: date, last: date, tz: tzinfo, rollover: int
) -> NDArray[np.int64]:
    """Study-day number (0 = ``first``) of each time, honouring DST changes."""
    import numpy as np

    boundaries = np.array(day_starts(first, last, tz, rollover), dtype=np.int64)
    return np.searchsorted(boundaries, times_ms, side="right").astype(np.int64) - 1


@dataclass(frozen=True)
class Activity:
    first_day: date
    today: date
    per_day: tuple[int, ...]  # ratings on first_day, first_day + 1, ..., today
    total: int  # every rating, also one timed after today (a device whose clock ran ahead)
    streak_current: int
    streak_longest: int


def _first_day(first_ms: int | None, today: date, tz: tzinfo, rollover: int, at_least: int) -> date:
    """The day of the first rating, or ``at_least`` days back when that is earlier."""
    first = study_day(from_ms(first_ms), tz, rollover) if first_ms is not None else today
    return min(first, today - timedelta(days=at_least - 1))


def _activity(first_day: date, today: date, per_day: tuple[int, ...], total: int) -> Activity:
    studied = {first_day + timedelta(days=n) for n, count in enumerate(per_day) if count}
    current, longest = streaks(studied, today)
    return Activity(first_day, today, per_day, total, current, longest)


def stored_activity(
    store: History, now: datetime, tz: tzinfo, rollover: int, days_at_least: int = 1
) -> Activity:
    """Ratings per day from the first rating (or ``days_at_least`` days back) to today,
    counted by the store one day at a time: no row is read per review."""
    today = study_day(now, tz, rollover)
    first_day = _first_day(store.first_rating_ms(), today, tz, rollover, days_at_least)
    counts = store.rating_counts(
        [BEFORE_ALL, *day_starts(first_day, today, tz, rollover), AFTER_ALL]
    )
    return _activity(first_day, today, tuple(counts[1:-1]), sum(counts))


def review_activity(
    times_ms: NDArray[np.int64], now: datetime, tz: tzinfo, rollover: int, days_at_least: int = 1
) -> Activity:
    """The same figures from the times of the ratings themselves (``stored_activity``
    is checked against it)."""
    today = study_day(now, tz, rollover)
    first_ms = int(times_ms.min()) if len(times_ms) else None
    first_day = _first_day(first_ms, today, tz, rollover, days_at_least)
    days = (today - first_day).days + 1
    import numpy as np

    index = day_index(times_ms, first_day, today, tz, rollover)
    per_day = np.bincount(index[(index >= 0) & (index < days)], minlength=days)
    return _activity(first_day, today, tuple(int(n) for n in per_day), len(times_ms))
