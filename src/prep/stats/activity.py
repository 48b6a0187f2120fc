"""Reviews per study day, and the streaks they make: the one way prep counts
days studied, for Today, Progress and ``prep stats`` alike.

Days are study days (rolling over at the learner's hour, in their zone): a
review at 1 a.m. counts for the day before, as in Anki.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo

import numpy as np
from numpy.typing import NDArray

from prep.clock import from_ms, to_ms
from prep.scheduling.days import day_start, streaks, study_day


def day_index(
    times_ms: NDArray[np.int64], first: date, last: date, tz: tzinfo, rollover: int
) -> NDArray[np.int64]:
    """Study-day number (0 = ``first``) of each time, honouring DST changes."""
    count = (last - first).days + 2
    boundaries = np.array(
        [to_ms(day_start(first + timedelta(days=n), tz, rollover)) for n in range(count)],
        dtype=np.int64,
    )
    return np.searchsorted(boundaries, times_ms, side="right").astype(np.int64) - 1


@dataclass(frozen=True)
class Activity:
    first_day: date
    today: date
    per_day: NDArray[np.int64]  # reviews on first_day, first_day + 1, ..., today
    index: NDArray[np.int64]  # the study day of each review (0 = first_day)
    streak_current: int
    streak_longest: int


def review_activity(
    times_ms: NDArray[np.int64], now: datetime, tz: tzinfo, rollover: int, days_at_least: int = 1
) -> Activity:
    """Reviews per day from the first review (or ``days_at_least`` days back) to today."""
    today = study_day(now, tz, rollover)
    first_day = study_day(from_ms(int(times_ms.min())), tz, rollover) if len(times_ms) else today
    first_day = min(first_day, today - timedelta(days=days_at_least - 1))
    index = day_index(times_ms, first_day, today, tz, rollover)
    per_day = np.bincount(index[index >= 0], minlength=(today - first_day).days + 1)
    studied = {first_day + timedelta(days=int(n)) for n in np.nonzero(per_day)[0]}
    current, longest = streaks(studied, today)
    return Activity(first_day, today, per_day.astype(np.int64), index, current, longest)
