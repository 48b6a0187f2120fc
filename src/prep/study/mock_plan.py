"""Which cards a mock interview asks, and in what order.

An interview asks from the learner's weakest topics: a card's topics are its tags
(its deck when it has none), and a topic's mastery is the share of its cards
recalled now with probability 0.9 or more, as on Progress. The questions (Q&A and
predict cards, a quarter of them predict cards) go round the topics weakest first,
the least well recalled card of each; the katas too come from the weakest topics,
and among equally weak ones climb a ladder from easy to hard. The katas are spread
among the questions, each after a block of them, as an interviewer mixes talk and
code.

Pure: the states, the time and the seed are parameters; the same ones give the
same interview.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from prep.content.kinds import CardType, Difficulty
from prep.content.library import StudyCard
from prep.scheduling.marks import CardMarks
from prep.scheduling.mastery import Mastery, mastery_by_topic
from prep.scheduling.memory import CardState, MemoryModel

QUESTION_TYPES = frozenset({CardType.QA, CardType.PREDICT})
LEVELS = (Difficulty.EASY, Difficulty.MEDIUM, Difficulty.HARD)

_Chosen = tuple[StudyCard, str]
# A card's weakness as a sort key: its weakest topic's mastery, its recall now, its draw.
_Weakness = Callable[[StudyCard], tuple[float, float, int]]


@dataclass(frozen=True)
class MockItem:
    card_key: str
    type: CardType
    topic: str  # the weak topic it was chosen for


@dataclass(frozen=True)
class MockPlan:
    items: tuple[MockItem, ...]
    minutes: int
    weakest: tuple[Mastery, ...]  # the topics asked from, weakest first

    @property
    def katas(self) -> int:
        return sum(item.type is CardType.KATA for item in self.items)

    @property
    def questions(self) -> int:
        return len(self.items) - self.katas


def card_topics(card: StudyCard) -> tuple[str, ...]:
    return card.tags or (card.deck,)


def kata_levels(count: int) -> list[Difficulty]:
    """The difficulty of each kata in turn: a ladder from easy to hard (two: easy, medium)."""
    return [LEVELS[min(len(LEVELS) - 1, n * len(LEVELS) // count)] for n in range(count)]


def kata_difficulty(card: StudyCard) -> Difficulty:
    from prep.content.models import KataCard  # the card's model: pydantic

    model = card.card
    assert isinstance(model, KataCard)
    return model.difficulty


def plan_mock(
    cards: Sequence[StudyCard],
    states: Mapping[str, CardState],
    marks: Mapping[str, CardMarks],
    model: MemoryModel,
    now: datetime,
    *,
    minutes: int,
    katas: int,
    questions: int,
    seed: int,
) -> MockPlan:
    """The interview: ``katas`` katas and ``questions`` questions (fewer when the decks
    have fewer), from the weakest topics; suspended cards are left out."""
    rng = random.Random(seed)
    # A fixed draw per card and per topic breaks ties: the same seed, the same interview.
    order = sorted(card.key for card in cards)
    rng.shuffle(order)
    tiebreak = {key: n for n, key in enumerate(order)}
    retrievability = {key: model.retrievability(state, now) for key, state in states.items()}
    masteries = mastery_by_topic(((card.key, card_topics(card)) for card in cards), retrievability)
    topic_order = [mastery.name for mastery in masteries]
    rng.shuffle(topic_order)
    topic_draw = {name: n for n, name in enumerate(topic_order)}
    ranked = sorted(masteries, key=lambda m: (m.share, topic_draw[m.name]))
    share = {mastery.name: mastery.share for mastery in ranked}

    open_cards = [card for card in cards if not (marks.get(card.key) or CardMarks()).suspended]

    def weakness(card: StudyCard) -> tuple[float, float, int]:
        weakest = min(share[topic] for topic in card_topics(card))
        return weakest, retrievability.get(card.key, 0.0), tiebreak[card.key]

    def weakest_topic(card: StudyCard) -> str:
        return min(card_topics(card), key=lambda topic: (share[topic], topic_draw[topic]))

    # A quarter of the questions (at least one) are predict cards while there are any: an
    # interviewer asks to read code as well as to explain.
    predicts = _questions(
        [card for card in open_cards if card.type is CardType.PREDICT],
        ranked, weakness, max(1, questions // 4) if questions else 0,
    )  # fmt: skip
    taken = {card.key for card, _ in predicts}
    # The round goes on where the predict cards left it: their topics come last.
    asked_topics = {topic for _, topic in predicts}
    round_on = sorted(ranked, key=lambda mastery: mastery.name in asked_topics)
    rest = _questions(
        [card for card in open_cards if card.type in QUESTION_TYPES and card.key not in taken],
        round_on, weakness, questions - len(predicts),
    )  # fmt: skip
    rank = {mastery.name: n for n, mastery in enumerate(ranked)}
    asked = sorted([*predicts, *rest], key=lambda chosen: rank[chosen[1]])
    chosen_katas = _katas(
        [card for card in open_cards if card.type is CardType.KATA], weakness, katas
    )
    items = [
        MockItem(card.key, card.type, topic)
        for card, topic in _interleave(
            [(card, topic) for card, topic in asked],
            [(card, weakest_topic(card)) for card in chosen_katas],
        )
    ]
    used = {item.topic for item in items}
    return MockPlan(tuple(items), minutes, tuple(m for m in ranked if m.name in used))


def _questions(
    candidates: list[StudyCard],
    ranked: Sequence[Mastery],
    weakness: _Weakness,
    count: int,
) -> list[tuple[StudyCard, str]]:
    """Round the topics weakest first, the weakest card of each not asked yet."""
    by_topic: dict[str, list[StudyCard]] = {}
    for card in sorted(candidates, key=weakness):
        for topic in card_topics(card):
            by_topic.setdefault(topic, []).append(card)
    chosen: list[tuple[StudyCard, str]] = []
    taken: set[str] = set()
    topics = [mastery.name for mastery in ranked if mastery.name in by_topic]
    while len(chosen) < count and topics:
        still = []
        for topic in topics:
            if len(chosen) == count:
                break
            waiting = by_topic[topic]
            while waiting and waiting[0].key in taken:
                waiting.pop(0)
            if not waiting:
                continue
            card = waiting.pop(0)
            taken.add(card.key)
            chosen.append((card, topic))
            still.append(topic)
        topics = still
    return chosen


def _katas(candidates: list[StudyCard], weakness: _Weakness, count: int) -> list[StudyCard]:
    """For each rung of the ladder, a kata of the weakest topic left, the one nearest the
    rung's level among those; in rising difficulty."""
    levels = {card.key: LEVELS.index(kata_difficulty(card)) for card in candidates}
    waiting = sorted(candidates, key=weakness)
    chosen: list[StudyCard] = []
    for level in kata_levels(count):
        if not waiting:
            break
        rung = LEVELS.index(level)
        card = min(
            waiting,
            key=lambda card: (weakness(card)[0], abs(levels[card.key] - rung), waiting.index(card)),
        )
        waiting.remove(card)
        chosen.append(card)
    return sorted(chosen, key=lambda card: levels[card.key])


def _interleave(questions: list[_Chosen], katas: list[_Chosen]) -> Iterable[_Chosen]:
    """Each kata after its share of the questions: 8 and 2 give four questions, a kata,
    four questions, a kata."""
    if not katas:
        yield from questions
        return
    size, extra = divmod(len(questions), len(katas))
    start = 0
    for n, kata in enumerate(katas):
        end = start + size + (1 if n < extra else 0)
        yield from questions[start:end]
        yield kata
        start = end
