"""The browser's domain: sort orders, bulk suspend / bury / reset on a real store, and a
card's record for its info view."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from prep.content import Library
from prep.scheduling.marks import CardMarks
from prep.scheduling.memory import CardState, Rating, Stage, memory_model
from prep.settings import Settings
from prep.store import Store
from prep.study.actions import reset_many, toggle_buried, toggle_suspended
from prep.study.card_info import card_info
from prep.study.search import BrowserRow
from prep.study.session import StudySession
from prep.study.sorting import SortColumn, next_column, sort_rows
from tests.conftest import FakeClock, counting_ids

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)


def row(
    key: str,
    title: str,
    kind: str = "qa",
    state: CardState | None = None,
    marks: CardMarks | None = None,
) -> BrowserRow:
    return BrowserRow(
        key, key.split("/")[0], kind, title, title.lower(), (), state, marks or CardMarks(), True
    )


def reviewed(
    key: str, due_in_days: float, interval_days: float, lapses: int, difficulty: float
) -> CardState:
    due = NOW + timedelta(days=due_in_days)
    return CardState(
        key,
        Stage.REVIEW,
        None,
        3.0,
        difficulty,
        due,
        due - timedelta(days=interval_days),
        4,
        lapses,
    )


ROWS = [
    row("b/one", "Banana", state=reviewed("b/one", 3, 10, 2, 7.5)),
    row("a/two", "apple", kind="kata", marks=CardMarks(suspended=True)),
    row("c/three", "Cherry", kind="predict", state=reviewed("c/three", -1, 2, 0, 3.0),
        marks=CardMarks(buried_until=NOW + timedelta(hours=3))),
    row("a/four", "date", state=reviewed("a/four", 30, 40, 5, 5.0), marks=CardMarks(leech=True)),
]  # fmt: skip


def order(column: SortColumn | None, descending: bool = False) -> list[str]:
    return [r.key for r in sort_rows(ROWS, column, descending, NOW)]


@pytest.mark.parametrize(
    ("column", "ascending", "descending"),
    [
        (None, ["b/one", "a/two", "c/three", "a/four"], ["a/four", "c/three", "a/two", "b/one"]),
        (SortColumn.TITLE, ["a/two", "b/one", "c/three", "a/four"], ["a/four", "c/three", "b/one", "a/two"]),
        (SortColumn.DECK, ["a/two", "a/four", "b/one", "c/three"], ["c/three", "b/one", "a/two", "a/four"]),
        (SortColumn.TYPE, ["a/two", "c/three", "b/one", "a/four"], ["b/one", "a/four", "c/three", "a/two"]),
        (SortColumn.STATE, ["a/two", "b/one", "c/three", "a/four"], ["b/one", "c/three", "a/four", "a/two"]),
        # A new card has no due date, interval or difficulty: last, whichever way round.
        (SortColumn.DUE, ["c/three", "b/one", "a/four", "a/two"], ["a/four", "b/one", "c/three", "a/two"]),
        (SortColumn.INTERVAL, ["c/three", "b/one", "a/four", "a/two"], ["a/four", "b/one", "c/three", "a/two"]),
        (SortColumn.LAPSES, ["a/two", "c/three", "b/one", "a/four"], ["a/four", "b/one", "a/two", "c/three"]),
        (SortColumn.DIFFICULTY, ["c/three", "a/four", "b/one", "a/two"], ["b/one", "a/four", "c/three", "a/two"]),
        (SortColumn.FLAGS, ["a/four", "c/three", "a/two", "b/one"], ["a/two", "c/three", "a/four", "b/one"]),
    ],
)  # fmt: skip
def test_sort_by_each_column_either_way(
    column: SortColumn | None, ascending: list[str], descending: list[str]
) -> None:
    assert order(column) == ascending
    assert order(column, descending=True) == descending


def test_the_sort_cycle_visits_every_column_then_deck_order() -> None:
    seen: list[SortColumn | None] = [None]
    while (column := next_column(seen[-1])) is not None:
        seen.append(column)
    assert seen == [None, *SortColumn]


def test_bulk_suspend_suspends_all_then_unsuspends_all(store: Store) -> None:
    store.set_marks("alpha/card-1", CardMarks(suspended=True, leech=True))
    keys = ["alpha/card-1", "alpha/card-2"]
    assert toggle_suspended(store, keys, NOW) is True  # one was not suspended yet: all are now
    marks = store.marks()
    assert marks["alpha/card-1"] == CardMarks(suspended=True, leech=True)
    assert marks["alpha/card-2"] == CardMarks(suspended=True)
    assert toggle_suspended(store, keys, NOW) is False
    assert not any(store.marks()[key].suspended for key in keys)
    assert store.marks()["alpha/card-1"].leech  # the leech tag is not the toggle's


def test_bulk_bury_until_the_next_study_day_then_unbury(store: Store) -> None:
    keys = ["alpha/card-1", "beta/card-2"]
    assert toggle_buried(store, keys, NOW, UTC, 4) is True
    until = datetime(2026, 3, 11, 4, 0, tzinfo=UTC)
    assert {key: store.marks()[key].buried_until for key in keys} == dict.fromkeys(keys, until)
    # Buried yesterday is not buried now: the toggle buries again.
    assert toggle_buried(store, keys, until + timedelta(hours=1), UTC, 4) is True
    assert toggle_buried(store, keys, until + timedelta(hours=2), UTC, 4) is False
    assert all(store.marks()[key].buried_until is None for key in keys)


def study(library: Library, store: Store, clock: FakeClock, ratings: list[Rating]) -> list[str]:
    session = StudySession(library, store, Settings(), UTC, clock, counting_ids())
    keys = []
    for rating in ratings:
        prompt = session.next_prompt()
        assert prompt is not None
        session.answer(prompt, rating)
        keys.append(prompt.card.key)
        clock.advance(minutes=5)
    return keys


def test_reset_many_makes_each_card_new_in_one_go_and_keeps_the_log(
    library: Library, store: Store, clock: FakeClock
) -> None:
    keys = study(library, store, clock, [Rating.Good, Rating.Easy, Rating.Hard])
    ids = iter(["reset-1", "reset-2", "reset-3"])
    reset_many(store, keys, clock(), lambda: next(ids))
    assert all(store.card_state(key) is None for key in keys)
    resets = [review for review in store.reviews() if review.rating is None]
    assert [(r.id, r.card_key) for r in resets] == list(
        zip(["reset-1", "reset-2", "reset-3"], keys, strict=True)
    )
    assert len({r.seq for r in resets}) == 3  # numbered one after another
    assert len(store.reviews()) == 6


def test_card_info_gives_the_state_now_and_each_review_with_its_interval(
    library: Library, store: Store, clock: FakeClock
) -> None:
    session = StudySession(library, store, Settings(), UTC, clock, counting_ids())
    prompt = session.next_prompt()
    assert prompt is not None
    key = prompt.card.key
    session.answer(prompt, Rating.Easy)
    state = store.card_state(key)
    assert state is not None
    clock.now = state.due + timedelta(days=1)
    again = session.prompt_for(prompt.card)
    session.answer(again, Rating.Again)
    model = memory_model(Settings(), None)
    later = clock() + timedelta(hours=1)
    info = card_info(store, key, model, later)

    assert info.state == store.card_state(key)
    assert info.state is not None and info.state.lapses == 1
    assert info.retrievability == pytest.approx(model.retrievability(info.state, later))
    assert [line.rating for line in info.log] == [Rating.Easy, Rating.Again]
    first, second = info.log
    assert first.interval == state.due - first.reviewed_at
    assert second.interval == info.state.due - second.reviewed_at
    assert [line.stage_before for line in info.log] == [Stage.NEW, Stage.REVIEW]

    reset_many(store, [key], later, lambda: "reset")
    info = card_info(store, key, model, later)
    assert info.is_new and info.retrievability is None
    assert info.log[-1].rating is None and info.log[-1].interval is None
    assert len(info.log) == 3


def test_card_info_of_a_card_never_seen(store: Store) -> None:
    info = card_info(store, "alpha/card-1", memory_model(Settings(), None), NOW)
    assert info.is_new and info.log == () and info.marks == CardMarks()
