"""Every search the README shows finds cards in the shipped deck: the content terms on
their own, the ``is:`` terms once a history has cards in each schedule and with each mark."""

from __future__ import annotations

import re
from datetime import UTC
from pathlib import Path

from prep.content import load_library
from prep.scheduling.marks import CardMarks
from prep.scheduling.memory import Rating
from prep.settings import Settings
from prep.store import Store
from prep.study.actions import toggle_buried
from prep.study.search import browser_rows, search
from prep.study.session import StudySession
from tests.conftest import FakeClock, counting_ids

ROOT = Path(__file__).resolve().parents[1]


def documented_queries() -> list[str]:
    """The queries in the first column of the README's table of search terms."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Searching the browser", 1)[1].split("\n## ", 1)[0]
    queries = []
    for line in section.splitlines():
        if line.startswith("| `"):
            first_cell = line.split("|")[1]
            queries.extend(re.findall(r"`([^`]+)`", first_cell))
    return queries


def test_the_readme_shows_every_search_field() -> None:
    queries = " ".join(documented_queries())
    for field in ("deck:", "tag:", "type:", "id:", "is:", '"', "-"):
        assert field in queries
    assert len(documented_queries()) >= 15


def test_every_documented_search_finds_a_shipped_card(store: Store, clock: FakeClock) -> None:
    library = load_library([ROOT / "questions"])
    assert not library.errors
    session = StudySession(library, store, Settings(), UTC, clock, counting_ids())
    for rating in (Rating.Easy, Rating.Again, Rating.Good, Rating.Easy):
        prompt = session.next_prompt()
        assert prompt is not None
        session.answer(prompt, rating)
    keys = sorted(library.cards)
    store.set_marks(keys[-1], CardMarks(suspended=True, leech=True))
    clock.advance(days=60)  # the Easy cards are due; the Again card is still learning
    toggle_buried(store, [keys[-2]], clock(), UTC, 4)
    rows = browser_rows(library, store)

    missing = [query for query in documented_queries() if not search(rows, query, clock())]
    assert missing == []
    assert not search(rows, "deck:dl-*", clock())  # the example the README used to give
