"""Writing the qa and predict cards as an Anki package (.apkg) with genanki.

Ids are derived from the card and deck slugs, so exporting again and
importing into Anki updates the same notes instead of duplicating them.
"""

from __future__ import annotations

import hashlib
import html
from pathlib import Path

from prep.content.library import Library
from prep.content.models import PredictCard, QACard

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


def write_apkg(library: Library, path: Path, deck_name: str = "prep") -> int:
    """Write every qa and predict card; returns how many notes were written."""
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
    genanki.Package(list(decks.values())).write_to_file(str(path))
    return written
