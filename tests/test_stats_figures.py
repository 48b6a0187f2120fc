"""The figures of Today, Progress and ``prep stats --json``, pinned exactly.

Study days are counted in the learner's zone from their rollover hour (here Tokyo,
UTC+9, rolling over at 6 a.m., so that neither UTC nor the default hour of 4 gives
the same days); the heatmap covers the 365 study days ending today; the forecast
puts overdue cards on today and stops after 30 days; a card is mastered when its
recall probability is at least 0.9; the hardest cards are the ten most forgotten;
kata figures count submissions only; and the JSON of ``prep stats`` carries each
of these figures under its documented name.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np

from prep.clock import to_ms
from prep.content import Library, load_library
from prep.grading.attempts import Attempt
from prep.scheduling.marks import CardMarks
from prep.scheduling.memory import CardState, Rating, Stage
from prep.scheduling.replay import Review, ReviewKind
from prep.settings import Settings
from prep.stats.activity import Activity, day_index, review_activity
from prep.stats.progress import (
    HardCard,
    KataStats,
    Mastery,
    Retention,
    compute_progress,
    kata_stats,
    state_from_columns,
)
from prep.stats.summary import DeckCounts, TodaySummary, today_summary
from prep.store import Store

TOKYO = ZoneInfo("Asia/Tokyo")
ROLLOVER = 6
SETTINGS = Settings(rollover_hour=ROLLOVER)
# 21:00 in Tokyo on 10 March: the study day of 10 March, which began at 06:00
# Tokyo time, that is 21:00 UTC on 9 March.
NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
TODAY = date(2026, 3, 10)
MS = timedelta(milliseconds=1)


def start(day: date) -> datetime:
    """The UTC moment the study day ``day`` begins: 06:00 in Tokyo."""
    return datetime(day.year, day.month, day.day, ROLLOVER, tzinfo=TOKYO).astimezone(UTC)


def ms(*moments: datetime) -> np.ndarray[Any, np.dtype[np.int64]]:
    return np.array([to_ms(moment) for moment in moments], dtype=np.int64)


def review(
    n: int,
    key: str,
    at: datetime,
    rating: int = 3,
    stage: Stage | None = Stage.REVIEW,
) -> Review:
    return Review(f"r{n}", key, Rating(rating), at, 1000, "test", stage_before=stage)


def reset(n: int, key: str, at: datetime) -> Review:
    return Review(f"reset{n}", key, None, at, None, "test", kind=ReviewKind.RESET)


def state(
    key: str,
    stage: Stage = Stage.REVIEW,
    *,
    due: datetime = NOW + timedelta(days=40),
    stability: float = 10.0,
    difficulty: float = 5.0,
    last_days_ago: float = 1,
    reps: int = 3,
    lapses: int = 0,
) -> CardState:
    step = 0 if stage in (Stage.LEARNING, Stage.RELEARNING) else None
    last = NOW - timedelta(days=last_days_ago)
    return CardState(key, stage, step, stability, difficulty, due, last, reps, lapses)


# -- study days ---------------------------------------------------------------


def test_study_days_count_from_the_first_and_anything_later_falls_on_the_day_after() -> None:
    first = date(2026, 3, 1)
    times = ms(
        start(first) - MS,  # the evening before the first day
        start(first),  # the first day, from its first millisecond
        start(date(2026, 3, 2)) - MS,  # still the first day at 05:59:59.999 the next morning
        start(date(2026, 3, 2)),
        start(date(2026, 3, 3)),
        start(date(2026, 3, 4)) - MS,  # the last day's last millisecond
        start(date(2026, 3, 4)),  # the day after the last
        start(date(2026, 3, 9)),  # much later: still "the day after the last"
    )
    got = day_index(times, first, date(2026, 3, 3), TOKYO, ROLLOVER)
    assert got.tolist() == [-1, 0, 0, 1, 2, 2, 3, 3]


def test_a_study_day_across_the_change_to_summer_time_still_ends_at_the_local_rollover() -> None:
    berlin = ZoneInfo("Europe/Berlin")
    # Clocks go forward on 29 March 2026: the study day of 28 March begins at
    # 04:00 CET (03:00 UTC) and ends at 04:00 CEST (02:00 UTC), 23 hours later.
    times = ms(
        datetime(2026, 3, 28, 3, 0, tzinfo=UTC) - MS,
        datetime(2026, 3, 28, 3, 0, tzinfo=UTC),
        datetime(2026, 3, 29, 2, 0, tzinfo=UTC) - MS,
        datetime(2026, 3, 29, 2, 0, tzinfo=UTC),
    )
    got = day_index(times, date(2026, 3, 28), date(2026, 3, 30), berlin, 4)
    assert got.tolist() == [-1, 0, 0, 1]


def activity_fields(
    activity: Activity, times: np.ndarray[Any, np.dtype[np.int64]]
) -> tuple[object, ...]:
    """The figures of ``activity``, with the study day of each of the ``times`` it counted."""
    assert activity.total == len(times)
    return (
        activity.first_day,
        activity.today,
        list(activity.per_day),
        day_index(times, activity.first_day, activity.today, TOKYO, ROLLOVER).tolist(),
        activity.streak_current,
        activity.streak_longest,
    )


# Two reviews on 5 March, one each on 6 and 7 March, none on 8 March, one on
# 9 March (05:59 on the 10th in Tokyo belongs to the 9th) and two today.
HISTORY = ms(
    start(date(2026, 3, 5)),
    start(date(2026, 3, 6)) - MS,
    start(date(2026, 3, 6)),
    start(date(2026, 3, 7)) + timedelta(hours=3),
    start(TODAY) - MS,
    start(TODAY),
    NOW,
)


def test_activity_counts_reviews_per_study_day_from_the_first_review_to_today() -> None:
    activity = review_activity(HISTORY, NOW, TOKYO, ROLLOVER)
    assert activity_fields(activity, HISTORY) == (
        date(2026, 3, 5),
        TODAY,
        [2, 1, 1, 0, 1, 2],
        [0, 0, 1, 2, 4, 5, 5],
        2,  # today and 9 March
        3,  # 5 to 7 March
    )


def test_activity_reaches_back_at_least_the_days_asked_for() -> None:
    activity = review_activity(HISTORY, NOW, TOKYO, ROLLOVER, days_at_least=8)
    assert activity_fields(activity, HISTORY) == (
        date(2026, 3, 3),
        TODAY,
        [0, 0, 2, 1, 1, 0, 1, 2],
        [2, 2, 3, 4, 6, 7, 7],
        2,
        3,
    )


def test_activity_counts_the_days_since_the_last_review_as_days_without_reviews() -> None:
    times = ms(start(date(2026, 3, 7)))
    activity = review_activity(times, NOW, TOKYO, ROLLOVER)
    assert activity_fields(activity, times) == (date(2026, 3, 7), TODAY, [1, 0, 0, 0], [0], 0, 1)


def test_activity_without_reviews_is_today_alone_with_no_streak() -> None:
    empty = np.array([], dtype=np.int64)
    assert activity_fields(review_activity(empty, NOW, TOKYO, ROLLOVER), empty) == (
        TODAY,
        TODAY,
        [0],
        [],
        0,
        0,
    )
    assert activity_fields(
        review_activity(empty, NOW, TOKYO, ROLLOVER, days_at_least=3), empty
    ) == (
        date(2026, 3, 8),
        TODAY,
        [0, 0, 0],
        [],
        0,
        0,
    )


def test_today_and_the_first_day_are_study_days_in_the_learners_zone() -> None:
    empty = np.array([], dtype=np.int64)
    # 04:30 on 11 March in Tokyo, before the 6 o'clock rollover: still 10 March.
    before_rollover = datetime(2026, 3, 10, 19, 30, tzinfo=UTC)
    assert review_activity(empty, before_rollover, TOKYO, ROLLOVER).today == TODAY
    # 11:00 on 10 March in Tokyo, while it is 02:00 on 10 March in UTC.
    morning = datetime(2026, 3, 10, 2, 0, tzinfo=UTC)
    assert review_activity(empty, morning, TOKYO, ROLLOVER).today == TODAY
    # A first review at 05:00 on 7 March in Tokyo belongs to 6 March.
    early = ms(start(date(2026, 3, 7)) - timedelta(hours=1))
    assert activity_fields(review_activity(early, NOW, TOKYO, ROLLOVER), early) == (
        date(2026, 3, 6),
        TODAY,
        [1, 0, 0, 0, 0],
        [0],
        0,
        1,
    )


# -- Progress -----------------------------------------------------------------


def test_the_heatmap_is_the_365_study_days_ending_today_and_the_total_counts_every_review(
    library: Library, store: Store
) -> None:
    year_ago = date(2025, 3, 11)  # the heatmap's first day: 364 days before today
    store.add_reviews(
        [
            review(1, "alpha/card-1", start(year_ago - timedelta(days=1))),  # before the heatmap
            review(2, "alpha/card-1", start(year_ago)),
            review(3, "alpha/card-2", start(TODAY) - MS),  # 9 March, late at night
            review(4, "alpha/card-2", start(TODAY)),
            review(5, "alpha/card-3", NOW),
        ]
    )
    progress = compute_progress(library, store, SETTINGS, NOW, TOKYO)
    assert progress.today == TODAY
    assert progress.days == tuple(year_ago + timedelta(days=n) for n in range(365))
    assert progress.reviews_per_day == (1,) + (0,) * 362 + (1, 2)
    assert progress.reviews_total == 5
    assert (progress.streak_current, progress.streak_longest) == (2, 2)


def test_a_short_history_still_shows_a_whole_year_of_days(library: Library, store: Store) -> None:
    store.add_reviews([review(1, "alpha/card-1", start(TODAY)), review(2, "beta/card-1", NOW)])
    progress = compute_progress(library, store, SETTINGS, NOW, TOKYO)
    assert progress.days[0] == date(2025, 3, 11) and progress.days[-1] == TODAY
    assert progress.reviews_per_day == (0,) * 364 + (2,)
    assert (progress.streak_current, progress.streak_longest) == (1, 1)


def test_reviews_without_a_recorded_stage_count_as_reviews_but_not_for_retention(
    library: Library, store: Store
) -> None:
    store.add_reviews(
        [
            review(1, "alpha/card-1", NOW - timedelta(hours=1), rating=3, stage=None),
            review(2, "alpha/card-2", NOW - timedelta(hours=2), rating=1, stage=None),
            review(3, "alpha/card-3", NOW - timedelta(hours=3), rating=2),
            review(4, "beta/card-1", start(TODAY) - MS, rating=1),  # yesterday
        ]
    )
    progress = compute_progress(library, store, SETTINGS, NOW, TOKYO)
    assert progress.reviews_total == 4
    assert progress.retention == {
        "today": Retention(1, 1),
        "week": Retention(1, 2),
        "month": Retention(1, 2),
        "year": Retention(1, 2),
        "all time": Retention(1, 2),
    }


def test_card_states_count_each_stage_with_suspended_cards_apart_and_the_forecast_by_study_day(
    library: Library, store: Store
) -> None:
    tomorrow = TODAY + timedelta(days=1)
    store.write_states(
        [
            state("alpha/card-1", due=start(tomorrow)),  # suspended: not in the forecast
            state("alpha/card-2", Stage.LEARNING, due=NOW - timedelta(days=3)),  # overdue: today
            state("alpha/card-3", Stage.RELEARNING, due=start(tomorrow) - MS),  # today
            state("beta/card-1", due=start(tomorrow)),  # tomorrow, from its first millisecond
            state("imported/old-1", due=start(TODAY + timedelta(days=30)) - MS),  # day 29
            state("imported/old-2", due=start(TODAY + timedelta(days=30))),  # beyond 30 days
            state("imported/old-3", due=NOW),  # suspended
        ]
    )
    store.set_marks("alpha/card-1", CardMarks(suspended=True))
    store.set_marks("imported/old-3", CardMarks(suspended=True, leech=True))
    # Buried, not suspended, and never studied: still a new card.
    store.set_marks("beta/card-2", CardMarks(buried_until=start(tomorrow)))
    progress = compute_progress(library, store, SETTINGS, NOW, TOKYO)
    assert progress.states == {
        "new": 1,
        "learning": 1,
        "review": 3,
        "relearning": 1,
        "suspended": 2,
    }
    assert progress.forecast == (2, 1) + (0,) * 27 + (1,)


def tagged_library(write_deck: Callable[[str, str], Path]) -> Library:
    write_deck(
        "graphs.yaml",
        """
        deck: graphs
        title: Graphs
        tags: [algorithms]
        cards:
          - {id: bfs, type: qa, question: Breadth first?, answer: A queue., tags: [search, queues]}
          - {id: dfs, type: qa, question: Depth first?, answer: A stack., tags: [search]}
          - {id: dijkstra, type: qa, question: Dijkstra?, answer: A heap., tags: [search, heaps]}
        """,
    )
    path = write_deck(
        "python.yaml",
        """
        deck: python
        title: Python
        tags: [language]
        cards:
          - {id: generators, type: qa, question: yield?, answer: Lazy., tags: [iterators]}
          - {id: heapq, type: qa, question: heapq?, answer: A min-heap., tags: [heaps]}
        """,
    )
    library = load_library([path.parent])
    assert not library.errors
    return library


def test_mastery_counts_cards_recalled_with_probability_at_least_0_9_by_deck_and_by_tag(
    write_deck: Callable[[str, str], Path], store: Store
) -> None:
    library = tagged_library(write_deck)
    store.write_states(
        [
            # Recall is exactly 0.9 when the days since the last review equal the stability.
            state("graphs/bfs", stability=10.0, last_days_ago=10),  # 0.9: mastered
            state("graphs/dfs", stability=10.0, last_days_ago=11),  # just below: not
            # graphs/dijkstra: never studied, not mastered
            state("python/generators", stability=30.0, last_days_ago=2),  # mastered
            state("python/heapq", stability=5.0, last_days_ago=5),  # 0.9: mastered
            state("imported/a", stability=20.0, last_days_ago=20),  # 0.9: mastered
            state("imported/b", stability=3.0, last_days_ago=9),  # not
            state("imported/c", stability=50.0, last_days_ago=1),  # mastered
        ]
    )
    progress = compute_progress(library, store, SETTINGS, NOW, TOKYO)
    assert progress.mastery_by_deck == (
        Mastery("Graphs", 1, 3),
        Mastery("Python", 2, 2),
        Mastery("Imported history", 2, 3),
    )
    # Most cards first; a tie in alphabetical order.
    assert progress.mastery_by_tag == (
        Mastery("algorithms", 1, 3),
        Mastery("search", 1, 3),
        Mastery("heaps", 1, 2),
        Mastery("language", 2, 2),
        Mastery("iterators", 1, 1),
        Mastery("queues", 1, 1),
    )


def test_the_hardest_cards_are_the_ten_most_forgotten_then_the_most_difficult(
    library: Library, store: Store
) -> None:
    lapsed = [
        ("alpha/card-1", 5, 6.0),
        ("alpha/card-2", 5, 8.5),
        ("beta/card-1", 3, 7.0),
        ("imported/x1", 9, 4.0),
        ("imported/x2", 3, 9.5),
        ("imported/x3", 2, 5.0),
        ("imported/x4", 2, 5.5),
        ("imported/x5", 4, 3.0),
        ("imported/x6", 1, 10.0),
        ("imported/x7", 2, 1.0),
        ("imported/x8", 1, 2.0),
        ("imported/x9", 1, 1.5),
        ("alpha/card-3", 0, 10.0),
    ]
    store.write_states(
        state(key, difficulty=difficulty, lapses=lapses) for key, lapses, difficulty in lapsed
    )
    progress = compute_progress(library, store, SETTINGS, NOW, TOKYO)
    away = "(not in content)"
    assert progress.hardest == (
        HardCard("imported/x1", 9, 4.0, away),
        HardCard("alpha/card-2", 5, 8.5, "Question 2 of alpha?"),
        HardCard("alpha/card-1", 5, 6.0, "Question 1 of alpha?"),
        HardCard("imported/x5", 4, 3.0, away),
        HardCard("imported/x2", 3, 9.5, away),
        HardCard("beta/card-1", 3, 7.0, "Question 1 of beta?"),
        HardCard("imported/x4", 2, 5.5, away),
        HardCard("imported/x3", 2, 5.0, away),
        HardCard("imported/x7", 2, 1.0, away),
        HardCard("imported/x6", 1, 10.0, away),
    )


def test_a_card_never_forgotten_is_not_among_the_hardest(library: Library, store: Store) -> None:
    store.write_states(
        [
            state("alpha/card-1", difficulty=9.0, lapses=0),
            state("beta/card-2", difficulty=4.0, lapses=1),
            state("alpha/card-2", difficulty=2.0, lapses=1),
        ]
    )
    progress = compute_progress(library, store, SETTINGS, NOW, TOKYO)
    assert progress.hardest == (
        HardCard("beta/card-2", 1, 4.0, "Question 2 of beta?"),
        HardCard("alpha/card-2", 1, 2.0, "Question 2 of alpha?"),
    )


def attempt(n: int, key: str, kind: str, passed: bool, summary: dict[str, Any]) -> Attempt:
    return Attempt(
        id=f"attempt-{n}",
        card_key=key,
        kind=kind,
        submitted_at=NOW + timedelta(minutes=n),
        code="def solve(): ...",
        passed=passed,
        summary=summary,
        duration_ms=50,
        installation_id="test",
    )


def record_kata_history(store: Store) -> None:
    for item in [
        attempt(0, "graphs/bfs", "submit", False, {"passed": 1, "total": 3, "elapsed_ms": 800}),
        attempt(1, "graphs/bfs", "submit", True, {"passed": 3, "total": 3, "elapsed_ms": 42000}),
        attempt(2, "graphs/dfs", "examples", True, {"passed": 2, "total": 2, "elapsed_ms": 100}),
        attempt(3, "graphs/dfs", "submit", True, {"elapsed_ms": 12500.0}),
        attempt(4, "python/gen", "submit", True, {"passed": 4, "total": 4}),  # no time kept
        attempt(5, "python/gen", "submit", False, {"elapsed_ms": 5000}),
        attempt(6, "python/gen", "predict", False, {"actual": "1\n"}),
    ]:
        store.record_attempt(item)


def test_kata_figures_count_submissions_first_tries_and_the_median_time_of_passes(
    store: Store,
) -> None:
    record_kata_history(store)
    # Five submissions, three passed; of three katas tried, two passed at the first
    # submission; the passes that kept a time took 42 s and 12.5 s.
    assert kata_stats(store) == KataStats(3, 5, 3 / 5, 2 / 3, 27.25)


def test_kata_figures_are_empty_until_something_is_submitted(store: Store) -> None:
    store.record_attempt(attempt(0, "graphs/bfs", "examples", True, {"elapsed_ms": 100}))
    store.record_attempt(attempt(1, "python/gen", "predict", True, {"actual": "2\n"}))
    assert kata_stats(store) == KataStats(0, 0, None, None, None)


def test_kata_figures_have_no_solving_time_until_a_submission_passes(store: Store) -> None:
    store.record_attempt(attempt(0, "graphs/bfs", "submit", False, {"elapsed_ms": 900}))
    store.record_attempt(attempt(1, "graphs/bfs", "submit", False, {"elapsed_ms": 700}))
    assert kata_stats(store) == KataStats(1, 2, 0.0, 0.0, None)


def test_a_state_read_from_columns_is_the_stored_state(store: Store) -> None:
    stored = [
        state("alpha/card-1", stability=12.5, difficulty=6.25, reps=7, lapses=2),
        state("alpha/card-2", Stage.LEARNING, due=NOW + timedelta(minutes=10), reps=1),
        state("beta/card-1", Stage.RELEARNING, stability=1.5, difficulty=8.0, reps=9, lapses=4),
    ]
    store.write_states(stored)
    by_key = store.card_states()
    read = {row[0]: state_from_columns(row) for row in store.state_columns()}
    # The learning step is not in the columns: it plays no part in the statistics.
    assert read == {key: replace(by_key[key], step=None) for key in by_key}
    assert set(read) == {"alpha/card-1", "alpha/card-2", "beta/card-1"}
    never = ("beta/card-2", int(Stage.NEW), None, None, to_ms(NOW), None, 0, 0)
    assert state_from_columns(never) == CardState(
        "beta/card-2", Stage.NEW, None, None, None, NOW, None, 0, 0
    )


def test_prep_stats_json_carries_retention_streak_forecast_states_mastery_and_katas(
    library: Library, store: Store
) -> None:
    store.add_reviews(
        [
            review(1, "alpha/card-1", start(TODAY - timedelta(days=3))),
            review(2, "alpha/card-2", start(TODAY - timedelta(days=2)), rating=1),
            review(3, "alpha/card-1", NOW - timedelta(hours=2), rating=4),
            review(4, "alpha/card-2", NOW - timedelta(hours=1), rating=1),
            review(5, "beta/card-1", NOW, stage=Stage.NEW),
        ]
    )
    store.write_states(
        [
            state("alpha/card-1", due=NOW + timedelta(days=2), stability=20.0),  # mastered
            state("alpha/card-2", Stage.RELEARNING, due=NOW + timedelta(minutes=10), stability=0.5),
            state("beta/card-1", Stage.LEARNING, due=NOW - timedelta(minutes=1), stability=0.5),
        ]
    )
    record_kata_history(store)
    data = compute_progress(library, store, SETTINGS, NOW, TOKYO).to_dict()
    assert data == {
        "retention": {
            "today": {"passed": 1, "total": 2, "rate": 0.5},
            "week": {"passed": 2, "total": 4, "rate": 0.5},
            "month": {"passed": 2, "total": 4, "rate": 0.5},
            "year": {"passed": 2, "total": 4, "rate": 0.5},
            "all time": {"passed": 2, "total": 4, "rate": 0.5},
        },
        "streak_longest": 2,
        "forecast": [2, 0, 1] + [0] * 27,
        "states": {"new": 2, "learning": 1, "review": 1, "relearning": 1, "suspended": 0},
        "mastery_by_deck": {
            "Alpha": {"mastered": 1, "total": 3},
            "Beta": {"mastered": 0, "total": 2},
        },
        "katas": {
            "katas_tried": 3,
            "submissions": 5,
            "pass_rate": 3 / 5,
            "first_try_rate": 2 / 3,
            "median_seconds_to_solve": 27.25,
        },
    }


def test_prep_stats_json_of_an_empty_history(library: Library, store: Store) -> None:
    data = compute_progress(library, store, SETTINGS, NOW, TOKYO).to_dict()
    nothing = {"passed": 0, "total": 0, "rate": None}
    assert data == {
        "retention": {name: nothing for name in ("today", "week", "month", "year", "all time")},
        "streak_longest": 0,
        "forecast": [0] * 30,
        "states": {"new": 5, "learning": 0, "review": 0, "relearning": 0, "suspended": 0},
        "mastery_by_deck": {
            "Alpha": {"mastered": 0, "total": 3},
            "Beta": {"mastered": 0, "total": 2},
        },
        "katas": {
            "katas_tried": 0,
            "submissions": 0,
            "pass_rate": None,
            "first_try_rate": None,
            "median_seconds_to_solve": None,
        },
    }


# -- Today --------------------------------------------------------------------


def test_today_counts_due_and_new_cards_reviews_since_the_rollover_and_the_streak(
    library: Library, store: Store
) -> None:
    store.add_reviews(
        [
            review(1, "imported/omega", start(date(2026, 3, 4))),
            review(2, "imported/alpha", start(date(2026, 3, 4)) + timedelta(hours=1)),
            review(3, "imported/zeta", start(date(2026, 3, 5))),
            review(4, "alpha/card-2", start(date(2026, 3, 6))),
            review(5, "alpha/card-1", start(date(2026, 3, 7))),
            review(6, "alpha/card-2", start(TODAY) - MS),  # 05:59 today in Tokyo: 9 March
            review(7, "alpha/card-3", start(TODAY)),  # introduced today
            review(8, "alpha/card-1", NOW - timedelta(hours=1)),
        ]
    )
    store.add_reviews([reset(1, "imported/zeta", start(date(2026, 3, 8)))])  # not a study day
    store.write_states(
        [
            state("alpha/card-1", due=NOW - timedelta(hours=1), reps=5),
            state("alpha/card-2", due=NOW + timedelta(days=2)),
            state("alpha/card-3", Stage.LEARNING, due=NOW - timedelta(minutes=5)),
            state("imported/omega"),
            state("imported/alpha"),
        ]
    )
    # Two new cards a day, one already introduced today: one more is offered.
    settings = Settings(rollover_hour=ROLLOVER, new_per_day=2)
    summary = today_summary(library, store, settings, NOW, TOKYO)
    assert summary == TodaySummary(
        cards_total=7,
        cards_seen=5,
        reviews_total=8,
        reviewed_today=2,
        due_now=2,
        new_available=1,
        streak_days=2,  # 9 and 10 March
        streak_longest=4,  # 4 to 7 March
        next_due=NOW + timedelta(days=2),
        decks=(
            # In review: all but the learning card; reviews: the states' ratings (5 + 3 + 3).
            DeckCounts("alpha", "Alpha", 3, 3, 2, 0, in_review=2, reviews=11),
            DeckCounts("beta", "Beta", 2, 0, 0, 1, in_review=0, reviews=0),
            DeckCounts("imported", "Imported history", 2, 2, 0, 0, in_review=2, reviews=6),
        ),
    )
    assert summary.to_dict() == {
        "cards_total": 7,
        "cards_seen": 5,
        "reviews_total": 8,
        "reviewed_today": 2,
        "due_now": 2,
        "new_available": 1,
        "streak_days": 2,
        "streak_longest": 4,
        "next_due": "2026-03-12T12:00:00+00:00",
        "by_deck": {
            "alpha": {
                "title": "Alpha",
                "cards": 3,
                "seen": 3,
                "due_now": 2,
                "new_available": 0,
                "in_review": 2,
                "reviews": 11,
            },
            "beta": {
                "title": "Beta",
                "cards": 2,
                "seen": 0,
                "due_now": 0,
                "new_available": 1,
                "in_review": 0,
                "reviews": 0,
            },
            "imported": {
                "title": "Imported history",
                "cards": 2,
                "seen": 2,
                "due_now": 0,
                "new_available": 0,
                "in_review": 2,
                "reviews": 6,
            },
        },
    }


def test_today_with_no_history_offers_every_card_as_new_and_nothing_due(
    library: Library, store: Store
) -> None:
    summary = today_summary(library, store, SETTINGS, NOW, TOKYO)
    assert summary.to_dict() == {
        "cards_total": 5,
        "cards_seen": 0,
        "reviews_total": 0,
        "reviewed_today": 0,
        "due_now": 0,
        "new_available": 5,
        "streak_days": 0,
        "streak_longest": 0,
        "next_due": None,
        "by_deck": {
            "alpha": {
                "title": "Alpha",
                "cards": 3,
                "seen": 0,
                "due_now": 0,
                "new_available": 3,
                "in_review": 0,
                "reviews": 0,
            },
            "beta": {
                "title": "Beta",
                "cards": 2,
                "seen": 0,
                "due_now": 0,
                "new_available": 2,
                "in_review": 0,
                "reviews": 0,
            },
        },
    }


def test_today_counts_reviews_and_the_streak_from_the_last_rollover_at_any_hour(
    library: Library, store: Store
) -> None:
    store.add_reviews(
        [
            review(1, "alpha/card-1", start(TODAY) - MS),  # 9 March
            review(2, "alpha/card-2", start(TODAY)),  # 10 March, 06:00 in Tokyo
            review(3, "alpha/card-3", datetime(2026, 3, 10, 1, 0, tzinfo=UTC)),  # 10 March
        ]
    )
    moments = [
        datetime(2026, 3, 10, 2, 0, tzinfo=UTC),  # 11:00 in Tokyo; 9 March in UTC study days
        datetime(2026, 3, 10, 19, 30, tzinfo=UTC),  # 04:30 on 11 March in Tokyo: still 10 March
    ]
    for now in moments:
        summary = today_summary(library, store, SETTINGS, now, TOKYO)
        got = (summary.reviewed_today, summary.streak_days, summary.streak_longest)
        assert got == (2, 2, 2), now
