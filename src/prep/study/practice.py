"""The kata problem list: every kata with where the learner stands on it.

Exercism-style practice outside the study queue: a learner picks a kata by
difficulty, tag or status, writes it in their own editor and grades it. The
list is built from the history in one pass, whatever its size.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from prep.content.kinds import CardType, Difficulty
from prep.content.library import Library, StudyCard
from prep.content.models import KataCard
from prep.content.pyversion import running_python
from prep.grading.attempts import Attempt
from prep.scheduling.days import require_utc
from prep.scheduling.marks import CardMarks
from prep.scheduling.memory import CardState, Stage
from prep.suggest import did_you_mean

if TYPE_CHECKING:
    from prep.store.history import History

# Only a run against the hidden tests says whether a kata is solved; running the
# examples, answering a predict card or any other event recorded as an attempt does not.
SUBMIT = "submit"


class KataStatus(StrEnum):
    NEW = "new"  # never submitted
    ATTEMPTED = "attempted"  # submitted, never passed
    SOLVED = "solved"  # a submission passed every hidden test
    DUE = "due"  # scheduled for review now, whatever the submissions say


@dataclass(frozen=True)
class LastSubmission:
    passed: bool
    tests_passed: int | None  # None: an attempt recorded without its counts
    tests_total: int | None
    submitted_at: datetime

    def to_dict(self) -> dict[str, Any]:
        return {
            "passed": self.passed,
            "tests_passed": self.tests_passed,
            "tests_total": self.tests_total,
            "submitted_at": self.submitted_at.isoformat(),
        }


@dataclass(frozen=True)
class KataRow:
    """One line of the problem list."""

    key: str  # deck/id
    id: str
    title: str
    deck: str
    deck_title: str
    difficulty: Difficulty
    tags: tuple[str, ...]
    status: KataStatus
    suspended: bool
    submissions: int
    last_submission: LastSubmission | None
    best_time_ms: int | None  # the fastest passing submission that kept its solving time

    def to_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "id": self.id,
            "title": self.title,
            "deck": self.deck,
            "deck_title": self.deck_title,
            "difficulty": self.difficulty.value,
            "tags": list(self.tags),
            "status": self.status.value,
            "suspended": self.suspended,
            "submissions": self.submissions,
            "last_submission": (
                self.last_submission.to_dict() if self.last_submission is not None else None
            ),
            "best_time_ms": self.best_time_ms,
        }


@dataclass
class _Tally:
    """What one pass over the attempts gathers for one kata."""

    submissions: int = 0
    solved: bool = False
    last: Attempt | None = None
    best_time_ms: int | None = None

    def add(self, attempt: Attempt) -> None:
        self.submissions += 1
        self.solved = self.solved or attempt.passed
        # Ties keep the later one in the history's order, which is the store's.
        if self.last is None or attempt.submitted_at >= self.last.submitted_at:
            self.last = attempt
        elapsed = attempt.elapsed_ms
        if attempt.passed and elapsed is not None:
            self.best_time_ms = (
                elapsed if self.best_time_ms is None else min(self.best_time_ms, elapsed)
            )


def kata_cards(library: Library, python: tuple[int, int] | None = None) -> list[StudyCard]:
    """The katas of the library that apply to this Python, in the library's order."""
    version = python if python is not None else running_python()
    return [
        card
        for card in library.cards.values()
        if card.type is CardType.KATA and card.applies_to(version)
    ]


def kata_rows(
    library: Library,
    attempts: Iterable[Attempt],
    states: Mapping[str, CardState],
    marks: Mapping[str, CardMarks],
    now: datetime,
    python: tuple[int, int] | None = None,
) -> list[KataRow]:
    """The problem list as of ``now`` (UTC), one row per kata, in the library's order."""
    require_utc(now)
    cards = kata_cards(library, python)
    tallies = {card.key: _Tally() for card in cards}
    for attempt in attempts:
        if attempt.kind == SUBMIT:
            tally = tallies.get(attempt.card_key)
            if tally is not None:
                tally.add(attempt)
    deck_titles = {deck.slug: deck.title for deck in library.decks}
    return [
        _row(card, tallies[card.key], states.get(card.key), marks.get(card.key), deck_titles, now)
        for card in cards
    ]


def read_kata_rows(
    library: Library, store: History, now: datetime, python: tuple[int, int] | None = None
) -> list[KataRow]:
    """The problem list from the store's history: three reads, whatever the number of katas."""
    submissions = store.attempts(kind=SUBMIT)
    return kata_rows(library, submissions, store.card_states(), store.marks(), now, python)


def _row(
    card: StudyCard,
    tally: _Tally,
    state: CardState | None,
    marks: CardMarks | None,
    deck_titles: Mapping[str, str],
    now: datetime,
) -> KataRow:
    kata = card.card
    assert isinstance(kata, KataCard)
    last = tally.last
    return KataRow(
        key=card.key,
        id=kata.id,
        title=kata.title,
        deck=card.deck,
        deck_title=deck_titles.get(card.deck, card.deck),
        difficulty=kata.difficulty,
        tags=card.tags,
        status=_status(tally, state, now),
        suspended=marks is not None and marks.suspended,
        submissions=tally.submissions,
        last_submission=(
            LastSubmission(last.passed, last.tests_passed, last.tests_total, last.submitted_at)
            if last is not None
            else None
        ),
        best_time_ms=tally.best_time_ms,
    )


def _status(tally: _Tally, state: CardState | None, now: datetime) -> KataStatus:
    if state is not None and state.stage is not Stage.NEW and state.due <= now:
        return KataStatus.DUE
    if tally.solved:
        return KataStatus.SOLVED
    if tally.submissions:
        return KataStatus.ATTEMPTED
    return KataStatus.NEW


# -- choosing from the list ----------------------------------------------------


@dataclass(frozen=True)
class KataFilter:
    """What the learner asked to see; an unset field lets every kata through."""

    difficulty: Difficulty | None = None
    tag: str | None = None
    status: KataStatus | None = None
    deck: str | None = None

    def matches(self, row: KataRow) -> bool:
        return (
            (self.difficulty is None or row.difficulty is self.difficulty)
            and (self.tag is None or self.tag in row.tags)
            and (self.status is None or row.status is self.status)
            and (self.deck is None or row.deck == self.deck)
        )


def filter_katas(rows: Iterable[KataRow], wanted: KataFilter) -> list[KataRow]:
    return [row for row in rows if wanted.matches(row)]


def kata_tags(rows: Iterable[KataRow]) -> list[str]:
    """Every tag some kata carries, sorted: what a tag filter can name."""
    return sorted({tag for row in rows for tag in row.tags})


# -- naming a kata ---------------------------------------------------------------


class UnknownKataError(LookupError):
    """A name that is no kata, or a bare id shared by katas of several decks."""


def find_kata(library: Library, name: str) -> StudyCard:
    """The kata named ``deck/id``, or by its bare ``id`` when no other deck uses that id.

    Every kata counts, even one meant for another Python: it can still be read and graded.
    """
    katas = [card for card in library.cards.values() if card.type is CardType.KATA]
    exact = library.cards.get(name)
    if exact is not None and isinstance(exact.card, KataCard):
        return exact
    same_id = [card for card in katas if card.card.id == name]
    if len(same_id) == 1:
        return same_id[0]
    if same_id:
        keys = ", ".join(card.key for card in same_id)
        raise UnknownKataError(f"kata '{name}' is in several decks: name one of {keys}")
    names = sorted({card.key for card in katas} | {card.card.id for card in katas})
    raise UnknownKataError(f"unknown kata '{name}'{did_you_mean(name, names)}")
