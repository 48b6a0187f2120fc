"""All configured decks as one study library.

A library is what the rest of the app sees: cards keyed by ``deck/id``,
deck summaries, and the errors of the files that failed to load.
"""

from __future__ import annotations

import pickle
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from prep.content.kinds import CardType

if TYPE_CHECKING:
    # The loader (YAML) and the models (pydantic) are imported by what uses them, not
    # by the app's first frame, which only needs an empty library.
    from prep.content.entries import CardModel, DeckFile
    from prep.content.errors import ContentError
    from prep.content.models import KataCard, PredictCard, QACard


@dataclass(frozen=True, eq=False)
class StudyCard:
    """A card placed in its deck: what scheduling and the UI work with. Its model
    (``card``) is unpickled on first use when the deck came from the cache."""

    key: str
    deck: str
    path: Path
    line: int
    tags: tuple[str, ...]
    type: CardType
    python: str | None
    prompt_text: str  # one line, for lists and tables
    source: CardModel | bytes = field(repr=False)

    @cached_property
    def card(self) -> QACard | PredictCard | KataCard:
        source = self.source
        if isinstance(source, bytes):
            model: QACard | PredictCard | KataCard = pickle.loads(source)
            return model
        return source

    def __eq__(self, other: object) -> bool:
        # The same card whether its model was parsed or unpickled.
        if not isinstance(other, StudyCard):
            return NotImplemented
        return self._placed() == other._placed() and self.card == other.card

    def __hash__(self) -> int:
        return hash(self._placed())

    def _placed(self) -> tuple[object, ...]:
        return (self.key, self.deck, self.path, self.line, self.tags, self.type, self.python)

    def applies_to(self, version: tuple[int, int]) -> bool:
        """Whether the card makes sense on this Python (its ``python:`` range)."""
        from prep.content.pyversion import VersionSpec

        return self.python is None or VersionSpec.parse(self.python).contains(version)


@dataclass(frozen=True)
class DeckSummary:
    slug: str
    title: str
    description: str | None
    path: Path
    card_keys: tuple[str, ...]


@dataclass(frozen=True)
class Library:
    decks: tuple[DeckSummary, ...] = ()
    cards: dict[str, StudyCard] = field(default_factory=dict)
    errors: tuple[ContentError, ...] = ()
    files_read: int = 0

    def count_by_type(self) -> dict[str, int]:
        counts = {kind.value: 0 for kind in CardType}
        for card in self.cards.values():
            counts[card.type.value] += 1
        return counts

    def deck(self, slug: str) -> DeckSummary | None:
        return next((deck for deck in self.decks if deck.slug == slug), None)

    @property
    def failed_files(self) -> tuple[Path, ...]:
        return tuple(sorted({error.path for error in self.errors}))


def load_library(paths: Sequence[Path], cache: Path | None = None) -> Library:
    """Every deck under ``paths``; with ``cache`` (a folder), files unchanged since the
    last run are not parsed again."""
    from prep.content.files import find_deck_files

    files, missing = find_deck_files(paths)
    if cache is not None:
        from prep.content.cache import DeckCache

        load = DeckCache(cache).load
    else:
        from prep.content.entries import load_deck

        load = load_deck
    library = assemble(load(path) for path in _unique(files))
    if missing:
        library = replace(library, errors=(*missing, *library.errors))
    return library


def _unique(paths: Iterable[Path]) -> list[Path]:
    seen: set[Path] = set()
    unique = []
    for path in paths:
        resolved = path.resolve()
        if resolved not in seen:
            seen.add(resolved)
            unique.append(path)
    return unique


def assemble(results: Iterable[DeckFile]) -> Library:
    """Join per-file results; a deck slug defined twice is an error on the second file."""
    from prep.content.errors import ContentError

    decks: list[DeckSummary] = []
    cards: dict[str, StudyCard] = {}
    errors: list[ContentError] = []
    first_definition: dict[str, tuple[Path, int]] = {}
    files_read = 0
    for result in results:
        files_read += 1
        errors.extend(result.errors)
        deck = result.deck
        if deck is None:
            continue
        slug = deck.slug
        if slug in first_definition:
            other_path, other_line = first_definition[slug]
            errors.append(
                ContentError(
                    deck.path,
                    deck.line,
                    f"deck '{slug}' is already defined at {other_path}:{other_line}",
                )
            )
            continue
        first_definition[slug] = (deck.path, deck.line)
        keys = []
        for entry in deck.cards:
            key = f"{slug}/{entry.id}"
            tags = tuple(dict.fromkeys((*deck.tags, *entry.tags)))
            cards[key] = StudyCard(
                key, slug, deck.path, entry.line, tags, entry.type, entry.python, entry.text,
                entry.model,
            )  # fmt: skip
            keys.append(key)
        decks.append(DeckSummary(slug, deck.title, deck.description, deck.path, tuple(keys)))
    return Library(tuple(decks), cards, tuple(errors), files_read)
