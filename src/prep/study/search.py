"""The card browser's rows and its small query language.

    attention deck:attention tag:gan type:kata is:due -is:suspended "exact phrase"

Terms are ANDed; ``-`` negates a term; ``deck:`` and ``tag:`` take shell
wildcards (``deck:training-*``); free words match the card's text, case-insensitively.
``is:`` takes due, new, learning, review, suspended, buried, leech.
"""

from __future__ import annotations

import fnmatch
import shlex
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from prep.content.library import Library
from prep.content.models import KataCard, PredictCard, QACard
from prep.scheduling.marks import CardMarks
from prep.scheduling.memory import CardState, Stage
from prep.store.history import History
from prep.suggest import did_you_mean

FIELDS = ("deck", "tag", "type", "is", "id")
IS_VALUES = ("due", "new", "learning", "review", "suspended", "buried", "leech")
TYPES = ("qa", "predict", "kata")
EXAMPLE_VALUES = {"deck": "attention", "tag": "gan", "type": "kata", "is": "due", "id": "top-k"}


class QueryError(ValueError):
    pass


@dataclass(frozen=True)
class Term:
    field: str  # "text" for free words
    value: str
    negated: bool = False


@dataclass(frozen=True)
class BrowserRow:
    key: str
    deck: str
    type: str
    title: str
    text: str  # everything searchable, lower-cased
    tags: tuple[str, ...]
    state: CardState | None
    marks: CardMarks
    in_content: bool


def _suggest(word: str, options: Sequence[str]) -> str:
    return did_you_mean(word, options, list_all=True)


def parse_query(text: str) -> tuple[Term, ...]:
    try:
        tokens = shlex.split(text)
    except ValueError as exc:
        raise QueryError(f"unbalanced quotes in the search ({exc})") from None
    terms = []
    for token in tokens:
        negated = token.startswith("-") and len(token) > 1
        body = token[1:] if negated else token
        field, sep, value = body.partition(":")
        if not sep:
            terms.append(Term("text", body.lower(), negated))
            continue
        field = field.lower()
        if field not in FIELDS:
            raise QueryError(f"unknown search field '{field}:'{_suggest(field, FIELDS)}")
        if not value:
            raise QueryError(f"'{field}:' needs a value, e.g. {field}:{EXAMPLE_VALUES[field]}")
        value = value.lower()
        if field == "is" and value not in IS_VALUES:
            raise QueryError(f"unknown 'is:{value}'{_suggest(value, IS_VALUES)}")
        if field == "type" and value not in TYPES:
            raise QueryError(f"unknown 'type:{value}'{_suggest(value, TYPES)}")
        terms.append(Term(field, value, negated))
    return tuple(terms)


def _is(row: BrowserRow, value: str, now: datetime) -> bool:
    state = row.state
    fresh = state is None or state.stage is Stage.NEW
    if value == "new":
        return fresh
    if value == "due":
        return not fresh and state is not None and state.due <= now and not row.marks.blocks(now)
    if value == "learning":
        return state is not None and state.stage in (Stage.LEARNING, Stage.RELEARNING)
    if value == "review":
        return state is not None and state.stage is Stage.REVIEW
    if value == "suspended":
        return row.marks.suspended
    if value == "buried":
        return row.marks.buried_until is not None and row.marks.buried_until > now
    return row.marks.leech  # "leech"


def term_matches(term: Term, row: BrowserRow, now: datetime) -> bool:
    if term.field == "text":
        return term.value in row.text
    if term.field == "deck":
        return fnmatch.fnmatchcase(row.deck, term.value) or (
            "*" not in term.value and row.deck.startswith(term.value)
        )
    if term.field == "tag":
        return any(fnmatch.fnmatchcase(tag, term.value) for tag in row.tags)
    if term.field == "type":
        return row.type == term.value
    if term.field == "id":
        return fnmatch.fnmatchcase(row.key, term.value) or term.value in row.key
    return _is(row, term.value, now)


def matches(terms: Sequence[Term], row: BrowserRow, now: datetime) -> bool:
    return all(term_matches(term, row, now) != term.negated for term in terms)


def search(rows: Sequence[BrowserRow], query: str, now: datetime) -> list[BrowserRow]:
    terms = parse_query(query)
    return [row for row in rows if matches(terms, row, now)]


def _searchable(card: QACard | PredictCard | KataCard) -> str:
    if isinstance(card, QACard):
        parts = [card.question, card.answer, card.explanation or ""]
    elif isinstance(card, PredictCard):
        parts = [card.question, card.code, card.explanation or ""]
    else:
        parts = [card.title, card.prompt]
    return " ".join(" ".join(parts).split()).lower()


def browser_rows(library: Library, store: History) -> list[BrowserRow]:
    """Every card in the content, then every card known only from history."""
    states = store.card_states()
    marks = store.marks()
    rows = [
        BrowserRow(
            key=key,
            deck=card.deck,
            type=card.type,
            title=card.prompt_text,
            text=_searchable(card.card) + " " + key,
            tags=card.tags,
            state=states.get(key),
            marks=marks.get(key, CardMarks()),
            in_content=True,
        )
        for key, card in library.cards.items()
    ]
    for key in sorted(set(states) - set(library.cards)):
        deck = key.split("/", 1)[0]
        rows.append(
            BrowserRow(
                key,
                deck,
                "history",
                "(not in the content)",
                key.lower(),
                (),
                states[key],
                marks.get(key, CardMarks()),
                False,
            )
        )
    return rows
