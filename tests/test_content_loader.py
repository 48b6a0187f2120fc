from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from prep.content import load_library
from prep.content.loader import load_deck_file
from prep.content.models import KataCard, QACard
from tests.conftest import qa_deck_yaml

WriteDeck = Callable[[str, str], Path]

GOOD = """\
deck: good
title: Good deck
tags: [ml]
cards:
  - id: one
    type: qa
    tags: [basics]
    question: |
      What is one?
    answer: |
      One.
  - id: two
    type: predict
    code: |
      print(1 + 1)
    expect_output: |
      2
"""

KATA = """\
deck: katas
title: Katas
cards:
  - id: add
    type: kata
    title: Add
    prompt: Write `add(a, b)`.
    starter: |
      def add(a, b):
          ...
    examples:
      - call: add(1, 2)
        expect: 3
    tests:
      - name: zero
        call: add(0, 0)
        expect: 0
      - code: |
          result = add(-1, 1)
        expect: 0
      - call: add("a", 1)
        expect_error: TypeError
      - call: add(0.1, 0.2)
        expect: 0.3
        compare: close
        tolerance: 1.0e-9
    solution: |
      def add(a, b):
          return a + b
    wrong_solutions:
      - name: subtracts
        code: "def add(a, b): return a - b"
      - name: multiplies
        code: "def add(a, b): return a * b"
      - name: constant
        code: "def add(a, b): return 3"
    limits: {timeout_s: 2, memory_mb: 128}
"""


def errors_of(path: Path) -> list[str]:
    result = load_deck_file(path)
    return [f"{e.line}: {e.message}" for e in result.errors]


def test_good_deck_loads_with_lines_and_tags(write_deck: WriteDeck) -> None:
    path = write_deck("good.yaml", GOOD)
    library = load_library([path])
    assert not library.errors
    assert list(library.cards) == ["good/one", "good/two"]
    one = library.cards["good/one"]
    assert one.line == 5
    assert one.tags == ("ml", "basics")
    assert isinstance(one.card, QACard)
    assert library.count_by_type() == {"qa": 1, "predict": 1, "kata": 0}


def test_kata_with_every_case_form_loads(write_deck: WriteDeck) -> None:
    library = load_library([write_deck("katas.yaml", KATA)])
    assert not library.errors
    kata = library.cards["katas/add"].card
    assert isinstance(kata, KataCard)
    assert kata.limits.timeout_s == 2
    assert kata.tests[1].code is not None
    assert "expect" in kata.tests[0].model_fields_set


def test_expect_null_is_a_real_expectation(write_deck: WriteDeck) -> None:
    text = KATA.replace(
        "      - call: add(1, 2)\n        expect: 3",
        "      - call: add(1, 2)\n        expect: null",
    )
    library = load_library([write_deck("katas.yaml", text)])
    assert not library.errors


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "deck: x\ntitle: y\ncards:\n\t- id: a\n",
            "4: tab character: YAML is indented with spaces, never tabs",
        ),
        ("- just\n- a list\n", "1: top level must be a mapping (deck, title, cards), found a list"),
        ("hello\n", "1: top level must be a mapping (deck, title, cards), found a single value"),
        ("", "1: file is empty: expected a deck (deck, title, cards)"),
        ("deck: x\ntitle: y\ncards: [\n", "4: invalid YAML"),
        (
            "deck: x\ntitle: y\ncards:\n  - id: a\n    type: qa\n    question: q\n",
            "4: card 'a': missing required field 'answer'",
        ),
        (
            "deck: x\ntitle: y\ncards:\n  - id: a\n    type: flashcard\n    question: q\n",
            "5: card 'a': unknown card type 'flashcard' (expected one of: qa, predict, kata)",
        ),
        (
            "deck: x\ntitle: y\ncards:\n  - id: a\n    question: q\n    answer: a\n",
            "4: card 'a': card has no 'type' (expected one of: qa, predict, kata)",
        ),
        (
            "deck: x\ntitle: y\ncards:\n  - id: a\n    type: qa\n    question: q\n    anwser: a\n    answer: b\n",
            "7: card 'a': unknown field 'anwser' (did you mean 'answer'?)",
        ),
        (
            "deck: x\ntitel: y\ncards:\n  - id: a\n    type: qa\n    question: q\n    answer: b\n",
            "2: unknown field 'titel' (did you mean 'title'?)",
        ),
        (
            "deck: x\ntitle: y\ncards:\n  - id: a\n    type: qa\n    question: q\n    answer: a\n"
            "  - id: a\n    type: qa\n    question: q\n    answer: a\n",
            "8: duplicate card id 'a' (first at line 4)",
        ),
        (
            "deck: x\ntitle: y\ncards:\n  - id: a\n    type: qa\n    question: q\n    question: r\n    answer: a\n",
            "7: duplicate key 'question' (first at line 6)",
        ),
        (
            "deck: Bad Deck\ntitle: y\ncards:\n  - id: a\n    type: qa\n    question: q\n    answer: a\n",
            "1: deck 'Bad Deck' is not a slug: use lowercase letters, digits and single hyphens",
        ),
        ("deck: x\ntitle: y\ncards: []\n", "3: cards needs at least 1 item"),
        (
            "deck: x\ntitle: y\ncards:\n  - id: a\n    type: predict\n    code: 'print(('\n    expect_output: ''\n",
            "6: card 'a': code is not valid Python",
        ),
        (
            "deck: x\ntitle: y\ncards:\n  - id: a\n    type: qa\n    python: '3.11'\n    question: q\n    answer: a\n",
            "6: card 'a': python must look like",
        ),
    ],
    ids=[
        "tab",
        "top-level-list",
        "top-level-scalar",
        "empty",
        "unclosed-flow",
        "missing-field",
        "unknown-type",
        "no-type",
        "unknown-field",
        "unknown-deck-field",
        "duplicate-id",
        "duplicate-key",
        "bad-slug",
        "no-cards",
        "code-syntax",
        "python-spec",
    ],
)
def test_malformed_files_report_line_and_message(
    write_deck: WriteDeck, text: str, expected: str
) -> None:
    path = write_deck("bad.yaml", text)
    messages = errors_of(path)
    assert messages, "a malformed file must produce an error"
    assert any(message.startswith(expected) for message in messages), messages


@pytest.mark.parametrize(
    ("mutation", "expected"),
    [
        (
            ("        expect: 3\n", ""),
            "12: card 'add': a case needs exactly one of 'expect' or 'expect_error'",
        ),
        (
            ("      - call: add(1, 2)\n", "      - call: add(1, 2)\n        code: 'result = 1'\n"),
            "12: card 'add': a case needs exactly one of 'call' or 'code'",
        ),
        (
            ("          result = add(-1, 1)\n", "          value = add(-1, 1)\n"),
            "18: card 'add': a 'code' case must assign 'result'",
        ),
        (
            ("        expect_error: TypeError\n", "        expect_error: Type Error\n"),
            "21: card 'add': expect_error must be an exception class name",
        ),
        (
            ("      - call: add(1, 2)\n", "      - call: add(1,\n"),
            "12: card 'add': call is not valid Python",
        ),
        (
            ("        compare: close\n", "        compare: fuzzy\n"),
            "25: card 'add': compare: Input should be",
        ),
        (
            ("      - name: zero\n", "      - nmae: zero\n"),
            "15: card 'add': unknown field 'nmae' (did you mean 'name'?)",
        ),
        (
            ("limits: {timeout_s: 2", "limits: {timeout: 2"),
            "37: card 'add': unknown field 'timeout' (did you mean 'timeout_s'?)",
        ),
    ],
    ids=[
        "no-expect",
        "call-and-code",
        "code-without-result",
        "bad-error-name",
        "call-syntax",
        "bad-compare",
        "case-typo",
        "limits-typo",
    ],
)
def test_malformed_katas(write_deck: WriteDeck, mutation: tuple[str, str], expected: str) -> None:
    old, new = mutation
    assert old in KATA
    path = write_deck("kata.yaml", KATA.replace(old, new, 1))
    messages = errors_of(path)
    # The line is the case's (or field's) own, not the enclosing `tests:` or card.
    assert any(message.startswith(expected) for message in messages), messages


def test_binary_garbage_is_reported_not_raised(tmp_path: Path) -> None:
    path = tmp_path / "garbage.yaml"
    path.write_bytes(b"deck: x\n" + bytes(range(256)) * 4)
    assert errors_of(path) == ["2: binary data (NUL byte): not a YAML text file"]


def test_invalid_utf8_names_its_line(tmp_path: Path) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes(b"deck: x\ntitle: caf\xe9\n")
    assert errors_of(path) == ["2: not UTF-8 text (byte 0xe9 cannot be decoded)"]


def test_unsafe_yaml_tags_are_refused(write_deck: WriteDeck) -> None:
    path = write_deck(
        "evil.yaml", "deck: !!python/object/apply:os.system ['true']\ntitle: t\ncards: []\n"
    )
    messages = errors_of(path)
    assert messages and messages[0].startswith("1: invalid YAML")


def test_one_bad_file_does_not_stop_the_others(write_deck: WriteDeck, tmp_path: Path) -> None:
    write_deck("good.yaml", GOOD)
    write_deck("bad.yaml", "- not a deck\n")
    library = load_library([tmp_path / "decks"])
    assert "good/one" in library.cards
    assert [error.path.name for error in library.errors] == ["bad.yaml"]
    assert library.failed_files == (tmp_path / "decks" / "bad.yaml",)


def test_duplicate_deck_across_files_is_an_error_on_the_second(
    write_deck: WriteDeck, tmp_path: Path
) -> None:
    write_deck("a.yaml", GOOD)
    write_deck("b.yaml", GOOD)
    library = load_library([tmp_path / "decks"])
    assert len(library.decks) == 1
    (error,) = library.errors
    assert error.path.name == "b.yaml" and error.line == 1
    assert "deck 'good' is already defined at" in error.message


def test_missing_path_is_an_error(tmp_path: Path) -> None:
    library = load_library([tmp_path / "nowhere"])
    assert [e.message for e in library.errors] == ["no such file or folder"]


def test_hidden_files_and_other_suffixes_are_ignored(write_deck: WriteDeck, tmp_path: Path) -> None:
    write_deck("good.yaml", GOOD)
    write_deck("notes.txt", "not yaml")
    (tmp_path / "decks" / ".hidden").mkdir()
    (tmp_path / "decks" / ".hidden" / "x.yaml").write_text("- broken", encoding="utf-8")
    library = load_library([tmp_path / "decks"])
    assert not library.errors and library.files_read == 1


def test_python_spec_decides_applicability(write_deck: WriteDeck) -> None:
    text = GOOD.replace("    type: predict\n", "    type: predict\n    python: '>=3.11,<3.12'\n")
    card = load_library([write_deck("v.yaml", text)]).cards["good/two"].card
    assert card.applies_to((3, 11))
    assert not card.applies_to((3, 12))


def test_alias_bombs_and_self_references_are_refused_at_once(write_deck: WriteDeck) -> None:
    levels = ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for name, previous in zip("bcdefgh", "abcdefg", strict=True):
        levels.append(f"{name}: &{name} [" + ", ".join([f"*{previous}"] * 9) + "]")
    bomb = write_deck("bomb.yaml", "deck: lol\ntitle: L\n" + "\n".join(levels) + "\ncards: [*h]\n")
    (message,) = errors_of(bomb)
    assert message.startswith("8: YAML aliases expand this document past 200,000 values")
    loop = write_deck("loop.yaml", "deck: loop\ntitle: L\ncards: &c\n  - *c\n")
    assert errors_of(loop) == ["3: a YAML alias refers to the value that contains it: refused"]
    deep = write_deck("deep.yaml", "deck: d\ntitle: D\ncards: " + "[" * 100 + "]" * 100 + "\n")
    assert errors_of(deep)[0].endswith("values nested more than 64 levels deep: refused")


def test_a_few_aliases_are_fine(write_deck: WriteDeck) -> None:
    path = write_deck(
        "shared.yaml",
        "deck: shared\ntitle: S\ntags: &t [ml]\ncards:\n"
        "  - {id: one, type: qa, question: Q?, answer: A., tags: *t}\n"
        "  - {id: two, type: qa, question: Q2?, answer: A2., tags: *t}\n",
    )
    assert errors_of(path) == []


def test_a_merge_key_card_keeps_its_own_id(tmp_path: Path) -> None:
    (tmp_path / "merge.yaml").write_text(
        "deck: merge\ntitle: Merge\ncards:\n"
        "  - &base\n    id: one\n    type: qa\n    question: Q?\n    answer: A.\n"
        "  - <<: *base\n    id: two\n"
        "  - <<: *base\n    id: two\n",
        encoding="utf-8",
    )
    library = load_library([tmp_path])
    assert [(e.line, e.message) for e in library.errors] == [
        (12, "duplicate card id 'two' (first at line 10)")
    ]
    (tmp_path / "merge.yaml").write_text(
        "deck: merge\ntitle: Merge\ncards:\n"
        "  - &base\n    id: one\n    type: qa\n    question: Q?\n    answer: A.\n"
        "  - <<: *base\n    id: two\n",
        encoding="utf-8",
    )
    library = load_library([tmp_path])
    assert not library.errors
    assert sorted(library.cards) == ["merge/one", "merge/two"]
    merged = library.cards["merge/two"].card
    assert isinstance(merged, QACard)
    assert (merged.question, merged.answer) == ("Q?", "A.")


def test_links_that_loop_or_lead_nowhere_are_reported_not_skipped(tmp_path: Path) -> None:
    decks = tmp_path / "decks"
    (decks / "inner").mkdir(parents=True)
    (decks / "inner" / "a.yaml").write_text(qa_deck_yaml("a", 1), encoding="utf-8")
    (decks / "inner" / "again").symlink_to(decks / "inner")
    (decks / "gone.yaml").symlink_to(tmp_path / "nowhere.yaml")
    (decks / ".hidden").mkdir()
    (decks / ".hidden" / "b.yaml").write_text("not: a deck", encoding="utf-8")
    library = load_library([decks])
    assert [(e.path, e.line, e.message) for e in library.errors] == [
        (decks / "gone.yaml", 1, "broken symbolic link"),
        (
            decks / "inner" / "again",
            1,
            "folder skipped: a symbolic link leads back to a folder already read",
        ),
    ]
    assert list(library.cards) == ["a/card-1"]


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads every folder")
def test_a_folder_that_cannot_be_read_is_reported(tmp_path: Path) -> None:
    decks = tmp_path / "decks"
    (decks / "locked").mkdir(parents=True)
    (decks / "locked" / "a.yaml").write_text(qa_deck_yaml("a", 1), encoding="utf-8")
    (decks / "locked").chmod(0)
    try:
        library = load_library([decks])
    finally:
        (decks / "locked").chmod(0o755)
    assert [(e.path, e.message) for e in library.errors] == [
        (decks / "locked", "folder not read: Permission denied")
    ]


@pytest.mark.parametrize(
    "call",
    [
        "-" * 100_000 + "1",
        "not " * 100_000 + "1",
        "(" * 1000 + "1" + ")" * 1000,
        "f" + "()" * 100_000,
    ],
)
def test_a_call_nested_past_what_python_compiles_is_one_error(tmp_path: Path, call: str) -> None:
    (tmp_path / "deep.yaml").write_text(
        "deck: deep\ntitle: Deep\ncards:\n  - id: k\n    type: kata\n    title: t\n"
        f"    prompt: p\n    tests:\n      - call: '{call}'\n        expect: 1\n"
        "    solution: |\n      x = 1\n",
        encoding="utf-8",
    )
    (error,) = load_library([tmp_path]).errors
    assert error.line == 9
    assert error.message.startswith("card 'k': call is not valid Python: ")
