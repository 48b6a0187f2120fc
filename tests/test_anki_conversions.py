"""The pure parts of the Anki import: field HTML as Markdown, notes as cards, deck slugs,
the first scheduler's three learning buttons; and a prep export read back by the import."""

from __future__ import annotations

import sqlite3
from datetime import timedelta
from pathlib import Path

import pytest

from prep.content import load_library
from prep.content.models import QACard
from prep.scheduling.memory import MemoryModel, Rating
from prep.scheduling.replay import Review, replay
from prep.store import Store
from prep.transfer.anki import write_apkg
from prep.transfer.anki_collection import AnkiNote, AnkiReview, read_collection
from prep.transfer.anki_history import StudyHistory
from prep.transfer.anki_import import (
    anki_reviews,
    card_id,
    deck_slugs,
    import_anki_package,
    note_card,
)
from prep.transfer.html_markdown import html_to_markdown
from tests.conftest import PINNED_NOW, typed_deck_yaml


@pytest.mark.parametrize(
    ("html", "markdown"),
    [
        ("plain &amp; simple &lt;tag&gt;", "plain & simple \\<tag\\>"),
        ("one<br>two", "one\\\ntwo"),
        ("one<br><br>two<br>", "one\n\ntwo"),
        ("<div>one</div><div>two</div>", "one\n\ntwo"),
        (
            "<p>a <b>bold</b> and <i>slanted</i> <strong>word</strong></p>",
            "a **bold** and *slanted* **word**",
        ),
        ("<ul><li>x</li><li>y</li></ul>", "- x\n- y"),
        ("<ol><li>x</li><li>y</li></ol>", "1. x\n2. y"),
        ('<a href="https://example.org">site</a>', "[site](https://example.org)"),
        ("use <code>a*b</code> here", "use `a*b` here"),
        ("<pre>if a &lt; b:\n    pass</pre>", "```\nif a < b:\n    pass\n```"),
        ("2 * 3 and a_b", "2 \\* 3 and a\\_b"),
        ("- not a list", "\\- not a list"),
        ('<img src="cat.jpg"> a cat', "(media skipped: cat.jpg) a cat"),
        ("[sound:bark.mp3]", "(media skipped: bark.mp3)"),
        ('<span style="color:red">red</span> <font size="2">small</font>', "red small"),
        ("<script>alert(1)</script>safe", "safe"),
        ("&nbsp; <br> ", ""),
    ],
)
def test_field_html_as_markdown(html: str, markdown: str) -> None:
    assert html_to_markdown(html) == markdown


def _note(*fields: str, tags: tuple[str, ...] = ()) -> AnkiNote:
    return AnkiNote(guid="g/1", deck="Default", fields=fields, tags=tags)


def test_a_note_is_a_qa_card_its_id_from_the_guid() -> None:
    card = note_card(_note("Front <b>x</b>", "Back", tags=("Tag::Sub", "Ünï", "ok")))
    assert card == {
        "id": card_id("g/1"),
        "type": "qa",
        "tags": ["tag-sub", "n", "ok"],
        "question": "Front **x**",
        "answer": "Back",
    }
    assert card_id("g/1") == card_id("g/1") != card_id("g/2")
    QACard.model_validate(card)


def test_a_cloze_note_hides_its_deletions_in_the_question() -> None:
    card = note_card(_note("{{c1::Paris}} is the capital of {{c2::France::country}}", "Extra"))
    assert card is not None
    assert card["question"] == "[…] is the capital of [country]"
    assert card["answer"] == "**Paris** is the capital of **France**\n\nExtra"


@pytest.mark.parametrize("fields", [("only a front",), ("", "back"), ("front", "<br>")])
def test_a_note_without_a_question_or_an_answer_gives_no_card(fields: tuple[str, ...]) -> None:
    assert note_card(_note(*fields)) is None


def test_deck_slugs_are_prefixed_and_told_apart() -> None:
    slugs = deck_slugs(["Biology::Cells", "Biology Cells", "日本語", "Default"])
    assert slugs["Biology::Cells"] != slugs["Biology Cells"]
    assert {slugs["Biology Cells"], slugs["Biology::Cells"]} >= {"anki-biology-cells"}
    assert slugs["Default"] == "anki-default"
    assert slugs["日本語"].startswith("anki-") and len(slugs["日本語"]) == 13


def test_manual_changes_unknown_notes_and_future_answers_are_left_out() -> None:
    now_ms = int(PINNED_NOW.timestamp() * 1000)
    reviews = [
        AnkiReview("g", now_ms - 10_000, 3, 5_000),
        AnkiReview("g", now_ms - 5_000, 0, 0),  # a "forget"
        AnkiReview("other", now_ms - 4_000, 3, 0),
        AnkiReview("g", now_ms + 3 * 86_400_000, 3, 0),
        AnkiReview("g", now_ms - 1_000, 2, 10**9),
    ]
    converted, skipped = anki_reviews(reviews, {"g": "d/c"}, PINNED_NOW)
    assert skipped == 3
    assert [(r.card_key, r.rating, r.duration_ms) for r in converted] == [
        ("d/c", Rating.Good, 5_000),
        ("d/c", Rating.Hard, 86_400_000),
    ]
    again, _ = anki_reviews(reviews, {"g": "d/c"}, PINNED_NOW)
    assert [r.id for r in again] == [r.id for r in converted]


def _legacy_collection(path: Path, conf: str) -> sqlite3.Connection:
    db = sqlite3.connect(path)
    db.executescript(
        "CREATE TABLE col (crt, conf, decks, models);"
        "CREATE TABLE notes (id, guid, mid, flds, tags);"
        "CREATE TABLE cards (id, nid, did, odid, ord);"
        "CREATE TABLE revlog (id, cid, ease, time, type);"
    )
    models = '{"7": {"flds": [{"name": "Back", "ord": 1}, {"name": "Front", "ord": 0}]}}'
    decks = '{"5": {"name": "Old::Deck"}}'
    db.execute("INSERT INTO col VALUES (0, ?, ?, ?)", (conf, decks, models))
    db.execute("INSERT INTO notes VALUES (1, 'g', 7, 'q\x1fa', '')")
    db.execute("INSERT INTO cards VALUES (10, 1, 5, 0, 0)")
    db.executemany(
        "INSERT INTO revlog VALUES (?, 10, ?, 1000, ?)", [(1, 2, 0), (2, 3, 0), (3, 3, 1)]
    )
    return db


@pytest.mark.parametrize(("conf", "eases"), [("{}", [3, 4, 3]), ('{"schedVer": 2}', [2, 3, 3])])
def test_the_first_schedulers_learning_buttons_are_read_on_todays_four(
    tmp_path: Path, conf: str, eases: list[int]
) -> None:
    collection = read_collection(_legacy_collection(tmp_path / "c.db", conf))
    assert [(note.deck, note.field_names) for note in collection.notes] == [
        ("Old::Deck", ("Front", "Back"))
    ]
    assert [review.ease for review in collection.reviews] == eases


def test_a_prep_export_imports_back_with_its_history(tmp_path: Path) -> None:
    decks = tmp_path / "decks"
    decks.mkdir()
    (decks / "alpha.yaml").write_text(typed_deck_yaml("alpha", "qp"), encoding="utf-8")
    start = PINNED_NOW - timedelta(days=10)
    log = [
        Review(f"r{n}", "alpha/q1", rating, start + timedelta(days=day), 3000, "here")
        for n, (rating, day) in enumerate([(Rating.Good, 0), (Rating.Good, 0.01), (Rating.Easy, 4)])
    ]
    model = MemoryModel()
    package = tmp_path / "prep.apkg"
    history = StudyHistory(log, replay(log, model), frozenset(), model)
    write_apkg(load_library([decks]), package, history=history, now=PINNED_NOW)
    store = Store.open(tmp_path / "prep.db")
    try:
        report = import_anki_package(package, tmp_path / "back", store, model, PINNED_NOW)
        assert (report.cards, report.imported) == (2, 3)
        library = load_library([tmp_path / "back"])
        assert not library.errors
        (reviewed,) = {review.card_key for review in store.reviews()}
        assert [int(review.rating or 0) for review in store.reviews()] == [3, 3, 4]
        # prep's note type has the card's key first: the Front and Back fields are read.
        card = library.cards[reviewed].card
        assert isinstance(card, QACard)
        assert (card.question, card.answer) == ("Question 1?", "Answer 1.")
    finally:
        store.close()
