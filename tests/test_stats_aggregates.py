"""The figures the store counts for the statistics equal the straightforward
computation over every row of a real history.

Today, Progress and ``prep stats`` ask the store for counts (ratings between the
moments study days begin, retention per period, the cards first reviewed since a
moment, the kata submissions) instead of reading every review. Here the same
figures are computed the plain way, from every row, for the sample history of
12,580 reviews in zones with and without summer time, with odd offsets, and at
several rollover hours.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, tzinfo
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import pytest

from prep.clock import from_ms, to_ms
from prep.content import Library
from prep.grading.attempts import Attempt
from prep.scheduling.memory import MemoryModel, Rating, Stage
from prep.scheduling.replay import Review, ReviewKind
from prep.settings import Settings
from prep.stats.activity import day_index, review_activity, stored_activity
from prep.stats.progress import PERIODS, KataStats, Retention, compute_progress, kata_stats
from prep.store import Store
from prep.transfer.reviews_csv import import_review_csv

SAMPLE = Path(__file__).resolve().parent / "data" / "review-log-sample.csv"
FIRST = datetime(2024, 3, 29, 20, 32, tzinfo=UTC)  # the sample's first review
LAST = datetime(2024, 10, 6, 17, 13, tzinfo=UTC)  # and its last

ZONES = [
    UTC,
    ZoneInfo("Europe/Berlin"),  # summer time, forward in March and back in October
    ZoneInfo("America/New_York"),
    ZoneInfo("Asia/Kathmandu"),  # UTC+5:45
    ZoneInfo("Australia/Lord_Howe"),  # a summer time of half an hour
    ZoneInfo("Pacific/Chatham"),  # UTC+12:45, and +13:45 in summer
]
# After the last review, and in the middle of the history (later reviews then
# look like those of a device whose clock ran ahead).
MOMENTS = [LAST + timedelta(days=3, hours=5), datetime(2024, 7, 14, 9, 30, tzinfo=UTC)]


@pytest.fixture(scope="module")
def history(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    store = Store.open(tmp_path_factory.mktemp("history") / "prep.db")
    import_review_csv(SAMPLE, store, MemoryModel())
    # Resets are in the log but are not ratings.
    for n, key in enumerate(sorted(store.card_states())[:40]):
        at = FIRST + timedelta(days=n * 4)
        store.reset_card(Review(f"reset-{n}", key, None, at, None, "test", kind=ReviewKind.RESET))
    yield store
    store.close()


def every_rating(store: Store) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rows = store.review_columns()
    times = np.array([row[0] for row in rows], dtype=np.int64)
    ratings = np.array([row[1] for row in rows], dtype=np.int64)
    stages = np.array([-1 if row[2] is None else row[2] for row in rows], dtype=np.int64)
    return times, ratings, stages


@pytest.mark.parametrize("tz", ZONES, ids=str)
@pytest.mark.parametrize("rollover", [0, 4, 23])
@pytest.mark.parametrize("now", MOMENTS, ids=["after", "during"])
@pytest.mark.parametrize("days_at_least", [1, 365])
def test_the_ratings_per_study_day_counted_by_the_store_are_those_of_every_row(
    history: Store, tz: tzinfo, rollover: int, now: datetime, days_at_least: int
) -> None:
    times, _, _ = every_rating(history)
    stored = stored_activity(history, now, tz, rollover, days_at_least)
    plain = review_activity(times, now, tz, rollover, days_at_least)
    assert (stored.first_day, stored.today) == (plain.first_day, plain.today)
    assert stored.per_day == plain.per_day
    assert (stored.total, stored.streak_current, stored.streak_longest) == (
        plain.total,
        plain.streak_current,
        plain.streak_longest,
    )
    assert stored.total == history.count_reviews() == 12_580


def plain_retention(store: Store, now: datetime, tz: tzinfo, rollover: int) -> dict[str, Retention]:
    """Retention as Progress computed it from every row: the study day of each
    review, and a mask of the mature ones."""
    times, ratings, stages = every_rating(store)
    activity = review_activity(times, now, tz, rollover, days_at_least=365)
    index = day_index(times, activity.first_day, activity.today, tz, rollover)
    today_index = (activity.today - activity.first_day).days
    mature = stages == int(Stage.REVIEW)
    retention = {}
    for name, span in PERIODS.items():
        start = today_index - span if span is not None else -1
        in_period = mature & (index > start) & (index <= today_index)
        retention[name] = Retention(int(np.sum(in_period & (ratings >= 2))), int(np.sum(in_period)))
    return retention


@pytest.mark.parametrize("tz", ZONES, ids=str)
@pytest.mark.parametrize("now", MOMENTS, ids=["after", "during"])
def test_retention_per_period_counted_by_the_store_is_that_of_every_row(
    history: Store, library: Library, tz: tzinfo, now: datetime
) -> None:
    progress = compute_progress(library, history, Settings(rollover_hour=4), now, tz)
    assert progress.retention == plain_retention(history, now, tz, 4)
    assert progress.retention["all time"].total > 100


def test_the_cards_first_reviewed_since_a_moment_are_those_of_every_row(history: Store) -> None:
    first: dict[str, datetime] = {}
    for review in history.reviews():  # resets included: a reset card was reviewed before
        first.setdefault(review.card_key, review.reviewed_at)
    for since in [FIRST - timedelta(days=1), FIRST, datetime(2024, 6, 1, tzinfo=UTC), LAST]:
        expected = {key for key, at in first.items() if at >= since}
        assert history.first_reviewed_since(since) == expected
    assert len(history.first_reviewed_since(datetime(2024, 6, 1, tzinfo=UTC))) > 100


def submission(n: int, key: str, passed: bool, summary: dict[str, object]) -> Attempt:
    at = FIRST + timedelta(minutes=n)
    return Attempt(f"a{n}", key, "submit", at, "", passed, summary, 10, "test")


def test_kata_figures_from_the_store_are_those_of_every_attempt(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "prep.db")
    elapsed: list[object] = [800, 42_000.4, 12_500.5, True, False, "900", None, -5, [1], 0]
    for n in range(60):
        value = elapsed[n % len(elapsed)]
        summary: dict[str, object] = {"elapsed_ms": value} if value is not None else {"passed": 1}
        store.record_attempt(submission(n, f"katas/k{n % 7}", n % 3 != 1, summary))
    store.record_attempt(Attempt("e", "katas/k1", "examples", FIRST, "", True, {}, 1, "test"))
    try:
        attempts = store.attempts(kind="submit")
        first: dict[str, bool] = {}
        for attempt in attempts:
            first.setdefault(attempt.card_key, attempt.passed)
        times = [a.elapsed_ms / 1000 for a in attempts if a.passed and a.elapsed_ms is not None]
        assert kata_stats(store) == KataStats(
            katas_tried=len(first),
            submissions=len(attempts),
            pass_rate=sum(a.passed for a in attempts) / len(attempts),
            first_try_rate=sum(first.values()) / len(first),
            median_seconds_to_solve=statistics.median(times),
        )
    finally:
        store.close()


def test_the_boundaries_of_the_spans_must_not_go_back(history: Store) -> None:
    with pytest.raises(ValueError):
        history.rating_counts([2, 1])
    ms = int(FIRST.timestamp() * 1000)
    assert history.rating_counts([ms, ms]) == [0]
    assert history.rating_counts([]) == history.rating_counts([ms]) == []
    assert sum(history.rating_counts([-(2**63), ms + 1, 2**63 - 1])) == 12_580
    assert from_ms(history.first_rating_ms() or 0) == FIRST.replace(second=32, microsecond=250_000)


def test_a_rating_timed_after_today_counts_in_the_total_but_on_no_day(tmp_path: Path) -> None:
    # A device whose clock ran ahead: its review must not shift the days before it.
    store = Store.open(tmp_path / "prep.db")
    now = LAST + timedelta(days=1)
    try:
        store.add_reviews(
            [
                Review("r1", "d/a", Rating.Good, now - timedelta(days=1), 1, "test"),
                Review("r2", "d/a", Rating.Good, now + timedelta(days=3), 1, "test"),
            ]
        )
        for activity in (
            stored_activity(store, now, UTC, 4, days_at_least=3),
            review_activity(
                np.array([to_ms(now - timedelta(days=1)), to_ms(now + timedelta(days=3))]),
                now,
                UTC,
                4,
                days_at_least=3,
            ),
        ):
            assert activity.per_day == (0, 1, 0)
            assert (activity.total, activity.streak_current, activity.streak_longest) == (2, 1, 1)
    finally:
        store.close()
