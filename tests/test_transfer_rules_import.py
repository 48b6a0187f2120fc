"""The rules of prep's exchanges with other tools, pinned in-process.

``prep export --anki FILE.apkg``: the Anki package holds one note per qa and predict card
(katas are left out), in one Anki deck per prep deck, with fields, tags and ids that are
the same on every export (so importing again updates the same notes).
``prep import-reviews FILE.csv``: rows ``card_id, review_rating, review_time,
review_duration`` become reviews of ``imported/<card_id>``; bad rows are reported with
their line, importing twice adds nothing, and each touched card's state is what replaying
its whole log gives.
"""

from __future__ import annotations

import json
import sqlite3
import zipfile
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from prep.content import load_library
from prep.content.errors import ContentError
from prep.scheduling.memory import MemoryModel, Rating, Stage
from prep.scheduling.replay import Review, replay
from prep.store import Store
from prep.transfer.anki import write_apkg
from prep.transfer.reviews_csv import ImportReport, import_review_csv

WriteDeck = Callable[[str, str], Path]
HEADER = "card_id,review_rating,review_time,review_duration\n"

ALPHA = """\
deck: alpha
title: Alpha deck
tags: [ml]
cards:
  - id: q1
    type: qa
    tags: [attention, ml]
    question: "What is **softmax**? <b>raw</b>"
    answer: |
      A `normalised` exponential.
    explanation: "See *Bishop*."
  - id: add
    type: kata
    title: Add
    prompt: Write `add(a, b)`.
    starter: |
      def add(a, b):
          ...
    tests:
      - call: add(1, 2)
        expect: 3
    solution: |
      def add(a, b):
          return a + b
  - id: p1
    type: predict
    code: |
      print("<a> & b")
    expect_output: "<a> & 'b'"
    explanation: Quotes & all.
"""

ML = """\
deck: ml
title: Machine learning
cards:
  - id: q2
    type: qa
    question: Plain?
    answer: Yes.
"""

MODEL_ID = 1376231462  # from "prep-model-v1"
ALPHA_DECK_ID = 1355074466  # from "prep-deck:alpha"
ML_DECK_ID = 1997179717  # from "prep-deck:ml", bit 30 set by the rule


def _collection(path: Path, tmp_path: Path) -> sqlite3.Connection:
    with zipfile.ZipFile(path) as package:
        assert package.namelist() == ["collection.anki2", "media"]
        assert json.loads(package.read("media")) == {}
        package.extract("collection.anki2", tmp_path / "unpacked")
    return sqlite3.connect(tmp_path / "unpacked" / "collection.anki2")


def _export(write_deck: WriteDeck, tmp_path: Path, deck_name: str = "prep") -> sqlite3.Connection:
    write_deck("alpha.yaml", ALPHA)
    write_deck("ml.yaml", ML)
    library = load_library([tmp_path / "decks"])
    assert not library.errors
    path = tmp_path / "deck.apkg"
    assert write_apkg(library, path, deck_name=deck_name).notes == 3  # the kata is left out
    return _collection(path, tmp_path)


# -- the Anki package -------------------------------------------------------------------


def test_each_qa_and_predict_card_is_one_note_with_key_front_and_back(
    write_deck: WriteDeck, tmp_path: Path
) -> None:
    db = _export(write_deck, tmp_path)
    notes = db.execute("SELECT guid, mid, tags, flds, sfld FROM notes ORDER BY flds").fetchall()
    assert notes == [
        (
            "kOvJw?ze2%",
            MODEL_ID,
            " ml ",
            "alpha/p1\x1f"
            "<p>What does this print?</p>\n"
            "<pre><code>print(&quot;&lt;a&gt; &amp; b&quot;)\n</code></pre>\x1f"
            "<pre>&lt;a&gt; &amp; &#x27;b&#x27;</pre>"
            '<div class="explanation"><p>Quotes &amp; all.</p>\n</div>',
            "<p>What does this print?</p>\n"
            "<pre><code>print(&quot;&lt;a&gt; &amp; b&quot;)\n</code></pre>",
        ),
        (
            "HvZm.3d5*n",
            MODEL_ID,
            " ml attention ",
            "alpha/q1\x1f"
            "<p>What is <strong>softmax</strong>? &lt;b&gt;raw&lt;/b&gt;</p>\n\x1f"
            "<p>A <code>normalised</code> exponential.</p>\n"
            '<div class="explanation"><p>See <em>Bishop</em>.</p>\n</div>',
            "<p>What is <strong>softmax</strong>? &lt;b&gt;raw&lt;/b&gt;</p>\n",
        ),
        (
            "IL/+Z1:1PD",
            MODEL_ID,
            "  ",
            "ml/q2\x1f<p>Plain?</p>\n\x1f<p>Yes.</p>\n",
            "<p>Plain?</p>\n",
        ),
    ]


def test_each_note_has_one_card_in_the_anki_deck_of_its_prep_deck(
    write_deck: WriteDeck, tmp_path: Path
) -> None:
    db = _export(write_deck, tmp_path)
    cards = db.execute(
        "SELECT notes.guid, cards.did, cards.ord FROM cards JOIN notes ON notes.id = cards.nid"
        " ORDER BY notes.flds"
    ).fetchall()
    assert cards == [
        ("kOvJw?ze2%", ALPHA_DECK_ID, 0),
        ("HvZm.3d5*n", ALPHA_DECK_ID, 0),
        ("IL/+Z1:1PD", ML_DECK_ID, 0),
    ]
    (decks_json,) = db.execute("SELECT decks FROM col").fetchone()
    assert {key: deck["name"] for key, deck in json.loads(decks_json).items()} == {
        "1": "Default",
        str(ALPHA_DECK_ID): "prep::Alpha deck",
        str(ML_DECK_ID): "prep::Machine learning",
    }


def test_the_anki_decks_go_under_the_name_given(write_deck: WriteDeck, tmp_path: Path) -> None:
    db = _export(write_deck, tmp_path, deck_name="Interviews")
    (decks_json,) = db.execute("SELECT decks FROM col").fetchone()
    assert sorted(deck["name"] for deck in json.loads(decks_json).values()) == [
        "Default",
        "Interviews::Alpha deck",
        "Interviews::Machine learning",
    ]


def test_the_note_type_shows_the_front_then_the_back_sorted_by_the_front(
    write_deck: WriteDeck, tmp_path: Path
) -> None:
    db = _export(write_deck, tmp_path)
    (models_json,) = db.execute("SELECT models FROM col").fetchone()
    model: dict[str, Any] = json.loads(models_json)[str(MODEL_ID)]
    assert (model["id"], model["name"], model["sortf"]) == (str(MODEL_ID), "prep card", 1)
    assert [field["name"] for field in model["flds"]] == ["Key", "Front", "Back"]
    assert [(t["name"], t["qfmt"], t["afmt"]) for t in model["tmpls"]] == [
        ("Card 1", "{{Front}}", '{{FrontSide}}<hr id="answer">{{Back}}')
    ]
    assert model["css"] == (
        "\n.card { font-family: sans-serif; font-size: 18px; text-align: left; color: #222;"
        " background: #fff; }\n"
        "pre { background: #f4f4f4; padding: 8px; border-radius: 4px; }\n"
        ".explanation { color: #555; font-size: 15px; margin-top: 1em; }\n"
    )


def test_an_empty_library_writes_an_empty_package(tmp_path: Path) -> None:
    path = tmp_path / "empty.apkg"
    assert write_apkg(load_library([]), path).notes == 0
    db = _collection(path, tmp_path)
    assert db.execute("SELECT count(*) FROM notes").fetchone() == (0,)


# -- importing a review log from CSV -----------------------------------------------------


def _csv(tmp_path: Path, text: str, name: str = "log.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_each_row_becomes_a_review_of_an_imported_card(tmp_path: Path, store: Store) -> None:
    path = _csv(
        tmp_path,
        HEADER + "17,3,2024-03-29T20:32:32.2504+00:00,1500.9\n"
        " abc ,1, 2024-03-29T22:32:40+02:00 ,\n"
        "17,4,2024-03-30T08:00:00Z,25060\n",
    )
    report = import_review_csv(path, store, MemoryModel())
    assert report.to_dict() == {
        "rows": 3,
        "imported": 3,
        "already_present": 0,
        "cards": 2,
        "errors": [],
    }
    assert store.reviews() == [
        Review(
            "d9ca1588-7aae-5ee6-890d-ed9b42a0c5ad",
            "imported/17",
            Rating.Good,
            datetime(2024, 3, 29, 20, 32, 32, 250000, tzinfo=UTC),  # to the millisecond
            1500,
            "imported",
            stage_before=Stage.NEW,
        ),
        Review(
            "c9c5dd7e-f55a-5e30-a008-8139f486c90e",
            "imported/abc",
            Rating.Again,
            datetime(2024, 3, 29, 20, 32, 40, tzinfo=UTC),  # 22:32:40 at +02:00
            None,
            "imported",
            stage_before=Stage.NEW,
        ),
        Review(
            "f65c9679-6f1a-51db-8008-eefebe040ecc",
            "imported/17",
            Rating.Easy,
            datetime(2024, 3, 30, 8, 0, tzinfo=UTC),
            25060,
            "imported",
            stage_before=Stage.LEARNING,
        ),
    ]
    assert store.card_states() == replay(store.reviews(), MemoryModel())
    assert sorted(store.card_states()) == ["imported/17", "imported/abc"]
    assert store.card_states()["imported/17"].stage is Stage.REVIEW


def test_importing_the_same_file_again_adds_nothing(tmp_path: Path, store: Store) -> None:
    path = _csv(tmp_path, HEADER + "1,3,2024-03-29T20:32:32+00:00,100\n2,1,2024-03-29T20:40:00Z,\n")
    first = import_review_csv(path, store, MemoryModel())
    states = store.card_states()
    second = import_review_csv(path, store, MemoryModel())
    assert (first.rows, first.imported, first.already_present, first.cards) == (2, 2, 0, 2)
    assert (second.rows, second.imported, second.already_present, second.cards) == (2, 0, 2, 2)
    assert store.count_reviews() == 2
    assert store.card_states() == states


def test_a_later_log_continues_each_card_from_its_whole_history(
    tmp_path: Path, store: Store
) -> None:
    store.add_reviews(
        [Review("own-1", "alpha/card-1", Rating.Good, datetime(2024, 3, 1, tzinfo=UTC), 5, "me")]
    )
    first = _csv(tmp_path, HEADER + "1,3,2024-03-29T20:32:32+00:00,100\n", "first.csv")
    second = _csv(tmp_path, HEADER + "1,3,2024-03-30T20:32:32+00:00,100\n", "second.csv")
    import_review_csv(first, store, MemoryModel())
    report = import_review_csv(second, store, MemoryModel())
    assert (report.imported, report.already_present, report.cards) == (1, 0, 1)
    imported = store.reviews("imported/1")
    assert [review.stage_before for review in imported] == [Stage.NEW, Stage.LEARNING]
    assert store.card_states() == {"imported/1": replay(imported, MemoryModel())["imported/1"]}
    assert store.card_states()["imported/1"].reps == 2


def test_missing_columns_are_named_with_the_columns_expected(tmp_path: Path, store: Store) -> None:
    path = _csv(tmp_path, "card_id,rating,review_duration\n1,3,100\n")
    report = import_review_csv(path, store, MemoryModel())
    assert report.to_dict() == {
        "rows": 0,
        "imported": 0,
        "already_present": 0,
        "cards": 0,
        "errors": [
            {
                "path": str(path),
                "line": 1,
                "message": "missing column(s): review_rating, review_time; expected card_id,"
                " review_rating, review_time, review_duration",
            }
        ],
    }
    assert store.count_reviews() == 0


def test_an_empty_file_lacks_every_column(tmp_path: Path, store: Store) -> None:
    path = _csv(tmp_path, "")
    report = import_review_csv(path, store, MemoryModel())
    assert report.errors == [
        ContentError(
            path,
            1,
            "missing column(s): card_id, review_rating, review_time; expected card_id,"
            " review_rating, review_time, review_duration",
        )
    ]


def test_the_duration_column_may_be_left_out_and_a_byte_order_mark_is_ignored(
    tmp_path: Path, store: Store
) -> None:
    path = tmp_path / "log.csv"
    path.write_bytes(
        b"\xef\xbb\xbfcard_id,review_rating,review_time\r\n9,2,2024-03-29T20:32:32Z\r\n"
    )
    report = import_review_csv(path, store, MemoryModel())
    assert (report.rows, report.imported, report.errors) == (1, 1, [])
    (review,) = store.reviews()
    assert (review.card_key, review.rating, review.duration_ms) == ("imported/9", Rating.Hard, None)


def test_each_bad_row_is_reported_with_its_line_and_the_good_rows_are_kept(
    tmp_path: Path, store: Store
) -> None:
    path = _csv(
        tmp_path,
        HEADER + "1,3,2024-03-29T20:32:32+00:00,100\n"  # line 2: fine
        " ,3,2024-03-29T20:32:32+00:00,100\n"  # 3
        "2,0,2024-03-29T20:32:32+00:00,100\n"  # 4
        "3,good,2024-03-29T20:32:32+00:00,100\n"  # 5
        "4,3,2024-03-29 20:32:32,100\n"  # 6
        "5,3,yesterday,100\n"  # 7
        "6,3,2024-03-29T20:32:32+00:00,long\n"  # 8
        "7,4,2024-03-30T20:32:32-05:00,\n"  # 9: fine
        ",3,2024-03-29T20:32:32+00:00,100\n"  # 10
        "8,3,2024-03-29T20:32:32z,100\n",  # 11
    )
    report = import_review_csv(path, store, MemoryModel())
    assert report.to_dict() == {
        "rows": 10,
        "imported": 2,
        "already_present": 0,
        "cards": 2,
        "errors": [
            {"path": str(path), "line": line, "message": message}
            for line, message in [
                (3, "card_id is empty"),
                (4, "review_rating '0' is not 1, 2, 3 or 4"),
                (5, "review_rating 'good' is not 1, 2, 3 or 4"),
                (6, "review_time needs a time zone (e.g. +00:00)"),
                (7, "review_time 'yesterday' is not an ISO date and time"),
                (8, "review_duration long is not a number of milliseconds up to a day"),
                (10, "card_id is empty"),
                (11, "review_time '2024-03-29T20:32:32z' is not an ISO date and time"),
            ]
        ],
    }
    assert [review.card_key for review in store.reviews()] == ["imported/1", "imported/7"]
    assert store.reviews()[1].reviewed_at == datetime(2024, 3, 31, 1, 32, 32, tzinfo=UTC)


def test_a_file_that_cannot_be_read_is_one_error(tmp_path: Path, store: Store) -> None:
    path = tmp_path / "log.csv"
    path.write_bytes(HEADER.encode() + b"1,3,2024-03-29T20:32:32+00:00,\xff\xfe\n")
    report = import_review_csv(path, store, MemoryModel())
    assert report == ImportReport(
        rows=0,
        errors=[
            ContentError(
                path,
                1,
                "cannot read: 'utf-8' codec can't decode byte 0xff in position 80: invalid start byte",
            )
        ],
    )
    assert store.count_reviews() == 0
    folder = tmp_path / "a-folder.csv"
    folder.mkdir()
    (error,) = import_review_csv(folder, store, MemoryModel()).errors
    assert (error.line, error.message.split(":")[0]) == (1, "cannot read")


def test_a_row_shorter_than_the_header_is_reported_with_its_line(
    tmp_path: Path, store: Store
) -> None:
    path = _csv(tmp_path, HEADER + "1,3\n2\n3,4,2024-03-29T20:32:32+00:00\n")
    report = import_review_csv(path, store, MemoryModel())
    assert [(error.line, error.message) for error in report.errors] == [
        (2, "review_time is missing"),
        (3, "review_rating is missing"),
    ]
    assert (report.rows, report.imported) == (3, 1)
    assert [review.card_key for review in store.reviews()] == ["imported/3"]


def test_a_row_repeated_in_one_file_is_one_review(tmp_path: Path, store: Store) -> None:
    row = "5,3,2024-03-29T20:32:32Z,5\n"
    path = _csv(tmp_path, HEADER + row + row + "5,3,2024-03-30T20:32:32Z,5\n")
    report = import_review_csv(path, store, MemoryModel())
    assert (report.rows, report.imported, report.already_present, report.cards) == (3, 2, 1, 1)
    assert store.count_reviews() == 2
    # The card's state is what its log gives: two reviews, not three.
    assert store.card_states() == replay(store.reviews(), MemoryModel())
    assert store.card_states()["imported/5"].reps == 2
