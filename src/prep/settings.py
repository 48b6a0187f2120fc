"""The learner's study settings: defaults, validation, and the TOML file.

The file lives in the platform's config folder (``~/.config/prep/settings.toml``
on Linux), or beside the database when a home is chosen with ``--home`` /
``PREP_HOME``, so that a separate history keeps separate settings.
Fitted FSRS parameters are not here: they belong to the review history and
live in the database.
"""

from __future__ import annotations

import json
import tomllib
from dataclasses import dataclass, fields, replace
from enum import StrEnum
from pathlib import Path
from typing import Any

from prep.suggest import did_you_mean

# A study day starts at 4 a.m. local time, as in Anki: a late-night session
# still counts for the day it belongs to.
DEFAULT_ROLLOVER_HOUR = 4
DEFAULT_LEECH_THRESHOLD = 8


class NewOrder(StrEnum):
    """The order in which a study day introduces its new cards (Anki's "new card order")."""

    MIXED = "mixed"  # the types mixed: a few katas and predict cards spread through the day
    DECK = "deck"  # decks in turn, each in its file's order
    RANDOM = "random"  # shuffled, the same shuffle all day


@dataclass(frozen=True)
class Field:
    name: str
    label: str
    kind: type
    low: float
    high: float
    help: str
    choices: tuple[str, ...] = ()  # a choice rather than a number when not empty

    @property
    def range_text(self) -> str:
        """The allowed values as people write them: "50–1,000,000", "0.7–0.99"."""
        return f"{plain_number(self.low)}–{plain_number(self.high)}"


def plain_number(value: float) -> str:
    """A number without exponent: whole ones with thousands separators ("1,000,000")."""
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.6f}".rstrip("0")


FIELDS = (
    Field("desired_retention", "Desired retention", float, 0.70, 0.99,
          "The probability of recall FSRS aims for at each review; higher means more reviews."),
    Field("new_per_day", "New cards per day", int, 0, 9999, "How many unseen cards a study day introduces."),
    Field("maximum_interval_days", "Maximum interval (days)", int, 1, 36500, "No card is scheduled further away than this."),
    Field("rollover_hour", "Day rolls over at (hour)", int, 0, 23,
          "Local hour at which a new study day starts (4 = 4 a.m., as in Anki)."),
    Field("leech_threshold", "Leech threshold (lapses)", int, 1, 99,
          "A card forgotten this many times is tagged leech and suspended."),
    Field("refit_every", "Offer a refit every N reviews", int, 50, 1_000_000,
          "After this many new reviews, prep offers to fit FSRS to your history again."),
    Field("new_order", "New card order", NewOrder, 0, 0,
          "mixed: each day's new cards mix Q&A, predict cards and katas; deck: decks in turn, "
          "each in file order; random: shuffled, the same order all day.",
          choices=tuple(NewOrder)),
    Field("min_new_katas", "Katas a day (at least)", int, 0, 9999,
          "In mixed order, at least this many of each day's new cards are katas, while any are left."),
    Field("min_new_predict", "Predict cards a day (at least)", int, 0, 9999,
          "In mixed order, at least this many of each day's new cards are predict cards, while any are left."),
    Field("mock_minutes", "Mock interview (minutes)", int, 5, 180,
          "How long a mock interview lasts: when the time is up, the items left are not reached."),
    Field("mock_katas", "Mock interview katas", int, 0, 5,
          "Katas in a mock interview, of rising difficulty, from your weakest topics."),
    Field("mock_questions", "Mock interview questions", int, 0, 30,
          "Q&A and predict cards in a mock interview, from your weakest topics."),
)  # fmt: skip


@dataclass(frozen=True)
class Settings:
    desired_retention: float = 0.9
    new_per_day: int = 20
    maximum_interval_days: int = 36500
    rollover_hour: int = DEFAULT_ROLLOVER_HOUR
    leech_threshold: int = DEFAULT_LEECH_THRESHOLD
    refit_every: int = 1000
    new_order: NewOrder = NewOrder.MIXED
    min_new_katas: int = 1
    min_new_predict: int = 2
    mock_minutes: int = 45
    mock_katas: int = 2
    mock_questions: int = 8

    def to_dict(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


def check_value(field: Field, raw: object) -> tuple[float | int | str | None, str]:
    """(value, problem): a value in range, or a sentence saying what is wrong."""
    if field.choices:
        return check_choice(field, raw)
    if isinstance(raw, bool):
        return None, f"{field.name} must be a number, not {raw!r}"
    if not isinstance(raw, int | float | str):
        return None, f"{field.name} must be a number, not {raw!r}"
    value: float | int
    try:
        if field.kind is int:
            if isinstance(raw, float) and not raw.is_integer():
                return None, f"{field.name} must be a whole number, not {raw!r}"
            value = int(raw)
        else:
            value = float(raw)
    except ValueError:
        return None, f"{field.name} must be a number, not {raw!r}"
    if not field.low <= value <= field.high:
        low, high = plain_number(field.low), plain_number(field.high)
        return None, f"{field.name} must be between {low} and {high}, not {plain_number(value)}"
    return value, ""


def check_choice(field: Field, raw: object) -> tuple[str | None, str]:
    """(value, problem) for a setting that is one of a few words; a typo gets a guess."""
    word = raw.strip().lower() if isinstance(raw, str) else None
    if word in field.choices:
        return field.kind(word), ""
    hint = did_you_mean(word, field.choices) if word else ""
    return None, f"{field.name} must be one of {', '.join(field.choices)}, not {raw!r}{hint}"


def settings_from_mapping(
    data: dict[str, Any], base: Settings | None = None
) -> tuple[Settings, list[str]]:
    """Apply the valid entries of ``data``; invalid ones keep the old value and are reported."""
    settings = base or Settings()
    problems: list[str] = []
    known = {field.name: field for field in FIELDS}
    changes: dict[str, Any] = {}
    for key, raw in data.items():
        field = known.get(key)
        if field is None:
            problems.append(f"unknown setting '{key}'{did_you_mean(key, known)}")
            continue
        value, problem = check_value(field, raw)
        if problem:
            problems.append(problem)
        else:
            changes[key] = value
    return replace(settings, **changes), problems


def load_settings(path: Path) -> tuple[Settings, list[str]]:
    """Settings from ``path`` (defaults when it does not exist), and what was wrong in it."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return Settings(), []
    except OSError as exc:
        return Settings(), [f"{path}: cannot read: {exc.strerror or exc}"]
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        return Settings(), [f"{path}: not valid TOML ({exc}); using the defaults"]
    settings, problems = settings_from_mapping(data)
    return settings, [f"{path}: {problem}" for problem in problems]


def save_settings(path: Path, settings: Settings) -> None:
    lines = ["# prep settings. Delete a line to go back to its default.", ""]
    for field in FIELDS:
        lines.append(f"# {field.help}")
        value = getattr(settings, field.name)
        # A choice is a TOML string; json.dumps writes one TOML reads back.
        written = json.dumps(str(value)) if field.choices else repr(value)
        lines.append(f"{field.name} = {written}")
        lines.append("")
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".toml.tmp")
    temporary.write_text("\n".join(lines), encoding="utf-8")
    temporary.replace(path)  # never a half-written settings file
