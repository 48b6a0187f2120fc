"""The mock interview without a screen: its plan, its ratings, its clock and its report,
on a real store with pinned time."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, timedelta
from pathlib import Path

import pytest

from prep.content import Library, load_library
from prep.content.kinds import CardType, Difficulty
from prep.scheduling.marks import CardMarks
from prep.scheduling.memory import CardState, MemoryModel, Rating
from prep.settings import Settings
from prep.store import Store
from prep.study.mock import (
    MOCK_KIND,
    Ending,
    ItemAnswer,
    MockInterview,
    MockReport,
    MockSession,
    Result,
    item_rating,
    past_interviews,
    plan_interview,
)
from prep.study.mock_plan import MockItem, MockPlan, kata_difficulty, kata_levels, plan_mock
from prep.study.session import StudySession, studyable_cards
from tests.conftest import FakeClock, counting_ids


def kata(card_id: str, level: str, tag: str) -> str:
    return (
        f"  - id: {card_id}\n    type: kata\n    difficulty: {level}\n    tags: [{tag}]\n"
        f"    title: Kata {card_id}\n    prompt: Write `f()`.\n"
        "    tests:\n      - call: f()\n        expect: 1\n"
        "    solution: |\n      def f():\n          return 1\n"
    )


def question(card_id: str, tag: str) -> str:
    return (
        f"  - id: {card_id}\n    type: qa\n    tags: [{tag}]\n"
        f"    question: Question {card_id}?\n    answer: Answer {card_id}.\n"
    )


def predict(card_id: str, tag: str) -> str:
    return f"  - id: {card_id}\n    type: predict\n    tags: [{tag}]\n    code: print(1)\n    expect_output: '1'\n"


DECK = (
    "deck: iv\ntitle: Interview\ncards:\n"
    + "".join(question(f"heap-q{n}", "heaps") for n in range(1, 4))
    + "".join(question(f"graph-q{n}", "graphs") for n in range(1, 4))
    + "".join(question(f"dp-q{n}", "dp") for n in range(1, 4))
    + predict("heap-p1", "heaps")
    + predict("dp-p1", "dp")
    + kata("k-hard", "hard", "graphs")
    + kata("k-easy", "easy", "heaps")
    + kata("k-medium", "medium", "dp")
    + kata("k-easy2", "easy", "graphs")
)


@pytest.fixture
def interview_library(tmp_path: Path) -> Library:
    folder = tmp_path / "iv-decks"
    folder.mkdir()
    (folder / "iv.yaml").write_text(DECK, encoding="utf-8")
    library = load_library([folder])
    assert not library.errors
    return library


def plan(
    library: Library,
    states: dict[str, CardState] | None = None,
    marks: dict[str, CardMarks] | None = None,
    *,
    katas: int = 2,
    questions: int = 8,
    seed: int = 7,
    clock: FakeClock | None = None,
) -> MockPlan:
    now = (clock or FakeClock()).now
    return plan_mock(
        studyable_cards(library), states or {}, marks or {}, MemoryModel(), now,
        minutes=45, katas=katas, questions=questions, seed=seed,
    )  # fmt: skip


def mastered(keys: list[str], clock: FakeClock) -> dict[str, CardState]:
    """States of cards reviewed Easy a few times: recalled now with a high probability."""
    model = MemoryModel()
    states = {}
    for key in keys:
        state = CardState.new(key, clock.now - timedelta(days=3))
        for days_ago in (3, 2, 1):
            state = model.review(state, Rating.Easy, clock.now - timedelta(days=days_ago), key)
        states[key] = state
    return states


# -- the plan ----------------------------------------------------------------------


def test_the_plan_has_the_counts_asked_and_rising_katas(interview_library: Library) -> None:
    chosen = plan(interview_library)
    assert (chosen.katas, chosen.questions, chosen.minutes) == (2, 8, 45)
    katas = [
        kata_difficulty(interview_library.cards[item.card_key])
        for item in chosen.items
        if item.type is CardType.KATA
    ]
    assert katas == [Difficulty.EASY, Difficulty.MEDIUM]
    assert len({item.card_key for item in chosen.items}) == 10
    # Four questions, a kata, four questions, a kata.
    assert [item.type is CardType.KATA for item in chosen.items] == [
        False, False, False, False, True, False, False, False, False, True,
    ]  # fmt: skip


def test_a_quarter_of_the_questions_are_predict_cards(interview_library: Library) -> None:
    types = [item.type for item in plan(interview_library, questions=8, katas=0).items]
    assert types.count(CardType.PREDICT) == 2
    types = [item.type for item in plan(interview_library, questions=2, katas=0).items]
    assert types.count(CardType.PREDICT) == 1


def test_three_katas_climb_from_easy_to_hard(interview_library: Library) -> None:
    assert kata_levels(3) == [Difficulty.EASY, Difficulty.MEDIUM, Difficulty.HARD]
    assert kata_levels(1) == [Difficulty.EASY]
    chosen = plan(interview_library, katas=3, questions=0)
    levels = [kata_difficulty(interview_library.cards[item.card_key]) for item in chosen.items]
    assert levels == [Difficulty.EASY, Difficulty.MEDIUM, Difficulty.HARD]


def test_fewer_cards_than_asked_gives_what_there_is(interview_library: Library) -> None:
    chosen = plan(interview_library, katas=5, questions=30)
    assert (chosen.katas, chosen.questions) == (4, 11)
    levels = [
        LEVEL_RANK[kata_difficulty(interview_library.cards[item.card_key])]
        for item in chosen.items
        if item.type is CardType.KATA
    ]
    assert levels == sorted(levels)


LEVEL_RANK = {Difficulty.EASY: 0, Difficulty.MEDIUM: 1, Difficulty.HARD: 2}


def test_questions_come_from_the_weakest_topics(
    interview_library: Library, clock: FakeClock
) -> None:
    # Heaps and graphs are known; dp is not: the round of the topics starts with dp.
    known = [f"iv/heap-q{n}" for n in range(1, 4)] + ["iv/heap-p1", "iv/k-easy"]
    known += [f"iv/graph-q{n}" for n in range(1, 4)] + ["iv/k-hard", "iv/k-easy2"]
    chosen = plan(interview_library, mastered(known, clock), questions=4, katas=1, clock=clock)
    topics = [item.topic for item in chosen.items if item.type is not CardType.KATA]
    assert topics[:2] == ["dp", "dp"]
    assert set(topics[2:]) == {"heaps", "graphs"}
    assert chosen.weakest[0].name == "dp"
    assert [item.card_key for item in chosen.items if item.type is CardType.KATA] == ["iv/k-medium"]


def test_the_questions_go_round_the_topics(interview_library: Library) -> None:
    chosen = plan(interview_library, questions=3, katas=0)
    assert len({item.topic for item in chosen.items}) == 3


def test_suspended_cards_are_not_asked(interview_library: Library) -> None:
    suspended = {key: CardMarks(suspended=True) for key in interview_library.cards if "dp" in key}
    chosen = plan(interview_library, marks=suspended, questions=30, katas=5)
    assert not any("dp" in item.card_key for item in chosen.items)


def test_the_same_seed_gives_the_same_interview(interview_library: Library) -> None:
    assert plan(interview_library, seed=3) == plan(interview_library, seed=3)
    others = {plan(interview_library, seed=seed).items for seed in range(10)}
    assert len(others) > 1


def test_the_settings_shape_the_plan(
    interview_library: Library, store: Store, clock: FakeClock
) -> None:
    settings = Settings(mock_minutes=30, mock_katas=1, mock_questions=3)
    chosen = plan_interview(interview_library, store, settings, clock.now, seed=1)
    assert (chosen.minutes, chosen.katas, chosen.questions) == (30, 1, 3)


# -- ratings -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("card_type", "answer", "rating"),
    [
        (CardType.KATA, ItemAnswer(Result.PASSED), Rating.Good),
        (CardType.KATA, ItemAnswer(Result.PASSED, hints=1), Rating.Hard),
        (CardType.KATA, ItemAnswer(Result.FAILED), Rating.Again),
        (CardType.KATA, ItemAnswer(Result.GAVE_UP, hints=2), Rating.Again),
        (CardType.KATA, ItemAnswer(Result.TIMED_OUT), Rating.Again),
        (CardType.PREDICT, ItemAnswer(Result.PASSED), Rating.Good),
        (CardType.PREDICT, ItemAnswer(Result.PASSED, hints=1), Rating.Hard),
        (CardType.PREDICT, ItemAnswer(Result.FAILED), Rating.Again),
        (CardType.QA, ItemAnswer(Result.PASSED, own_rating=Rating.Easy), Rating.Easy),
        (CardType.QA, ItemAnswer(Result.PASSED, own_rating=Rating.Hard), Rating.Hard),
        (CardType.QA, ItemAnswer(Result.FAILED, own_rating=Rating.Again), Rating.Again),
        (CardType.QA, ItemAnswer(Result.NOT_REACHED), None),
    ],
)
def test_each_result_earns_its_rating(
    card_type: CardType, answer: ItemAnswer, rating: Rating | None
) -> None:
    assert item_rating(card_type, answer) == rating


# -- the clock -------------------------------------------------------------------------

THREE = MockPlan(
    (
        MockItem("iv/heap-q1", CardType.QA, "heaps"),
        MockItem("iv/k-easy", CardType.KATA, "heaps"),
        MockItem("iv/dp-q1", CardType.QA, "dp"),
    ),
    10,
    (),
)


def test_items_go_in_order_with_their_time(clock: FakeClock) -> None:
    interview = MockInterview(THREE, clock.now, id="x")
    assert interview.start_item(clock.now) == THREE.items[0]
    clock.advance(seconds=40)
    first = interview.answer(ItemAnswer(Result.PASSED, own_rating=Rating.Good), clock.now)
    assert (first.spent, first.rating) == (timedelta(seconds=40), Rating.Good)
    assert interview.current == THREE.items[1] and interview.position == 2
    assert interview.remaining(clock.now) == timedelta(minutes=9, seconds=20)


def test_when_the_time_runs_out_the_rest_is_not_reached(clock: FakeClock) -> None:
    interview = MockInterview(THREE, clock.now, id="x")
    interview.start_item(clock.now)
    clock.advance(minutes=2)
    interview.answer(ItemAnswer(Result.PASSED, own_rating=Rating.Good), clock.now)
    interview.start_item(clock.now)
    clock.advance(minutes=9)
    assert interview.time_is_up(clock.now)
    timed_out = interview.time_up(clock.now, hints=1)
    assert timed_out is not None
    assert (timed_out.result, timed_out.rating, timed_out.hints) == (
        Result.TIMED_OUT, Rating.Again, 1,
    )  # fmt: skip
    assert timed_out.spent == timedelta(minutes=8)  # to the deadline, not beyond
    report = interview.report()
    assert report.ending is Ending.TIME_UP
    assert [item.result for item in report.items] == [
        Result.PASSED, Result.TIMED_OUT, Result.NOT_REACHED,
    ]  # fmt: skip
    assert report.items[2].rating is None
    assert report.topics_to_review == ("heaps",)
    assert report.used == timedelta(minutes=10)
    assert report.passed == 1 and report.score == pytest.approx(1 / 3)


def test_an_answer_after_the_deadline_counts_as_timed_out(clock: FakeClock) -> None:
    interview = MockInterview(THREE, clock.now, id="x")
    interview.start_item(clock.now)
    clock.advance(minutes=11)
    result = interview.answer(ItemAnswer(Result.PASSED, own_rating=Rating.Easy), clock.now)
    assert (result.result, result.rating) == (Result.TIMED_OUT, Rating.Again)


def test_an_abandoned_interview_keeps_what_was_answered(clock: FakeClock) -> None:
    interview = MockInterview(THREE, clock.now, id="x")
    interview.start_item(clock.now)
    interview.answer(ItemAnswer(Result.FAILED, own_rating=Rating.Again), clock.now)
    interview.start_item(clock.now)
    clock.advance(minutes=1)
    interview.abandon(clock.now)
    report = interview.report()
    assert report.ending is Ending.ABANDONED
    assert [item.result for item in report.items] == [
        Result.FAILED, Result.NOT_REACHED, Result.NOT_REACHED,
    ]  # fmt: skip
    assert report.topics_to_review == ("heaps",)
    assert MockReport.from_dict(report.to_dict()) == report


# -- reviews and the report in the store -------------------------------------------------


def make_mock(
    library: Library,
    store: Store,
    clock: FakeClock,
    chosen: MockPlan,
    new_id: Callable[[], str] | None = None,
) -> tuple[MockSession, Callable[[], list[str]]]:
    study = StudySession(library, store, Settings(), UTC, clock, new_id or counting_ids())
    session = MockSession(study, MockInterview(chosen, clock.now, id="mock-1"), lambda: store)

    def reviewed() -> list[str]:
        return [review.card_key for review in store.reviews()]

    return session, reviewed


def test_each_answer_is_a_review_and_the_report_is_kept(
    interview_library: Library, store: Store, clock: FakeClock
) -> None:
    session, reviewed = make_mock(interview_library, store, clock, THREE)
    prompt = session.next_prompt()
    assert prompt is not None and prompt.card.key == "iv/heap-q1"
    clock.advance(seconds=30)
    session.answer(prompt, ItemAnswer(Result.PASSED, own_rating=Rating.Easy))
    prompt = session.next_prompt()
    assert prompt is not None and prompt.card.key == "iv/k-easy"
    clock.advance(minutes=3)
    session.answer(prompt, ItemAnswer(Result.PASSED, hints=1))
    prompt = session.next_prompt()
    assert prompt is not None
    clock.advance(minutes=10)  # past the deadline
    session.time_up(prompt)
    assert session.next_prompt() is None
    report = session.keep()
    assert reviewed() == ["iv/heap-q1", "iv/k-easy", "iv/dp-q1"]
    assert [review.rating for review in store.reviews()] == [Rating.Easy, Rating.Hard, Rating.Again]
    kept = past_interviews(store)
    assert kept == [report]
    assert kept[0].ending is Ending.TIME_UP
    assert [attempt.kind for attempt in store.attempts(card_key="mock")] == [MOCK_KIND]


def test_not_reached_items_are_not_reviewed(
    interview_library: Library, store: Store, clock: FakeClock
) -> None:
    session, reviewed = make_mock(interview_library, store, clock, THREE)
    prompt = session.next_prompt()
    assert prompt is not None
    session.answer(prompt, ItemAnswer(Result.FAILED, own_rating=Rating.Again))
    session.next_prompt()
    session.abandon()
    session.keep()
    assert reviewed() == ["iv/heap-q1"]
    (report,) = past_interviews(store)
    assert report.ending is Ending.ABANDONED
    assert [item.rating for item in report.items] == [Rating.Again, None, None]


def test_past_interviews_are_listed_oldest_first(
    interview_library: Library, store: Store, clock: FakeClock
) -> None:
    new_id = counting_ids()
    for n in range(3):
        session, _ = make_mock(interview_library, store, clock, THREE, new_id)
        session.interview.id = f"mock-{n}"
        prompt = session.next_prompt()
        assert prompt is not None
        own = Rating.Good if n else Rating.Again
        result = Result.PASSED if n else Result.FAILED
        session.answer(prompt, ItemAnswer(result, own_rating=own))
        session.abandon()
        session.keep()
        clock.advance(days=1)
    reports = past_interviews(store)
    assert [report.id for report in reports] == ["mock-0", "mock-1", "mock-2"]
    assert [report.passed for report in reports] == [0, 1, 1]


def test_a_finished_attempt_is_an_interview_answer(clock: FakeClock) -> None:
    from prep.study.attempt import CardAttempt
    from prep.study.mock import answer_of_attempt, explain_answer

    solved = CardAttempt.for_kata(Difficulty.EASY, clock.now)
    solved.hint()
    solved.submitted(True, clock.now)
    assert answer_of_attempt(solved, CardType.KATA) == ItemAnswer(
        Result.PASSED, 1, solved_at=clock.now
    )
    assert explain_answer(CardType.KATA, ItemAnswer(Result.PASSED, 1)) == (
        "Solved with 1 hint: Hard."
    )
    given_up = CardAttempt.for_kata(Difficulty.EASY, clock.now)
    given_up.give_up()
    assert answer_of_attempt(given_up, CardType.KATA).result is Result.GAVE_UP
    # A wrong prediction ends its attempt as given up (the answer shows): a miss.
    missed = CardAttempt.for_predict(clock.now)
    missed.submitted(False, clock.now)
    missed.give_up()
    assert answer_of_attempt(missed, CardType.PREDICT).result is Result.FAILED
    assert explain_answer(CardType.PREDICT, ItemAnswer(Result.FAILED)) == "Missed: Again."
    assert explain_answer(CardType.QA, ItemAnswer(Result.TIMED_OUT)) == ("The time ran out: Again.")


def test_a_kata_solved_in_time_counts_whenever_enter_is_pressed(clock: FakeClock) -> None:
    interview = MockInterview(THREE, clock.now, id="x")
    interview.start_item(clock.now)
    interview.answer(ItemAnswer(Result.PASSED, own_rating=Rating.Good), clock.now)
    interview.start_item(clock.now)
    solved_at = clock.now + timedelta(minutes=9)
    clock.advance(minutes=12)
    result = interview.answer(ItemAnswer(Result.PASSED, solved_at=solved_at), clock.now)
    assert (result.result, result.rating, result.spent) == (
        Result.PASSED, Rating.Good, timedelta(minutes=9),
    )  # fmt: skip
    # The time is up: what is left is not reached.
    assert interview.ending is Ending.TIME_UP
    assert interview.report().items[2].result is Result.NOT_REACHED
