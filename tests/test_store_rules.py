"""The store's promises, each on a real SQLite file: the log comes back in the order it
was made, filters keep exactly what they say, counts start at their boundary, a write
survives reopening, and a database error is one readable line."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy.exc import OperationalError

from prep.clock import truncate_to_ms
from prep.grading.attempts import Attempt
from prep.scheduling.memory import DEFAULT_PARAMETERS, CardState, Rating, Stage
from prep.scheduling.replay import Review, ReviewKind
from prep.store import Store
from prep.store.database import one_line

T0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


def review(
    ident: str,
    key: str,
    at: datetime,
    rating: Rating | None = Rating.Good,
    kind: ReviewKind = ReviewKind.REVIEW,
    stage: Stage | None = Stage.REVIEW,
    duration: int | None = 1500,
) -> Review:
    return Review(ident, key, rating, at, duration, "inst-a", kind, stage)


def state(key: str, due: datetime, last: datetime | None = T0) -> CardState:
    return CardState(key, Stage.REVIEW, None, 4.5, 6.25, due, last, reps=3, lapses=1)


def reopened(store: Store) -> Store:
    assert store.path is not None
    again = Store.open(store.path)
    again.close()  # the engine reconnects on use; closing keeps no file handle between tests
    return again


@pytest.fixture
def reopen(store: Store) -> Iterator[Store]:
    """The same file opened again: what a later run of prep reads."""
    assert store.path is not None
    again = Store.open(store.path)
    yield again
    again.close()


def test_a_store_knows_its_file_and_keeps_its_installation_id(store: Store, tmp_path: Path) -> None:
    assert store.path == tmp_path / "home" / "prep.db"
    other = Store.open(tmp_path / "other.db")
    try:
        assert other.installation_id != store.installation_id
        assert len(other.installation_id) == 36  # a UUID
    finally:
        other.close()
    assert reopened(store).installation_id == store.installation_id
    store.set_installation_id("restored-id")
    assert store.installation_id == "restored-id"
    assert reopened(store).installation_id == "restored-id"


def test_the_log_is_read_in_time_order_then_in_the_order_written(
    store: Store, reopen: Store
) -> None:
    same = T0 + timedelta(hours=1)
    store.add_reviews(
        [
            review("late", "d/a", T0 + timedelta(days=1)),
            review("tie-2", "d/b", same),
            review("first", "d/a", T0),
        ]
    )
    store.add_reviews([review("tie-1", "d/a", same)])
    assert [r.id for r in reopen.reviews()] == ["first", "tie-2", "tie-1", "late"]
    assert [r.id for r in reopen.reviews("d/a")] == ["first", "tie-1", "late"]


def test_resets_are_in_the_log_unless_left_out(store: Store) -> None:
    store.add_reviews([review("r1", "d/a", T0)])
    store.reset_card(review("reset", "d/a", T0 + timedelta(hours=1), None, ReviewKind.RESET, None))
    assert [r.id for r in store.reviews()] == ["r1", "reset"]
    assert [r.id for r in store.reviews(include_resets=False)] == ["r1"]
    assert store.count_reviews() == 1
    assert store.count_reviews(kinds=None) == 2
    assert store.review_times_ms() == [int(T0.timestamp() * 1000)]


def test_a_review_comes_back_exactly_as_written(store: Store, reopen: Store) -> None:
    at = truncate_to_ms(T0 + timedelta(microseconds=123_000))
    written = [
        review("a", "d/a", at, Rating.Hard, stage=Stage.LEARNING, duration=42),
        review("b", "d/b", at, Rating.Easy, stage=None, duration=None),
        review("c", "d/a", at + timedelta(seconds=1), None, ReviewKind.RESET, None),
    ]
    store.add_reviews(written)
    assert reopen.reviews() == written


def test_adding_reviews_counts_only_those_not_already_logged(store: Store) -> None:
    assert store.add_reviews([]) == 0
    first = [review(f"r{i}", "d/a", T0 + timedelta(minutes=i)) for i in range(1201)]
    assert store.add_reviews(first) == 1201
    again = [*first[:700], review("new", "d/b", T0)]
    assert store.add_reviews(again) == 1
    assert store.count_reviews() == 1202


def test_counts_since_a_moment_include_that_moment(store: Store) -> None:
    store.add_reviews(
        [
            review("before", "d/a", T0 - timedelta(milliseconds=1)),
            review("at", "d/b", T0),
            review("after", "d/a", T0 + timedelta(hours=2)),
            review("reset", "d/c", T0, None, ReviewKind.RESET, None),
        ]
    )
    assert store.count_reviews_since(T0) == 2
    assert store.count_reviews_since(T0 + timedelta(milliseconds=1)) == 1
    assert store.count_reviews_since(T0 + timedelta(days=1)) == 0
    t0_ms = int(T0.timestamp() * 1000)
    assert sorted(store.review_times_ms(since=T0)) == [t0_ms, t0_ms + 7_200_000]
    # New cards introduced since T0: d/b and d/c are first seen at T0; d/a was seen before.
    assert store.count_first_reviews_since(T0) == 2
    assert store.count_first_reviews_since(T0 + timedelta(milliseconds=1)) == 0
    assert store.first_reviewed_since(T0) == {"d/b", "d/c"}
    assert store.first_reviewed_since(T0 - timedelta(milliseconds=1)) == {"d/a", "d/b", "d/c"}


def test_review_columns_are_ratings_only_in_time_order_from_the_boundary(store: Store) -> None:
    store.add_reviews(
        [
            review("late", "d/b", T0 + timedelta(days=2), Rating.Again, duration=None),
            review("early", "d/a", T0 - timedelta(days=1), Rating.Hard, stage=Stage.LEARNING),
            review("mid", "d/a", T0, Rating.Easy, duration=900),
            review("reset", "d/a", T0 + timedelta(days=1), None, ReviewKind.RESET, None),
        ]
    )
    ms = int(T0.timestamp() * 1000)
    day = 86_400_000
    assert store.review_columns() == [
        (ms - day, 2, int(Stage.LEARNING), "d/a", 1500),
        (ms, 4, int(Stage.REVIEW), "d/a", 900),
        (ms + 2 * day, 1, int(Stage.REVIEW), "d/b", None),
    ]
    assert store.review_columns(since=T0) == [
        (ms, 4, int(Stage.REVIEW), "d/a", 900),
        (ms + 2 * day, 1, int(Stage.REVIEW), "d/b", None),
    ]


def test_states_are_written_replaced_and_read_as_columns(store: Store, reopen: Store) -> None:
    due = T0 + timedelta(days=3)
    store.write_states([state("d/a", due), state("d/b", due, last=None)])
    assert reopen.card_states() == {"d/a": state("d/a", due), "d/b": state("d/b", due, last=None)}
    ms = int(T0.timestamp() * 1000)
    assert sorted(store.state_columns()) == [
        ("d/a", int(Stage.REVIEW), 4.5, 6.25, ms + 3 * 86_400_000, ms, 3, 1),
        ("d/b", int(Stage.REVIEW), 4.5, 6.25, ms + 3 * 86_400_000, None, 3, 1),
    ]
    store.replace_states([state("d/c", due)])
    assert reopen.card_states() == {"d/c": state("d/c", due)}


def test_attempts_come_back_per_card_in_the_order_submitted(store: Store, reopen: Store) -> None:
    def attempt(ident: str, key: str, at: datetime, passed: bool) -> Attempt:
        summary = {"passed": 2 if passed else 1, "total": 2, "cases": [{"name": "x"}]}
        return Attempt(ident, key, "submit", at, f"code {ident}", passed, summary, 75, "inst-a")

    later, tie_1, tie_2 = T0 + timedelta(hours=1), T0, T0
    attempts = [
        attempt("late", "d/k", later, True),
        attempt("tie-1", "d/k", tie_1, False),
        attempt("other", "d/j", T0, True),
        attempt("tie-2", "d/k", tie_2, False),
    ]
    for one in attempts:
        store.record_attempt(one)
    assert reopen.attempts("d/k") == [attempts[1], attempts[3], attempts[0]]
    assert [a.id for a in reopen.attempts()] == ["tie-1", "other", "tie-2", "late"]
    store.record_attempt(replace(attempts[2], id="run", kind="examples"))
    assert [a.id for a in reopen.attempts(kind="examples")] == ["run"]
    assert [a.id for a in reopen.attempts("d/k", kind="submit")] == ["tie-1", "tie-2", "late"]


def test_drafts_are_kept_per_card_and_overwritten(store: Store, reopen: Store) -> None:
    assert store.draft("d/k") is None
    store.save_draft("d/k", "first", T0)
    store.save_draft("d/j", "other", T0)
    store.save_draft("d/k", "second", T0 + timedelta(seconds=5))
    assert reopen.draft("d/k") == "second"
    assert reopen.draft("d/j") == "other"
    assert reopen.drafts() == {
        "d/k": ("second", T0 + timedelta(seconds=5)),
        "d/j": ("other", T0),
    }


def test_meta_values_are_set_overwritten_and_removed(store: Store, reopen: Store) -> None:
    store.set_meta("k", "one")
    assert reopen.meta("k") == "one"
    store.set_meta("k", "two")
    assert reopen.meta("k") == "two"
    store.set_meta("k", None)
    assert reopen.meta("k") is None
    store.set_meta("never-set", None)
    assert reopen.meta("never-set") is None


def test_a_fit_that_is_not_a_full_finite_set_or_an_object_is_ignored(store: Store) -> None:
    assert store.fit_record() is None
    fitted = tuple(float(n) / 10 for n in range(len(DEFAULT_PARAMETERS)))
    store.save_fit(fitted, {"reviews": 500})
    assert store.fit_record() == {"reviews": 500}
    assert store.fitted_parameters() == fitted
    store.set_meta("fsrs_parameters", "[0.1, 0.2]")  # too few for the scheduler: not used
    assert store.fitted_parameters() is None
    store.set_meta("fsrs_parameters", json.dumps([*fitted[:-1], "NaN"]).replace('"NaN"', "NaN"))
    assert store.fitted_parameters() is None
    store.set_meta("fsrs_fit", "[1, 2]")
    assert store.fit_record() is None
    store.set_meta("fsrs_fit", "{not json")
    assert store.fit_record() is None
    store.set_meta("fsrs_parameters", '[0.1, "x"]')
    assert store.fitted_parameters() is None


def test_a_database_error_is_the_drivers_first_line_alone() -> None:
    import sqlite3

    driver = sqlite3.OperationalError("database is locked\nsecond line")
    wrapped = OperationalError("SELECT 1", {}, driver)
    assert one_line(wrapped) == "database is locked"
    assert one_line(ValueError("  spaced   out \n more")) == "spaced out"
    assert one_line(ValueError("")) == "ValueError"
