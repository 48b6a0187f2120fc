"""'Did you mean …?': one way to suggest the closest known name after a typo."""

from __future__ import annotations

import difflib
from collections.abc import Iterable


def closest(word: str, options: Iterable[str]) -> str | None:
    """The known name nearest to ``word``, if any is near enough to be a typo of it."""
    matches = difflib.get_close_matches(word, list(options), n=1, cutoff=0.6)
    return matches[0] if matches else None


def did_you_mean(word: str, options: Iterable[str], list_all: bool = False) -> str:
    """`` (did you mean 'x'?)``; otherwise the whole list when ``list_all``, else nothing."""
    names = list(options)
    match = closest(word, names)
    if match is not None:
        return f" (did you mean '{match}'?)"
    return f" (one of: {', '.join(names)})" if list_all and names else ""
