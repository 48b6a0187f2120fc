"""What a study session covers: every card, or a deck, a tag, a card type — or
a combination, such as the katas tagged ``heaps`` — and whether it reviews ahead.

Like Anki's custom study, a scope only narrows which cards are served: the
daily limit on new cards stays the one for the whole day.
"""

from __future__ import annotations

from dataclasses import dataclass

from prep.content.kinds import CardType
from prep.content.library import Library, StudyCard
from prep.suggest import did_you_mean
from prep.wording import plural

# How a scope names a type of card in a sentence.
TYPE_NAMES = {CardType.QA: "Q&A cards", CardType.PREDICT: "predict cards", CardType.KATA: "katas"}

MAX_AHEAD_DAYS = 365


@dataclass(frozen=True)
class StudyScope:
    """The cards a session serves. ``ahead_days`` > 0 reviews ahead: review cards due
    within that many study days are served now (as normal reviews at the current
    time), and no new cards — a review-ahead session is for reviewing."""

    deck: str | None = None
    tag: str | None = None
    card_type: CardType | None = None
    ahead_days: int = 0

    @property
    def is_everything(self) -> bool:
        return self == StudyScope()

    @property
    def reviews_ahead(self) -> bool:
        return self.ahead_days > 0

    def admits(self, card: StudyCard) -> bool:
        return (
            (self.deck is None or card.deck == self.deck)
            and (self.tag is None or self.tag in card.tags)
            and (self.card_type is None or card.type is self.card_type)
        )

    def describe(self, library: Library) -> str:
        """For the study screen's header: "deck: Heaps", "katas tagged heaps", …"""
        parts = []
        if self.deck is not None:
            deck = library.deck(self.deck)
            parts.append(f"deck: {deck.title if deck else self.deck}")
        if self.card_type is not None or self.tag is not None:
            what = TYPE_NAMES[self.card_type] if self.card_type is not None else "cards"
            parts.append(f"{what} tagged {self.tag}" if self.tag is not None else what)
        if self.reviews_ahead:
            parts.append(f"reviews due within {plural(self.ahead_days, 'day')}")
        return " · ".join(parts) if parts else "all decks"


def scope_problem(scope: StudyScope, library: Library) -> str:
    """What is wrong with ``scope`` for this library ('' when nothing is)."""
    if scope.deck is not None and library.deck(scope.deck) is None:
        slugs = [deck.slug for deck in library.decks]
        return f"there is no deck '{scope.deck}'{did_you_mean(scope.deck, slugs)}"
    if scope.tag is not None:
        tags = sorted({tag for card in library.cards.values() for tag in card.tags})
        if scope.tag not in tags:
            return f"no card is tagged '{scope.tag}'{did_you_mean(scope.tag, tags)}"
    if not 0 <= scope.ahead_days <= MAX_AHEAD_DAYS:
        return f"review ahead takes 0 to {MAX_AHEAD_DAYS} days, not {scope.ahead_days}"
    return ""
