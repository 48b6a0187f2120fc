"""What to study next: due cards first (most overdue first), then the day's new
cards up to the daily limit in the learner's new-card order, then learning
cards coming back within minutes.

The new-card orders (the setting ``new_order``):

- ``mixed``: decks in turn, as in ``deck``, except that each day keeps a few
  slots for katas and predict cards (``min_new_katas``, ``min_new_predict``),
  spread evenly through the day's new cards. Without them a deck
  that lists its katas last would hold every kata back behind hundreds of
  Q&A cards.
- ``deck``: decks in turn, each in its file's order.
- ``random``: a shuffle seeded by the study day, the same all day.

Everything here is a function of its arguments: the same states on the same
day give the same order.
"""

from __future__ import annotations

import bisect
import hashlib
import itertools
from collections import Counter, OrderedDict, deque
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from prep.content.kinds import CardType
from prep.content.library import StudyCard
from prep.scheduling.memory import CardState, Stage
from prep.settings import NewOrder, Settings

# Anki's "learn ahead limit": a learning card due this soon is shown rather
# than ending the session with a card about to come back.
LEARN_AHEAD = timedelta(minutes=20)


@dataclass(frozen=True)
class QueueSettings:
    new_per_day: int = 20
    new_order: NewOrder = NewOrder.MIXED
    min_new_katas: int = 1
    min_new_predict: int = 2

    @classmethod
    def from_settings(cls, settings: Settings) -> QueueSettings:
        return cls(
            new_per_day=settings.new_per_day,
            new_order=settings.new_order,
            min_new_katas=settings.min_new_katas,
            min_new_predict=settings.min_new_predict,
        )

    def minimums(self) -> tuple[tuple[CardType, int], ...]:
        """The types a mixed day keeps slots for, katas first: they are the ones most
        easily crowded out."""
        return ((CardType.KATA, self.min_new_katas), (CardType.PREDICT, self.min_new_predict))


@dataclass(frozen=True)
class DaySoFar:
    """The study day so far: which day it is and the new cards it has already introduced.

    ``introduced`` counts every card first reviewed today (the daily limit is one
    for the whole day, whatever was studied); ``introduced_by_type`` lets the
    minimums count what is already met.
    """

    day: date
    introduced: int = 0
    introduced_by_type: Mapping[CardType, int] = field(default_factory=dict)


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


def shuffled_for_day(cards: Iterable[StudyCard], day: date) -> list[StudyCard]:
    """A shuffle that depends on the day and the card keys only.

    Each card's place comes from a hash of (day, key) rather than from a generator
    drawn over the whole list, so that introducing a card leaves the others in
    the same order for the rest of the day.
    """

    def place(card: StudyCard) -> bytes:
        return hashlib.blake2b(f"{day.isoformat()}/{card.key}".encode(), digest_size=8).digest()

    return sorted(cards, key=lambda card: (place(card), card.key))


def spread(count: int, length: int) -> list[int]:
    """``count`` positions spread evenly over ``length`` slots, each in the middle of its
    share: 3 over 20 gives 3, 10, 16. Strictly increasing when ``count <= length``."""
    return [(2 * i + 1) * length // (2 * count) for i in range(count)]


@dataclass(frozen=True)
class Slot:
    """A place a mixed day keeps for a card of ``kind``: the ``rank``-th of its kind,
    due at ``position`` among the day's new cards."""

    position: int
    kind: CardType
    rank: int


def day_slots(day_length: int, quotas: Mapping[CardType, int]) -> list[Slot]:
    """The minimums dealt in turn (kata, predict, predict, …), spread evenly over the day."""
    plan = [
        (kind, rank)
        for rank in range(max(quotas.values(), default=0))
        for kind, quota in quotas.items()
        if rank < quota
    ][:day_length]
    positions = spread(len(plan), day_length)
    return [Slot(at, kind, rank) for at, (kind, rank) in zip(positions, plan, strict=True)]


class _Cursor:
    """Walks cards in order, passing over the ones already placed by another cursor."""

    def __init__(self, cards: Sequence[StudyCard], placed: set[str]) -> None:
        self._cards = cards
        self._placed = placed
        self._at = 0

    def peek(self) -> StudyCard | None:
        while self._at < len(self._cards) and self._cards[self._at].key in self._placed:
            self._at += 1
        return self._cards[self._at] if self._at < len(self._cards) else None


def mix_types(
    unseen: Sequence[StudyCard], settings: QueueSettings, today: DaySoFar
) -> list[StudyCard]:
    """The day's remaining new cards in mixed order (``unseen`` in decks-in-turn order).

    The day has fixed slots for its minimums (``day_slots``). Walking the day's
    positions, a slot whose position has come takes the first unseen card of its
    kind, unless its kind is met already — by cards introduced earlier today, or
    by one that came in its natural turn; every other position takes the next
    card in decks-in-turn order. The walk depends only on what is met, not on
    how, so the order holds as the day goes: after the first card is studied,
    the queue rebuilt is the rest of this one. A slot the day has passed (cards
    were introduced in a narrower session) comes as soon as it can.
    """
    allowance = max(0, settings.new_per_day - today.introduced)
    available = Counter(card.type for card in unseen)
    met = Counter(today.introduced_by_type)
    # What the day can meet: the minimum, or every card of the kind there is.
    quotas = {
        kind: min(wanted, met[kind] + available[kind]) for kind, wanted in settings.minimums()
    }
    # The day's length is what it will introduce; the same all day, as every card
    # introduced leaves ``unseen`` for ``today.introduced``.
    day_length = min(settings.new_per_day, today.introduced + len(unseen))
    slots = deque(day_slots(day_length, quotas))
    placed: set[str] = set()
    in_turn = _Cursor(unseen, placed)
    of_kind = {kind: _Cursor([c for c in unseen if c.type is kind], placed) for kind in quotas}
    result: list[StudyCard] = []
    while len(result) < allowance:
        while slots and met[slots[0].kind] > slots[0].rank:
            slots.popleft()
        upcoming = in_turn.peek()
        card: StudyCard | None
        if slots and (slots[0].position <= today.introduced + len(result) or upcoming is None):
            card = of_kind[slots.popleft().kind].peek()
        elif upcoming is not None:
            card = upcoming
        else:
            break
        if card is not None:
            result.append(card)
            placed.add(card.key)
            met[card.type] += 1
    return result


def order_new_cards(
    unseen: Sequence[StudyCard], settings: QueueSettings, today: DaySoFar
) -> list[StudyCard]:
    """The new cards the rest of the day brings, in order (``unseen`` in decks-in-turn order)."""
    allowance = max(0, settings.new_per_day - today.introduced)
    if settings.new_order is NewOrder.RANDOM:
        return shuffled_for_day(unseen, today.day)[:allowance]
    if settings.new_order is NewOrder.MIXED:
        return mix_types(unseen, settings, today)
    return list(unseen[:allowance])


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
        today: DaySoFar,
        settings: QueueSettings,
        blocked: frozenset[str] = frozenset(),
        reviews_due_by: datetime | None = None,
        interleaved: bool = False,
    ) -> StudyQueue:
        """``reviews_due_by`` reviews ahead: review cards due by then count as due now.
        Learning cards keep their minutes-long steps, or one forgotten would come
        straight back ahead of everything. ``interleaved``: ``cards`` are already taken
        deck by deck in turn (a session works that out once)."""
        due_by = now if reviews_due_by is None else max(now, reviews_due_by)
        due: list[tuple[datetime, StudyCard]] = []
        soon: list[tuple[datetime, StudyCard]] = []
        unseen: list[StudyCard] = []
        later: list[datetime] = []
        # Interleave before filtering, so the rotation over decks is the same
        # whichever cards have already been introduced.
        # Once per rating over every card: names bound here, not looked up per card.
        state_of, new_stage, review_stage = states.get, Stage.NEW, Stage.REVIEW
        ahead = now + LEARN_AHEAD
        for card in cards if interleaved else interleave_by_deck(cards):
            key = card.key
            if key in blocked:
                continue
            state = state_of(key)
            if state is None or state.stage is new_stage:
                unseen.append(card)
                continue
            when = state.due
            if when <= now or (state.stage is review_stage and when <= due_by):
                due.append((when, card))
            elif state.stage is not review_stage and when <= ahead:
                soon.append((when, card))
            else:
                later.append(when)
        due.sort(key=lambda pair: (pair[0], pair[1].key))
        soon.sort(key=lambda pair: (pair[0], pair[1].key))
        upcoming = [when for when, _ in soon] + later
        return cls(
            due=tuple(card for _, card in due),
            new=tuple(order_new_cards(unseen, settings, today)),
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


def _due_of(entry: tuple[datetime, str]) -> datetime:
    return entry[0]


class QueueIndex:
    """The cards of a study session kept in the order the queue reads them, so that
    one rating moves one card instead of the whole queue being sorted again.

    Scheduled cards (any stage but new) sit in one list sorted by (due, key), which
    is the order of both the due cards and the learning cards; new cards keep
    their place in ``in_turn``. ``queue`` gives what ``StudyQueue.build`` gives for
    the same states (a property test holds them together); it reads the scheduled
    cards only as far as ``now``, the reviews-ahead bound and the learn-ahead limit.
    """

    def __init__(self, in_turn: Sequence[StudyCard], states: Mapping[str, CardState]) -> None:
        self._in_turn = tuple(in_turn)
        self._place = {card.key: index for index, card in enumerate(self._in_turn)}
        self._card = {card.key: card for card in self._in_turn}
        self._scheduled: list[tuple[datetime, str]] = []
        self._stage: dict[str, Stage] = {}
        self._due: dict[str, datetime] = {}
        unseen: list[int] = []
        for index, card in enumerate(self._in_turn):
            state = states.get(card.key)
            if state is None or state.stage is Stage.NEW:
                unseen.append(index)
            else:
                self._scheduled.append((state.due, card.key))
                self._stage[card.key] = state.stage
                self._due[card.key] = state.due
        self._scheduled.sort()
        self._unseen = unseen  # places in ``in_turn``, rising

    def update(self, key: str, state: CardState | None) -> None:
        """The card ``key`` now has ``state`` (None: new again)."""
        place = self._place.get(key)
        if place is None:
            return  # not a card of this session
        was = self._due.pop(key, None)
        if was is not None:
            del self._scheduled[bisect.bisect_left(self._scheduled, (was, key))]
            del self._stage[key]
        else:
            at = bisect.bisect_left(self._unseen, place)
            if at < len(self._unseen) and self._unseen[at] == place:
                del self._unseen[at]
        if state is None or state.stage is Stage.NEW:
            bisect.insort(self._unseen, place)
        else:
            bisect.insort(self._scheduled, (state.due, key))
            self._stage[key] = state.stage
            self._due[key] = state.due

    def queue(
        self,
        now: datetime,
        today: DaySoFar,
        settings: QueueSettings,
        blocked: frozenset[str] = frozenset(),
        reviews_due_by: datetime | None = None,
    ) -> StudyQueue:
        """The queue as of ``now``, as ``StudyQueue.build`` defines it."""
        due_by = now if reviews_due_by is None else max(now, reviews_due_by)
        ahead = now + LEARN_AHEAD
        bound = max(due_by, ahead)
        cards, card_of, stage_of = self._in_turn, self._card, self._stage
        scheduled, review_stage = self._scheduled, Stage.REVIEW
        # Everything due by now is due, whatever its stage: taken in one step.
        cut = bisect.bisect_right(scheduled, now, key=_due_of)
        due = [card_of[key] for _, key in scheduled[:cut] if key not in blocked]
        soon: list[StudyCard] = []
        next_due: datetime | None = None
        for when, key in itertools.islice(scheduled, cut, None):
            if key in blocked:
                continue
            if when > bound:
                if next_due is None:
                    next_due = when
                break
            if stage_of[key] is review_stage and when <= due_by:
                due.append(card_of[key])
                continue
            if next_due is None:
                next_due = when  # the list is sorted: the first not due comes first
            if stage_of[key] is not review_stage and when <= ahead:
                soon.append(card_of[key])
        unseen = [cards[index] for index in self._unseen if cards[index].key not in blocked]
        return StudyQueue(
            due=tuple(due),
            new=tuple(order_new_cards(unseen, settings, today)),
            learning_soon=tuple(soon),
            next_due=next_due,
        )
