from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from prep.content import StudyCard, load_library
from prep.scheduling.days import day_start, next_day_start, streaks, study_day
from prep.scheduling.memory import CardState, MemoryModel, Rating, SchedulerConfig, Stage
from prep.scheduling.queue import DaySoFar, QueueSettings, StudyQueue, interleave_by_deck

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
TODAY = DaySoFar(NOW.date())  # nothing introduced yet
BERLIN = ZoneInfo("Europe/Berlin")


def test_new_card_intervals_follow_learning_steps() -> None:
    model = MemoryModel()
    state = CardState.new("d/c", NOW)
    intervals = model.preview(state, NOW, "id-1")
    assert intervals[Rating.Again] == timedelta(minutes=1)
    assert intervals[Rating.Good] == timedelta(minutes=10)
    assert intervals[Rating.Hard] == timedelta(minutes=5.5)  # FSRS: the mean of the first two steps
    assert intervals[Rating.Easy] >= timedelta(days=1)


def test_good_through_learning_reaches_review() -> None:
    model = MemoryModel()
    state = CardState.new("d/c", NOW)
    state = model.review(state, Rating.Good, NOW, "a")
    assert state.stage is Stage.LEARNING and state.step == 1
    state = model.review(state, Rating.Good, NOW + timedelta(minutes=10), "b")
    assert state.stage is Stage.REVIEW
    assert state.due - (NOW + timedelta(minutes=10)) >= timedelta(days=1)
    assert state.reps == 2 and state.lapses == 0


def test_again_in_review_counts_a_lapse_and_relearns() -> None:
    model = MemoryModel()
    state = model.review(CardState.new("d/c", NOW), Rating.Easy, NOW, "a")
    assert state.stage is Stage.REVIEW
    later = state.due
    state = model.review(state, Rating.Again, later, "b")
    assert state.stage is Stage.RELEARNING
    assert state.lapses == 1
    assert state.due == later + timedelta(minutes=10)


def test_fuzz_is_decided_by_the_review_id() -> None:
    model = MemoryModel()
    start = model.review(CardState.new("d/c", NOW), Rating.Easy, NOW, "a")
    at = start.due + timedelta(days=30)
    by_id = {
        rid: model.review(start, Rating.Easy, at, rid).due for rid in ("x", "y", "z", "w", "v")
    }
    assert model.review(start, Rating.Easy, at, "x").due == by_id["x"]
    assert len(set(by_id.values())) > 1, "different reviews should draw different fuzz"
    unfuzzed = MemoryModel(SchedulerConfig(fuzz=False))
    plain = {unfuzzed.review(start, Rating.Easy, at, rid).due for rid in ("x", "y", "z")}
    assert len(plain) == 1


def test_preview_equals_what_review_applies() -> None:
    model = MemoryModel()
    state = model.review(CardState.new("d/c", NOW), Rating.Good, NOW, "a")
    state = model.review(state, Rating.Good, NOW + timedelta(minutes=10), "b")
    at = state.due + timedelta(days=2)
    preview = model.preview(state, at, "next")
    for rating in Rating:
        assert model.review(state, rating, at, "next").due - at == preview[rating]


def test_naive_time_is_refused() -> None:
    with pytest.raises(ValueError, match="UTC"):
        MemoryModel().review(CardState.new("d/c", NOW), Rating.Good, datetime(2026, 1, 1), "a")


def test_higher_retention_gives_shorter_intervals() -> None:
    state = MemoryModel().review(CardState.new("d/c", NOW), Rating.Easy, NOW, "a")
    at = state.due
    loose = MemoryModel(SchedulerConfig(desired_retention=0.8, fuzz=False)).review(
        state, Rating.Good, at, "b"
    )
    strict = MemoryModel(SchedulerConfig(desired_retention=0.95, fuzz=False)).review(
        state, Rating.Good, at, "b"
    )
    assert strict.due < loose.due


# -- study days -----------------------------------------------------------------


def test_day_rolls_over_at_four_local() -> None:
    # 02:30 Berlin on 11 March still belongs to 10 March.
    assert study_day(datetime(2026, 3, 11, 1, 30, tzinfo=UTC), BERLIN) == date(2026, 3, 10)
    assert study_day(datetime(2026, 3, 11, 3, 0, tzinfo=UTC), BERLIN) == date(2026, 3, 11)
    assert day_start(date(2026, 3, 11), BERLIN) == datetime(2026, 3, 11, 3, 0, tzinfo=UTC)


def test_rollover_respects_daylight_saving() -> None:
    # Berlin moves to CEST on 29 March 2026: 04:00 local is 02:00 UTC after it.
    assert day_start(date(2026, 3, 30), BERLIN) == datetime(2026, 3, 30, 2, 0, tzinfo=UTC)
    assert next_day_start(datetime(2026, 3, 29, 12, 0, tzinfo=UTC), BERLIN) == datetime(
        2026, 3, 30, 2, 0, tzinfo=UTC
    )


def test_custom_rollover_hour() -> None:
    assert study_day(datetime(2026, 3, 11, 5, 0, tzinfo=UTC), UTC, rollover_hour=6) == date(
        2026, 3, 10
    )


def test_streaks() -> None:
    today = date(2026, 3, 10)
    days = {today - timedelta(days=n) for n in (0, 1, 2, 5, 6, 7, 8)}
    assert streaks(days, today) == (3, 4)
    # Not studied yet today: yesterday's run still counts.
    assert streaks(days - {today}, today) == (2, 4)
    assert streaks(set(), today) == (0, 0)
    assert streaks({today - timedelta(days=3)}, today) == (0, 1)


# -- the queue --------------------------------------------------------------------


def _cards(tmp_path: Path, decks: dict[str, int]) -> list[StudyCard]:
    from tests.conftest import qa_deck_yaml

    for slug, count in decks.items():
        (tmp_path / f"{slug}.yaml").write_text(qa_deck_yaml(slug, count), encoding="utf-8")
    return list(load_library([tmp_path]).cards.values())


def _review_state(key: str, due: datetime, stage: Stage = Stage.REVIEW) -> CardState:
    return CardState(key, stage, None, 5.0, 5.0, due, due - timedelta(days=5), 1, 0)


def test_due_first_most_overdue_first_then_new(tmp_path: Path) -> None:
    cards = _cards(tmp_path, {"a": 4})
    states = {
        "a/card-1": _review_state("a/card-1", NOW - timedelta(hours=1)),
        "a/card-2": _review_state("a/card-2", NOW - timedelta(days=3)),
        "a/card-3": _review_state("a/card-3", NOW + timedelta(days=1)),
    }
    queue = StudyQueue.build(cards, states, NOW, TODAY, QueueSettings())
    assert [c.key for c in queue.due] == ["a/card-2", "a/card-1"]
    assert [c.key for c in queue.new] == ["a/card-4"]
    assert queue.next_card() is not None and queue.next_card().key == "a/card-2"  # type: ignore[union-attr]
    assert queue.next_due == NOW + timedelta(days=1)


def test_new_cards_respect_the_daily_limit(tmp_path: Path) -> None:
    cards = _cards(tmp_path, {"a": 30})
    limit = QueueSettings(new_per_day=20)

    def new_after(introduced: int) -> int:
        return len(StudyQueue.build(cards, {}, NOW, DaySoFar(NOW.date(), introduced), limit).new)

    assert (new_after(0), new_after(15), new_after(25)) == (20, 5, 0)


def test_new_cards_interleave_decks(tmp_path: Path) -> None:
    cards = _cards(tmp_path, {"a": 3, "b": 1, "c": 2})
    keys = [c.key for c in interleave_by_deck(cards)]
    assert keys == ["a/card-1", "b/card-1", "c/card-1", "a/card-2", "c/card-2", "a/card-3"]


def test_learning_card_due_soon_is_served_when_nothing_else_is(tmp_path: Path) -> None:
    cards = _cards(tmp_path, {"a": 1})
    soon = _review_state("a/card-1", NOW + timedelta(minutes=5), Stage.LEARNING)
    queue = StudyQueue.build(cards, {"a/card-1": soon}, NOW, TODAY, QueueSettings())
    assert not queue.due and not queue.new
    assert [c.key for c in queue.learning_soon] == ["a/card-1"]
    far = _review_state("a/card-1", NOW + timedelta(hours=5), Stage.LEARNING)
    far_queue = StudyQueue.build(cards, {"a/card-1": far}, NOW, TODAY, QueueSettings())
    assert far_queue.next_card() is None


@settings(max_examples=40, deadline=None)
@given(
    overdue_hours=st.lists(st.integers(min_value=-500, max_value=500), min_size=1, max_size=12),
    limit=st.integers(min_value=0, max_value=5),
)
def test_queue_invariants(
    tmp_path_factory: pytest.TempPathFactory, overdue_hours: list[int], limit: int
) -> None:
    folder = tmp_path_factory.mktemp("q")
    cards = _cards(folder, {"a": len(overdue_hours) + 3})
    states = {
        f"a/card-{i + 1}": _review_state(f"a/card-{i + 1}", NOW - timedelta(hours=h))
        for i, h in enumerate(overdue_hours)
    }
    queue = StudyQueue.build(cards, states, NOW, TODAY, QueueSettings(new_per_day=limit))
    dues = [states[c.key].due for c in queue.due]
    assert dues == sorted(dues)
    assert all(due <= NOW for due in dues)
    assert len(queue.due) == sum(1 for h in overdue_hours if h >= 0)
    assert len(queue.new) == min(limit, 3)
