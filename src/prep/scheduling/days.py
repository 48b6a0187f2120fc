"""Study days: a day rolls over at a fixed local hour (4 a.m., as in Anki),
so a late-night session still counts for the day it belongs to."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, tzinfo

from prep.settings import DEFAULT_ROLLOVER_HOUR


def require_utc(moment: datetime) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() != timedelta(0):
        raise ValueError("time must be timezone-aware UTC")
    return moment


def study_day(moment: datetime, tz: tzinfo, rollover_hour: int = DEFAULT_ROLLOVER_HOUR) -> date:
    """The study day a UTC moment belongs to in the learner's time zone."""
    local = require_utc(moment).astimezone(tz)
    return (local - timedelta(hours=rollover_hour)).date()


def day_start(day: date, tz: tzinfo, rollover_hour: int = DEFAULT_ROLLOVER_HOUR) -> datetime:
    """The UTC moment a study day begins."""
    local = datetime.combine(day, time(hour=rollover_hour), tzinfo=tz)
    return local.astimezone(UTC)


def next_day_start(
    moment: datetime, tz: tzinfo, rollover_hour: int = DEFAULT_ROLLOVER_HOUR
) -> datetime:
    return day_start(study_day(moment, tz, rollover_hour) + timedelta(days=1), tz, rollover_hour)


def streaks(days: set[date], today: date) -> tuple[int, int]:
    """(current, longest) runs of consecutive study days.

    The current streak survives a day that has not been studied *yet*: it
    counts back from today when today has reviews, else from yesterday.
    """
    longest = 0
    run = 0
    previous: date | None = None
    for day in sorted(days):
        run = run + 1 if previous is not None and day - previous == timedelta(days=1) else 1
        longest = max(longest, run)
        previous = day
    current = 0
    cursor = today if today in days else today - timedelta(days=1)
    while cursor in days:
        current += 1
        cursor -= timedelta(days=1)
    return current, longest
