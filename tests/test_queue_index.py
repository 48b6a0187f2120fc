"""The session's queue index gives the queue ``StudyQueue.build`` gives, rating after
rating: one card moved at a time, the same due, new and learning cards in the same order."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from prep.content import StudyCard
from prep.scheduling.memory import CardState, Stage
from prep.scheduling.queue import (
    DaySoFar,
    QueueIndex,
    QueueSettings,
    StudyQueue,
    interleave_by_deck,
)
from prep.settings import NewOrder
from tests.test_new_card_order import library_cards

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def cards(tmp_path_factory: pytest.TempPathFactory) -> tuple[StudyCard, ...]:
    folder: Path = tmp_path_factory.mktemp("decks")
    found = library_cards(folder, {"a": "qqqqqqppk", "b": "qqqqk", "c": "qqpq"})
    return tuple(interleave_by_deck(found))


# The moment of the queue (minutes after NOW) and how far it reviews ahead.
LATER = [0, 1, 25, 700]
AHEAD: list[int | None] = [None, 0, 30, 3000]
# A card's state: new, or scheduled at one of a few times around now, in one of the
# stages. The times fall on every edge (now, the reviews-ahead bound, the learn-ahead
# limit) and a minute either side of it; ties are common.
EDGES = {later + edge for later in LATER for edge in [0, 20, *(a for a in AHEAD if a)]}
OFFSETS = sorted({-600, -60, 9000} | {edge + step for edge in EDGES for step in (-1, 0, 1)})
states_of = st.tuples(
    st.sampled_from([None, Stage.NEW, Stage.LEARNING, Stage.REVIEW, Stage.RELEARNING]),
    st.sampled_from(OFFSETS),
)


def _state(key: str, stage: Stage | None, minutes: int) -> CardState | None:
    if stage is None:
        return None
    due = NOW + timedelta(minutes=minutes)
    return CardState(key, stage, None, 3.0, 5.0, due, NOW - timedelta(days=1), 2, 0)


def _same(left: StudyQueue, right: StudyQueue) -> None:
    assert [c.key for c in left.due] == [c.key for c in right.due]
    assert [c.key for c in left.new] == [c.key for c in right.new]
    assert [c.key for c in left.learning_soon] == [c.key for c in right.learning_soon]
    assert left.next_due == right.next_due


@settings(max_examples=300, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    data=st.data(),
    order=st.sampled_from(list(NewOrder)),
    ahead_minutes=st.sampled_from(AHEAD),
    later=st.sampled_from(LATER),
)
def test_the_index_gives_the_queue_build_gives_as_cards_are_rated(
    cards: tuple[StudyCard, ...],
    data: st.DataObject,
    order: NewOrder,
    ahead_minutes: int | None,
    later: int,
) -> None:
    keys = [card.key for card in cards]
    first = data.draw(st.lists(states_of, min_size=len(keys), max_size=len(keys)))
    states = {
        key: state
        for key, (stage, minutes) in zip(keys, first, strict=True)
        if (state := _state(key, stage, minutes)) is not None
    }
    blocked = frozenset(data.draw(st.sets(st.sampled_from(keys), max_size=3)))
    rules = QueueSettings(new_per_day=data.draw(st.integers(0, 8)), new_order=order)
    today = DaySoFar(NOW.date(), data.draw(st.integers(0, 3)))
    index = QueueIndex(cards, states)
    # A few ratings (or undos, or resets), each changing one card, then a later moment.
    for key, (stage, minutes) in data.draw(
        st.lists(st.tuples(st.sampled_from(keys), states_of), max_size=6)
    ):
        state = _state(key, stage, minutes)
        if state is None or state.stage is Stage.NEW:
            states.pop(key, None)
        else:
            states[key] = state
        index.update(key, state)
    now = NOW + timedelta(minutes=later)
    due_by = None if ahead_minutes is None else now + timedelta(minutes=ahead_minutes)
    expected = StudyQueue.build(cards, states, now, today, rules, blocked, due_by, interleaved=True)
    _same(index.queue(now, today, rules, blocked, due_by), expected)


def test_a_card_outside_the_session_changes_nothing(cards: tuple[StudyCard, ...]) -> None:
    index = QueueIndex(cards, {})
    before = index.queue(NOW, DaySoFar(NOW.date()), QueueSettings())
    index.update("elsewhere/card", _state("elsewhere/card", Stage.REVIEW, -5))
    _same(index.queue(NOW, DaySoFar(NOW.date()), QueueSettings()), before)
