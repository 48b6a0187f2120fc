"""A deck file as the library keeps it: what lists, counts and the study queue
need of each card (its id, kind, Python range, tags, line and one-line text),
beside the card itself.

The card itself is either the parsed model or, from the deck cache, its pickle:
a warm start reads fifty decks of ten thousand cards without importing pydantic,
and a card's model is unpickled when something first asks for it.
"""

from __future__ import annotations

import pickle
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Union

from prep.content.errors import ContentError
from prep.content.kinds import CardType
from prep.content.titles import card_title

if TYPE_CHECKING:
    from prep.content.loader import FileResult
    from prep.content.models import KataCard, PredictCard, QACard

    CardModel = Union[QACard, PredictCard, KataCard]  # noqa: UP007 (a string at run time)


@dataclass(frozen=True)
class CardEntry:
    id: str
    type: CardType
    python: str | None
    tags: tuple[str, ...]
    line: int
    text: str  # one line, for lists and tables
    model: CardModel | bytes  # bytes: the model, pickled


@dataclass(frozen=True)
class DeckEntry:
    slug: str
    title: str
    description: str | None
    path: Path
    line: int
    tags: tuple[str, ...]
    cards: tuple[CardEntry, ...]


@dataclass(frozen=True)
class DeckFile:
    """One file's parse: its deck, or the errors that kept it out."""

    path: Path
    deck: DeckEntry | None
    errors: tuple[ContentError, ...]

    def packed(self) -> DeckFile:
        """The same, each card's model pickled on its own (as the deck cache keeps it)."""
        if self.deck is None:
            return self
        cards = tuple(
            card
            if isinstance(card.model, bytes)
            else replace(card, model=pickle.dumps(card.model, protocol=pickle.HIGHEST_PROTOCOL))
            for card in self.deck.cards
        )
        return replace(self, deck=replace(self.deck, cards=cards))


def one_line_text(card: CardModel) -> str:
    """A card in one line (``content.titles.card_title``)."""
    from prep.content.models import KataCard, PredictCard

    if isinstance(card, KataCard):
        return card_title(CardType.KATA, title=card.title)
    if isinstance(card, PredictCard):
        return card_title(CardType.PREDICT, question=card.question, code=card.code)
    return card_title(CardType.QA, question=card.question)


def deck_file(result: FileResult) -> DeckFile:
    loaded = result.deck
    if loaded is None:
        return DeckFile(result.path, None, result.errors)
    deck = loaded.deck
    cards = tuple(
        CardEntry(
            card.id, CardType(card.type), card.python, card.tags, line, one_line_text(card), card
        )
        for card, line in zip(deck.cards, loaded.card_lines, strict=True)
    )
    entry = DeckEntry(
        deck.deck, deck.title, deck.description, loaded.path, loaded.line, deck.tags, cards
    )
    return DeckFile(result.path, entry, result.errors)


def load_deck(path: Path) -> DeckFile:
    """Parse one deck file (no cache)."""
    from prep.content.loader import load_deck_file

    return deck_file(load_deck_file(path))
