"""A review of a kata or predict card is read back from the store: every way of
inflating its proposed rating, driven without a screen, with pinned time."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, timedelta
from pathlib import Path

import pytest

from prep.content import Library, load_library
from prep.content.library import StudyCard
from prep.grading.attempts import Attempt, predict_attempt
from prep.scheduling.memory import Rating
from prep.settings import Settings
from prep.store import Store
from prep.study.attempt import SEEN_AFTER_GIVING_UP, SEEN_BEFORE_UNDO
from prep.study.session import Prompt, StudySession
from prep.study.sitting import GAVE_UP, HINT, OPENED, UNDONE, Sitting, log_event, open_sitting
from tests.conftest import FakeClock, counting_ids

DECK = """\
deck: ex
title: Exercises
cards:
  - id: double
    type: kata
    title: Double it
    difficulty: easy
    prompt: Write `double(x)`.
    starter: |
      def double(x):
          ...
    tests:
      - call: double(2)
        expect: 4
    solution: |
      def double(x):
          return 2 * x
    hints: [Multiply.]
  - id: late
    type: predict
    code: print(1)
    expect_output: "1"
"""
GOOD = "def double(x):\n    return 2 * x\n"


@pytest.fixture
def exercises(write_deck: Callable[[str, str], Path]) -> Library:
    path = write_deck("ex.yaml", DECK)
    library = load_library([path.parent])
    assert not library.errors
    return library


def submit(store: Store, card: StudyCard, passed: bool, at: FakeClock, code: str = GOOD) -> None:
    store.record_attempt(
        Attempt(
            id=f"run-{at().timestamp()}-{passed}",
            card_key=card.key,
            kind="submit",
            submitted_at=at(),
            code=code,
            passed=passed,
            summary={"passed": int(passed), "total": 1},
            duration_ms=5,
            installation_id=store.installation_id,
        )
    )


def studying(library: Library, store: Store, clock: FakeClock) -> StudySession:
    """A session over the exercises, with pinned time and ids."""
    return StudySession(library, store, Settings(), UTC, clock, counting_ids())


def sit(store: Store, card: StudyCard, clock: FakeClock, practice: bool = False) -> Sitting:
    return open_sitting(store, card, clock(), UTC, 4, practice=practice)


def rate(session: StudySession, card: StudyCard, rating: Rating) -> Prompt:
    prompt = session.prompt_for(card)
    session.answer(prompt, rating)
    return prompt


def miss_a_prediction(library: Library, store: Store, clock: FakeClock) -> StudySession:
    """The predict card shown, answered wrong and rated Again; the session that rated it."""
    card = library.cards["ex/late"]
    session = studying(library, store, clock)
    sit(store, card, clock)
    store.record_attempt(
        predict_attempt(card.key, "2", "1\n", False, clock(), store.installation_id, 3.0)
    )
    clock.advance(seconds=1)
    rate(session, card, Rating.Again)
    return session


def test_leaving_and_coming_back_keeps_the_clock_the_failures_and_the_hints(
    exercises: Library, store: Store, clock: FakeClock
) -> None:
    kata = exercises.cards["ex/double"]
    first = sit(store, kata, clock)
    assert first.attempt.opened_at == clock()
    clock.advance(minutes=1)
    submit(store, kata, False, clock)
    log_event(store, kata.key, HINT, clock())
    clock.advance(minutes=30)  # away, then back
    again = sit(store, kata, clock)
    assert again.attempt.opened_at == first.attempt.opened_at
    assert (again.attempt.failed_submissions, again.attempt.hints_used) == (1, 1)
    clock.advance(seconds=10)
    submit(store, kata, True, clock)
    # Solved on the second submission, 31 minutes after it was first shown: Hard, never Easy.
    solved = sit(store, kata, clock)
    assert solved.attempt.finished
    assert solved.attempt.elapsed(clock()) == timedelta(minutes=31, seconds=10)
    assert solved.attempt.proposal(clock()) is Rating.Hard
    # Only the first opening of a review is logged.
    assert [a.kind for a in store.attempts(kata.key)].count(OPENED) == 1


def test_the_time_budget_counts_from_the_first_showing(
    exercises: Library, store: Store, clock: FakeClock
) -> None:
    kata = exercises.cards["ex/double"]  # easy: 5 minutes, Easy under 2.5
    sit(store, kata, clock)
    clock.advance(minutes=4)
    submit(store, kata, True, clock)
    assert sit(store, kata, clock).attempt.proposal(clock()) is Rating.Good


def test_a_review_opens_on_the_starter_not_on_last_weeks_code(
    exercises: Library, store: Store, clock: FakeClock
) -> None:
    kata = exercises.cards["ex/double"]
    session = studying(exercises, store, clock)
    sit(store, kata, clock)
    store.save_draft(kata.key, GOOD, clock())
    submit(store, kata, True, clock)
    clock.advance(minutes=1)
    rate(session, kata, Rating.Easy)
    clock.advance(days=7)
    later = sit(store, kata, clock)
    assert later.draft is None and not later.attempt.finished
    assert later.attempt.failed_submissions == 0
    # The earlier submissions are kept, to be read (newest first).
    assert [a.code for a in later.submissions] == [GOOD]
    # What is typed in this review comes back in this review.
    clock.advance(minutes=1)
    store.save_draft(kata.key, "def double(x):\n    return x\n", clock())
    assert sit(store, kata, clock).draft == "def double(x):\n    return x\n"


def test_a_give_up_is_again_and_caps_the_same_days_relearning_at_hard(
    exercises: Library, store: Store, clock: FakeClock
) -> None:
    kata = exercises.cards["ex/double"]
    session = studying(exercises, store, clock)
    sit(store, kata, clock)
    log_event(store, kata.key, GAVE_UP, clock())
    gave_up = sit(store, kata, clock)
    assert gave_up.attempt.finished and gave_up.attempt.proposal(clock()) is Rating.Again
    clock.advance(seconds=1)
    rate(session, kata, Rating.Again)
    clock.advance(minutes=1)  # the relearning step
    relearn = sit(store, kata, clock)
    assert not relearn.attempt.finished and relearn.attempt.answer_seen == SEEN_AFTER_GIVING_UP
    submit(store, kata, True, clock)
    solved = sit(store, kata, clock)
    assert solved.attempt.proposal(clock()) is Rating.Hard
    assert "no better than Hard" in solved.attempt.explain(clock())
    clock.advance(seconds=1)
    rate(session, kata, Rating.Hard)
    # A later day's review may earn more.
    clock.advance(days=1)
    next_day = sit(store, kata, clock)
    submit(store, kata, True, clock)
    assert next_day.attempt.answer_seen == ""
    assert sit(store, kata, clock).attempt.proposal(clock()) is Rating.Easy


def test_after_an_undo_a_solved_kata_is_proposed_no_better_than_hard(
    exercises: Library, store: Store, clock: FakeClock
) -> None:
    kata = exercises.cards["ex/double"]
    session = studying(exercises, store, clock)
    sit(store, kata, clock)
    submit(store, kata, True, clock)
    assert sit(store, kata, clock).attempt.proposal(clock()) is Rating.Easy
    clock.advance(seconds=1)
    rate(session, kata, Rating.Easy)
    assert session.undo() == kata
    assert [a.kind for a in store.attempts(kata.key)][-1] == UNDONE
    again = sit(store, kata, clock)
    assert again.attempt.finished and again.last_code == GOOD
    assert again.attempt.answer_seen == SEEN_BEFORE_UNDO
    assert again.attempt.proposal(clock()) is Rating.Hard


def test_after_an_undo_a_wrong_prediction_gets_no_second_try(
    exercises: Library, store: Store, clock: FakeClock
) -> None:
    card = exercises.cards["ex/late"]
    session = miss_a_prediction(exercises, store, clock)
    session.undo()
    reopened = sit(store, card, clock)
    assert reopened.attempt.finished and reopened.attempt.gave_up
    assert reopened.last_code == "2"
    assert reopened.attempt.proposal(clock()) is Rating.Again


def test_a_right_prediction_after_a_wrong_one_the_same_day_is_hard(
    exercises: Library, store: Store, clock: FakeClock
) -> None:
    card = exercises.cards["ex/late"]
    miss_a_prediction(exercises, store, clock)
    clock.advance(minutes=1)
    sit(store, card, clock)
    store.record_attempt(
        predict_attempt(card.key, "1", "1\n", True, clock(), store.installation_id, 3.0)
    )
    assert sit(store, card, clock).attempt.proposal(clock()) is Rating.Hard


def test_practice_starts_afresh_and_a_later_review_inherits_nothing_from_it(
    exercises: Library, store: Store, clock: FakeClock
) -> None:
    kata = exercises.cards["ex/double"]
    session = studying(exercises, store, clock)
    sit(store, kata, clock)
    submit(store, kata, True, clock)
    clock.advance(seconds=1)
    rate(session, kata, Rating.Good)
    clock.advance(days=1)
    practice = sit(store, kata, clock, practice=True)
    assert practice.practice and not practice.attempt.finished
    store.save_draft(kata.key, GOOD, clock())
    # Practice picks up what was typed in practice since the last review.
    clock.advance(minutes=1)
    assert sit(store, kata, clock, practice=True).draft == GOOD
    assert all(a.summary.get("practice") for a in store.attempts(kata.key)[-2:])
    clock.advance(days=3)
    review = sit(store, kata, clock)
    assert review.draft is None and not review.attempt.finished
    assert review.attempt.opened_at == clock()
