"""The two levels of checking a deck.

A person writing a deck of their own writes what they need: a kata with a
prompt, a starter, tests and a solution is valid, and ``prep check`` only
warns about what would make it better (examples, wrong solutions that prove
the tests have teeth). ``prep check --strict`` applies the shipped deck's
rules, and its warnings become errors.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable

from prep.content.errors import ContentError
from prep.content.kinds import Difficulty
from prep.content.library import StudyCard
from prep.content.models import KataCard, PredictCard, QACard

MIN_HIDDEN_TESTS = 8
MIN_WRONG_SOLUTIONS = 3
# Learner-facing text never points at a document the learner has never seen
# (write "the random seed" for a generator's seed).
INTERNAL_SOURCE = re.compile(
    r"\bthe seeds?\b|\bthe blog\b|\bseed (?:file|document|text)\b|\b\d{3}_[0-9a-f]{16}\.txt\b",
    re.IGNORECASE,
)


def _at(card: StudyCard, message: str) -> ContentError:
    return ContentError(card.path, card.line, f"card '{card.card.id}': {message}")


def warnings(card: StudyCard) -> list[ContentError]:
    """What a user's own deck may lack, said without refusing it."""
    kata = card.card
    if not isinstance(kata, KataCard):
        return []
    found = []
    if not kata.examples:
        found.append(_at(card, "warning: no examples, so 'run examples' has nothing to run"))
    if not kata.wrong_solutions:
        found.append(
            _at(
                card,
                "warning: no wrong_solutions, so nothing shows the hidden tests catch a mistake",
            )
        )
    return found


def random_block_problems(card: StudyCard) -> list[ContentError]:
    """A random block whose generator cannot run fails every submission: an error at
    both levels. Compiling is the model's check; this one reads what the code defines."""
    kata = card.card
    if not isinstance(kata, KataCard) or kata.random is None:
        return []
    tree = ast.parse(kata.random.generate)
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.name == "generate":
            arguments = node.args
            positional = len(arguments.posonlyargs) + len(arguments.args)
            if positional == 3 or (positional < 3 and arguments.vararg is not None):
                return []
            return [_at(card, "random.generate must take (rng, np_rng, size)")]
    return [_at(card, "random.generate must define a function 'generate(rng, np_rng, size)'")]


def _learner_text(card: StudyCard) -> Iterable[str]:
    body = card.card
    if isinstance(body, QACard):
        yield from (body.question, body.answer, body.hint or "", body.explanation or "")
    elif isinstance(body, PredictCard):
        yield from (body.question, body.hint or "", body.explanation or "")
    else:
        yield from (body.title, body.prompt, *body.hints, body.explanation or "")


def shipped_deck_problems(card: StudyCard) -> list[ContentError]:
    """The shipped deck's rules (CONTENT.md), for ``prep check --strict``."""
    body = card.card
    problems = []
    if not (body.source or body.reference):
        problems.append(
            _at(card, "needs a 'source' or a 'reference' (a public book, paper or docs)")
        )
    if isinstance(body, QACard) and body.difficulty is not Difficulty.EASY and not body.hint:
        problems.append(_at(card, f"a {body.difficulty.value} Q&A card needs a 'hint'"))
    for text in _learner_text(card):
        match = INTERNAL_SOURCE.search(text)
        if match:
            problems.append(
                _at(card, f"learner-facing text mentions an internal source ({match.group(0)!r})")
            )
            break
    if isinstance(body, KataCard):
        if not 1 <= len(body.examples) <= 3:
            problems.append(_at(card, "a kata needs 1 to 3 examples"))
        if len(body.tests) < MIN_HIDDEN_TESTS:
            problems.append(
                _at(
                    card,
                    f"a kata needs at least {MIN_HIDDEN_TESTS} hidden tests, not {len(body.tests)}",
                )
            )
        if len(body.wrong_solutions) < MIN_WRONG_SOLUTIONS:
            problems.append(
                _at(
                    card,
                    f"a kata needs at least {MIN_WRONG_SOLUTIONS} wrong_solutions, "
                    f"not {len(body.wrong_solutions)}",
                )
            )
        for field in ("hints", "explanation", "complexity"):
            if not getattr(body, field):
                problems.append(_at(card, f"a kata needs '{field}'"))
    return problems
