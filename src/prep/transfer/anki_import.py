"""``prep import --anki``: an Anki package becomes decks of Q&A cards and reviews.

Each note becomes a Q&A card (its Front and Back fields, or else its first two,
as question and answer; HTML as Markdown) in a YAML deck per Anki deck, written into a folder the
learner chose; the revlog of each note's first card becomes prep reviews of that
card, and the cards' states are rebuilt by replaying them, so FSRS goes on from
where Anki left off. Card ids derive from the note's guid and review ids from the
guid and the revlog id (the time of the answer), which every export of a
collection keeps: importing again adds nothing.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from prep.clock import from_ms
from prep.content.models import QACard
from prep.scheduling.memory import MemoryModel, Rating
from prep.scheduling.replay import Review
from prep.store.repository import Store
from prep.transfer.anki_collection import AnkiCollection, AnkiNote, AnkiReview, read_collection
from prep.transfer.anki_package import open_collection
from prep.transfer.html_markdown import html_to_markdown
from prep.transfer.review_merge import merge_reviews

IMPORT_INSTALLATION = "anki"
# The first line of every deck file this import writes: a file without it is the
# learner's own, and never overwritten.
HEADER = "# Written by `prep import --anki`: importing again rewrites this file.\n"
_NAMESPACE = uuid.UUID("0c5bd8d4-8f0e-4a57-a6c6-1b8f3f7f2f3e")
_CLOZE = re.compile(r"\{\{c\d+::(.*?)(?:::(.*?))?\}\}", re.DOTALL)
_NOT_SLUG = re.compile(r"[^a-z0-9]+")
_MAX_SLUG = 80
# A review from the future is a clock or export error: skipped, not scheduled from.
FUTURE_SLACK = timedelta(days=1)
MAX_DURATION_MS = 86_400_000


class AnkiImportError(Exception):
    """The import cannot go ahead (a deck file in the way); nothing was written."""


@dataclass(frozen=True)
class ImportedDeck:
    slug: str
    title: str
    cards: tuple[dict[str, Any], ...]  # each as the deck file holds it

    @property
    def file_name(self) -> str:
        return f"{self.slug}.yaml"


@dataclass
class AnkiImportReport:
    notes: int = 0
    cards: int = 0
    skipped_notes: int = 0  # no question or no answer left once the HTML is read
    deck_files: list[Path] = field(default_factory=list)
    reviews: int = 0
    imported: int = 0
    already_present: int = 0
    skipped_reviews: int = 0  # of notes left out, manual changes, times in the future
    other_card_reviews: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "notes": self.notes,
            "cards": self.cards,
            "skipped_notes": self.skipped_notes,
            "deck_files": [str(path) for path in self.deck_files],
            "reviews": self.reviews,
            "imported": self.imported,
            "already_present": self.already_present,
            "skipped_reviews": self.skipped_reviews,
            "other_card_reviews": self.other_card_reviews,
        }


# -- notes to cards ------------------------------------------------------------------------


def slugify(text: str) -> str:
    return _NOT_SLUG.sub("-", text.lower()).strip("-")


def _digest(text: str, length: int) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:length]


def card_id(guid: str) -> str:
    """A card's id from its note's guid (which Anki keeps across exports and devices)."""
    return f"note-{_digest(guid, 12)}"


def deck_slugs(names: Iterable[str]) -> dict[str, str]:
    """A slug per Anki deck name, ``anki-`` first (clear of the learner's own decks); two
    names that read the same as slugs are told apart by a digest of the name."""
    slugs: dict[str, str] = {}
    taken: set[str] = set()
    for name in sorted(set(names)):
        base = slugify(name.replace("::", "-"))[: _MAX_SLUG - 13].strip("-")
        slug = f"anki-{base}" if base else f"anki-{_digest(name, 8)}"
        if slug in taken:
            slug = f"{slug}-{_digest(name, 6)}"
        taken.add(slug)
        slugs[name] = slug
    return slugs


def note_card(note: AnkiNote) -> dict[str, Any] | None:
    """The Q&A card of a note, as a deck file holds it; ``None`` when the note has no
    question or no answer."""
    front_field, back_field = _question_and_answer_fields(note)
    front = html_to_markdown(note.fields[front_field]) if len(note.fields) > front_field else ""
    back = html_to_markdown(note.fields[back_field]) if len(note.fields) > back_field else ""
    if _CLOZE.search(front):
        # A cloze note: the question hides each deletion, the answer shows it.
        hidden = _CLOZE.sub(lambda m: f"[{m[2] or '…'}]", front)
        shown = _CLOZE.sub(lambda m: f"**{m[1]}**", front) + (f"\n\n{back}" if back else "")
        front, back = hidden, shown
    if not front.strip() or not back.strip():
        return None
    card: dict[str, Any] = {"id": card_id(note.guid), "type": "qa"}
    tags = list(dict.fromkeys(tag for tag in map(slugify, note.tags) if tag))
    tags = [tag[:_MAX_SLUG].strip("-") for tag in tags]
    if tags:
        card["tags"] = tags
    card["question"] = front.strip()
    card["answer"] = back.strip()
    QACard.model_validate(card)  # what the loader will accept, checked before it is written
    return card


def _question_and_answer_fields(note: AnkiNote) -> tuple[int, int]:
    """The fields named Front and Back when the note type has both (Anki's own types, and
    prep's, whose first field is the card's key); else the first and the second."""
    names = [name.casefold() for name in note.field_names]
    if "front" in names and "back" in names:
        return names.index("front"), names.index("back")
    return 0, 1


def imported_decks(notes: Sequence[AnkiNote]) -> tuple[list[ImportedDeck], int]:
    """The decks of the notes, in the notes' order; and how many notes gave no card."""
    slugs = deck_slugs(note.deck for note in notes)
    cards: dict[str, list[dict[str, Any]]] = {}
    skipped = 0
    for note in notes:
        try:
            card = note_card(note)
        except ValidationError:
            card = None
        if card is None:
            skipped += 1
            continue
        cards.setdefault(note.deck, []).append(card)
    decks = [ImportedDeck(slugs[name], name, tuple(found)) for name, found in cards.items()]
    return sorted(decks, key=lambda deck: deck.slug), skipped


# -- deck files ----------------------------------------------------------------------------


class _BlockDumper(yaml.SafeDumper):
    """Safe YAML, with text of several lines as a literal block, as deck authors write it."""


def _represent_text(dumper: yaml.SafeDumper, text: str) -> yaml.ScalarNode:
    style = "|" if "\n" in text else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", text, style=style)


_BlockDumper.add_representer(str, _represent_text)


def deck_text(deck: ImportedDeck, kept: Sequence[dict[str, Any]] = ()) -> str:
    """The deck file: ``kept`` (cards an earlier import wrote that this package does
    not have) first, then the package's cards."""
    ours = {card["id"] for card in deck.cards}
    document = {
        "deck": deck.slug,
        "title": deck.title,
        "description": f"Imported from the Anki deck {deck.title}.",
        "cards": [*(card for card in kept if card.get("id") not in ours), *deck.cards],
    }
    body = yaml.dump(document, Dumper=_BlockDumper, sort_keys=False, allow_unicode=True, width=100)
    return HEADER + body


def _earlier_cards(path: Path) -> list[dict[str, Any]]:
    """The cards a file this import wrote holds; a file of the learner's own refuses."""
    with path.open(encoding="utf-8") as handle:
        first = handle.readline()
        if first != HEADER:
            raise AnkiImportError(
                f"{path} is in the way: it was not written by 'prep import --anki'; "
                "choose another folder or move it"
            )
        document = yaml.safe_load(handle.read())
    cards = document.get("cards") if isinstance(document, dict) else None
    return [card for card in cards or [] if isinstance(card, dict)]


def write_decks(decks: Sequence[ImportedDeck], folder: Path) -> list[Path]:
    """Write each deck's file into ``folder`` (every file checked before any is written);
    a file whose text is already right is left as it is."""
    texts: dict[Path, str] = {}
    for deck in decks:
        path = folder / deck.file_name
        kept = _earlier_cards(path) if path.exists() else []
        texts[path] = deck_text(deck, kept)
    folder.mkdir(parents=True, exist_ok=True)
    for path, text in texts.items():
        if path.exists() and path.read_text(encoding="utf-8") == text:
            continue
        _write_atomically(path, text)
    return list(texts)


def _write_atomically(path: Path, text: str) -> None:
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


# -- the review log ------------------------------------------------------------------------


def anki_reviews(
    reviews: Iterable[AnkiReview], keys: Mapping[str, str], now: datetime
) -> tuple[list[Review], int]:
    """prep reviews of the cards in ``keys`` (note guid → card key); and how many were
    left out: of notes that gave no card, manual changes (no rating), answers in the future."""
    converted: list[Review] = []
    skipped = 0
    for review in reviews:
        key = keys.get(review.note_guid)
        reviewed_at = from_ms(review.reviewed_ms)
        if key is None or review.ease not in (1, 2, 3, 4) or reviewed_at > now + FUTURE_SLACK:
            skipped += 1
            continue
        converted.append(
            Review(
                id=str(uuid.uuid5(_NAMESPACE, f"{review.note_guid}|{review.reviewed_ms}")),
                card_key=key,
                rating=Rating(review.ease),
                reviewed_at=reviewed_at,
                duration_ms=min(max(review.duration_ms, 0), MAX_DURATION_MS),
                installation_id=IMPORT_INSTALLATION,
            )
        )
    return converted, skipped


def import_anki_package(
    package: Path, folder: Path, store: Store, model: MemoryModel, now: datetime
) -> AnkiImportReport:
    """Write the package's decks into ``folder`` and merge its reviews into ``store``."""
    with open_collection(package) as db:
        collection: AnkiCollection = read_collection(db)
    decks, skipped_notes = imported_decks(collection.notes)
    report = AnkiImportReport(
        notes=len(collection.notes),
        cards=sum(len(deck.cards) for deck in decks),
        skipped_notes=skipped_notes,
        other_card_reviews=collection.other_card_reviews,
    )
    report.deck_files = write_decks(decks, folder)
    keys = {
        note.guid: f"{deck_slug}/{card_id(note.guid)}"
        for deck_slug, note in _notes_with_cards(collection.notes, decks)
    }
    reviews, report.skipped_reviews = anki_reviews(collection.reviews, keys, now)
    report.reviews = len(reviews)
    merged = merge_reviews(reviews, store, model)
    report.imported, report.already_present = merged.imported, merged.already_present
    return report


def _notes_with_cards(
    notes: Sequence[AnkiNote], decks: Sequence[ImportedDeck]
) -> Iterable[tuple[str, AnkiNote]]:
    ids = {card["id"]: deck.slug for deck in decks for card in deck.cards}
    for note in notes:
        slug = ids.get(card_id(note.guid))
        if slug is not None:
            yield slug, note
