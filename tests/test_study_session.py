from __future__ import annotations

from datetime import UTC, timedelta
from pathlib import Path
from typing import Any

from prep.content import Library, load_library
from prep.content.kinds import CardType
from prep.scheduling.memory import Rating, Stage
from prep.settings import Settings
from prep.store import Store
from prep.study.session import StudySession
from tests.conftest import PINNED_NOW, FakeClock, counting_ids


def make_session(library: Library, store: Store, clock: FakeClock, **settings: Any) -> StudySession:
    return StudySession(library, store, Settings(**settings), UTC, clock, counting_ids())


def test_each_rating_is_committed_before_the_next_card(
    library: Library, store: Store, clock: FakeClock, tmp_path: Path
) -> None:
    session = make_session(library, store, clock)
    prompt = session.next_prompt()
    assert prompt is not None
    clock.advance(seconds=12)
    session.answer(prompt, Rating.Good)
    # A second connection sees the review: it was committed, not merely flushed.
    other = Store.open(tmp_path / "home" / "prep.db")
    try:
        (review,) = other.reviews()
        assert review.card_key == prompt.card.key and review.duration_ms == 12_000
    finally:
        other.close()


def test_new_cards_are_interleaved_and_limited(
    library: Library, store: Store, clock: FakeClock
) -> None:
    session = make_session(library, store, clock, new_per_day=3)
    seen = []
    while (prompt := session.next_prompt()) is not None and prompt.state.stage is Stage.NEW:
        seen.append(prompt.card.key)
        session.answer(prompt, Rating.Easy)
    assert seen == ["alpha/card-1", "beta/card-1", "alpha/card-2"]


def test_limit_counts_cards_introduced_earlier_today(
    library: Library, store: Store, clock: FakeClock
) -> None:
    first = make_session(library, store, clock, new_per_day=2)
    prompt = first.next_prompt()
    assert prompt is not None
    first.answer(prompt, Rating.Easy)
    clock.advance(hours=1)
    assert make_session(library, store, clock, new_per_day=2).counts().new_available == 1
    clock.advance(days=1)
    assert make_session(library, store, clock, new_per_day=2).counts().new_available == 2


def test_again_brings_the_card_back_within_the_session(
    library: Library, store: Store, clock: FakeClock
) -> None:
    session = make_session(library, store, clock, new_per_day=1)
    prompt = session.next_prompt()
    assert prompt is not None
    session.answer(prompt, Rating.Again)
    again = session.next_prompt()
    assert again is not None and again.card.key == prompt.card.key  # learn-ahead: due in 1 minute


def test_undo_restores_state_and_deletes_the_review(
    library: Library, store: Store, clock: FakeClock
) -> None:
    session = make_session(library, store, clock)
    first = session.next_prompt()
    assert first is not None
    session.answer(first, Rating.Good)
    second = session.next_prompt()
    assert second is not None
    state_before = store.card_state(second.card.key)
    session.answer(second, Rating.Easy)
    card = session.undo()
    assert card is not None and card.key == second.card.key
    assert store.card_state(second.card.key) == state_before
    assert [r.card_key for r in store.reviews()] == [first.card.key]
    assert session.undo() is not None
    assert store.count_reviews() == 0 and store.card_states() == {}
    assert session.undo() is None


def test_done_when_nothing_is_left(library: Library, store: Store, clock: FakeClock) -> None:
    session = make_session(library, store, clock)
    answered = 0
    while (prompt := session.next_prompt()) is not None:
        session.answer(prompt, Rating.Easy)
        answered += 1
    assert answered == 5
    counts = session.counts()
    assert counts.due_now == 0 and counts.new_available == 0
    assert counts.next_due is not None and counts.next_due > clock.now


QUESTIONS = Path(__file__).resolve().parents[1] / "questions"


def new_cards_of_the_day(session: StudySession, clock: FakeClock) -> list[CardType]:
    """Rate every card Good until the day has nothing left; the types of its new cards."""
    types = []
    while (prompt := session.next_prompt()) is not None:
        if prompt.state.stage is Stage.NEW:
            types.append(prompt.card.type)
        clock.advance(seconds=20)
        session.answer(prompt, Rating.Good)
    return types


def test_the_shipped_deck_brings_katas_and_predict_cards_from_the_first_day(
    store: Store, clock: FakeClock
) -> None:
    library = load_library([QUESTIONS])
    assert not library.errors
    session = make_session(library, store, clock)
    for day in (1, 2):
        types = new_cards_of_the_day(session, clock)
        assert len(types) == 20, day
        assert types.count(CardType.KATA) >= 1, day
        assert types.count(CardType.PREDICT) >= 2, day
        assert types[-1] is CardType.QA, day  # spread through the day, not left for last
        clock.now = PINNED_NOW + timedelta(days=day)


def test_the_queue_kept_by_a_session_is_the_one_read_afresh(
    library: Library, store: Store, clock: FakeClock
) -> None:
    """A session reads states and marks once a day and keeps them in step with its own
    ratings and undos (leeches included): the queue must be what a fresh read gives."""
    from prep.study.session import build_queue, studyable_cards

    session = make_session(library, store, clock, new_per_day=4, leech_threshold=1)

    def fresh() -> list[str]:
        queue = build_queue(
            studyable_cards(library), store, session.settings, session.now(), session.tz
        )
        return [card.key for card in (*queue.due, *queue.new, *queue.learning_soon)]

    def kept() -> list[str]:
        queue = session.queue()
        return [card.key for card in (*queue.due, *queue.new, *queue.learning_soon)]

    steps: list[Rating | str] = [Rating.Good, Rating.Again, "undo", Rating.Easy, Rating.Easy]
    steps += [Rating.Easy, Rating.Easy, Rating.Easy, "later", Rating.Again, "undo", Rating.Again]
    steps += [Rating.Good]
    for step in steps * 2:
        if step == "undo":
            session.undo()
        elif step == "later":
            clock.advance(days=60)  # reviews due: an Again now is a lapse, and a leech
        elif isinstance(step, Rating):
            prompt = session.next_prompt()
            if prompt is None:
                clock.advance(days=1)
                continue
            session.answer(prompt, step)
        clock.advance(minutes=11)
        assert kept() == fresh(), step
    clock.advance(days=2)  # a new study day: read again
    assert kept() == fresh()
    assert store.marks(), "the sequence made a leech"


def test_the_first_card_is_read_from_the_history_and_the_store_opens_at_the_first_rating(
    library: Library, store: Store, clock: FakeClock, tmp_path: Path
) -> None:
    from prep.store.history import History

    database = tmp_path / "home" / "prep.db"
    history = History.open(database)
    assert history is not None
    opened: list[Store] = []

    def open_store() -> Store:
        opened.append(store)
        return store

    session = StudySession(
        library, open_store, Settings(), UTC, clock, counting_ids(), history=history
    )
    prompt = session.next_prompt()
    assert prompt is not None and opened == []
    session.answer(prompt, Rating.Good)
    assert opened == [store]
    # The next card is read back from the plain-SQL history, the rating in it.
    following = session.next_prompt()
    assert following is not None and following.card.key != prompt.card.key
    assert history.card_state(prompt.card.key) == store.card_state(prompt.card.key)
    session.answer(following, Rating.Good)
    assert opened == [store]  # opened once
