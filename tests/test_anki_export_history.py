"""``prep export --anki``: the package carries the review history, and Anki itself
(the real ``anki`` package) imports the notes, the cards with their scheduling and the
review log; exporting again gives the same card ids and adds no review twice."""

from __future__ import annotations

import sqlite3
import zipfile
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest

from prep.cli import main
from prep.content import load_library
from prep.scheduling.memory import MemoryModel, Rating, Stage
from prep.scheduling.replay import Review, ReviewKind, replay
from prep.store import Store
from prep.transfer.anki import write_apkg
from prep.transfer.anki_history import StudyHistory, stable_anki_id
from tests.conftest import PINNED_NOW, typed_deck_yaml

pytest.importorskip("anki")

# anki.collection first: anki.cards imported alone is a circular import.
from anki.collection import Collection

# isort: split
from anki.cards import CardId
from anki.dbproxy import DBProxy
from anki.import_export_pb2 import ImportAnkiPackageOptions, ImportAnkiPackageRequest

WriteDeck = Callable[[str, str], Path]
START = PINNED_NOW - timedelta(days=30)


def _review(n: int, key: str, rating: Rating, days: float) -> Review:
    return Review(
        id=f"r{n}",
        card_key=key,
        rating=rating,
        reviewed_at=START + timedelta(days=days),
        duration_ms=4000 + n,
        installation_id="here",
    )


# q1: learnt and reviewed; p3: learnt, lapsed, relearnt; q2: reset after a review;
# a kata's review is not exported (katas are not in the package).
LOG = [
    _review(1, "alpha/q1", Rating.Good, 0),
    _review(2, "alpha/q1", Rating.Good, 0.01),
    _review(3, "alpha/q1", Rating.Good, 3),
    _review(4, "alpha/p3", Rating.Easy, 1),
    _review(5, "alpha/p3", Rating.Again, 20),
    _review(6, "alpha/p3", Rating.Good, 20.01),
    _review(7, "alpha/q2", Rating.Hard, 2),
    Review("r8", "alpha/q2", None, START + timedelta(days=5), None, "here", ReviewKind.RESET),
    _review(9, "alpha/k4", Rating.Good, 2),
]


def _history(suspended: frozenset[str] = frozenset()) -> StudyHistory:
    model = MemoryModel()
    return StudyHistory(LOG, replay(LOG, model), suspended, model)


def _export(write_deck: WriteDeck, tmp_path: Path, name: str = "deck.apkg") -> Path:
    write_deck("alpha.yaml", typed_deck_yaml("alpha", "qqpk"))
    path = tmp_path / name
    written = write_apkg(
        load_library([tmp_path / "decks"]), path, history=_history(), now=PINNED_NOW
    )
    assert (written.notes, written.reviews) == (3, 8)
    return path


def _import(collection: Collection, package: Path) -> None:
    collection.import_anki_package(
        ImportAnkiPackageRequest(
            package_path=str(package),
            options=ImportAnkiPackageOptions(with_scheduling=True, with_deck_configs=False),
        )
    )


def _db(collection: Collection) -> DBProxy:
    assert collection.db is not None
    return collection.db


def _import_into_anki(package: Path, collection_path: Path) -> Collection:
    collection_path.parent.mkdir(parents=True, exist_ok=True)
    collection = Collection(str(collection_path))
    _import(collection, package)
    return collection


def test_anki_imports_the_notes_the_cards_and_the_review_log(
    write_deck: WriteDeck, tmp_path: Path
) -> None:
    package = _export(write_deck, tmp_path)
    collection = _import_into_anki(package, tmp_path / "anki" / "collection.anki2")
    try:
        notes = _db(collection).all("SELECT flds FROM notes ORDER BY flds")
        assert [str(fields).split("\x1f")[0] for (fields,) in notes] == [
            "alpha/p3",
            "alpha/q1",
            "alpha/q2",
        ]
        q1, p3, q2 = (stable_anki_id(f"prep-card:alpha/{card}") for card in ("q1", "p3", "q2"))
        cards = {
            card_id: (kind, queue, reps, lapses)
            for card_id, kind, queue, reps, lapses in _db(collection).all(
                "SELECT id, type, queue, reps, lapses FROM cards"
            )
        }
        assert cards == {q1: (2, 2, 3, 0), p3: (2, 2, 3, 1), q2: (0, 0, 0, 0)}
        log = _db(collection).all("SELECT cid, ease, type, time FROM revlog ORDER BY id")
        assert log == [
            [q1, 3, 0, 4001],
            [q1, 3, 0, 4002],
            [p3, 4, 0, 4004],
            [q2, 2, 0, 4007],
            [q1, 3, 1, 4003],
            [q2, 0, 4, 0],
            [p3, 1, 1, 4005],
            [p3, 3, 2, 4006],
        ]
        # Anki's FSRS reads the memory state prep exported for the card.
        state = replay(LOG, MemoryModel())["alpha/q1"]
        memory = collection.get_card(CardId(q1)).memory_state
        assert memory is not None
        assert memory.stability == pytest.approx(state.stability, abs=1e-3)
        assert memory.difficulty == pytest.approx(state.difficulty, abs=1e-2)
    finally:
        collection.close()


def test_a_review_card_is_due_on_the_day_prep_has_it(write_deck: WriteDeck, tmp_path: Path) -> None:
    package = _export(write_deck, tmp_path)
    with zipfile.ZipFile(package) as archive:
        archive.extract("collection.anki2", tmp_path / "unpacked")
    db = sqlite3.connect(tmp_path / "unpacked" / "collection.anki2")
    (created,) = db.execute("SELECT crt FROM col").fetchone()
    q1 = stable_anki_id("prep-card:alpha/q1")
    due_day, interval = db.execute("SELECT due, ivl FROM cards WHERE id = ?", (q1,)).fetchone()
    state = replay(LOG, MemoryModel())["alpha/q1"]
    assert state.stage is Stage.REVIEW and state.last_review is not None
    assert due_day == (int(state.due.timestamp()) - created) // 86_400
    assert interval == round((state.due - state.last_review).total_seconds() / 86_400)


def test_a_suspended_card_stays_suspended(write_deck: WriteDeck, tmp_path: Path) -> None:
    write_deck("alpha.yaml", typed_deck_yaml("alpha", "qqpk"))
    path = tmp_path / "deck.apkg"
    history = _history(suspended=frozenset({"alpha/q1"}))
    write_apkg(load_library([tmp_path / "decks"]), path, history=history, now=PINNED_NOW)
    with zipfile.ZipFile(path) as archive:
        archive.extract("collection.anki2", tmp_path / "unpacked")
    db = sqlite3.connect(tmp_path / "unpacked" / "collection.anki2")
    q1 = stable_anki_id("prep-card:alpha/q1")
    assert db.execute("SELECT type, queue FROM cards WHERE id = ?", (q1,)).fetchone() == (2, -1)


def test_importing_a_second_export_updates_the_same_cards_and_adds_no_review_twice(
    write_deck: WriteDeck, tmp_path: Path
) -> None:
    first = _export(write_deck, tmp_path, "first.apkg")
    second = _export(write_deck, tmp_path, "second.apkg")
    collection = _import_into_anki(first, tmp_path / "anki" / "collection.anki2")
    try:
        cards_before = sorted(_db(collection).list("SELECT id FROM cards"))
        _import(collection, second)
        assert sorted(_db(collection).list("SELECT id FROM cards")) == cards_before
        assert _db(collection).scalar("SELECT count(*) FROM revlog") == 8
        assert _db(collection).scalar("SELECT count(*) FROM notes") == 3
    finally:
        collection.close()


def test_prep_export_anki_writes_the_history_of_the_home(
    write_deck: WriteDeck, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_deck("alpha.yaml", typed_deck_yaml("alpha", "qqpk"))
    home = tmp_path / "home"
    home.mkdir()
    store = Store.open(home / "prep.db")
    try:
        store.add_reviews(LOG)
        store.write_states(replay(LOG, MemoryModel()).values())
    finally:
        store.close()
    package = tmp_path / "out.apkg"
    argv = ["--home", str(home), "--no-builtin", "--content", str(tmp_path / "decks")]
    assert main([*argv, "export", "--anki", str(package)]) == 0
    assert capsys.readouterr().out == (
        f"wrote 3 qa and predict cards and 8 reviews of them to {package}\n"
    )
    with zipfile.ZipFile(package) as archive:
        archive.extract("collection.anki2", tmp_path / "unpacked")
    db = sqlite3.connect(tmp_path / "unpacked" / "collection.anki2")
    assert db.execute("SELECT count(*) FROM revlog").fetchone() == (8,)


def test_an_export_without_a_history_makes_no_database(
    write_deck: WriteDeck, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_deck("alpha.yaml", typed_deck_yaml("alpha", "qqpk"))
    home = tmp_path / "no-home"
    package = tmp_path / "out.apkg"
    argv = ["--home", str(home), "--no-builtin", "--content", str(tmp_path / "decks")]
    assert main([*argv, "export", "--anki", str(package)]) == 0
    assert "wrote 3 qa and predict cards and 0 reviews of them" in capsys.readouterr().out
    assert not home.exists()
