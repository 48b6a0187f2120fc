"""Content: YAML deck files → validated cards, errors pinned to file and line."""

from prep.content.errors import ContentError
from prep.content.library import DeckSummary, Library, StudyCard, load_library
from prep.content.models import CardType, KataCard, PredictCard, QACard

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
