"""Retention, forecast, heatmap days, streaks and mastery, with pinned time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from prep.content import Library
from prep.scheduling.memory import CardState, Rating, Stage
from prep.scheduling.replay import Review
from prep.settings import Settings
from prep.stats.progress import compute_progress
from prep.store import Store

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)


def review(n: int, key: str, rating: int, at: datetime, stage: Stage) -> Review:
    return Review(f"r{n}", key, Rating(rating), at, 1000, "test", stage_before=stage)


def test_true_retention_counts_reviews_of_mature_cards_by_period(
    library: Library, store: Store
) -> None:
    log = [
        review(1, "alpha/card-1", 3, NOW - timedelta(hours=1), Stage.REVIEW),  # today, pass
        review(2, "alpha/card-2", 1, NOW - timedelta(hours=2), Stage.REVIEW),  # today, fail
        review(
            3, "alpha/card-3", 1, NOW - timedelta(hours=3), Stage.LEARNING
        ),  # learning: not counted
        review(
            4, "beta/card-1", 2, NOW - timedelta(days=3), Stage.REVIEW
        ),  # this week, Hard = pass
        review(5, "beta/card-2", 4, NOW - timedelta(days=20), Stage.REVIEW),  # this month
        review(6, "beta/card-2", 1, NOW - timedelta(days=200), Stage.REVIEW),  # this year
        review(7, "beta/card-2", 3, NOW - timedelta(days=500), Stage.REVIEW),  # all time only
    ]
    store.add_reviews(log)
    progress = compute_progress(library, store, Settings(), NOW, UTC)
    got = {name: (r.passed, r.total) for name, r in progress.retention.items()}
    assert got == {
        "today": (1, 2),
        "week": (2, 3),
        "month": (3, 4),
        "year": (3, 5),
        "all time": (4, 6),
    }
    assert progress.retention["today"].rate == 0.5


def test_reviews_per_day_follow_the_rollover_in_the_learners_zone(
    library: Library, store: Store
) -> None:
    berlin = ZoneInfo("Europe/Berlin")
    # 02:30 Berlin on 10 March belongs to the study day of 9 March.
    late = datetime(2026, 3, 10, 1, 30, tzinfo=UTC)
    morning = datetime(2026, 3, 10, 8, 0, tzinfo=UTC)
    store.add_reviews(
        [
            review(1, "alpha/card-1", 3, late, Stage.NEW),
            review(2, "alpha/card-2", 3, morning, Stage.NEW),
            review(3, "alpha/card-3", 3, morning, Stage.NEW),
            review(4, "beta/card-1", 3, morning - timedelta(days=2), Stage.NEW),
        ]
    )
    progress = compute_progress(library, store, Settings(), NOW, berlin)
    assert progress.days[-1] == progress.today
    assert progress.reviews_per_day[-3:] == (1, 1, 2)  # 8 Mar, 9 Mar (the late one), 10 Mar
    assert (progress.streak_current, progress.streak_longest) == (3, 3)
    assert len(progress.days) == 365


def test_forecast_buckets_due_cards_by_day_with_overdue_today(
    library: Library, store: Store
) -> None:
    def state(key: str, due: datetime, stage: Stage = Stage.REVIEW) -> CardState:
        return CardState(key, stage, None, 10.0, 5.0, due, NOW - timedelta(days=5), 3, 0)

    store.write_states(
        [
            state("alpha/card-1", NOW - timedelta(days=4)),  # overdue → today
            state("alpha/card-2", NOW + timedelta(hours=3)),  # today
            state("alpha/card-3", NOW + timedelta(days=1)),
            state("beta/card-1", NOW + timedelta(days=29, hours=1)),
            state("beta/card-2", NOW + timedelta(days=45)),  # beyond the window
        ]
    )
    progress = compute_progress(library, store, Settings(), NOW, UTC)
    assert len(progress.forecast) == 30
    assert progress.forecast[0] == 2 and progress.forecast[1] == 1 and progress.forecast[29] == 1
    assert sum(progress.forecast) == 4
    assert progress.states == {
        "new": 0,
        "learning": 0,
        "review": 5,
        "relearning": 0,
        "suspended": 0,
    }


def test_mastery_is_the_share_of_cards_likely_recalled_now(library: Library, store: Store) -> None:
    def state(key: str, stability: float, days_ago: int) -> CardState:
        return CardState(
            key,
            Stage.REVIEW,
            None,
            stability,
            5.0,
            NOW + timedelta(days=1),
            NOW - timedelta(days=days_ago),
            3,
            0,
        )

    store.write_states(
        [
            state("alpha/card-1", 100.0, 1),  # R ≈ 0.999: mastered
            state("alpha/card-2", 2.0, 30),  # R ≈ 0.5: not
            state("beta/card-1", 50.0, 10),  # R ≈ 0.98: mastered
        ]
    )
    progress = compute_progress(library, store, Settings(), NOW, UTC)
    by_deck = {m.name: (m.mastered, m.total) for m in progress.mastery_by_deck}
    assert by_deck == {"Alpha": (1, 3), "Beta": (1, 2)}


def test_an_empty_history_has_empty_statistics(library: Library, store: Store) -> None:
    progress = compute_progress(library, store, Settings(), NOW, UTC)
    assert progress.reviews_total == 0 and sum(progress.reviews_per_day) == 0
    assert all(r.rate is None for r in progress.retention.values())
    assert progress.forecast == (0,) * 30
    assert progress.states["new"] == 5
    assert progress.katas.submissions == 0


def test_every_card_is_counted_once_in_the_states_even_suspended_before_study(
    library: Library, store: Store
) -> None:
    from prep.study.actions import set_suspended

    set_suspended(store, "alpha/card-1", True)  # never studied
    store.add_reviews([review(1, "beta/card-1", 3, NOW - timedelta(hours=1), Stage.NEW)])
    store.write_states(
        [CardState("beta/card-1", Stage.LEARNING, 1, 2.0, 5.0, NOW, NOW - timedelta(hours=1))]
    )
    set_suspended(store, "beta/card-1", True)  # studied, then suspended
    states = compute_progress(library, store, Settings(), NOW, UTC).states
    assert states == {"new": 3, "learning": 0, "review": 0, "relearning": 0, "suspended": 2}
    assert sum(states.values()) == len(library.cards)
