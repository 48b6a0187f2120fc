"""The rating a kata or predict attempt proposes (README, "The rating rule"):
first try and fast → Easy; first try → Good; after a failed submission or a
hint → Hard; given up or unsolved → Again. Budgets: easy 5 min, medium 10,
hard 20; a predict card 1 min. "Fast" is within half the budget."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from prep.content.kinds import Difficulty
from prep.scheduling.memory import Rating
from prep.study.attempt import CardAttempt

T0 = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("difficulty", "budget"),
    [
        (Difficulty.EASY, timedelta(minutes=5)),
        (Difficulty.MEDIUM, timedelta(minutes=10)),
        (Difficulty.HARD, timedelta(minutes=20)),
    ],
)
def test_easy_within_half_the_budget_then_good(difficulty: Difficulty, budget: timedelta) -> None:
    fast = CardAttempt.for_kata(difficulty, T0)
    fast.submitted(True, T0 + budget / 2)
    assert fast.proposal(T0 + budget) is Rating.Easy
    slower = CardAttempt.for_kata(difficulty, T0)
    slower.submitted(True, T0 + budget / 2 + timedelta(seconds=1))
    assert slower.proposal(T0 + budget) is Rating.Good
    much_later = CardAttempt.for_kata(difficulty, T0)
    much_later.submitted(True, T0 + budget * 5)
    assert much_later.proposal(T0 + budget * 5) is Rating.Good


def test_predict_budget_is_one_minute() -> None:
    fast = CardAttempt.for_predict(T0)
    fast.submitted(True, T0 + timedelta(seconds=30))
    assert fast.proposal(T0 + timedelta(seconds=30)) is Rating.Easy
    slow = CardAttempt.for_predict(T0)
    slow.submitted(True, T0 + timedelta(seconds=31))
    assert slow.proposal(T0 + timedelta(seconds=31)) is Rating.Good


def test_a_hint_or_a_failed_submission_caps_at_hard() -> None:
    hinted = CardAttempt.for_kata(Difficulty.MEDIUM, T0)
    hinted.hint()
    hinted.submitted(True, T0 + timedelta(seconds=10))
    assert hinted.proposal(T0 + timedelta(seconds=10)) is Rating.Hard
    assert "1 hint" in hinted.explain(T0)
    failed = CardAttempt.for_kata(Difficulty.MEDIUM, T0)
    failed.submitted(False, T0 + timedelta(seconds=5))
    failed.submitted(True, T0 + timedelta(seconds=10))
    assert failed.proposal(T0 + timedelta(seconds=10)) is Rating.Hard
    assert "1 failed submission" in failed.explain(T0)


def test_giving_up_or_not_solving_is_again_and_nothing_counts_after_the_end() -> None:
    gave_up = CardAttempt.for_kata(Difficulty.EASY, T0)
    gave_up.give_up()
    gave_up.submitted(True, T0 + timedelta(seconds=1))  # after giving up: ignored
    assert gave_up.proposal(T0) is Rating.Again and gave_up.solved_at is None
    unsolved = CardAttempt.for_kata(Difficulty.EASY, T0)
    unsolved.submitted(False, T0)
    assert unsolved.proposal(T0) is Rating.Again
    solved = CardAttempt.for_kata(Difficulty.EASY, T0)
    solved.submitted(True, T0 + timedelta(seconds=1))
    solved.hint()
    solved.submitted(False, T0 + timedelta(seconds=2))
    assert solved.proposal(T0) is Rating.Easy  # the sitting was over: later events change nothing
