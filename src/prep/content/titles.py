"""A card in one line, for lists and tables: its question or kata title as plain
text, and for a predict card that only asks "What does this print?", the
statement of its program that says what it does.

Pure functions of text; no Markdown or Python is run.
"""

from __future__ import annotations

import ast
import re

from prep.content.kinds import CardType

DEFAULT_PREDICT_QUESTION = "What does this print?"

_CODE_SPAN = re.compile(r"(`+)(.+?)\1", re.DOTALL)
_IMAGE_OR_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_AUTOLINK = re.compile(r"<((?:https?|mailto):[^>\s]+)>")
_STRONG = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")
# Underscores inside a word (snake_case, d_k) are not emphasis, as in CommonMark.
_EMPHASIS_STAR = re.compile(r"\*(?=\S)([^*]+?)(?<=\S)\*")
_EMPHASIS_UNDERSCORE = re.compile(r"(?<![\w\\])_(?=\S)([^_]+?)(?<=\S)_(?!\w)")
_STRIKE = re.compile(r"~~(?=\S)(.+?)(?<=\S)~~")
_LINE_MARKERS = re.compile(r"^\s{0,3}(?:#{1,6}\s+|>\s?|[-*+]\s+|\d+[.)]\s+)", re.MULTILINE)
_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!~>|])")
_PLACEHOLDER = "\x00{}\x00"
_KEPT = re.compile("\x00(\\d+)\x00")


def plain_text(markdown: str) -> str:
    """Markdown as the plain words a reader sees, on one line: emphasis, code
    backticks, links and line markers go; code spans keep their text as written."""
    # Code spans and escaped characters are set aside first, so that no rule below
    # reads their stars and underscores as emphasis.
    kept: list[str] = []

    def keep(literal: str) -> str:
        kept.append(literal)
        return _PLACEHOLDER.format(len(kept) - 1)

    text = _CODE_SPAN.sub(lambda match: keep(match.group(2).strip() or match.group(2)), markdown)
    text = _ESCAPE.sub(lambda match: keep(match.group(1)), text)
    text = _IMAGE_OR_LINK.sub(r"\1", text)
    text = _AUTOLINK.sub(r"\1", text)
    text = _LINE_MARKERS.sub("", text)
    text = _STRONG.sub(r"\2", text)
    text = _STRIKE.sub(r"\1", text)
    text = _EMPHASIS_STAR.sub(r"\1", text)
    text = _EMPHASIS_UNDERSCORE.sub(r"\1", text)
    text = _KEPT.sub(lambda match: kept[int(match.group(1))], text)
    return " ".join(text.split())


def program_line(code: str) -> str:
    """The line of a program that says what it does: its first call made for its effect
    (a ``print``, ``heapq.heapify(h)``), else its first loop, ``with`` or ``if`` that
    calls something, else its first ``def`` or ``class``, else its first assignment that
    calls something, else its first statement that is not an import, else its first
    line. A ``try:`` line says nothing: its body is looked into instead."""
    lines = code.splitlines()
    first = next((line.strip() for line in lines if line.strip()), "")
    try:
        module = ast.parse(code)
    except (SyntaxError, ValueError, MemoryError, RecursionError):
        return first
    statements = _statements(module.body)
    for telling in (_is_call, _heads_a_call, _defines, _has_call):
        chosen = next((s for s in statements if telling(s)), None)
        if chosen is not None:
            break
    else:
        chosen = statements[0] if statements else None
    if chosen is None or chosen.lineno > len(lines):
        return first
    return lines[chosen.lineno - 1].strip()


def _statements(body: list[ast.stmt]) -> list[ast.stmt]:
    found: list[ast.stmt] = []
    for statement in body:
        if isinstance(statement, ast.Import | ast.ImportFrom):
            continue
        if isinstance(statement, ast.Try | ast.TryStar):
            found.extend(_statements(statement.body))
            continue
        found.append(statement)
    return found


def _is_call(statement: ast.stmt) -> bool:
    return isinstance(statement, ast.Expr) and _has_call(statement.value)


def _heads_a_call(statement: ast.stmt) -> bool:
    head: list[ast.AST]
    if isinstance(statement, ast.For | ast.AsyncFor):
        head = [statement.iter]
    elif isinstance(statement, ast.While | ast.If):
        head = [statement.test]
    elif isinstance(statement, ast.With | ast.AsyncWith):
        head = [item.context_expr for item in statement.items]
    else:
        return False
    return any(_has_call(part) for part in head)


def _defines(statement: ast.stmt) -> bool:
    return isinstance(statement, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)


def _has_call(node: ast.AST) -> bool:
    return any(isinstance(inner, ast.Call) for inner in ast.walk(node))


def card_title(
    kind: CardType, *, question: str | None = None, title: str | None = None, code: str = ""
) -> str:
    """A card in one line: a kata's title, a question, or for a predict card with the
    usual question, the line of its program that says what it does."""
    if kind is CardType.KATA:
        return plain_text(title or "")
    if kind is CardType.PREDICT and (question is None or question == DEFAULT_PREDICT_QUESTION):
        return " ".join(program_line(code).split())
    return plain_text(question or "")
