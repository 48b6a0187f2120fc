"""A study session: which card comes next, what a rating does, and undo.

This is the whole of studying without a screen: the TUI only shows what it
returns, and tests drive it directly with pinned time.
"""

from __future__ import annotations

import threading
import uuid
from collections import Counter
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta, tzinfo
from functools import cached_property
from typing import TYPE_CHECKING

from prep.clock import truncate_to_ms
from prep.content.kinds import CardType
from prep.content.library import Library, StudyCard
from prep.content.pyversion import running_python
from prep.scheduling.days import day_start, next_day_start, study_day
from prep.scheduling.marks import CardMarks, is_new_leech
from prep.scheduling.memory import CardState, MemoryModel, Rating, Stage, memory_model
from prep.scheduling.queue import (
    DaySoFar,
    QueueCounts,
    QueueIndex,
    QueueSettings,
    StudyQueue,
    interleave_by_deck,
)
from prep.scheduling.replay import Review
from prep.settings import Settings
from prep.study.scope import StudyScope
from prep.study.sitting import UNDONE, log_event

if TYPE_CHECKING:
    from prep.store.history import History
    from prep.store.repository import Store

Clock = Callable[[], datetime]

# Card types the study queue serves.
STUDY_TYPES = frozenset({CardType.QA, CardType.PREDICT, CardType.KATA})

EVERYTHING = StudyScope()


def build_queue(
    cards: Sequence[StudyCard],
    store: History,
    settings: Settings,
    now: datetime,
    tz: tzinfo,
    states: Mapping[str, CardState] | None = None,
    scope: StudyScope = EVERYTHING,
    marks: Mapping[str, CardMarks] | None = None,
    introduced: Collection[str] | None = None,
    prepared: PreparedCards | None = None,
    index: QueueIndex | None = None,
) -> StudyQueue:
    """The queue of ``cards`` within ``scope`` as of ``now``: suspended and buried cards
    left out, and the new-card allowance reduced by the cards already introduced
    this study day — in any scope, as the daily limit is one for the whole day.
    ``prepared`` is what a session works out once of ``cards`` and ``scope``, and
    ``index`` the session's cards in queue order, kept current by its ratings (it
    stands for ``states``)."""
    rollover = settings.rollover_hour
    today = study_day(now, tz, rollover)
    if introduced is None:
        introduced = store.first_reviewed_since(day_start(today, tz, rollover))
    if prepared is None:
        prepared = PreparedCards.of(cards, scope)
    types = prepared.types
    by_type = Counter(types[key] for key in introduced if key in types)
    if marks is None:
        marks = store.marks()
    blocked = frozenset(key for key, mark in marks.items() if mark.blocks(now))
    queue_settings = QueueSettings.from_settings(settings)
    reviews_due_by = None
    if scope.reviews_ahead:
        # Through the end of the study day ``ahead_days`` from today.
        reviews_due_by = day_start(today + timedelta(days=scope.ahead_days + 1), tz, rollover)
        queue_settings = replace(queue_settings, new_per_day=0)  # reviews only
    day_so_far = DaySoFar(today, len(introduced), by_type)
    if index is not None:
        return index.queue(now, day_so_far, queue_settings, blocked, reviews_due_by)
    return StudyQueue.build(
        prepared.in_turn,
        store.card_states() if states is None else states,
        now,
        day_so_far,
        queue_settings,
        blocked,
        reviews_due_by,
        interleaved=True,
    )


@dataclass(frozen=True)
class PreparedCards:
    """What does not change between two ratings: every card's type, and the cards of the
    scope taken deck by deck in turn."""

    types: dict[str, CardType]
    in_turn: tuple[StudyCard, ...]

    @classmethod
    def of(cls, cards: Sequence[StudyCard], scope: StudyScope) -> PreparedCards:
        return cls(
            {card.key: card.type for card in cards},
            tuple(interleave_by_deck(card for card in cards if scope.admits(card))),
        )


def studyable_cards(library: Library) -> list[StudyCard]:
    version = running_python()
    return [
        card
        for card in library.cards.values()
        if card.type in STUDY_TYPES and card.applies_to(version)
    ]


@dataclass(frozen=True)
class Answer:
    review: Review
    before: CardState
    after: CardState
    marks_before: CardMarks | None = None
    became_leech: bool = False


@dataclass(frozen=True)
class Prompt:
    """The card on screen and what each rating would do to it."""

    card: StudyCard
    state: CardState
    review_id: str
    shown_at: datetime
    intervals: dict[Rating, timedelta]


@dataclass
class _Known:
    """What a session has read from the store, kept current by its own ratings and undos,
    so that the next card comes without reading every state again."""

    day: date
    states: dict[str, CardState]
    marks: dict[str, CardMarks]
    introduced: set[str]  # cards whose first review falls on ``day``
    index: QueueIndex  # the session's cards in queue order, by these states


@dataclass
class StudySession:
    """Studying from the queue; ``scope`` narrows it to a deck, tag or type, or reviews ahead."""

    library: Library
    # The store, or what opens it at the first write (the app opens it in the background).
    store: Store | Callable[[], Store]
    settings: Settings
    tz: tzinfo
    clock: Clock
    new_id: Callable[[], str] = field(default=lambda: str(uuid.uuid4()))
    scope: StudyScope = EVERYTHING
    # Where the session reads, when not from the store: the same history in plain SQL,
    # so that the first card does not wait for the store to open.
    history: History | None = None
    _undo: list[Answer] = field(default_factory=list, init=False)
    _model: MemoryModel | None = field(default=None, init=False)
    _known: _Known | None = field(default=None, init=False)
    # What is read once a day is read by one thread at a time: the app may prepare a
    # session in the background while the learner's first card is asked for.
    _reading: threading.Lock = field(default_factory=threading.Lock, init=False)

    @cached_property
    def _cards(self) -> list[StudyCard]:
        # Worked out on first use, in the worker that reads the first card: creating a
        # session (on the UI thread) costs nothing, whatever the size of the decks.
        return studyable_cards(self.library)

    @cached_property
    def _prepared(self) -> PreparedCards:
        return PreparedCards.of(self._cards, self.scope)

    def _writer(self) -> Store:
        store = self.store
        if callable(store):
            store = self.store = store()
        return store

    def _reader(self) -> History:
        return self.history if self.history is not None else self._writer()

    @property
    def model(self) -> MemoryModel:
        """Built on first use, so that creating a session reads nothing from the store."""
        if self._model is None:
            self._model = memory_model(self.settings, self._reader().fitted_parameters())
        return self._model

    def now(self) -> datetime:
        return truncate_to_ms(self.clock())

    def queue(self) -> StudyQueue:
        now = self.now()
        known = self._read(now)
        return build_queue(
            self._cards, self._reader(), self.settings, now, self.tz, known.states, self.scope,
            known.marks, known.introduced, self._prepared, known.index,
        )  # fmt: skip

    def prepare(self) -> None:
        """Read now what the first card needs (the cards, their states, the queue in
        order), so that asking for it later reads nothing."""
        self._read(self.now())

    def forget(self) -> None:
        """Read the history again for the next card: it changed since it was read."""
        with self._reading:
            self._known = None

    def _read(self, now: datetime) -> _Known:
        """The states, marks and today's new cards: read once a study day, then kept."""
        with self._reading:
            return self._read_unlocked(now)

    def _read_unlocked(self, now: datetime) -> _Known:
        rollover = self.settings.rollover_hour
        today = study_day(now, self.tz, rollover)
        if self._known is None or self._known.day != today:
            start = day_start(today, self.tz, rollover)
            history = self._reader()
            states = history.card_states()
            self._known = _Known(
                today,
                states,
                history.marks(),
                set(history.first_reviewed_since(start)),
                QueueIndex(self._prepared.in_turn, states),
            )
        return self._known

    def _introduced_today(self, key: str) -> bool:
        first = self._reader().first_review_ms(key)
        known = self._known
        if first is None or known is None:
            return False
        start = day_start(known.day, self.tz, self.settings.rollover_hour)
        return first >= int(start.timestamp() * 1000)

    def _remember(self, key: str, state: CardState | None, marks: CardMarks | None) -> None:
        """Keep what was read in step with a rating or an undo just written."""
        known = self._known
        if known is None:
            return
        if state is None or state.stage is Stage.NEW:
            known.states.pop(key, None)
            known.index.update(key, None)
        else:
            known.states[key] = state
            known.index.update(key, state)
        if marks is None:
            known.marks.pop(key, None)
        else:
            known.marks[key] = marks
        if self._introduced_today(key):
            known.introduced.add(key)
        else:
            known.introduced.discard(key)

    def counts(self) -> QueueCounts:
        return self.queue().counts()

    def next_prompt(self) -> Prompt | None:
        card = self.queue().next_card()
        return self.prompt_for(card) if card is not None else None

    def answer(self, prompt: Prompt, rating: Rating) -> Answer:
        """Log the rating and store the new state (committed before returning)."""
        now = self.now()
        after = self.model.review(prompt.state, rating, now, prompt.review_id)
        duration_ms = max(0, int((now - prompt.shown_at).total_seconds() * 1000))
        store = self._writer()
        review = Review(
            prompt.review_id,
            prompt.card.key,
            rating,
            now,
            duration_ms,
            store.installation_id,
            stage_before=prompt.state.stage,
        )
        store.record_review(review, after)
        marks = self._read(now).marks.get(prompt.card.key)
        became_leech = is_new_leech(after, marks, self.settings.leech_threshold)
        marks_after = marks
        if became_leech:
            marks_after = CardMarks(suspended=True, buried_until=None, leech=True)
            store.set_marks(prompt.card.key, marks_after, now)
        self._remember(prompt.card.key, after, marks_after)
        answer = Answer(review, prompt.state, after, marks, became_leech)
        self._undo.append(answer)
        return answer

    @property
    def can_undo(self) -> bool:
        return bool(self._undo)

    def undo(self) -> StudyCard | None:
        """Take back the last rating; returns the card that was un-rated."""
        if not self._undo:
            return None
        answer = self._undo.pop()
        key = answer.review.card_key
        store = self._writer()
        store.undo_review(answer.review.id, answer.before)
        marks = answer.marks_before
        if answer.became_leech:
            marks = answer.marks_before or CardMarks()
            store.set_marks(key, marks, self.now())
        elif self._known is not None:
            marks = self._known.marks.get(key)
        self._remember(key, answer.before, marks)
        card = self.library.cards.get(key)
        if card is not None and card.type in (CardType.KATA, CardType.PREDICT):
            # The review is open again, and its answer has been seen: the sitting says so.
            log_event(store, card.key, UNDONE, self.now())
        return card

    def prompt_for(self, card: StudyCard) -> Prompt:
        now = self.now()
        state = self._reader().card_state(card.key) or CardState.new(card.key, now)
        review_id = self.new_id()
        return Prompt(card, state, review_id, now, self.model.preview(state, now, review_id))

    def next_day_starts(self) -> datetime:
        return next_day_start(self.now(), self.tz, self.settings.rollover_hour)
