"""The kinds of card and the levels of a kata, apart from the card models: counting
cards by kind and building the study queue need no pydantic."""

from __future__ import annotations

from enum import StrEnum


class CardType(StrEnum):
    QA = "qa"
    PREDICT = "predict"
    KATA = "kata"


class Difficulty(StrEnum):
    EASY = "easy"
    MEDIUM = "medium"
    HARD = "hard"
