"""All configured decks as one study library.

A library is what the rest of the app sees: cards keyed by ``deck/id``,
deck summaries, and the errors of the files that failed to load.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    # The loader (YAML) and the models (pydantic) are imported by what uses them, not
    # by the app's first frame, which only needs an empty library.
    from prep.content.errors import ContentError
    from prep.content.loader import FileResult
    from prep.content.models import CardType, KataCard, PredictCard, QACard


@dataclass(frozen=True)
class StudyCard:
    """A card placed in its deck: what scheduling and the UI work with."""

    key: str
    deck: str
    card: QACard | PredictCard | KataCard
    path: Path
    line: int
    tags: tuple[str, ...]

    @cached_property
    def type(self) -> CardType:
        # Cached: the queue asks every card's type on every rating.
        from prep.content.models import CardType

        return CardType(self.card.type)

    @property
    def prompt_text(self) -> str:
        """A one-line description for lists and tables."""
        from prep.content.models import KataCard, PredictCard

        card = self.card
        text = card.title if isinstance(card, KataCard) else card.question
        if isinstance(card, PredictCard):
            first_code_line = next((ln for ln in card.code.splitlines() if ln.strip()), "")
            text = first_code_line
        return " ".join(text.split())


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
        from prep.content.models import CardType

        counts = {kind.value: 0 for kind in CardType}
        for card in self.cards.values():
            counts[card.card.type] += 1
        return counts

    def deck(self, slug: str) -> DeckSummary | None:
        return next((deck for deck in self.decks if deck.slug == slug), None)

    @property
    def failed_files(self) -> tuple[Path, ...]:
        return tuple(sorted({error.path for error in self.errors}))


def load_library(paths: Sequence[Path], cache: Path | None = None) -> Library:
    """Every deck under ``paths``; with ``cache`` (a folder), files unchanged since the
    last run are not parsed again."""
    from prep.content.loader import find_deck_files, load_deck_file

    files, missing = find_deck_files(paths)
    if cache is not None:
        from prep.content.cache import DeckCache

        load = DeckCache(cache).load
    else:
        load = load_deck_file
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


def assemble(results: Iterable[FileResult]) -> Library:
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
        loaded = result.deck
        if loaded is None:
            continue
        slug = loaded.deck.deck
        if slug in first_definition:
            other_path, other_line = first_definition[slug]
            errors.append(
                ContentError(
                    loaded.path,
                    loaded.line,
                    f"deck '{slug}' is already defined at {other_path}:{other_line}",
                )
            )
            continue
        first_definition[slug] = (loaded.path, loaded.line)
        keys = []
        for card, line in zip(loaded.deck.cards, loaded.card_lines, strict=True):
            key = f"{slug}/{card.id}"
            tags = tuple(dict.fromkeys((*loaded.deck.tags, *card.tags)))
            cards[key] = StudyCard(key, slug, card, loaded.path, line, tags)
            keys.append(key)
        decks.append(
            DeckSummary(slug, loaded.deck.title, loaded.deck.description, loaded.path, tuple(keys))
        )
    return Library(tuple(decks), cards, tuple(errors), files_read)
