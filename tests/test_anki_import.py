"""``prep import --anki``: a collection made with Anki itself (the real ``anki`` package),
with notes and a review history, exported as current Anki exports it (zstd, the
default), with "Support older Anki versions", and as a whole-collection .colpkg. Its
notes become Q&A cards in deck files that pass ``prep check``, its reviews count in
``prep stats``, and importing it again adds nothing."""

from __future__ import annotations

import itertools
import json
import sqlite3
import sys
import zipfile
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from prep.cli import main
from prep.content import load_library
from prep.content.models import QACard
from prep.scheduling.memory import MemoryModel, Stage
from prep.scheduling.replay import replay
from prep.store import Store
from prep.transfer.anki_import import HEADER, card_id

pytest.importorskip("anki")

# anki.collection first: anki's modules imported in another order are a circular import.
from anki.collection import Collection, ExportAnkiPackageOptions

# isort: split
from anki.notes import Note

DAY_MS = 86_400_000
# Reviews written into the revlog by hand, days apart (the scheduler answers only
# what is due now): (days before now, ease, revlog type).
HISTORY = [(40, 3, 0), (39, 3, 0), (35, 3, 1), (20, 1, 1), (19.99, 3, 2), (5, 4, 1)]


def _add_note(collection: Collection, notetype: str, deck: str, fields: list[str]) -> Note:
    model = collection.models.by_name(notetype)
    assert model is not None
    note = collection.new_note(model)
    for index, value in enumerate(fields):
        note.fields[index] = value
    note.tags = ["Bio::Cells", "Exam_2"]
    deck_id = collection.decks.id(deck)
    assert deck_id is not None
    collection.add_note(note, deck_id)
    return note


def _first_card_id(collection: Collection, note: Note) -> int:
    assert collection.db is not None
    return int(collection.db.scalar("SELECT id FROM cards WHERE nid = ? ORDER BY ord", note.id))


def _build_collection(path: Path) -> dict[str, Any]:
    """Three notes in two decks; two answered by Anki's scheduler; one with a history
    written into the revlog (and a manual "forget" Anki logs with ease 0); a reversed
    note whose second card's reviews prep leaves out; a note without an answer prep skips."""
    collection = Collection(str(path))
    try:
        db = collection.db
        assert db is not None
        mitosis = _add_note(
            collection,
            "Basic",
            "Biology::Cells",
            ["What is <b>mitosis</b>?<br><img src='cell.png'>", "<div>Cell division</div>"],
        )
        _add_note(
            collection,
            "Basic",
            "Biology::Cells",
            ["Name the <i>powerhouse</i>", "<ul><li>mitochondria</li></ul>[sound:mito.mp3]"],
        )
        hola = _add_note(collection, "Basic (and reversed card)", "Spanish", ["hola", "hello"])
        lonely = _add_note(collection, "Basic", "Spanish", ["A front without a back", " "])
        now_ms = int(datetime.now(UTC).timestamp() * 1000)
        mitosis_card = _first_card_id(collection, mitosis)
        for days, ease, kind in HISTORY:
            db.execute(
                "INSERT INTO revlog VALUES (?, ?, -1, ?, 1, 0, 2500, 6000, ?)",
                now_ms - int(days * DAY_MS),
                mitosis_card,
                ease,
                kind,
            )
        db.execute(
            "INSERT INTO revlog VALUES (?, ?, -1, 0, 0, 0, 0, 0, 4)",
            now_ms - 2 * DAY_MS,
            mitosis_card,
        )
        # The scheduler answers the Spanish deck's cards: hola's two, and the lonely one's.
        spanish = collection.decks.id("Spanish")
        assert spanish is not None
        collection.decks.select(spanish)
        answered = 0
        while (card := collection.sched.getCard()) is not None and answered < 3:
            collection.sched.answerCard(card, 3)
            answered += 1
        hola_card = _first_card_id(collection, hola)
        hola_reviews = int(db.scalar("SELECT count(*) FROM revlog WHERE cid = ?", hola_card))
        lonely_card = _first_card_id(collection, lonely)
        lonely_reviews = int(db.scalar("SELECT count(*) FROM revlog WHERE cid = ?", lonely_card))
        reviews = int(db.scalar("SELECT count(*) FROM revlog"))
        assert hola_reviews and lonely_reviews
        guids = {
            "mitosis": mitosis.guid,
            "hola": hola.guid,
        }
    finally:
        collection.close()
    return {
        "guids": guids,
        "hola_reviews": hola_reviews,
        "lonely_reviews": lonely_reviews,
        "reviews": reviews,
    }


@pytest.fixture(scope="module")
def anki_home(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    folder = tmp_path_factory.mktemp("anki")
    built = _build_collection(folder / "collection.anki2")
    collection = Collection(str(folder / "collection.anki2"))
    packages = {
        "apkg": folder / "current.apkg",
        "legacy-apkg": folder / "legacy.apkg",
        "colpkg": folder / "whole.colpkg",
    }
    try:
        for name, legacy in (("apkg", False), ("legacy-apkg", True)):
            collection.export_anki_package(
                out_path=str(packages[name]),
                options=ExportAnkiPackageOptions(
                    with_scheduling=True, with_deck_configs=False, with_media=False, legacy=legacy
                ),
                limit=None,
            )
        collection.export_collection_package(
            str(packages["colpkg"]), include_media=False, legacy=False
        )
    finally:
        collection.close()
    return {**built, "packages": packages}


def _prep(home: Path, *args: str, content: Path | None = None) -> int:
    options = ["--home", str(home), "--no-builtin"]
    if content is not None:
        options += ["--content", str(content)]
    return main([*options, *args])


def test_current_anki_writes_a_zstd_collection_beside_a_placeholder(
    anki_home: dict[str, Any],
) -> None:
    with zipfile.ZipFile(anki_home["packages"]["apkg"]) as package:
        assert {"collection.anki21b", "collection.anki2", "meta"} <= set(package.namelist())
    with zipfile.ZipFile(anki_home["packages"]["legacy-apkg"]) as package:
        assert "collection.anki21" in package.namelist()


@pytest.mark.parametrize("kind", ["apkg", "legacy-apkg", "colpkg"])
def test_an_anki_collection_imports_and_prep_stats_counts_its_reviews(
    anki_home: dict[str, Any], tmp_path: Path, kind: str, capsys: pytest.CaptureFixture[str]
) -> None:
    home, decks = tmp_path / "home", tmp_path / "my-anki"
    package = anki_home["packages"][kind]
    assert _prep(home, "import", "--anki", str(package), "--into", str(decks), "--json") == 0
    report = json.loads(capsys.readouterr().out)
    # Mitosis: its 6 answers (the "forget" is not an answer); hola: its first card's.
    expected_reviews = len(HISTORY) + anki_home["hola_reviews"]
    assert report["notes"] == 4
    assert report["cards"] == 3 and report["skipped_notes"] == 1
    assert report["imported"] == expected_reviews and report["already_present"] == 0
    # The "forget", and the reviews of the note left out.
    assert report["skipped_reviews"] == 1 + anki_home["lonely_reviews"]
    assert report["other_card_reviews"] == (
        anki_home["reviews"] - expected_reviews - report["skipped_reviews"]
    )
    assert sorted(Path(path).name for path in report["deck_files"]) == [
        "anki-biology-cells.yaml",
        "anki-spanish.yaml",
    ]

    assert _prep(home, "stats", "--json", content=decks) == 0
    stats = json.loads(capsys.readouterr().out)
    assert stats["reviews_total"] == expected_reviews
    assert stats["cards_total"] == 3
    assert stats["cards_seen"] == 2

    # Importing again adds nothing and writes the same deck files.
    before = {path.name: path.read_text(encoding="utf-8") for path in decks.iterdir()}
    assert _prep(home, "import", "--anki", str(package), "--into", str(decks), "--json") == 0
    again = json.loads(capsys.readouterr().out)
    assert again["imported"] == 0 and again["already_present"] == expected_reviews
    assert {path.name: path.read_text(encoding="utf-8") for path in decks.iterdir()} == before
    assert _prep(home, "stats", "--json", content=decks) == 0
    assert json.loads(capsys.readouterr().out)["reviews_total"] == expected_reviews


def test_the_notes_become_qa_cards_in_markdown(anki_home: dict[str, Any], tmp_path: Path) -> None:
    decks = tmp_path / "decks"
    package = anki_home["packages"]["apkg"]
    assert _prep(tmp_path / "home", "import", "--anki", str(package), "--into", str(decks)) == 0
    library = load_library([decks])
    assert not library.errors
    mitosis = f"anki-biology-cells/{card_id(anki_home['guids']['mitosis'])}"
    cards = {key: study.card for key, study in library.cards.items()}
    card = cards[mitosis]
    assert isinstance(card, QACard)
    assert card.question == "What is **mitosis**?\\\n(media skipped: cell.png)"
    assert card.answer == "Cell division"
    assert card.tags == ("bio-cells", "exam-2")
    powerhouse = next(
        c for key, c in cards.items() if key != mitosis and key.startswith("anki-biology")
    )
    assert isinstance(powerhouse, QACard)
    assert (powerhouse.question, powerhouse.answer) == (
        "Name the *powerhouse*",
        "- mitochondria\n\n(media skipped: mito.mp3)",
    )
    text = (decks / "anki-spanish.yaml").read_text(encoding="utf-8")
    assert text.startswith(HEADER)
    assert [summary.title for summary in library.decks] == ["Biology::Cells", "Spanish"]


def test_the_imported_decks_pass_prep_check(
    anki_home: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    decks = tmp_path / "decks"
    package = anki_home["packages"]["legacy-apkg"]
    assert _prep(tmp_path / "home", "import", "--anki", str(package), "--into", str(decks)) == 0
    output = capsys.readouterr().out
    assert f"study them with: prep --content {decks.resolve()}" in output
    assert _prep(tmp_path / "home", "check", "--no-run", str(decks)) == 0


def test_the_card_states_are_what_replaying_the_anki_history_gives(
    anki_home: dict[str, Any], tmp_path: Path
) -> None:
    home, decks = tmp_path / "home", tmp_path / "decks"
    package = anki_home["packages"]["colpkg"]
    assert _prep(home, "import", "--anki", str(package), "--into", str(decks)) == 0
    store = Store.open(home / "prep.db")
    try:
        mitosis = f"anki-biology-cells/{card_id(anki_home['guids']['mitosis'])}"
        log = store.reviews(mitosis)
        assert [int(review.rating or 0) for review in log] == [ease for _, ease, _ in HISTORY]
        assert [review.duration_ms for review in log] == [6000] * len(HISTORY)
        state = store.card_state(mitosis)
        assert state is not None and state.stage is Stage.REVIEW
        assert state == replay(log, MemoryModel())[mitosis]
        assert state.lapses == 1 and state.reps == len(HISTORY)
    finally:
        store.close()


def test_a_deck_file_of_the_learners_own_is_never_overwritten(
    anki_home: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    decks = tmp_path / "decks"
    decks.mkdir()
    mine = decks / "anki-spanish.yaml"
    mine.write_text("deck: anki-spanish\ntitle: Mine\ncards: []\n", encoding="utf-8")
    package = anki_home["packages"]["apkg"]
    assert _prep(tmp_path / "home", "import", "--anki", str(package), "--into", str(decks)) == 1
    assert "was not written by 'prep import --anki'" in capsys.readouterr().err
    assert mine.read_text(encoding="utf-8") == "deck: anki-spanish\ntitle: Mine\ncards: []\n"
    assert not (decks / "anki-biology-cells.yaml").exists()


def _zip(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w") as package:
        for name, data in members.items():
            package.writestr(name, data)
    return path


def test_files_that_are_not_anki_packages_are_refused_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = tmp_path / "notes.apkg"
    text.write_text("not a zip", encoding="utf-8")
    not_sqlite = _zip(tmp_path / "bad.apkg", {"collection.anki21": b"garbage" * 100})
    sqlite_path = tmp_path / "other.db"
    sqlite3.connect(sqlite_path).execute("CREATE TABLE t (x)").connection.commit()
    other_sqlite = _zip(tmp_path / "other.apkg", {"collection.anki2": sqlite_path.read_bytes()})
    cases = {
        tmp_path / "missing.apkg": "no such file",
        text: "not a zip",
        _zip(tmp_path / "empty.apkg", {"media": b"{}"}): "holds no Anki collection",
        not_sqlite: "unknown format: its collection is not SQLite",
        other_sqlite: "unknown format: its collection has no cards, col, notes, revlog",
        _zip(tmp_path / "future.apkg", {"meta": b"\x08\x09"}): "unknown Anki format (version 9)",
    }
    for package, message in cases.items():
        code = _prep(tmp_path / "home", "import", "--anki", str(package), "--into", "out")
        err = capsys.readouterr().err
        assert code == 2, package
        assert message in err and err.count("\n") == 1, err


def test_without_zstandard_a_current_package_asks_for_an_older_export(
    anki_home: dict[str, Any],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "zstandard", None)
    package = anki_home["packages"]["apkg"]
    code = _prep(tmp_path / "home", "import", "--anki", str(package), "--into", str(tmp_path))
    err = capsys.readouterr().err
    assert code == 2
    assert '"Support older Anki versions"' in err and err.count("\n") == 1


def test_import_anki_needs_a_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert _prep(tmp_path / "home", "import", "--anki", "x.apkg") == 2
    assert "needs --into DIR" in capsys.readouterr().err


def test_the_review_times_are_the_revlog_times(anki_home: dict[str, Any], tmp_path: Path) -> None:
    home = tmp_path / "home"
    package = anki_home["packages"]["apkg"]
    assert _prep(home, "import", "--anki", str(package), "--into", str(tmp_path / "d")) == 0
    store = Store.open(home / "prep.db")
    try:
        mitosis = f"anki-biology-cells/{card_id(anki_home['guids']['mitosis'])}"
        times = [review.reviewed_at for review in store.reviews(mitosis)]
    finally:
        store.close()
    gaps = [round((b - a) / timedelta(days=1)) for a, b in itertools.pairwise(times)]
    assert gaps == [1, 4, 15, 0, 15]
