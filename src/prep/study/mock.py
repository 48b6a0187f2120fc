"""A mock interview: timed items in order, no going back, each one a review.

The rating each result earns:
- a kata passed without hints: Good; passed with hints: Hard; failed, given up
  or timed out: Again;
- a predict card right: Good (Hard with its hint); wrong: Again;
- a Q&A card: the learner's own rating, as in study;
- the item on screen when the time runs out: Again (a kata or predict card solved
  before, not yet left, keeps its solve); the items after it are not reached and
  are not reviewed.

The report is kept with the attempts, as one entry of the kind ``mock``: its
summary holds every item's result, time and hints.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from prep.content.kinds import CardType
from prep.grading.attempts import Attempt
from prep.scheduling.memory import Rating
from prep.study.attempt import CardAttempt
from prep.study.mock_plan import MockItem, MockPlan, plan_mock
from prep.wording import plural

if TYPE_CHECKING:
    from prep.content.library import Library
    from prep.settings import Settings
    from prep.store.history import History
    from prep.store.repository import Store
    from prep.study.session import Prompt, StudySession

# The attempts entry of an interview: its kind, and a key no card has (card keys are deck/id).
MOCK_KIND = "mock"
MOCK_KEY = "mock"


class Result(StrEnum):
    PASSED = "passed"
    FAILED = "failed"
    GAVE_UP = "gave up"
    TIMED_OUT = "timed out"
    NOT_REACHED = "not reached"


class Ending(StrEnum):
    FINISHED = "finished"
    TIME_UP = "time up"
    ABANDONED = "abandoned"


@dataclass(frozen=True)
class ItemAnswer:
    """How the learner got on with an item, as the screen saw it."""

    result: Result
    hints: int = 0
    own_rating: Rating | None = None  # a Q&A card's, given by the learner
    # When a kata or predict card was solved, if it was: in time counts, whenever Enter is pressed.
    solved_at: datetime | None = None


def answer_of_attempt(attempt: CardAttempt, card_type: CardType) -> ItemAnswer:
    """A kata's or predict card's finished attempt as an interview answer."""
    if attempt.solved_at is not None:
        result = Result.PASSED
    elif card_type is CardType.KATA and attempt.gave_up:
        result = Result.GAVE_UP
    else:
        result = Result.FAILED
    return ItemAnswer(result, attempt.hints_used, solved_at=attempt.solved_at)


def item_rating(card_type: CardType, answer: ItemAnswer) -> Rating | None:
    """The review an answer gives (None: not reached, no review)."""
    if answer.result is Result.NOT_REACHED:
        return None
    if answer.result is not Result.PASSED:
        return Rating.Again
    if card_type is CardType.QA:
        return answer.own_rating or Rating.Good
    return Rating.Hard if answer.hints else Rating.Good


def explain_answer(card_type: CardType, answer: ItemAnswer) -> str:
    """The result and the rating it earns, in a sentence."""
    rating = item_rating(card_type, answer)
    name = rating.name if rating is not None else "no review"
    if answer.result is Result.PASSED:
        if card_type is CardType.QA:
            return f"Your rating: {name}."
        hints = f"with {plural(answer.hints, 'hint')}" if answer.hints else "without hints"
        return f"{'Solved' if card_type is CardType.KATA else 'Right'} {hints}: {name}."
    what = {
        Result.FAILED: "Not solved" if card_type is CardType.KATA else "Missed",
        Result.GAVE_UP: "You gave up",
        Result.TIMED_OUT: "The time ran out",
        Result.NOT_REACHED: "Not reached",
    }[answer.result]
    return f"{what}: {name}."


@dataclass(frozen=True)
class ItemResult:
    card_key: str
    type: CardType
    topic: str
    result: Result
    rating: Rating | None
    spent: timedelta
    hints: int

    @property
    def passed(self) -> bool:
        return self.result is Result.PASSED

    def to_dict(self) -> dict[str, Any]:
        return {
            "card": self.card_key,
            "type": self.type.value,
            "topic": self.topic,
            "result": self.result.value,
            "rating": int(self.rating) if self.rating is not None else None,
            "spent_ms": round(self.spent.total_seconds() * 1000),
            "hints": self.hints,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ItemResult:
        rating = data.get("rating")
        return cls(
            str(data["card"]),
            CardType(data["type"]),
            str(data["topic"]),
            Result(data["result"]),
            Rating(int(rating)) if rating is not None else None,
            timedelta(milliseconds=int(data["spent_ms"])),
            int(data["hints"]),
        )


@dataclass(frozen=True)
class MockReport:
    id: str
    started_at: datetime
    ended_at: datetime
    minutes: int  # the time allowed
    ending: Ending
    items: tuple[ItemResult, ...]

    @property
    def passed(self) -> int:
        return sum(item.passed for item in self.items)

    @property
    def score(self) -> float:
        """The share of the items passed (those not reached count as not passed)."""
        return self.passed / len(self.items) if self.items else 0.0

    @property
    def used(self) -> timedelta:
        return self.ended_at - self.started_at

    @property
    def hints(self) -> int:
        return sum(item.hints for item in self.items)

    @property
    def topics_to_review(self) -> tuple[str, ...]:
        """The topics of the items failed, given up or timed out, in the interview's order."""
        missed = [
            item.topic
            for item in self.items
            if item.result in (Result.FAILED, Result.GAVE_UP, Result.TIMED_OUT)
        ]
        return tuple(dict.fromkeys(missed))

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "started_at": self.started_at.isoformat(),
            "ended_at": self.ended_at.isoformat(),
            "minutes": self.minutes,
            "ending": self.ending.value,
            "passed": self.passed,
            "score": self.score,
            "topics_to_review": list(self.topics_to_review),
            "items": [item.to_dict() for item in self.items],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> MockReport:
        return cls(
            str(data["id"]),
            datetime.fromisoformat(data["started_at"]),
            datetime.fromisoformat(data["ended_at"]),
            int(data["minutes"]),
            Ending(data["ending"]),
            tuple(ItemResult.from_dict(item) for item in data["items"]),
        )


@dataclass
class MockInterview:
    """The interview under way: its clock, where it stands, and the results so far."""

    plan: MockPlan
    started_at: datetime
    id: str = field(default_factory=lambda: str(uuid.uuid4()))
    results: list[ItemResult] = field(default_factory=list)
    ending: Ending | None = None
    ended_at: datetime | None = None
    item_started_at: datetime | None = None  # when the current item was put on screen

    @property
    def deadline(self) -> datetime:
        return self.started_at + timedelta(minutes=self.plan.minutes)

    def remaining(self, now: datetime) -> timedelta:
        return max(timedelta(0), self.deadline - now)

    def time_is_up(self, now: datetime) -> bool:
        return now >= self.deadline

    @property
    def is_over(self) -> bool:
        return self.ending is not None

    @property
    def current(self) -> MockItem | None:
        if self.is_over or len(self.results) >= len(self.plan.items):
            return None
        return self.plan.items[len(self.results)]

    @property
    def position(self) -> int:
        """The current item's number, from 1."""
        return len(self.results) + 1

    def start_item(self, now: datetime) -> MockItem | None:
        """The current item is on screen: its time runs from now (and the interview's,
        from its first item: reading the cards in is not the learner's time)."""
        if not self.results:
            self.started_at = now
        self.item_started_at = now
        return self.current

    def answer(self, answer: ItemAnswer, now: datetime) -> ItemResult:
        """Close the current item with the learner's answer and move on. An answer
        given once the time is up counts as timed out (a solve counts when it was made)."""
        item = self.current
        if item is None:
            raise ValueError("the interview has no item waiting for an answer")
        at = answer.solved_at or now
        if self.time_is_up(at):
            answer = ItemAnswer(Result.TIMED_OUT, answer.hints)
        result = self._close(item, answer, min(at, self.deadline))
        if self.current is None:
            self._end(Ending.FINISHED, min(now, self.deadline))
        elif self.time_is_up(now):
            self.time_up(now)
        return result

    def time_up(self, now: datetime, hints: int = 0) -> ItemResult | None:
        """The time ran out: the item on screen is timed out (returned, to be reviewed),
        the rest not reached."""
        item = self.current
        result = None
        if item is not None and self.item_started_at is not None:
            result = self._close(item, ItemAnswer(Result.TIMED_OUT, hints), self.deadline)
        self._rest_not_reached(self.deadline)
        self._end(Ending.TIME_UP, self.deadline)
        return result

    def abandon(self, now: datetime) -> None:
        """Stopped by the learner: the items answered keep their results, the rest are not
        reached."""
        self._rest_not_reached(now)
        self._end(Ending.ABANDONED, min(now, self.deadline))

    def _close(self, item: MockItem, answer: ItemAnswer, at: datetime) -> ItemResult:
        started = self.item_started_at or at
        result = ItemResult(
            item.card_key,
            item.type,
            item.topic,
            answer.result,
            item_rating(item.type, answer),
            max(timedelta(0), at - started),
            answer.hints,
        )
        self.results.append(result)
        self.item_started_at = None
        return result

    def _rest_not_reached(self, at: datetime) -> None:
        while (item := self.current) is not None:
            self.item_started_at = at
            self._close(item, ItemAnswer(Result.NOT_REACHED), at)

    def _end(self, ending: Ending, at: datetime) -> None:
        self.ending = ending
        self.ended_at = at

    def report(self) -> MockReport:
        if self.ending is None or self.ended_at is None:
            raise ValueError("the interview is not over")
        return MockReport(
            self.id,
            self.started_at,
            self.ended_at,
            self.plan.minutes,
            self.ending,
            tuple(self.results),
        )


# -- kept in the store, with the attempts ------------------------------------------


def report_attempt(report: MockReport, installation_id: str) -> Attempt:
    return Attempt(
        id=report.id,
        card_key=MOCK_KEY,
        kind=MOCK_KIND,
        submitted_at=report.ended_at,
        code="",
        passed=report.ending is Ending.FINISHED,
        summary=report.to_dict(),
        duration_ms=round(report.used.total_seconds() * 1000),
        installation_id=installation_id,
    )


def past_interviews(history: History) -> list[MockReport]:
    """Every interview kept, oldest first; an entry that cannot be read is left out
    (one written by a newer prep, say) rather than failing the list."""
    reports = []
    for attempt in history.attempts(kind=MOCK_KIND):
        try:
            reports.append(MockReport.from_dict(attempt.summary))
        except (KeyError, TypeError, ValueError):
            continue
    return reports


# -- the interview with its reviews ------------------------------------------------


@dataclass
class MockSession:
    """An interview whose answers are reviews: each answered item is rated through the
    study session, and the report is kept when it ends (call off the UI thread)."""

    study: StudySession
    interview: MockInterview
    store: Callable[[], Store]  # opened for the report, if the reviews have not opened it

    def next_prompt(self) -> Prompt | None:
        """The next item's card with its state, its time starting now; None at the end."""
        item = self.interview.current
        if item is None:
            return None
        card = self.study.library.cards[item.card_key]
        prompt = self.study.prompt_for(card)
        # After the card is read: the first one waits for the scheduler to load.
        self.interview.start_item(self.study.now())
        return prompt

    def answer(self, prompt: Prompt, answer: ItemAnswer) -> ItemResult:
        result = self.interview.answer(answer, self.study.now())
        self._review(prompt, result)
        return result

    def time_up(self, prompt: Prompt | None, hints: int = 0) -> ItemResult | None:
        result = self.interview.time_up(self.study.now(), hints)
        if prompt is not None and result is not None:
            self._review(prompt, result)
        return result

    def abandon(self) -> None:
        self.interview.abandon(self.study.now())

    def _review(self, prompt: Prompt, result: ItemResult) -> None:
        if result.rating is not None:
            self.study.answer(prompt, result.rating)

    def keep(self) -> MockReport:
        """The report, written to the store."""
        report = self.interview.report()
        store = self.store()
        store.record_attempt(report_attempt(report, store.installation_id))
        return report


def plan_interview(
    library: Library, history: History, settings: Settings, now: datetime, seed: int
) -> MockPlan:
    """The learner's next interview, as their settings shape it."""
    from prep.scheduling.memory import memory_model
    from prep.study.session import studyable_cards

    return plan_mock(
        studyable_cards(library),
        history.card_states(),
        history.marks(),
        memory_model(settings, history.fitted_parameters()),
        now,
        minutes=settings.mock_minutes,
        katas=settings.mock_katas,
        questions=settings.mock_questions,
        seed=seed,
    )
