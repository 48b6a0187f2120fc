from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from prep.content import Library
from prep.scheduling.memory import CardState, MemoryModel, Rating, Stage, memory_model
from prep.scheduling.replay import Review, replay
from prep.settings import Settings
from prep.store import DatabaseError, Store
from prep.store.database import (
    MIGRATIONS_DIR,
    current_revision,
)
from prep.store.history import HEAD_REVISION
from prep.study.session import StudySession
from tests.conftest import FakeClock, counting_ids, database_at_revision

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)


def test_head_revision_constant_matches_alembic() -> None:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    assert ScriptDirectory.from_config(config).get_current_head() == HEAD_REVISION


def test_new_database_is_migrated_to_head_in_wal_mode(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "prep.db")
    try:
        assert current_revision(store.engine) == HEAD_REVISION
    finally:
        store.close()
    with sqlite3.connect(tmp_path / "prep.db") as raw:
        assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        tables = {
            row[0] for row in raw.execute("SELECT name FROM sqlite_master WHERE type='table'")
        }
    assert {"meta", "card_states", "reviews", "alembic_version"} <= tables


def test_installation_id_is_stable_across_opens(tmp_path: Path) -> None:
    first = Store.open(tmp_path / "prep.db")
    ident = first.installation_id
    first.close()
    second = Store.open(tmp_path / "prep.db")
    assert second.installation_id == ident
    second.close()


def test_older_database_is_upgraded_not_dropped(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    engine = database_at_revision(path, "0001")
    with engine.begin() as connection:
        connection.exec_driver_sql(
            "INSERT INTO reviews (id, card_key, rating, reviewed_ms, duration_ms, installation_id) "
            "VALUES ('r1', 'd/c', 3, 1700000000000, 1000, 'inst')"
        )
    engine.dispose()
    store = Store.open(path)
    try:
        assert current_revision(store.engine) == HEAD_REVISION
        assert [r.id for r in store.reviews()] == ["r1"]
    finally:
        store.close()


def test_a_file_that_is_not_a_database_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "prep.db"
    path.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(DatabaseError, match="cannot open the database"):
        Store.open(path)


def test_record_and_undo(store: Store) -> None:
    model = MemoryModel()
    before = CardState.new("d/c", NOW)
    after = model.review(before, Rating.Good, NOW, "r1")
    store.record_review(Review("r1", "d/c", Rating.Good, NOW, 1200, store.installation_id), after)
    assert store.card_state("d/c") == after
    assert store.count_reviews() == 1
    second = model.review(after, Rating.Again, NOW + timedelta(minutes=10), "r2")
    store.record_review(
        Review("r2", "d/c", Rating.Again, NOW + timedelta(minutes=10), 900, "x"), second
    )
    store.undo_review("r2", after)
    assert store.card_state("d/c") == after
    store.undo_review("r1", before)
    assert store.card_state("d/c") is None
    assert store.count_reviews() == 0


def _study(
    library: Library, store: Store, clock: FakeClock, ratings: list[int], gaps: list[int]
) -> None:
    session = StudySession(library, store, Settings(), UTC, clock, counting_ids())
    for rating, gap in zip(ratings, gaps, strict=False):
        prompt = session.next_prompt()
        if prompt is None:
            clock.advance(days=3)
            continue
        clock.advance(seconds=7)
        session.answer(prompt, Rating(rating))
        clock.advance(minutes=gap)


def test_card_states_can_be_rebuilt_by_replaying_the_log(library: Library, store: Store) -> None:
    clock = FakeClock(NOW)
    ratings = [3, 1, 3, 3, 4, 2, 3, 1, 1, 3, 4, 4, 3, 2, 3, 3, 1, 3, 3, 3] * 3
    gaps = [1, 11, 0, 15, 60 * 24, 5, 60 * 30, 2, 11, 11, 60 * 24 * 4, 3] * 5
    _study(library, store, clock, ratings, gaps)
    assert store.count_reviews() > 30
    stored = store.card_states()
    rebuilt = replay(store.reviews(), memory_model(Settings(), None))
    assert rebuilt == stored
    assert {state.stage for state in stored.values()} & {Stage.REVIEW, Stage.RELEARNING}


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    ratings=st.lists(st.integers(min_value=1, max_value=4), min_size=1, max_size=40),
    gaps=st.lists(st.integers(min_value=0, max_value=60 * 24 * 20), min_size=1, max_size=40),
)
def test_replay_property(
    library: Library, tmp_path_factory: pytest.TempPathFactory, ratings: list[int], gaps: list[int]
) -> None:
    store = Store.open(tmp_path_factory.mktemp("db") / "prep.db")
    try:
        _study(library, store, FakeClock(NOW), ratings, gaps)
        assert replay(store.reviews(), MemoryModel()) == store.card_states()
    finally:
        store.close()


def test_reviews_carry_unique_ids_and_the_installation(library: Library, store: Store) -> None:
    clock = FakeClock(NOW)
    session = StudySession(library, store, Settings(), UTC, clock)
    for _ in range(3):
        prompt = session.next_prompt()
        assert prompt is not None
        session.answer(prompt, Rating.Good)
    reviews = store.reviews()
    assert len({r.id for r in reviews}) == 3
    assert all(len(r.id) == 36 for r in reviews)
    assert {r.installation_id for r in reviews} == {store.installation_id}


def test_a_card_removed_from_content_keeps_its_history(tmp_path: Path, store: Store) -> None:
    from prep.content import load_library
    from tests.conftest import qa_deck_yaml

    deck = tmp_path / "d"
    deck.mkdir()
    (deck / "x.yaml").write_text(qa_deck_yaml("x", 2), encoding="utf-8")
    clock = FakeClock(NOW)
    session = StudySession(load_library([deck]), store, Settings(), UTC, clock)
    for _ in range(2):
        prompt = session.next_prompt()
        assert prompt is not None
        session.answer(prompt, Rating.Good)
    # The author edits card 1's text and deletes card 2.
    (deck / "x.yaml").write_text(
        qa_deck_yaml("x", 1).replace("Question 1 of x?", "A reworded question?"), encoding="utf-8"
    )
    library = load_library([deck])
    assert list(library.cards) == ["x/card-1"]
    assert store.card_state("x/card-1") is not None
    assert len(store.reviews("x/card-2")) == 1
    assert store.card_state("x/card-2") is not None
