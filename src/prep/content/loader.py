"""Deck files → validated decks, with every error pinned to a file and line.

One bad file never stops the others: each file yields either a deck or its
errors, and the library keeps both.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from prep.content.errors import ContentError
from prep.content.models import (
    Case,
    Deck,
    KataCard,
    Limits,
    PredictCard,
    QACard,
    RandomCases,
    WrongSolution,
)
from prep.content.yamlfile import line_of, read_yaml
from prep.suggest import closest
from prep.wording import plural

CARD_MODELS: dict[str, type[BaseModel]] = {"qa": QACard, "predict": PredictCard, "kata": KataCard}
_NESTED_MODELS: dict[str, type[BaseModel]] = {
    "examples": Case,
    "tests": Case,
    "wrong_solutions": WrongSolution,
    "limits": Limits,
    "random": RandomCases,
}
MAX_ERRORS_PER_FILE = 20


@dataclass(frozen=True)
class LoadedDeck:
    deck: Deck
    path: Path
    line: int
    card_lines: tuple[int, ...]


@dataclass(frozen=True)
class FileResult:
    path: Path
    deck: LoadedDeck | None
    errors: tuple[ContentError, ...]


def load_deck_file(path: Path) -> FileResult:
    document = read_yaml(path)
    if isinstance(document, ContentError):
        return FileResult(path, None, (document,))
    root, data = document.root, document.data
    if not isinstance(root, MappingNode) or not isinstance(data, dict):
        kind = "a list" if isinstance(root, SequenceNode) else "a single value"
        return FileResult(
            path,
            None,
            (
                ContentError(
                    path,
                    line_of(root),
                    f"top level must be a mapping (deck, title, cards), found {kind}",
                ),
            ),
        )
    try:
        deck = Deck.model_validate(data)
    except ValidationError as exc:
        details = _without_echoes(exc.errors())[:MAX_ERRORS_PER_FILE]
        errors = [_describe(path, root, data, err) for err in details]
        return FileResult(path, None, tuple(sorted(set(errors))))

    cards_node = _child(root, "cards")
    card_nodes = cards_node.value if isinstance(cards_node, SequenceNode) else []
    card_lines = tuple(line_of(node) for node in card_nodes)
    duplicates = _duplicate_ids(path, card_nodes)
    if duplicates:
        return FileResult(path, None, tuple(duplicates))
    return FileResult(path, LoadedDeck(deck, path, line_of(root), card_lines), ())


def _without_echoes(errors: list[ErrorDetails]) -> list[ErrorDetails]:
    """Drop "too short" errors caused only by a failing item inside the list:
    pydantic counts the items that validated, so one bad card would also
    report an empty ``cards`` list."""
    kept = []
    for err in errors:
        loc = err["loc"]
        if err["type"] == "too_short" and any(
            other is not err and other["loc"][: len(loc)] == loc and len(other["loc"]) > len(loc)
            for other in errors
        ):
            continue
        kept.append(err)
    return kept


def _duplicate_ids(path: Path, card_nodes: Sequence[Node]) -> list[ContentError]:
    seen: dict[str, int] = {}
    errors = []
    for node in card_nodes:
        id_node = _child(node, "id")
        if not isinstance(id_node, ScalarNode):
            continue
        if id_node.value in seen:
            errors.append(
                ContentError(
                    path,
                    line_of(id_node),
                    f"duplicate card id '{id_node.value}' (first at line {seen[id_node.value]})",
                )
            )
        else:
            seen[id_node.value] = line_of(id_node)
    return errors


def _child(node: Node | None, key: str) -> Node | None:
    # The last pair with the key: after a merge (`<<: *card`) the merged pairs come
    # first and the mapping's own keys, which win, after them.
    found: Node | None = None
    if isinstance(node, MappingNode):
        for key_node, value_node in node.value:
            if isinstance(key_node, ScalarNode) and key_node.value == key:
                found = value_node
    return found


def _key_node(node: Node, key: str) -> Node | None:
    found: Node | None = None
    if isinstance(node, MappingNode):
        for key_node, _ in node.value:
            if isinstance(key_node, ScalarNode) and key_node.value == key:
                found = key_node
    return found


def _describe(path: Path, root: Node, data: Any, err: ErrorDetails) -> ContentError:
    """Turn one pydantic error into a message at the right line."""
    loc = [part for part in err["loc"] if not (isinstance(part, str) and part in CARD_MODELS)]
    node: Node = root
    value: Any = data
    field = ""
    context = ""
    for index, part in enumerate(loc):
        if isinstance(part, int) and isinstance(node, SequenceNode) and part < len(node.value):
            node = node.value[part]
            value = value[part] if isinstance(value, list) and part < len(value) else None
            if index == 1 and loc[0] == "cards" and isinstance(value, dict) and "id" in value:
                context = f"card '{value['id']}': "
            continue
        if isinstance(part, str):
            field = part
            child = _child(node, part)
            if child is None:
                break  # a missing field: point at the mapping that lacks it
            key_node = _key_node(node, part)
            is_last = index == len(loc) - 1
            node = key_node if (is_last and key_node is not None) else child
            value = value.get(part) if isinstance(value, dict) else None

    kind = err["type"]
    if kind == "missing":
        message = f"missing required field '{field}'"
    elif kind == "extra_forbidden":
        message = f"unknown field '{field}'{_suggestion(field, _allowed_fields(loc, data))}"
    elif kind == "union_tag_invalid":
        tag = value.get("type") if isinstance(value, dict) else None
        node = _key_node(node, "type") or node
        message = f"unknown card type '{tag}' (expected one of: {', '.join(CARD_MODELS)})"
    elif kind == "union_tag_not_found":
        message = f"card has no 'type' (expected one of: {', '.join(CARD_MODELS)})"
    elif kind in ("too_short", "too_long"):
        ctx = err.get("ctx") or {}
        bound = int(ctx.get("min_length" if kind == "too_short" else "max_length", 0))
        word = "at least" if kind == "too_short" else "at most"
        message = f"{field} needs {word} {plural(bound, 'item')}"
    elif kind == "string_pattern_mismatch":
        message = (
            f"{field} {value!r} is not a slug: use lowercase letters, digits and single hyphens"
        )
    else:
        text = err["msg"].removeprefix("Value error, ")
        message = f"{field}: {text}" if field and kind != "value_error" else text
    return ContentError(path, line_of(node), context + message)


def _allowed_fields(loc: Sequence[int | str], data: Any) -> list[str]:
    """The fields of the model that owns the failing key, for did-you-mean."""
    model: type[BaseModel] = Deck
    for index, part in enumerate(loc[:-1]):
        if part == "cards" and index + 1 < len(loc) - 1:
            card = _at(data, ["cards", loc[index + 1]])
            card_type = card.get("type") if isinstance(card, dict) else None
            model = CARD_MODELS.get(str(card_type), QACard)
        elif isinstance(part, str) and part in _NESTED_MODELS:
            model = _NESTED_MODELS[part]
    return sorted(model.model_fields)


def _at(data: Any, path: Sequence[int | str]) -> Any:
    for part in path:
        if isinstance(part, int) and isinstance(data, list) and part < len(data):
            data = data[part]
        elif isinstance(part, str) and isinstance(data, dict):
            data = data.get(part)
        else:
            return None
    return data


def _suggestion(field: str, allowed: list[str]) -> str:
    match = closest(field, allowed)
    if match is not None:
        return f" (did you mean '{match}'?)"
    return f" (allowed: {', '.join(allowed)})"
