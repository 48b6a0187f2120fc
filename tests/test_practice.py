"""The kata problem list: each kata's status, last submission and best time from
a real history in SQLite, the filters over it, and naming a kata by its id."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from prep.content import Library, load_library
from prep.content.kinds import Difficulty
from prep.grading.attempts import Attempt
from prep.scheduling.marks import CardMarks
from prep.scheduling.memory import CardState, Stage
from prep.store import Store
from prep.study.practice import (
    KataFilter,
    KataRow,
    KataStatus,
    LastSubmission,
    UnknownKataError,
    filter_katas,
    find_kata,
    kata_rows,
    kata_tags,
    read_kata_rows,
)
from tests.conftest import PINNED_NOW, FakeClock

WriteDeck = Callable[[str, str], Path]
NOW = PINNED_NOW


def kata_yaml(card_id: str, difficulty: str = "medium", tags: str = "[]", extra: str = "") -> str:
    return f"""\
  - id: {card_id}
    type: kata
    title: Title of {card_id}
    difficulty: {difficulty}
    tags: {tags}
    prompt: Write f.
    tests:
      - call: f()
        expect: 1
    solution: |
      def f():
          return 1
{extra}"""


HEAPS = (
    "deck: heaps\ntitle: Heaps and top-k\ntags: [heap]\ncards:\n"
    + kata_yaml("kth-largest", "easy", "[top-k]")
    + kata_yaml("merge-lists", "hard")
    + "  - id: what-is-a-heap\n    type: qa\n    question: What is a heap?\n    answer: A tree.\n"
    + kata_yaml("old-python", extra="    python: '<3.0'\n")
)
GRAPHS = (
    "deck: graphs\ntitle: Graph search\ncards:\n"
    + kata_yaml("bfs", "easy", "[search]")
    + kata_yaml("kth-largest", "medium", "[top-k]")
)


@pytest.fixture
def katas(write_deck: WriteDeck) -> Library:
    write_deck("heaps.yaml", HEAPS)
    folder = write_deck("graphs.yaml", GRAPHS).parent
    library = load_library([folder])
    assert not library.errors
    return library


def attempt(
    n: int,
    key: str,
    passed: bool,
    kind: str = "submit",
    summary: dict[str, Any] | None = None,
    minutes: float | None = None,
) -> Attempt:
    return Attempt(
        id=f"attempt-{n}",
        card_key=key,
        kind=kind,
        submitted_at=NOW - timedelta(minutes=minutes if minutes is not None else 100 - n),
        code="def f(): ...",
        passed=passed,
        summary=summary if summary is not None else {"passed": 1 if passed else 0, "total": 1},
        duration_ms=40,
        installation_id="test",
    )


def review_state(key: str, due: datetime, stage: Stage = Stage.REVIEW) -> CardState:
    return CardState(key, stage, None, 10.0, 5.0, due, NOW - timedelta(days=3), 2, 0)


def by_key(rows: list[KataRow]) -> dict[str, KataRow]:
    return {row.key: row for row in rows}


def test_every_kata_for_this_python_is_listed_in_the_library_order_with_its_deck(
    katas: Library, store: Store
) -> None:
    rows = read_kata_rows(katas, store, NOW)
    # Decks come in file order (graphs.yaml before heaps.yaml), cards in deck order;
    # the Q&A card and the kata for another Python are left out.
    assert [row.key for row in rows] == [
        "graphs/bfs",
        "graphs/kth-largest",
        "heaps/kth-largest",
        "heaps/merge-lists",
    ]
    first = rows[2]
    assert (first.id, first.title, first.deck, first.deck_title) == (
        "kth-largest",
        "Title of kth-largest",
        "heaps",
        "Heaps and top-k",
    )
    assert first.difficulty is Difficulty.EASY
    assert first.tags == ("heap", "top-k")  # the deck's tags, then the card's
    assert read_kata_rows(katas, store, NOW, python=(2, 7))[-1].key == "heaps/old-python"


def test_status_comes_from_submissions_and_the_schedule(katas: Library, store: Store) -> None:
    # bfs: a failed submission; passing examples and a passing predict do not solve it.
    store.record_attempt(attempt(1, "graphs/bfs", False))
    store.record_attempt(attempt(2, "graphs/bfs", True, kind="examples"))
    store.record_attempt(attempt(3, "graphs/bfs", True, kind="predict", summary={}))
    # heaps/kth-largest: failed, then passed; graphs/kth-largest shares the id, not the history.
    store.record_attempt(attempt(4, "heaps/kth-largest", False))
    store.record_attempt(attempt(5, "heaps/kth-largest", True))
    # heaps/merge-lists: solved long ago and due for review now.
    store.record_attempt(attempt(6, "heaps/merge-lists", True))
    store.write_states([review_state("heaps/merge-lists", due=NOW)])
    statuses = {row.key: row.status for row in read_kata_rows(katas, store, NOW)}
    assert statuses == {
        "graphs/bfs": KataStatus.ATTEMPTED,
        "graphs/kth-largest": KataStatus.NEW,
        "heaps/kth-largest": KataStatus.SOLVED,
        "heaps/merge-lists": KataStatus.DUE,
    }
    # A millisecond before it falls due, the kata is back to what its submissions say.
    earlier = read_kata_rows(katas, store, NOW - timedelta(milliseconds=1))
    assert by_key(earlier)["heaps/merge-lists"].status is KataStatus.SOLVED


def test_a_scheduled_state_still_new_or_due_later_is_not_due(katas: Library, store: Store) -> None:
    store.write_states(
        [
            review_state("graphs/bfs", due=NOW - timedelta(days=1), stage=Stage.NEW),
            review_state("heaps/merge-lists", due=NOW + timedelta(minutes=1)),
            review_state("graphs/kth-largest", due=NOW - timedelta(days=1), stage=Stage.LEARNING),
        ]
    )
    rows = by_key(read_kata_rows(katas, store, NOW))
    assert rows["graphs/bfs"].status is KataStatus.NEW
    assert rows["heaps/merge-lists"].status is KataStatus.NEW
    assert rows["graphs/kth-largest"].status is KataStatus.DUE


def test_the_last_submission_and_the_count_of_submissions(katas: Library, store: Store) -> None:
    store.record_attempt(attempt(1, "heaps/kth-largest", True, summary={"passed": 3, "total": 3}))
    store.record_attempt(attempt(2, "heaps/kth-largest", False, summary={"passed": 2, "total": 3}))
    store.record_attempt(attempt(3, "heaps/kth-largest", True, kind="examples"))
    store.record_attempt(attempt(4, "graphs/bfs", False, summary={"problem": "old attempt"}))
    rows = by_key(read_kata_rows(katas, store, NOW))
    solved = rows["heaps/kth-largest"]
    assert solved.submissions == 2
    assert solved.last_submission == LastSubmission(False, 2, 3, NOW - timedelta(minutes=98))
    assert solved.status is KataStatus.SOLVED  # a later failure does not unsolve it
    assert rows["graphs/bfs"].last_submission == LastSubmission(
        False, None, None, NOW - timedelta(minutes=96)
    )
    assert rows["graphs/kth-largest"].last_submission is None
    assert rows["graphs/kth-largest"].submissions == 0


def test_the_last_submission_is_the_latest_even_when_recorded_out_of_order(
    katas: Library,
) -> None:
    late = attempt(1, "graphs/bfs", True, summary={"passed": 1, "total": 1}, minutes=1)
    early = attempt(2, "graphs/bfs", False, summary={"passed": 0, "total": 1}, minutes=50)
    (row, *_) = kata_rows(katas, [late, early], {}, {}, NOW)
    assert row.last_submission is not None and row.last_submission.passed


def test_the_best_time_is_the_fastest_passing_submission_that_kept_one(
    katas: Library, store: Store
) -> None:
    history: list[tuple[int, bool, dict[str, Any]]] = [
        (1, False, {"elapsed_ms": 1_000}),  # faster, but it failed
        (2, True, {"elapsed_ms": 95_000}),
        (3, True, {"elapsed_ms": 61_500.4}),
        (4, True, {}),  # recorded before the screen kept the time
        (5, True, {"elapsed_ms": "soon"}),
    ]
    for n, passed, summary in history:
        store.record_attempt(attempt(n, "heaps/merge-lists", passed, summary=summary))
    examples = attempt(6, "heaps/kth-largest", True, kind="examples", summary={"elapsed_ms": 5})
    store.record_attempt(examples)
    store.record_attempt(attempt(7, "graphs/bfs", True, summary={"passed": 1, "total": 1}))
    rows = by_key(read_kata_rows(katas, store, NOW))
    assert rows["heaps/merge-lists"].best_time_ms == 61_500
    assert rows["heaps/kth-largest"].best_time_ms is None
    assert rows["graphs/bfs"].best_time_ms is None  # solved, but no time was kept


def test_a_suspended_kata_says_so_and_keeps_its_status(katas: Library, store: Store) -> None:
    store.set_marks("heaps/merge-lists", CardMarks(suspended=True))
    store.set_marks("graphs/bfs", CardMarks(buried_until=NOW + timedelta(hours=3)))
    store.record_attempt(attempt(1, "heaps/merge-lists", True))
    rows = by_key(read_kata_rows(katas, store, NOW))
    assert rows["heaps/merge-lists"].suspended
    assert rows["heaps/merge-lists"].status is KataStatus.SOLVED
    assert not rows["graphs/bfs"].suspended


def test_history_of_cards_no_longer_in_the_content_is_ignored(katas: Library, store: Store) -> None:
    store.record_attempt(attempt(1, "gone/kata", True))
    store.write_states([review_state("gone/kata", due=NOW)])
    assert "gone/kata" not in by_key(read_kata_rows(katas, store, NOW))


def test_the_history_is_read_in_one_pass(katas: Library) -> None:
    def once() -> Iterator[Attempt]:
        yield attempt(1, "graphs/bfs", False)
        yield attempt(2, "graphs/bfs", True)

    rows = by_key(kata_rows(katas, once(), {}, {}, NOW))
    assert rows["graphs/bfs"].submissions == 2 and rows["graphs/bfs"].status is KataStatus.SOLVED


def test_time_must_be_utc(katas: Library) -> None:
    with pytest.raises(ValueError, match="UTC"):
        kata_rows(katas, [], {}, {}, datetime(2026, 3, 10, 12))


def test_a_row_as_json(katas: Library, clock: FakeClock) -> None:
    clock.advance(minutes=5)
    submitted = attempt(1, "graphs/bfs", True, summary={"passed": 1, "total": 1, "elapsed_ms": 42})
    (row, *_) = kata_rows(katas, [submitted], {}, {}, clock())
    assert row.to_dict() == {
        "key": "graphs/bfs",
        "id": "bfs",
        "title": "Title of bfs",
        "deck": "graphs",
        "deck_title": "Graph search",
        "difficulty": "easy",
        "tags": ["search"],
        "status": "solved",
        "suspended": False,
        "submissions": 1,
        "last_submission": {
            "passed": True,
            "tests_passed": 1,
            "tests_total": 1,
            "submitted_at": "2026-03-10T10:21:00+00:00",
        },
        "best_time_ms": 42,
    }


# -- filters -------------------------------------------------------------------


@pytest.fixture
def rows(katas: Library, store: Store) -> list[KataRow]:
    store.record_attempt(attempt(1, "graphs/bfs", False))
    store.record_attempt(attempt(2, "heaps/kth-largest", True))
    return read_kata_rows(katas, store, NOW)


def keys(rows: list[KataRow]) -> list[str]:
    return [row.key for row in rows]


def test_no_filter_keeps_every_kata(rows: list[KataRow]) -> None:
    assert keys(filter_katas(rows, KataFilter())) == keys(rows)


@pytest.mark.parametrize(
    ("wanted", "expected"),
    [
        (KataFilter(difficulty=Difficulty.EASY), ["graphs/bfs", "heaps/kth-largest"]),
        (KataFilter(difficulty=Difficulty.HARD), ["heaps/merge-lists"]),
        (KataFilter(tag="top-k"), ["graphs/kth-largest", "heaps/kth-largest"]),
        (KataFilter(tag="heap"), ["heaps/kth-largest", "heaps/merge-lists"]),
        (KataFilter(tag="top"), []),  # a tag is matched whole
        (KataFilter(status=KataStatus.NEW), ["graphs/kth-largest", "heaps/merge-lists"]),
        (KataFilter(status=KataStatus.ATTEMPTED), ["graphs/bfs"]),
        (KataFilter(status=KataStatus.SOLVED), ["heaps/kth-largest"]),
        (KataFilter(status=KataStatus.DUE), []),
        (KataFilter(deck="graphs"), ["graphs/bfs", "graphs/kth-largest"]),
        (KataFilter(deck="graph"), []),  # a deck is named whole
        (KataFilter(tag="top-k", difficulty=Difficulty.EASY), ["heaps/kth-largest"]),
        (KataFilter(tag="top-k", status=KataStatus.NEW), ["graphs/kth-largest"]),
        (KataFilter(deck="heaps", status=KataStatus.NEW), ["heaps/merge-lists"]),
        (KataFilter(deck="heaps", difficulty=Difficulty.MEDIUM), []),
    ],
)
def test_filters_combine(rows: list[KataRow], wanted: KataFilter, expected: list[str]) -> None:
    assert keys(filter_katas(rows, wanted)) == expected


def test_the_tags_a_filter_can_name(rows: list[KataRow]) -> None:
    assert kata_tags(rows) == ["heap", "search", "top-k"]


# -- naming a kata ---------------------------------------------------------------


def test_a_kata_is_named_by_its_key_or_by_an_id_no_other_deck_uses(katas: Library) -> None:
    assert find_kata(katas, "heaps/kth-largest").key == "heaps/kth-largest"
    assert find_kata(katas, "merge-lists").key == "heaps/merge-lists"
    assert find_kata(katas, "old-python").key == "heaps/old-python"  # readable on any Python
    with pytest.raises(UnknownKataError) as raised:
        find_kata(katas, "kth-largest")
    assert str(raised.value) == (
        "kata 'kth-largest' is in several decks: name one of graphs/kth-largest, heaps/kth-largest"
    )


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("heaps/merge-list", "unknown kata 'heaps/merge-list' (did you mean 'heaps/merge-lists'?)"),
        ("bsf", "unknown kata 'bsf' (did you mean 'bfs'?)"),
        ("heaps/what-is-a-heap", "unknown kata 'heaps/what-is-a-heap'"),  # a Q&A card
        ("zzz", "unknown kata 'zzz'"),
    ],
)
def test_an_unknown_kata_suggests_the_nearest_name(katas: Library, name: str, message: str) -> None:
    with pytest.raises(UnknownKataError) as raised:
        find_kata(katas, name)
    assert str(raised.value) == message
