"""How prep words a count for people: "1 file", "2 files". The one place that
knows English plurals, for the command line, the app and the domain's messages."""

from __future__ import annotations


def noun(count: int, word: str, many: str | None = None) -> str:
    """``word`` for one, its plural (``many``, else ``word`` + "s") for any other count."""
    if count == 1:
        return word
    return many if many is not None else word + "s"


def plural(count: int, word: str, many: str | None = None, *, grouped: bool = False) -> str:
    """The count and its noun: "1 day", "0 days", "12,580 reviews" when ``grouped``."""
    number = f"{count:,}" if grouped else str(count)
    return f"{number} {noun(count, word, many)}"
