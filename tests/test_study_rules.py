"""Rules of the README pinned against a real store with pinned time: the new-card
limit counts from the local rollover, the leech rule's default of 8 lapses,
true retention counts mature reviews only and its periods are whole study
days, and mastery follows FSRS's forgetting curve."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from prep.content import Library
from prep.scheduling.memory import CardState, Rating, Stage
from prep.scheduling.replay import Review
from prep.settings import Settings
from prep.stats.progress import compute_progress
from prep.store import Store
from prep.study.session import StudySession
from tests.conftest import FakeClock, counting_ids

TOKYO = ZoneInfo("Asia/Tokyo")  # UTC+9, no daylight saving: 04:00 local is 19:00 UTC


def test_the_new_card_allowance_is_counted_from_the_local_rollover(
    library: Library, store: Store
) -> None:
    # 05:00 in Tokyo on 10 March (20:00 UTC on 9 March): the study day of 10 March.
    clock = FakeClock(datetime(2026, 3, 9, 20, 0, tzinfo=UTC))
    session = StudySession(library, store, Settings(new_per_day=1), TOKYO, clock, counting_ids())
    prompt = session.next_prompt()
    assert prompt is not None and prompt.state.stage is Stage.NEW
    session.answer(prompt, Rating.Easy)
    # 10:00 in Tokyo (01:00 UTC on 10 March): a new UTC date, but the same study day.
    clock.now = datetime(2026, 3, 10, 1, 0, tzinfo=UTC)
    assert session.queue().new == ()
    # 03:59 in Tokyo on 11 March: still the study day of 10 March.
    clock.now = datetime(2026, 3, 10, 18, 59, tzinfo=UTC)
    assert session.queue().new == ()
    # 04:00 in Tokyo on 11 March: a new study day brings one new card again.
    clock.now = datetime(2026, 3, 10, 19, 0, tzinfo=UTC)
    assert len(session.queue().new) == 1


def test_a_card_becomes_a_leech_at_its_eighth_lapse_by_default(
    library: Library, store: Store
) -> None:
    clock = FakeClock(datetime(2026, 3, 10, 12, 0, tzinfo=UTC))
    session = StudySession(library, store, Settings(new_per_day=1), UTC, clock, counting_ids())
    prompt = session.next_prompt()
    assert prompt is not None
    key = prompt.card.key
    session.answer(prompt, Rating.Easy)
    lapses = 0
    while lapses < 8:
        state = store.card_state(key)
        assert state is not None
        clock.now = state.due
        prompt = session.prompt_for(library.cards[key])
        if prompt.state.stage is Stage.REVIEW:
            answer = session.answer(prompt, Rating.Again)
            lapses += 1
            assert answer.became_leech == (lapses == 8), lapses
        else:
            session.answer(prompt, Rating.Good)
    assert store.marks()[key].leech and store.marks()[key].suspended


NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)


def review(n: int, at: datetime, stage: Stage, rating: int = 3) -> Review:
    return Review(f"r{n}", "alpha/card-1", Rating(rating), at, 1000, "test", stage_before=stage)


def test_retention_counts_only_reviews_of_cards_in_review(library: Library, store: Store) -> None:
    store.add_reviews(
        [
            review(1, NOW - timedelta(hours=1), Stage.REVIEW),
            review(2, NOW - timedelta(hours=2), Stage.RELEARNING, rating=1),
            review(3, NOW - timedelta(hours=3), Stage.LEARNING, rating=1),
            review(4, NOW - timedelta(hours=4), Stage.NEW, rating=1),
        ]
    )
    today = compute_progress(library, store, Settings(), NOW, UTC).retention["today"]
    assert (today.passed, today.total) == (1, 1)


def test_retention_periods_are_whole_study_days(library: Library, store: Store) -> None:
    # The study day of NOW began at 04:00 UTC on 10 March; "week" is it and the six before.
    start_of_today = datetime(2026, 3, 10, 4, 0, tzinfo=UTC)
    store.add_reviews(
        [
            review(1, start_of_today, Stage.REVIEW),  # today, from its first millisecond
            review(2, start_of_today - timedelta(milliseconds=1), Stage.REVIEW),  # yesterday
            review(3, start_of_today - timedelta(days=6), Stage.REVIEW),  # 6 days back: week
            review(4, start_of_today - timedelta(days=6, milliseconds=1), Stage.REVIEW),  # not
            review(5, start_of_today - timedelta(days=29), Stage.REVIEW),  # month
            review(6, start_of_today - timedelta(days=29, milliseconds=1), Stage.REVIEW),  # not
        ]
    )
    retention = compute_progress(library, store, Settings(), NOW, UTC).retention
    totals = {name: row.total for name, row in retention.items()}
    assert totals == {"today": 1, "week": 3, "month": 5, "year": 6, "all time": 6}


def test_mastery_follows_the_forgetting_curve(library: Library, store: Store) -> None:
    def state(key: str, stability: float, days_ago: float) -> CardState:
        return CardState(
            key, Stage.REVIEW, None, stability, 5.0, NOW + timedelta(days=1),
            NOW - timedelta(days=days_ago), 3, 0,
        )  # fmt: skip

    store.write_states(
        [
            # R = 0.9 exactly when the time since the last review equals the stability:
            # 8 days into a 10-day stability is above it, 12 days below.
            state("alpha/card-1", 10.0, 8),
            state("alpha/card-2", 10.0, 12),
            state("beta/card-1", 40.0, 36),
            state("beta/card-2", 40.0, 44),
        ]
    )
    progress = compute_progress(library, store, Settings(), NOW, UTC)
    by_deck = {m.name: (m.mastered, m.total) for m in progress.mastery_by_deck}
    assert by_deck == {"Alpha": (1, 3), "Beta": (1, 2)}
