"""What a learner meets first: the shipped deck's first two study days.

Studies a fresh home (a temporary folder) with the default settings at a pinned
time, rating every card Good, and prints the first 20 cards of day 1 and the
first 10 of day 2 with their type and deck, then how many new cards of each
type each day brought.

    .venv/bin/python bench/first_days.py
"""

from __future__ import annotations

import tempfile
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

from prep.content import load_library
from prep.scheduling.memory import Rating, Stage
from prep.settings import Settings
from prep.store import Store
from prep.study.session import StudySession

QUESTIONS = Path(__file__).resolve().parents[1] / "questions"
DAY_1 = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)


class PinnedClock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def study_day(session: StudySession, clock: PinnedClock) -> list[tuple[str, str, str]]:
    """Rate every card Good until the day has nothing left: (new or review, type, key)."""
    served = []
    while (prompt := session.next_prompt()) is not None:
        kind = "new" if prompt.state.stage is Stage.NEW else prompt.state.stage.name.lower()
        served.append((kind, prompt.card.type.value, prompt.card.key))
        clock.now += timedelta(seconds=20)
        session.answer(prompt, Rating.Good)
    return served


def show(title: str, served: list[tuple[str, str, str]], first: int) -> None:
    print(title)
    for number, (kind, card_type, key) in enumerate(served[:first], 1):
        deck = key.partition("/")[0]
        print(f"  {number:2}  {kind:9} {card_type:8} {deck:28} {key.partition('/')[2]}")
    new = Counter(card_type for kind, card_type, _ in served if kind == "new")
    print(
        f"  new cards that day: {sum(new.values())} — "
        + ", ".join(f"{new[name]} {name}" for name in ("qa", "predict", "kata"))
    )
    print()


def main() -> None:
    library = load_library([QUESTIONS])
    clock = PinnedClock(DAY_1)
    with tempfile.TemporaryDirectory() as folder:
        store = Store.open(Path(folder) / "prep.db")
        try:
            session = StudySession(library, store, Settings(), UTC, clock)
            show("Day 1, first 20 cards:", study_day(session, clock), 20)
            clock.now = DAY_1 + timedelta(days=1)
            show("Day 2, first 10 cards:", study_day(session, clock), 10)
        finally:
            store.close()


if __name__ == "__main__":
    main()
