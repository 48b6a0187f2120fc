"""Rules of studying pinned exactly: the browser's rows (every content card,
then every card known only from history) and what each search term matches
at its boundaries (README, "Searching the browser"); the sentence explaining a
proposed rating (README, "Ratings from results"); what suspend, bury and
unbury change and keep; drafts written newest last; and what a rating in a
session records, how undo puts a card back, and when the next study day starts."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from prep.content import Library, load_library
from prep.content.kinds import Difficulty
from prep.scheduling.marks import CardMarks
from prep.scheduling.memory import CardState, Rating, Stage
from prep.scheduling.replay import Review
from prep.settings import Settings
from prep.store import Store
from prep.study.actions import bury_until_next_day, set_suspended, unbury
from prep.study.attempt import CardAttempt
from prep.study.drafts import DraftKeeper
from prep.study.search import BrowserRow, QueryError, Term, browser_rows, parse_query, search
from prep.study.session import StudySession, build_queue, studyable_cards
from tests.conftest import FakeClock, counting_ids

WriteDeck = Callable[[str, str], Path]
NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
TOKYO = ZoneInfo("Asia/Tokyo")  # UTC+9, no daylight saving

MIXED = """\
deck: mixed
title: Mixed
tags: [ml]
cards:
  - id: plain-qa
    type: qa
    tags: [basics]
    question: |
      What   is
      ONE?
    answer: |
      One.
  - id: explained-qa
    type: qa
    question: Why?
    answer: Because.
    explanation: |
      Long   story.
  - id: printing
    type: predict
    code: |

      x = 1
      print(x + 1)
    expect_output: |
      2
    explanation: Adds one.
  - id: bare-predict
    type: predict
    question: Output?
    code: print(2)
    expect_output: "2"
  - id: adder
    type: kata
    title: Add   Two
    prompt: |
      Write `add(a, b)`.
    tests:
      - call: add(1, 2)
        expect: 3
    solution: |
      def add(a, b):
          return a + b
"""


def review_state(key: str, due: datetime, stage: Stage = Stage.REVIEW) -> CardState:
    return CardState(key, stage, None, 3.0, 5.0, due, due - timedelta(days=3), 2, 0)


# -- the browser's rows -----------------------------------------------------------


def test_browser_rows_are_the_content_cards_then_cards_known_only_from_history(
    write_deck: WriteDeck, store: Store
) -> None:
    library = load_library([write_deck("mixed.yaml", MIXED)])
    assert not library.errors
    known = review_state("mixed/plain-qa", NOW)
    gone = review_state("old-deck/Gone-Card", NOW - timedelta(days=1))
    nested = review_state("imported/a/b", NOW)
    imported = review_state("imported/42", NOW + timedelta(days=1))
    store.write_states([known, imported, gone, nested])
    store.set_marks("mixed/adder", CardMarks(suspended=True))
    store.set_marks("old-deck/Gone-Card", CardMarks(leech=True))
    assert browser_rows(library, store) == [
        BrowserRow(
            "mixed/plain-qa", "mixed", "qa", "What is ONE?",
            "what is one? one. mixed/plain-qa", ("ml", "basics"), known, CardMarks(), True,
        ),
        BrowserRow(
            "mixed/explained-qa", "mixed", "qa", "Why?",
            "why? because. long story. mixed/explained-qa", ("ml",), None, CardMarks(), True,
        ),
        BrowserRow(
            "mixed/printing", "mixed", "predict", "print(x + 1)",
            "what does this print? x = 1 print(x + 1) adds one. mixed/printing", ("ml",),
            None, CardMarks(), True,
        ),
        BrowserRow(
            "mixed/bare-predict", "mixed", "predict", "Output?",
            "output? print(2) mixed/bare-predict", ("ml",), None, CardMarks(), True,
        ),
        BrowserRow(
            "mixed/adder", "mixed", "kata", "Add Two",
            "add two write `add(a, b)`. mixed/adder", ("ml",), None,
            CardMarks(suspended=True), True,
        ),
        BrowserRow(
            "imported/42", "imported", "history", "(not in the content)", "imported/42", (),
            imported, CardMarks(), False,
        ),
        BrowserRow(
            "imported/a/b", "imported", "history", "(not in the content)", "imported/a/b", (),
            nested, CardMarks(), False,
        ),
        BrowserRow(
            "old-deck/Gone-Card", "old-deck", "history", "(not in the content)",
            "old-deck/gone-card", (), gone, CardMarks(leech=True), False,
        ),
    ]  # fmt: skip


def test_a_kata_is_found_by_its_prompt_but_not_by_its_solution(
    write_deck: WriteDeck, store: Store
) -> None:
    rows = browser_rows(load_library([write_deck("mixed.yaml", MIXED)]), store)
    assert [r.key for r in search(rows, "write", NOW)] == ["mixed/adder"]
    assert [r.key for r in search(rows, "return", NOW)] == []
    assert [r.key for r in search(rows, '"long story"', NOW)] == ["mixed/explained-qa"]


# -- the query language -----------------------------------------------------------


def test_free_words_and_fields_parse_into_terms_in_order() -> None:
    assert parse_query('Cache -Mode "KV  Cache" deck:Att* -is:DUE id:a:b') == (
        Term("text", "cache"),
        Term("text", "mode", negated=True),
        Term("text", "kv  cache"),
        Term("deck", "att*"),
        Term("is", "due", negated=True),
        Term("id", "a:b"),
    )


def test_a_lone_dash_is_a_word_and_a_dash_before_one_letter_negates_it() -> None:
    assert parse_query("-") == (Term("text", "-"),)
    assert parse_query("-x") == (Term("text", "x", negated=True),)


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("foo:bar", "unknown search field 'foo:' (one of: deck, tag, type, is, id)"),
        ("is:zzz", "unknown 'is:zzz' (one of: due, new, learning, review, suspended, buried, leech)"),
        ("type:card", "unknown 'type:card' (one of: qa, predict, kata)"),
        ("type:kat", "unknown 'type:kat' (did you mean 'kata'?)"),
        ("deck:", "'deck:' needs a value, e.g. deck:attention"),
        ("tag:", "'tag:' needs a value, e.g. tag:gan"),
        ("type:", "'type:' needs a value, e.g. type:kata"),
        ("is:", "'is:' needs a value, e.g. is:due"),
        ("ID:", "'id:' needs a value, e.g. id:top-k"),
    ],
)  # fmt: skip
def test_a_bad_query_says_exactly_what_is_wrong(query: str, message: str) -> None:
    with pytest.raises(QueryError, match=f"^{re.escape(message)}$"):
        parse_query(query)


def row(
    key: str,
    state: CardState | None = None,
    marks: CardMarks | None = None,
    text: str = "",
) -> BrowserRow:
    deck = key.split("/")[0]
    return BrowserRow(key, deck, "qa", key, text or key, (), state, marks or CardMarks(), True)


BOUNDARY_ROWS = [
    row("attention/due-now", review_state("attention/due-now", NOW)),
    row("attention/due-next-ms", review_state("attention/due-next-ms", NOW + timedelta(milliseconds=1))),
    row("attn/suspended", review_state("attn/suspended", NOW), CardMarks(suspended=True)),
    row("heaps/leech", review_state("heaps/leech", NOW + timedelta(days=2)), CardMarks(leech=True)),
    row("heaps/buried-till-now", review_state("heaps/buried-till-now", NOW), CardMarks(buried_until=NOW)),
    row("heaps/buried-later", review_state("heaps/buried-later", NOW), CardMarks(buried_until=NOW + timedelta(milliseconds=1))),
    row("heaps/relearning", review_state("heaps/relearning", NOW, Stage.RELEARNING)),
    row("heaps/learning", review_state("heaps/learning", NOW + timedelta(minutes=5), Stage.LEARNING)),
    row("heaps/new-state", CardState.new("heaps/new-state", NOW)),
    row("heaps/never-seen", text="a - b"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("is:due", ["attention/due-now", "heaps/buried-till-now", "heaps/relearning"]),
        ("is:suspended", ["attn/suspended"]),
        ("is:leech", ["heaps/leech"]),
        ("is:buried", ["heaps/buried-later"]),
        ("is:learning", ["heaps/relearning", "heaps/learning"]),
        ("is:new", ["heaps/new-state", "heaps/never-seen"]),
        (
            "is:review",
            ["attention/due-now", "attention/due-next-ms", "attn/suspended", "heaps/leech",
             "heaps/buried-till-now", "heaps/buried-later"],
        ),
        ("deck:att", ["attention/due-now", "attention/due-next-ms", "attn/suspended"]),
        ("deck:atte", ["attention/due-now", "attention/due-next-ms"]),
        ("deck:att*n", ["attention/due-now", "attention/due-next-ms", "attn/suspended"]),
        ("deck:at*x", []),
        ("-", ["attention/due-now", "attention/due-next-ms", "heaps/buried-till-now",
               "heaps/buried-later", "heaps/new-state", "heaps/never-seen"]),
        ("-heaps", ["attention/due-now", "attention/due-next-ms", "attn/suspended",
                    "heaps/never-seen"]),
        ("-is:due -is:new deck:heaps", ["heaps/leech", "heaps/buried-later", "heaps/learning"]),
        ("id:*now", ["attention/due-now", "heaps/buried-till-now"]),
    ],
)  # fmt: skip
def test_each_search_term_matches_up_to_its_boundary(query: str, expected: list[str]) -> None:
    assert [r.key for r in search(BOUNDARY_ROWS, query, NOW)] == expected


# -- the sentence explaining a proposed rating --------------------------------------


T0 = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)


def sitting(failed: int = 0, hints: int = 0, solved_after: timedelta | None = None) -> CardAttempt:
    attempt = CardAttempt.for_kata(Difficulty.MEDIUM, T0)  # a 10-minute budget
    for _ in range(hints):
        attempt.hint()
    for n in range(failed):
        attempt.submitted(False, T0 + timedelta(seconds=n))
    if solved_after is not None:
        attempt.submitted(True, T0 + solved_after)
    return attempt


@pytest.mark.parametrize(
    ("attempt", "sentence", "rating"),
    [
        (sitting(solved_after=timedelta(minutes=2, seconds=30)),
         "Solved first time in 2.5 min, no hints: Easy.", Rating.Easy),
        (sitting(solved_after=timedelta(minutes=7)),
         "Solved first time, no hints (7.0 min): Good.", Rating.Good),
        (sitting(failed=1, solved_after=timedelta(minutes=1)),
         "Solved after 1 failed submission: Hard.", Rating.Hard),
        (sitting(failed=2, solved_after=timedelta(minutes=1)),
         "Solved after 2 failed submissions: Hard.", Rating.Hard),
        (sitting(hints=1, solved_after=timedelta(minutes=1)), "Solved after 1 hint: Hard.", Rating.Hard),
        (sitting(hints=3, solved_after=timedelta(minutes=1)), "Solved after 3 hints: Hard.", Rating.Hard),
        (sitting(failed=2, hints=1, solved_after=timedelta(minutes=1)),
         "Solved after 2 failed submissions and 1 hint: Hard.", Rating.Hard),
        (sitting(failed=3), "Not solved: Again.", Rating.Again),
        (sitting(), "Not solved: Again.", Rating.Again),
    ],
)  # fmt: skip
def test_the_proposed_rating_is_explained_in_one_sentence(
    attempt: CardAttempt, sentence: str, rating: Rating
) -> None:
    # The time counted is up to the solving submission, not up to now.
    later = T0 + timedelta(hours=1)
    assert (attempt.explain(later), attempt.proposal(later)) == (sentence, rating)


def test_giving_up_is_explained_as_such_even_after_failed_submissions() -> None:
    attempt = sitting(failed=2, hints=1)
    attempt.give_up()
    assert attempt.explain(T0) == "You gave up: Again."
    assert attempt.outcome(T0).gave_up


def test_every_failed_submission_and_hint_is_counted() -> None:
    attempt = sitting(failed=3, hints=2)
    attempt.submitted(True, T0 + timedelta(minutes=4))
    outcome = attempt.outcome(T0 + timedelta(minutes=9))
    assert (outcome.failed_submissions, outcome.hints_used, outcome.solved, outcome.gave_up) == (
        3,
        2,
        True,
        False,
    )
    assert outcome.elapsed == timedelta(minutes=4)


def test_an_unsolved_sitting_counts_its_time_up_to_now() -> None:
    assert sitting(failed=1).outcome(T0 + timedelta(minutes=3)).elapsed == timedelta(minutes=3)


# -- suspend, bury, unbury ----------------------------------------------------------


def test_unbury_brings_a_card_back_and_keeps_its_other_marks(store: Store) -> None:
    store.set_marks("alpha/card-1", CardMarks(True, NOW + timedelta(hours=3), True))
    assert unbury(store, "alpha/card-1") == CardMarks(suspended=True, leech=True)
    assert store.marks()["alpha/card-1"] == CardMarks(suspended=True, leech=True)


def test_unbury_of_an_unmarked_card_stores_plain_marks(store: Store) -> None:
    store.set_marks("alpha/card-2", CardMarks(buried_until=NOW))
    assert unbury(store, "alpha/card-1") == CardMarks()
    assert store.marks() == {
        "alpha/card-1": CardMarks(),
        "alpha/card-2": CardMarks(buried_until=NOW),
    }


def test_suspending_keeps_a_card_burial_and_leech_tag(store: Store) -> None:
    buried = CardMarks(buried_until=NOW + timedelta(hours=3), leech=True)
    store.set_marks("alpha/card-1", buried)
    assert set_suspended(store, "alpha/card-1", True) == CardMarks(True, buried.buried_until, True)
    assert store.marks()["alpha/card-1"] == CardMarks(True, buried.buried_until, True)


def test_burying_keeps_the_suspension_and_lasts_to_the_learner_next_rollover(store: Store) -> None:
    store.set_marks("alpha/card-1", CardMarks(suspended=True, leech=True))
    # 05:30 UTC is 14:30 in Tokyo on 10 March; with the day rolling over at 06:00 there,
    # the next study day begins at 06:00 on 11 March Tokyo time, 21:00 UTC on 10 March.
    at = datetime(2026, 3, 10, 5, 30, tzinfo=UTC)
    until = datetime(2026, 3, 10, 21, 0, tzinfo=UTC)
    assert bury_until_next_day(store, "alpha/card-1", at, TOKYO, 6) == CardMarks(True, until, True)
    assert store.marks()["alpha/card-1"] == CardMarks(True, until, True)


# -- drafts -------------------------------------------------------------------------


def test_a_draft_is_written_on_flush_with_the_time_of_the_write(store: Store) -> None:
    clock = FakeClock(NOW)
    keeper = DraftKeeper(store, "alpha/card-1", clock)
    keeper.put("x = 1")
    keeper.put("x = 2")
    assert store.drafts() == {}
    clock.advance(seconds=5)
    keeper.flush()
    assert store.drafts() == {"alpha/card-1": ("x = 2", NOW + timedelta(seconds=5))}
    assert keeper.load() == "x = 2"


def test_a_flush_with_nothing_new_writes_nothing(store: Store) -> None:
    clock = FakeClock(NOW)
    keeper = DraftKeeper(store, "alpha/card-1", clock)
    keeper.flush()
    assert store.drafts() == {}
    keeper.put("")
    keeper.flush()
    clock.advance(seconds=5)
    keeper.flush()  # nothing arrived since: the draft and its time stay
    assert store.drafts() == {"alpha/card-1": ("", NOW)}
    assert keeper.load() == ""


def test_each_card_keeps_its_own_draft(store: Store) -> None:
    clock = FakeClock(NOW)
    first = DraftKeeper(store, "alpha/card-1", clock)
    second = DraftKeeper(store, "alpha/card-2", clock)
    assert (first.load(), second.load()) == (None, None)
    first.put("a")
    first.flush()
    assert (first.load(), second.load()) == ("a", None)


# -- a study session ----------------------------------------------------------------


def session_for(
    library: Library, store: Store, clock: FakeClock, tz: ZoneInfo | None = None, **settings: Any
) -> StudySession:
    return StudySession(library, store, Settings(**settings), tz or UTC, clock, counting_ids())


def test_a_rating_logs_the_review_with_its_stage_before_and_time_on_screen(
    library: Library, store: Store, clock: FakeClock
) -> None:
    session = session_for(library, store, clock)
    prompt = session.next_prompt()
    assert prompt is not None
    assert (prompt.card.key, prompt.review_id, prompt.shown_at) == (
        "alpha/card-1",
        "00000000-0000-4000-8000-000000000001",
        NOW,
    )
    clock.advance(seconds=2, microseconds=345_400)  # kept to the millisecond
    answer = session.answer(prompt, Rating.Good)
    later = NOW + timedelta(seconds=2, milliseconds=345)
    expected = Review(
        "00000000-0000-4000-8000-000000000001",
        "alpha/card-1",
        Rating.Good,
        later,
        2345,
        store.installation_id,
        stage_before=Stage.NEW,
    )
    assert answer.review == expected
    # The log numbers it: the first review this installation made.
    assert store.reviews() == [replace(expected, seq=1)]
    assert answer.after == session.model.review(prompt.state, Rating.Good, later, prompt.review_id)
    assert store.card_state("alpha/card-1") == answer.after
    assert (answer.before, answer.marks_before, answer.became_leech) == (prompt.state, None, False)


def test_a_rating_given_the_moment_a_card_is_shown_lasted_zero_ms(
    library: Library, store: Store, clock: FakeClock
) -> None:
    session = session_for(library, store, clock)
    prompt = session.next_prompt()
    assert prompt is not None
    assert session.answer(prompt, Rating.Good).review.duration_ms == 0
    second = session.next_prompt()
    assert second is not None
    clock.advance(seconds=-3)  # the clock stepped back: never a negative duration
    assert session.answer(second, Rating.Good).review.duration_ms == 0


def test_a_prompt_shows_what_each_rating_would_do(
    library: Library, store: Store, clock: FakeClock
) -> None:
    session = session_for(library, store, clock)
    prompt = session.prompt_for(library.cards["beta/card-2"])
    assert prompt.state == CardState.new("beta/card-2", NOW)
    assert prompt.intervals == session.model.preview(prompt.state, NOW, prompt.review_id)
    assert prompt.intervals[Rating.Again] == timedelta(minutes=1)


def test_undo_puts_back_a_reviewed_card_state_and_its_marks(
    library: Library, store: Store, clock: FakeClock
) -> None:
    session = session_for(library, store, clock, leech_threshold=1)
    key = "alpha/card-1"
    session.answer(session.prompt_for(library.cards[key]), Rating.Easy)
    in_review = store.card_state(key)
    assert in_review is not None and in_review.stage is Stage.REVIEW
    store.set_marks(key, CardMarks(buried_until=NOW))
    clock.now = in_review.due
    answer = session.answer(session.prompt_for(library.cards[key]), Rating.Again)
    assert answer.became_leech
    assert answer.marks_before == CardMarks(buried_until=NOW)
    assert store.marks()[key] == CardMarks(suspended=True, leech=True)
    assert session.undo() == library.cards[key]
    assert store.card_state(key) == in_review
    assert store.marks()[key] == CardMarks(buried_until=NOW)


def test_a_leech_that_lapses_again_is_not_tagged_again(
    library: Library, store: Store, clock: FakeClock
) -> None:
    session = session_for(library, store, clock, leech_threshold=1)
    key = "alpha/card-1"
    session.answer(session.prompt_for(library.cards[key]), Rating.Easy)
    store.set_marks(key, CardMarks(leech=True))  # tagged before, then unsuspended
    state = store.card_state(key)
    assert state is not None
    clock.now = state.due
    answer = session.answer(session.prompt_for(library.cards[key]), Rating.Again)
    assert (answer.after.lapses, answer.became_leech) == (1, False)
    assert store.marks()[key] == CardMarks(leech=True)
    session.undo()
    assert store.marks()[key] == CardMarks(leech=True)


def test_undo_of_a_card_that_was_new_before_forgets_its_state(
    library: Library, store: Store, clock: FakeClock
) -> None:
    session = session_for(library, store, clock)
    prompt = session.next_prompt()
    assert prompt is not None
    session.answer(prompt, Rating.Good)
    assert session.can_undo
    assert session.undo() == prompt.card
    assert not session.can_undo
    assert (store.card_states(), store.reviews()) == ({}, [])


def test_the_next_study_day_starts_at_the_learner_rollover_hour(
    library: Library, store: Store
) -> None:
    # 20:30 UTC on 9 March is 05:30 on 10 March in Tokyo: before a 06:00 rollover,
    # so still the study day of 9 March, which ends at 06:00 on 10 March (21:00 UTC).
    clock = FakeClock(datetime(2026, 3, 9, 20, 30, tzinfo=UTC))
    session = session_for(library, store, clock, TOKYO, rollover_hour=6)
    assert session.next_day_starts() == datetime(2026, 3, 9, 21, 0, tzinfo=UTC)
    clock.now = datetime(2026, 3, 9, 21, 0, tzinfo=UTC)
    assert session.next_day_starts() == datetime(2026, 3, 10, 21, 0, tzinfo=UTC)


def test_the_new_card_allowance_is_counted_from_the_learner_rollover_hour(
    library: Library, store: Store
) -> None:
    # 20:00 UTC on 9 March is 05:00 on 10 March in Tokyo: with a 06:00 rollover, a card
    # introduced then belongs to the study day of 9 March, which ends at 21:00 UTC.
    clock = FakeClock(datetime(2026, 3, 9, 20, 0, tzinfo=UTC))
    session = session_for(library, store, clock, TOKYO, rollover_hour=6, new_per_day=2)
    prompt = session.next_prompt()
    assert prompt is not None
    session.answer(prompt, Rating.Easy)
    clock.now = datetime(2026, 3, 9, 20, 59, tzinfo=UTC)  # 05:59 in Tokyo: the same day
    assert session.counts().new_available == 1
    clock.now = datetime(2026, 3, 9, 21, 0, tzinfo=UTC)  # 06:00: a new study day
    assert session.counts().new_available == 2


def test_a_queue_built_from_given_states_uses_them_instead_of_the_store(
    library: Library, store: Store
) -> None:
    cards = studyable_cards(library)
    states = {"beta/card-2": review_state("beta/card-2", NOW - timedelta(days=1))}
    queue = build_queue(cards, store, Settings(), NOW, UTC, states)
    assert [c.key for c in queue.due] == ["beta/card-2"]
    assert [c.key for c in build_queue(cards, store, Settings(), NOW, UTC).due] == []


def test_cards_for_another_python_are_not_studied(write_deck: WriteDeck) -> None:
    deck = (
        "deck: py\ntitle: Py\ncards:\n"
        "  - id: future\n    type: qa\n    python: '>=9.0'\n    question: q\n    answer: a\n"
        "  - id: any\n    type: qa\n    question: q\n    answer: a\n"
        "  - id: current\n    type: qa\n    python: '>=3.11'\n    question: q\n    answer: a\n"
    )
    library = load_library([write_deck("py.yaml", deck)])
    assert [card.key for card in studyable_cards(library)] == ["py/any", "py/current"]
