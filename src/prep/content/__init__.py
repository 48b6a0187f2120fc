"""Content: YAML deck files → validated cards, errors pinned to file and line.

The names are loaded on first use: the app draws its first frame before the
YAML loader and the card models (pydantic) are imported.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from prep.content.errors import ContentError
    from prep.content.kinds import CardType
    from prep.content.library import DeckSummary, Library, StudyCard, load_library
    from prep.content.models import KataCard, PredictCard, QACard

_HOMES = {
    "ContentError": "prep.content.errors",
    "DeckSummary": "prep.content.library",
    "Library": "prep.content.library",
    "StudyCard": "prep.content.library",
    "load_library": "prep.content.library",
    "CardType": "prep.content.kinds",
    "KataCard": "prep.content.models",
    "PredictCard": "prep.content.models",
    "QACard": "prep.content.models",
}

__all__ = [
    "CardType",
    "ContentError",
    "DeckSummary",
    "KataCard",
    "Library",
    "PredictCard",
    "QACard",
    "StudyCard",
    "load_library",
]


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'prep.content' has no attribute {name!r}")
    return getattr(import_module(home), name)
