"""What prep takes from an Anki collection: its notes, the deck of each, and the
reviews of each note's first card, read from the collection's SQLite tables into
plain values.

Both schemas are read: the old one keeps its decks and settings as JSON in the
``col`` row, the current one (schema 18) in tables of their own, where a deck's
name has ``\\x1f`` where Anki shows ``::``.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass

FIELD_SEPARATOR = "\x1f"
# revlog.type of a learning and a relearning step: the first scheduler gave these three
# buttons (Again, Good, Easy as 1, 2, 3), every later one four.
_LEARNING_STEPS = (0, 2)


@dataclass(frozen=True)
class AnkiNote:
    guid: str
    deck: str  # the deck's full name, "Parent::Child"
    fields: tuple[str, ...]  # as Anki stores them: HTML
    tags: tuple[str, ...]
    field_names: tuple[str, ...] = ()  # of the note's type, in field order


@dataclass(frozen=True)
class AnkiReview:
    """One revlog row of a note's first card; ``ease`` is on today's four buttons."""

    note_guid: str
    reviewed_ms: int  # the revlog id: the moment of the answer
    ease: int  # 1-4; 0 for a manual change (forget, set due date), not an answer
    duration_ms: int


@dataclass(frozen=True)
class AnkiCollection:
    notes: tuple[AnkiNote, ...]
    reviews: tuple[AnkiReview, ...]
    # Reviews left out: of a note's other cards (reversed, other clozes) or of no card.
    other_card_reviews: int


def read_collection(db: sqlite3.Connection) -> AnkiCollection:
    decks = _deck_names(db)
    field_names = _field_names(db)
    first_cards = _first_cards(db)
    notes = tuple(
        AnkiNote(
            guid=str(guid),
            deck=decks.get(first_cards.get(note_id, (0, 1))[1], "Default"),
            fields=tuple(str(fields).split(FIELD_SEPARATOR)),
            tags=tuple(str(tags).split()),
            field_names=field_names.get(int(note_type), ()),
        )
        for note_id, guid, note_type, fields, tags in db.execute(
            "SELECT id, guid, mid, flds, tags FROM notes ORDER BY id"
        )
    )
    three_buttons = _first_scheduler(db)
    first_card_ids = {card_id for card_id, _ in first_cards.values()}
    reviews: list[AnkiReview] = []
    total = 0
    for revlog_id, card_id, ease, duration, kind, guid in _revlog(db):
        total += 1
        if card_id not in first_card_ids or guid is None:
            continue
        if three_buttons and kind in _LEARNING_STEPS and ease in (2, 3):
            ease += 1
        reviews.append(AnkiReview(str(guid), int(revlog_id), int(ease), int(duration)))
    return AnkiCollection(notes, tuple(reviews), total - len(reviews))


def _revlog(db: sqlite3.Connection) -> Iterator[tuple[int, int, int, int, int, str | None]]:
    yield from db.execute(
        "SELECT revlog.id, revlog.cid, revlog.ease, revlog.time, revlog.type, notes.guid"
        " FROM revlog LEFT JOIN cards ON cards.id = revlog.cid"
        " LEFT JOIN notes ON notes.id = cards.nid ORDER BY revlog.id"
    )


def _first_cards(db: sqlite3.Connection) -> dict[int, tuple[int, int]]:
    """Each note's first card (lowest template) and its deck: the one prep follows.
    A card in a filtered deck counts as in the deck it came from."""
    first: dict[int, tuple[int, int]] = {}
    for note_id, card_id, deck_id in db.execute(
        "SELECT nid, id, CASE WHEN odid != 0 THEN odid ELSE did END FROM cards"
        " ORDER BY nid, ord, id"
    ):
        first.setdefault(int(note_id), (int(card_id), int(deck_id)))
    return first


def _tables(db: sqlite3.Connection) -> set[str]:
    return {str(row[0]) for row in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}


def _deck_names(db: sqlite3.Connection) -> dict[int, str]:
    if "decks" in _tables(db):
        return {
            int(deck_id): str(name).replace(FIELD_SEPARATOR, "::")
            for deck_id, name in db.execute("SELECT id, name FROM decks")
        }
    (raw,) = db.execute("SELECT decks FROM col").fetchone()
    decks = _json_object(raw)
    return {
        int(deck_id): str(deck.get("name", "Default"))
        for deck_id, deck in decks.items()
        if str(deck_id).lstrip("-").isdigit() and isinstance(deck, dict)
    }


def _field_names(db: sqlite3.Connection) -> dict[int, tuple[str, ...]]:
    """Each note type's field names, in order."""
    if "fields" in _tables(db):
        names: dict[int, list[str]] = {}
        for note_type, name in db.execute("SELECT ntid, name FROM fields ORDER BY ntid, ord"):
            names.setdefault(int(note_type), []).append(str(name))
        return {note_type: tuple(found) for note_type, found in names.items()}
    (raw,) = db.execute("SELECT models FROM col").fetchone()
    types: dict[int, tuple[str, ...]] = {}
    for note_type, model in _json_object(raw).items():
        fields = model.get("flds") if isinstance(model, dict) else None
        if str(note_type).lstrip("-").isdigit() and isinstance(fields, list):
            ordered = sorted(
                (item for item in fields if isinstance(item, dict)),
                key=lambda item: int(item.get("ord", 0)),
            )
            types[int(note_type)] = tuple(str(item.get("name", "")) for item in ordered)
    return types


def _first_scheduler(db: sqlite3.Connection) -> bool:
    """Whether the collection was studied with Anki's first scheduler (no schedVer, or 1)."""
    if "config" in _tables(db):
        row = db.execute("SELECT val FROM config WHERE key = 'schedVer'").fetchone()
        return row is not None and _json_value(row[0]) == 1
    (raw,) = db.execute("SELECT conf FROM col").fetchone()
    return _json_object(raw).get("schedVer", 1) == 1


def _json_value(raw: object) -> object:
    try:
        return json.loads(raw if isinstance(raw, str | bytes) else "null")
    except ValueError:
        return None


def _json_object(raw: object) -> dict[str, object]:
    value = _json_value(raw)
    return value if isinstance(value, dict) else {}
