"""Any input at all — bytes as a deck file, a review CSV or a backup — gives a result or
errors naming the file and line, never an exception. Inputs are bounded in size, so the
time each takes is bounded too (no deadline is asserted: the machine may be loaded)."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from prep.content.loader import load_deck_file
from prep.scheduling.memory import MemoryModel
from prep.store import Store
from prep.transfer.backup import (
    BackupError,
    backup_members,
    export_backup,
    restore_backup,
    restore_backup_members,
)
from prep.transfer.reviews_csv import import_review_csv
from tests.conftest import qa_deck_yaml

FUZZ = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)

VALID_DECK = (
    qa_deck_yaml("fuzz", 2)
    + """\
  - id: kata
    type: kata
    title: K
    prompt: P
    tests:
      - call: f(1)
        expect: [1, {a: 2.5}]
    solution: |
      def f(x): return [x, {"a": 2.5}]
"""
)


def _mutations(text: str) -> st.SearchStrategy[str]:
    """The valid text with a slice replaced by arbitrary text: near-misses of real input."""
    return st.tuples(st.integers(0, len(text)), st.integers(0, 40), st.text(max_size=40)).map(
        lambda cut: text[: cut[0]] + cut[2] + text[cut[0] + cut[1] :]
    )


@pytest.fixture
def scratch(tmp_path: Path) -> Iterator[Path]:
    yield tmp_path


@FUZZ
@given(data=st.one_of(st.binary(max_size=3000), _mutations(VALID_DECK).map(str.encode)))
def test_any_bytes_as_a_deck_file_load_or_give_errors_with_a_line(
    scratch: Path, data: bytes
) -> None:
    path = scratch / "deck.yaml"
    path.write_bytes(data)
    result = load_deck_file(path)
    assert (result.deck is None) == bool(result.errors)
    for error in result.errors:
        assert error.path == path
        assert error.line >= 1
        assert error.message and "\n" not in error.message.strip()


VALID_CSV = (
    "card_id,review_rating,review_time,review_duration\n"
    "a,3,2026-03-01T10:00:00+00:00,1200\n"
    "b,1,2026-03-02T10:00:00Z,\n"
)


@FUZZ
@given(data=st.one_of(st.binary(max_size=2000), _mutations(VALID_CSV).map(str.encode)))
def test_any_bytes_as_a_review_csv_import_or_give_errors_with_a_line(
    scratch: Path, data: bytes
) -> None:
    path = scratch / "log.csv"
    path.write_bytes(data)
    store = Store.open(scratch / f"csv-{abs(hash(data))}.db")
    try:
        report = import_review_csv(path, store, MemoryModel(), now=NOW)
        assert report.imported + report.already_present + len(report.errors) >= 0
        assert report.imported <= report.rows
        for error in report.errors:
            assert error.path == path and error.line >= 1 and "\n" not in error.message
    finally:
        store.close()


def _valid_backup(scratch: Path) -> dict[str, Any]:
    from prep.content import load_library
    from prep.scheduling.memory import Rating
    from prep.settings import Settings
    from prep.study.session import StudySession
    from tests.conftest import FakeClock, counting_ids

    (scratch / "decks").mkdir(exist_ok=True)
    (scratch / "decks" / "fuzz.yaml").write_text(qa_deck_yaml("fuzz", 3), encoding="utf-8")
    store = Store.open(scratch / "source.db")
    try:
        session = StudySession(
            load_library([scratch / "decks"]),
            store,
            Settings(),
            UTC,
            FakeClock(NOW),
            counting_ids(),
        )
        for rating in (Rating.Good, Rating.Again, Rating.Easy):
            prompt = session.next_prompt()
            assert prompt is not None
            session.answer(prompt, rating)
        store.save_draft("fuzz/card-1", "code", NOW)
        data: dict[str, Any] = json.loads(json.dumps(export_backup(store, {}, NOW)))
        return data
    finally:
        store.close()


def _leaves(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    if isinstance(value, dict):
        return [p for key, item in value.items() for p in _leaves(item, (*path, key))] or [path]
    if isinstance(value, list):
        return [p for i, item in enumerate(value) for p in _leaves(item, (*path, i))] or [path]
    return [path]


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=10,
)


@FUZZ
@given(choice=st.integers(min_value=0), replacement=JSON_VALUES)
def test_a_backup_with_any_value_anywhere_restores_or_is_refused_in_one_line(
    scratch: Path, choice: int, replacement: Any
) -> None:
    good = (
        _valid_backup(scratch)
        if not (scratch / "good.json").exists()
        else json.loads((scratch / "good.json").read_text(encoding="utf-8"))
    )
    (scratch / "good.json").write_text(json.dumps(good), encoding="utf-8")
    leaves = [leaf for leaf in _leaves(good) if leaf]
    target = leaves[choice % len(leaves)]
    damaged = json.loads(json.dumps(good))
    holder = damaged
    for key in target[:-1]:
        holder = holder[key]
    holder[target[-1]] = replacement
    # A fresh file each time: hypothesis may run the same example twice (replay, shrinking).
    store = Store.open(scratch / f"restore-{uuid.uuid4().hex}.db")
    from_file = Store.open(scratch / f"restore-{uuid.uuid4().hex}.db")
    (scratch / "damaged.json").write_text(json.dumps(damaged), encoding="utf-8")
    try:
        parsed = _outcome(store, lambda: restore_backup(store, damaged))
        streamed = _outcome(from_file, lambda: _restore_file(from_file, scratch / "damaged.json"))
        # Read from the file a member at a time, or parsed whole: the same outcome.
        assert parsed == streamed
    finally:
        store.close()
        from_file.close()


def _outcome(home: Store, restore: Callable[[], object]) -> tuple[object, ...]:
    try:
        restore()  # whatever is not refused must be written
    except BackupError as refused:
        assert "\n" not in str(refused)
        assert home.is_empty()
        return ("refused", str(refused))
    return ("restored", home.count_reviews(), len(home.card_states()), len(home.attempts()))


def _restore_file(store: Store, path: Path) -> dict[str, Any]:
    with path.open("rb") as handle:
        return restore_backup_members(store, backup_members(handle, 1 << 20))
