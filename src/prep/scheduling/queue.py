"""What to study next: due cards first (most overdue first), then new cards
up to the daily limit, taking decks in turn."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from prep.content.library import StudyCard
from prep.scheduling.memory import CardState, Stage
from prep.settings import Settings

# Anki's "learn ahead limit": a learning card due this soon is shown rather
# than ending the session with a card about to come back.
LEARN_AHEAD = timedelta(minutes=20)


@dataclass(frozen=True)
class QueueSettings:
    new_per_day: int = 20

    @classmethod
    def from_settings(cls, settings: Settings) -> QueueSettings:
        return cls(new_per_day=settings.new_per_day)


@dataclass(frozen=True)
class QueueCounts:
    due_now: int
    new_available: int
    learning_soon: int
    next_due: datetime | None


def interleave_by_deck(cards: Iterable[StudyCard]) -> list[StudyCard]:
    """Round-robin over decks, keeping each deck's own order."""
    by_deck: OrderedDict[str, list[StudyCard]] = OrderedDict()
    for card in cards:
        by_deck.setdefault(card.deck, []).append(card)
    lanes = [iter(lane) for lane in by_deck.values()]
    result: list[StudyCard] = []
    while lanes:
        still_going = []
        for lane in lanes:
            upcoming = next(lane, None)
            if upcoming is not None:
                result.append(upcoming)
                still_going.append(lane)
        lanes = still_going
    return result


@dataclass(frozen=True)
class StudyQueue:
    """A snapshot of the queue at one moment; rebuilt after every rating."""

    due: tuple[StudyCard, ...]
    new: tuple[StudyCard, ...]
    learning_soon: tuple[StudyCard, ...]
    next_due: datetime | None

    @classmethod
    def build(
        cls,
        cards: Sequence[StudyCard],
        states: Mapping[str, CardState],
        now: datetime,
        new_introduced_today: int,
        settings: QueueSettings,
        blocked: frozenset[str] = frozenset(),
    ) -> StudyQueue:
        due: list[tuple[datetime, StudyCard]] = []
        soon: list[tuple[datetime, StudyCard]] = []
        unseen: list[StudyCard] = []
        later: list[datetime] = []
        # Interleave before filtering, so the rotation over decks is the same
        # whichever cards have already been introduced.
        for card in interleave_by_deck(cards):
            if card.key in blocked:
                continue
            state = states.get(card.key)
            if state is None or state.stage is Stage.NEW:
                unseen.append(card)
            elif state.due <= now:
                due.append((state.due, card))
            elif (
                state.stage in (Stage.LEARNING, Stage.RELEARNING) and state.due <= now + LEARN_AHEAD
            ):
                soon.append((state.due, card))
            else:
                later.append(state.due)
        due.sort(key=lambda pair: (pair[0], pair[1].key))
        soon.sort(key=lambda pair: (pair[0], pair[1].key))
        allowance = max(0, settings.new_per_day - new_introduced_today)
        new = unseen[:allowance]
        upcoming = [when for when, _ in soon] + later
        return cls(
            due=tuple(card for _, card in due),
            new=tuple(new),
            learning_soon=tuple(card for _, card in soon),
            next_due=min(upcoming) if upcoming else None,
        )

    def next_card(self) -> StudyCard | None:
        for group in (self.due, self.new, self.learning_soon):
            if group:
                return group[0]
        return None

    def counts(self) -> QueueCounts:
        return QueueCounts(len(self.due), len(self.new), len(self.learning_soon), self.next_due)
