"""Writing the qa and predict cards as an Anki package (.apkg) with genanki,
with the review history when there is one (``anki_history``).

Ids are derived from the card and deck slugs, so exporting again and
importing into Anki updates the same notes instead of duplicating them.
"""

from __future__ import annotations

import hashlib
import html
import itertools
import json
import sqlite3
import tempfile
import zipfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from prep.clock import utc_now
from prep.content.library import Library
from prep.content.models import PredictCard, QACard
from prep.transfer.anki_history import StudyHistory, stabilise_ids, write_history

_CSS = """
.card { font-family: sans-serif; font-size: 18px; text-align: left; color: #222; background: #fff; }
pre { background: #f4f4f4; padding: 8px; border-radius: 4px; }
.explanation { color: #555; font-size: 15px; margin-top: 1em; }
"""


def _stable_id(text: str) -> int:
    """A 31-bit id Anki accepts, the same on every export."""
    return int(hashlib.sha256(text.encode()).hexdigest()[:8], 16) & 0x7FFFFFFF | 1 << 30


def _markdown(text: str) -> str:
    from markdown_it import MarkdownIt

    rendered: str = MarkdownIt("commonmark", {"html": False}).render(text)
    return rendered


@dataclass(frozen=True)
class AnkiExport:
    notes: int
    reviews: int


def write_apkg(
    library: Library,
    path: Path,
    deck_name: str = "prep",
    history: StudyHistory | None = None,
    now: datetime | None = None,
) -> AnkiExport:
    """Write every qa and predict card, and ``history``'s scheduling and reviews of them."""
    import genanki  # type: ignore[import-untyped]

    model = genanki.Model(
        _stable_id("prep-model-v1"),
        "prep card",
        fields=[{"name": "Key"}, {"name": "Front"}, {"name": "Back"}],
        templates=[
            {
                "name": "Card 1",
                "qfmt": "{{Front}}",
                "afmt": '{{FrontSide}}<hr id="answer">{{Back}}',
            }
        ],
        css=_CSS,
        sort_field_index=1,
    )
    decks = {}
    written = 0
    for summary in library.decks:
        deck = genanki.Deck(
            _stable_id(f"prep-deck:{summary.slug}"), f"{deck_name}::{summary.title}"
        )
        for key in summary.card_keys:
            card = library.cards[key].card
            if isinstance(card, QACard):
                front = _markdown(card.question)
                back = _markdown(card.answer)
            elif isinstance(card, PredictCard):
                front = (
                    _markdown(card.question) + f"<pre><code>{html.escape(card.code)}</code></pre>"
                )
                back = f"<pre>{html.escape(card.expect_output)}</pre>"
            else:
                continue
            if card.explanation:
                back += f'<div class="explanation">{_markdown(card.explanation)}</div>'
            deck.add_note(
                genanki.Note(
                    model=model,
                    fields=[key, front, back],
                    guid=genanki.guid_for("prep", key),
                    tags=[tag.replace(" ", "_") for tag in library.cards[key].tags],
                )
            )
            written += 1
        decks[summary.slug] = deck
    moment = now or utc_now()
    reviews = 0
    with tempfile.TemporaryDirectory(prefix="prep-apkg-") as folder:
        collection_path = Path(folder) / "collection.anki2"
        collection = sqlite3.connect(collection_path)
        try:
            # genanki's own writer, minus its zip: the history goes in before the zip is made.
            genanki.Package(list(decks.values())).write_to_db(
                collection.cursor(), moment.timestamp(), itertools.count(_first_id(moment))
            )
            card_ids = stabilise_ids(collection)
            if history is not None:
                reviews = write_history(collection, card_ids, history, moment)
            collection.commit()
        finally:
            collection.close()
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as package:
            package.write(collection_path, "collection.anki2")
            package.writestr("media", json.dumps({}))
    return AnkiExport(notes=written, reviews=reviews)


def _first_id(moment: datetime) -> int:
    """genanki numbers its notes and cards from the time, in ms, as Anki does."""
    return int(moment.timestamp() * 1000)
