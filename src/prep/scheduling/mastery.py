"""Mastery: the share of a topic's cards the learner would recall now.

A card is mastered when its probability of recall is at least 0.9; a card never
studied is not. Progress shows it per deck and per tag; a mock interview asks
from the weakest topics.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

MASTERY_RETRIEVABILITY = 0.9


@dataclass(frozen=True)
class Mastery:
    name: str
    mastered: int
    total: int

    @property
    def share(self) -> float:
        return self.mastered / self.total if self.total else 0.0


def is_mastered(key: str, retrievability: Mapping[str, float]) -> bool:
    return retrievability.get(key, 0.0) >= MASTERY_RETRIEVABILITY


def mastery_by_topic(
    cards: Iterable[tuple[str, Iterable[str]]], retrievability: Mapping[str, float]
) -> list[Mastery]:
    """Each topic's mastery, from (card key, the card's topics) pairs, in the order the
    topics first appear."""
    totals: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for key, topics in cards:
        mastered = is_mastered(key, retrievability)
        for topic in topics:
            totals[topic][1] += 1
            if mastered:
                totals[topic][0] += 1
    return [Mastery(topic, mastered, total) for topic, (mastered, total) in totals.items()]
