"""The content rules a deck author relies on, checked in-process: the two levels of
`prep check` (warnings for a personal deck, the shipped deck's rules under `--strict`),
and the exact `file:line: message` of each problem the loader and the YAML reader
report (docs/content-format.md)."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from prep.content import ContentError, Library, StudyCard, load_library
from prep.content.kinds import Difficulty
from prep.content.loader import FileResult, load_deck_file
from prep.content.models import Compare, KataCard, PredictCard
from prep.content.pyversion import VersionSpec, running_python
from prep.content.rules import shipped_deck_problems, warnings
from prep.content.yamlfile import YamlDocument, read_yaml

WriteDeck = Callable[[str, str], Path]

HEADER = "deck: d\ntitle: D\ncards:\n"
REFERENCE = "    reference: Any textbook on algorithms\n"


def kata_card(
    *,
    card_id: str = "double",
    examples: int = 1,
    tests: int = 8,
    wrong: int = 3,
    hints: bool = True,
    explanation: bool = True,
    complexity: bool = True,
    reference: bool = True,
    extra: str = "",
) -> str:
    """A kata card that meets every rule of the shipped deck unless told otherwise."""
    lines = [
        f"  - id: {card_id}",
        "    type: kata",
        "    title: Double",
        "    prompt: Write `double(x)`.",
    ]
    if reference:
        lines.append(REFERENCE.rstrip("\n"))
    if examples:
        lines.append("    examples:")
        for i in range(examples):
            lines += [f"      - call: double({i})", f"        expect: {2 * i}"]
    lines.append("    tests:")
    for i in range(tests):
        lines += [f"      - call: double({i + 10})", f"        expect: {2 * (i + 10)}"]
    lines += ["    solution: |", "      def double(x):", "          return 2 * x"]
    if wrong:
        lines.append("    wrong_solutions:")
        for i in range(wrong):
            lines += [
                f"      - name: off-by-{i + 1}",
                f"        code: 'def double(x): return x + {i}'",
            ]
    if hints:
        lines += ["    hints:", "      - Multiply."]
    if explanation:
        lines.append("    explanation: Twice x is x plus x.")
    if complexity:
        lines.append("    complexity: O(1)")
    return "\n".join(lines) + "\n" + extra


def load(write_deck: WriteDeck, text: str) -> Library:
    library = load_library([write_deck("d.yaml", text)])
    assert library.errors == ()
    return library


def only_card(write_deck: WriteDeck, card: str) -> StudyCard:
    (study_card,) = load(write_deck, HEADER + card).cards.values()
    return study_card


def messages(found: list[ContentError]) -> list[tuple[int, str]]:
    return [(error.line, error.message) for error in found]


# --- prep check: warnings for a deck of one's own -------------------------------------


def test_a_kata_without_examples_or_wrong_solutions_gets_two_warnings_at_its_line(
    write_deck: WriteDeck,
) -> None:
    # The first card fills lines 4 to 42: the second starts at line 43.
    text = HEADER + kata_card(card_id="a") + kata_card(card_id="b", examples=0, wrong=0)
    card = load(write_deck, text).cards["d/b"]
    found = warnings(card)
    assert [(e.path, e.line) for e in found] == [(card.path, card.line)] * 2
    assert card.line == 43
    assert [str(e) for e in found] == [
        f"{card.path}:43: card 'b': warning: no examples, so 'run examples' has nothing to run",
        f"{card.path}:43: card 'b': warning: no wrong_solutions, so nothing shows the hidden "
        "tests catch a mistake",
    ]


def test_a_kata_with_examples_and_wrong_solutions_has_no_warning(write_deck: WriteDeck) -> None:
    assert warnings(only_card(write_deck, kata_card(examples=1, wrong=1))) == []


def test_a_kata_lacking_only_examples_is_warned_about_examples_only(
    write_deck: WriteDeck,
) -> None:
    assert messages(warnings(only_card(write_deck, kata_card(examples=0)))) == [
        (4, "card 'double': warning: no examples, so 'run examples' has nothing to run")
    ]


def test_a_kata_lacking_only_wrong_solutions_is_warned_about_them_only(
    write_deck: WriteDeck,
) -> None:
    assert messages(warnings(only_card(write_deck, kata_card(wrong=0)))) == [
        (
            4,
            "card 'double': warning: no wrong_solutions, so nothing shows the hidden tests "
            "catch a mistake",
        )
    ]


def test_qa_and_predict_cards_never_get_warnings(write_deck: WriteDeck) -> None:
    library = load(
        write_deck,
        HEADER
        + "  - {id: q, type: qa, question: Q?, answer: A.}\n"
        + "  - {id: p, type: predict, code: 'print(1)', expect_output: '1'}\n",
    )
    assert [warnings(card) for card in library.cards.values()] == [[], []]


# --- prep check --strict: the shipped deck's rules ------------------------------------


def card_text(card_id: str, card_type: str, **fields: object) -> str:
    """A card in block style; values are written as JSON, which YAML reads unchanged."""
    lines = [f"  - id: {card_id}", f"    type: {card_type}"]
    lines += [f"    {name}: {json.dumps(value)}" for name, value in fields.items()]
    return "\n".join(lines) + "\n"


def strict(write_deck: WriteDeck, card: str) -> list[tuple[int, str]]:
    return messages(shipped_deck_problems(only_card(write_deck, card)))


def test_a_kata_meeting_every_shipped_rule_has_no_problem(write_deck: WriteDeck) -> None:
    assert strict(write_deck, kata_card()) == []


def test_a_kata_missing_everything_optional_gets_every_problem_in_order(
    write_deck: WriteDeck,
) -> None:
    card = only_card(
        write_deck,
        kata_card(
            examples=0,
            tests=1,
            wrong=0,
            hints=False,
            explanation=False,
            complexity=False,
            reference=False,
        ),
    )
    assert [str(e) for e in shipped_deck_problems(card)] == [
        f"{card.path}:4: card 'double': {message}"
        for message in [
            "needs a 'source' or a 'reference' (a public book, paper or docs)",
            "a kata needs 1 to 3 examples",
            "a kata needs at least 8 hidden tests, not 1",
            "a kata needs at least 3 wrong_solutions, not 0",
            "a kata needs 'hints'",
            "a kata needs 'explanation'",
            "a kata needs 'complexity'",
        ]
    ]


@pytest.mark.parametrize(
    ("examples", "problems"),
    [
        (0, [(4, "card 'double': a kata needs 1 to 3 examples")]),
        (1, []),
        (2, []),
        (3, []),
    ],
)
def test_a_shipped_kata_shows_one_to_three_examples(
    write_deck: WriteDeck, examples: int, problems: list[tuple[int, str]]
) -> None:
    assert strict(write_deck, kata_card(examples=examples)) == problems


@pytest.mark.parametrize(
    ("tests", "problems"),
    [
        (7, [(4, "card 'double': a kata needs at least 8 hidden tests, not 7")]),
        (8, []),
        (9, []),
    ],
)
def test_a_shipped_kata_has_at_least_eight_hidden_tests(
    write_deck: WriteDeck, tests: int, problems: list[tuple[int, str]]
) -> None:
    assert strict(write_deck, kata_card(tests=tests)) == problems


@pytest.mark.parametrize(
    ("wrong", "problems"),
    [
        (2, [(4, "card 'double': a kata needs at least 3 wrong_solutions, not 2")]),
        (3, []),
        (4, []),
    ],
)
def test_a_shipped_kata_has_at_least_three_wrong_solutions(
    write_deck: WriteDeck, wrong: int, problems: list[tuple[int, str]]
) -> None:
    assert strict(write_deck, kata_card(wrong=wrong)) == problems


@pytest.mark.parametrize(
    ("card", "missing"),
    [
        (kata_card(hints=False), "hints"),
        (kata_card(explanation=False), "explanation"),
        (kata_card(complexity=False), "complexity"),
    ],
    ids=["hints", "explanation", "complexity"],
)
def test_a_shipped_kata_needs_hints_an_explanation_and_a_complexity_line(
    write_deck: WriteDeck, card: str, missing: str
) -> None:
    assert strict(write_deck, card) == [(4, f"card 'double': a kata needs '{missing}'")]


@pytest.mark.parametrize(
    "named",
    [{"source": "Chapter 3 notes"}, {"reference": "Python docs: the data model"}],
    ids=["source", "reference"],
)
def test_a_source_or_a_reference_is_enough(write_deck: WriteDeck, named: dict[str, str]) -> None:
    card = card_text("c", "qa", difficulty="easy", question="Q?", answer="A.", **named)
    assert strict(write_deck, card) == []


def test_a_card_naming_neither_source_nor_reference_is_refused(write_deck: WriteDeck) -> None:
    card = card_text("c", "predict", hint="Look.", code="print(1)", expect_output="1")
    assert strict(write_deck, card) == [
        (4, "card 'c': needs a 'source' or a 'reference' (a public book, paper or docs)")
    ]


@pytest.mark.parametrize(
    ("difficulty", "problems"),
    [
        ("easy", []),
        ("medium", [(4, "card 'c': a medium Q&A card needs a 'hint'")]),
        ("hard", [(4, "card 'c': a hard Q&A card needs a 'hint'")]),
    ],
)
def test_a_medium_or_hard_qa_card_needs_a_hint(
    write_deck: WriteDeck, difficulty: str, problems: list[tuple[int, str]]
) -> None:
    card = card_text("c", "qa", difficulty=difficulty, reference="R", question="Q?", answer="A.")
    assert strict(write_deck, card) == problems


def test_a_qa_card_left_at_the_default_difficulty_needs_a_hint(write_deck: WriteDeck) -> None:
    card = card_text("c", "qa", reference="R", question="Q?", answer="A.")
    assert strict(write_deck, card) == [(4, "card 'c': a medium Q&A card needs a 'hint'")]


def test_a_hard_qa_card_with_a_hint_passes(write_deck: WriteDeck) -> None:
    card = card_text(
        "c", "qa", difficulty="hard", reference="R", hint="H", question="Q", answer="A"
    )
    assert strict(write_deck, card) == []


def test_a_hard_predict_card_needs_no_hint(write_deck: WriteDeck) -> None:
    card = card_text(
        "c", "predict", difficulty="hard", reference="R", code="print(1)", expect_output="1"
    )
    assert strict(write_deck, card) == []


def internal(mention: str) -> list[tuple[int, str]]:
    return [(4, f"card 'c': learner-facing text mentions an internal source ({mention!r})")]


QA = {"difficulty": "easy", "reference": "R", "question": "Q?", "answer": "A."}
PREDICT = {"reference": "R", "code": "print(1)", "expect_output": "1"}
KATA_FIELDS = {
    "reference": "R",
    "title": "Double",
    "prompt": "Write double(x).",
    "examples": [{"call": "double(1)", "expect": 2}],
    "tests": [{"call": f"double({i})", "expect": 2 * i} for i in range(8)],
    "solution": "def double(x):\n    return 2 * x\n",
    "wrong_solutions": [
        {"name": f"w{i}", "code": f"def double(x): return x + {i}"} for i in range(3)
    ],
    "hints": ["Multiply."],
    "explanation": "Twice x.",
    "complexity": "O(1)",
}
SAYS = "As the seed says."


@pytest.mark.parametrize(
    ("card_type", "fields"),
    [
        ("qa", {**QA, "question": SAYS}),
        ("qa", {**QA, "answer": SAYS}),
        ("qa", {**QA, "hint": SAYS}),
        ("qa", {**QA, "explanation": SAYS}),
        ("predict", {**PREDICT, "question": SAYS}),
        ("predict", {**PREDICT, "hint": SAYS}),
        ("predict", {**PREDICT, "explanation": SAYS}),
        ("kata", {**KATA_FIELDS, "title": SAYS}),
        ("kata", {**KATA_FIELDS, "prompt": SAYS}),
        ("kata", {**KATA_FIELDS, "hints": ["Multiply.", SAYS]}),
        ("kata", {**KATA_FIELDS, "explanation": SAYS}),
    ],
    ids=[
        "qa-question",
        "qa-answer",
        "qa-hint",
        "qa-explanation",
        "predict-question",
        "predict-hint",
        "predict-explanation",
        "kata-title",
        "kata-prompt",
        "kata-second-hint",
        "kata-explanation",
    ],
)
def test_every_learner_facing_field_is_searched_for_an_internal_source(
    write_deck: WriteDeck, card_type: str, fields: dict[str, object]
) -> None:
    assert strict(write_deck, card_text("c", card_type, **fields)) == internal("the seed")


@pytest.mark.parametrize(
    ("card_type", "fields"),
    [
        ("qa", {**QA, "source": "the seed document"}),
        ("predict", {**PREDICT, "code": "print('the seed')", "expect_output": "the seed"}),
        ("kata", {**KATA_FIELDS, "solution": "# the seed\ndef double(x):\n    return 2 * x\n"}),
        ("kata", {**KATA_FIELDS, "complexity": "O(1), as the seed says"}),
    ],
    ids=["qa-source", "predict-code-and-output", "kata-solution", "kata-complexity"],
)
def test_fields_a_learner_does_not_read_may_name_the_seed(
    write_deck: WriteDeck, card_type: str, fields: dict[str, object]
) -> None:
    assert strict(write_deck, card_text("c", card_type, **fields)) == []


@pytest.mark.parametrize(
    ("text", "mention"),
    [
        ("The seed says so.", "The seed"),
        ("See the seeds.", "the seeds"),
        ("As THE BLOG put it.", "THE BLOG"),
        ("Read the seed file.", "the seed"),
        ("Per a seed file.", "seed file"),
        ("In the seed-document.", "the seed"),
        ("A seed document says.", "seed document"),
        ("A seed text says.", "seed text"),
        ("See 042_0123456789abcdef.txt.", "042_0123456789abcdef.txt"),
    ],
)
def test_strict_names_the_internal_source_it_found(
    write_deck: WriteDeck, text: str, mention: str
) -> None:
    assert strict(write_deck, card_text("c", "qa", **{**QA, "answer": text})) == internal(mention)


@pytest.mark.parametrize(
    "text",
    [
        "Fix the random seed first.",
        "A seedless grape.",
        "The seedling grows.",
        "Blogs differ.",
        "See 042_0123456789ABCDEG.txt.",
    ],
)
def test_words_near_the_internal_names_are_allowed(write_deck: WriteDeck, text: str) -> None:
    assert strict(write_deck, card_text("c", "qa", **{**QA, "answer": text})) == []


def test_only_the_first_internal_mention_is_reported(write_deck: WriteDeck) -> None:
    card = card_text("c", "qa", **{**QA, "question": "The blog asks.", "answer": SAYS})
    assert strict(write_deck, card) == internal("The blog")


# --- the library: decks joined, errors kept ---------------------------------------------


def qa_deck(slug: str, *, tags: str = "", title: str = "T") -> str:
    deck_tags = f"tags: [{tags}]\n" if tags else ""
    return (
        f"deck: {slug}\ntitle: {title}\ndescription: About {slug}.\n{deck_tags}cards:\n"
        "  - id: one\n    type: qa\n    question: Q1?\n    answer: A1.\n"
        "  - id: two\n    type: qa\n    tags: [basics, ml]\n    question: Q2?\n    answer: A2.\n"
    )


def test_a_deck_defined_twice_is_refused_on_the_second_file_and_later_files_still_load(
    write_deck: WriteDeck, tmp_path: Path
) -> None:
    first = write_deck("a.yaml", qa_deck("good"))
    second = write_deck("b.yaml", qa_deck("good", title="Other"))
    write_deck("c.yaml", qa_deck("later"))
    library = load_library([tmp_path / "decks"])
    assert [str(error) for error in library.errors] == [
        f"{second}:1: deck 'good' is already defined at {first}:1"
    ]
    assert [(deck.slug, deck.title, deck.path) for deck in library.decks] == [
        ("good", "T", first),
        ("later", "T", tmp_path / "decks" / "c.yaml"),
    ]
    assert list(library.cards) == ["good/one", "good/two", "later/one", "later/two"]
    assert library.files_read == 3


def test_every_file_read_counts_and_its_errors_are_kept_in_file_order(
    write_deck: WriteDeck, tmp_path: Path
) -> None:
    write_deck("a.yaml", "- a list\n")
    write_deck("b.yaml", qa_deck("fine"))
    write_deck("c.yaml", "hello\n")
    library = load_library([tmp_path / "nowhere", tmp_path / "decks"])
    assert [(e.path.name, e.line, e.message) for e in library.errors] == [
        ("nowhere", 1, "no such file or folder"),
        ("a.yaml", 1, "top level must be a mapping (deck, title, cards), found a list"),
        ("c.yaml", 1, "top level must be a mapping (deck, title, cards), found a single value"),
    ]
    assert library.files_read == 3
    assert library.failed_files == (
        tmp_path / "decks" / "a.yaml",
        tmp_path / "decks" / "c.yaml",
        tmp_path / "nowhere",
    )


def test_a_file_named_twice_is_read_once(write_deck: WriteDeck, tmp_path: Path) -> None:
    path = write_deck("a.yaml", qa_deck("once"))
    library = load_library([path, tmp_path / "decks", path])
    assert library.errors == () and library.files_read == 1
    assert list(library.cards) == ["once/one", "once/two"]


def test_a_card_carries_its_deck_tags_then_its_own_without_repeats(
    write_deck: WriteDeck,
) -> None:
    path = write_deck("a.yaml", qa_deck("tagged", tags="ml, python"))
    library = load_library([path])
    assert {key: (card.deck, card.line, card.tags) for key, card in library.cards.items()} == {
        "tagged/one": ("tagged", 6, ("ml", "python")),
        "tagged/two": ("tagged", 10, ("ml", "python", "basics")),
    }
    one = library.cards["tagged/one"]
    assert (one.key, one.path, one.card.id) == ("tagged/one", path, "one")


def test_a_deck_is_found_by_its_slug(write_deck: WriteDeck, tmp_path: Path) -> None:
    first = write_deck("a.yaml", qa_deck("first", title="First"))
    write_deck("b.yaml", qa_deck("second", title="Second"))
    library = load_library([tmp_path / "decks"])
    second = library.deck("second")
    assert second is not None
    assert (second.slug, second.title, second.description, second.card_keys) == (
        "second",
        "Second",
        "About second.",
        ("second/one", "second/two"),
    )
    found = library.deck("first")
    assert found is not None and (found.title, found.path) == ("First", first)
    assert library.deck("third") is None


def test_a_card_is_listed_by_one_line_of_its_prompt(write_deck: WriteDeck) -> None:
    library = load(
        write_deck,
        HEADER + "  - id: q\n    type: qa\n    question: |\n      Why is\n        the sky   blue?\n"
        "    answer: A.\n"
        + "  - id: p\n    type: predict\n    code: |\n\n      x = 1\n      print(x)\n"
        "    expect_output: '1'\n"
        + "  - id: p2\n    type: predict\n    code: '  '\n    expect_output: ''\n"
        + kata_card(card_id="k"),
    )
    assert {key: (card.type, card.prompt_text) for key, card in library.cards.items()} == {
        "d/q": ("qa", "Why is the sky blue?"),
        "d/p": ("predict", "print(x)"),  # the statement that acts, not the setup
        "d/p2": ("predict", ""),
        "d/k": ("kata", "Double"),
    }
    assert library.count_by_type() == {"qa": 1, "predict": 2, "kata": 1}


def test_a_content_error_reads_as_file_colon_line_and_serialises_whole(tmp_path: Path) -> None:
    error = ContentError(tmp_path / "d.yaml", 7, "missing required field 'answer'")
    assert str(error) == f"{tmp_path / 'd.yaml'}:7: missing required field 'answer'"
    assert error.to_dict() == {
        "path": str(tmp_path / "d.yaml"),
        "line": 7,
        "message": "missing required field 'answer'",
    }


def test_content_errors_sort_by_file_then_line_then_message() -> None:
    errors = [
        ContentError(Path("b.yaml"), 1, "a"),
        ContentError(Path("a.yaml"), 9, "a"),
        ContentError(Path("a.yaml"), 2, "z"),
        ContentError(Path("a.yaml"), 2, "b"),
    ]
    assert sorted(errors) == [errors[3], errors[2], errors[1], errors[0]]


# --- the loader: each schema problem at its own line ------------------------------------

KATA_HEAD = "  - id: a\n    type: kata\n    title: t\n    prompt: p\n"
KATA_TESTS = "    tests:\n      - call: f()\n        expect: 1\n    solution: 'def f(): return 1'\n"


def errors_of(write_deck: WriteDeck, text: str) -> list[str]:
    path = write_deck("bad.yaml", text)
    result = load_deck_file(path)
    assert result.deck is None and result.path == path
    assert {error.path for error in result.errors} == {path}
    return [f"{error.line}: {error.message}" for error in result.errors]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            "deck: x\ntitle: y\nzzz: 1\ncards:\n  - {id: a, type: qa, question: q, answer: a}\n",
            ["3: unknown field 'zzz' (allowed: cards, deck, description, tags, title)"],
            id="deck-field",
        ),
        pytest.param(
            HEADER + "  - id: a\n    type: qa\n    question: q\n    answer: a\n    zzz: 1\n",
            [
                "8: card 'a': unknown field 'zzz' (allowed: answer, difficulty, explanation, "
                "hint, id, python, question, reference, source, tags, type)"
            ],
            id="qa-field",
        ),
        pytest.param(
            HEADER + "  - id: a\n    type: predict\n    code: 'print(1)'\n    expect_output: '1'\n"
            "    zzz: 1\n",
            [
                "8: card 'a': unknown field 'zzz' (allowed: code, difficulty, expect_output, "
                "explanation, hint, id, python, question, reference, source, tags, type)"
            ],
            id="predict-field",
        ),
        pytest.param(
            HEADER + KATA_HEAD + KATA_TESTS + "    zzz: 1\n",
            [
                "12: card 'a': unknown field 'zzz' (allowed: complexity, difficulty, examples, "
                "explanation, hints, id, limits, preamble, prompt, python, random, reference, solution, "
                "source, starter, tags, tests, title, type, wrong_solutions)"
            ],
            id="kata-field",
        ),
        pytest.param(
            HEADER + KATA_HEAD + "    examples:\n      - call: f()\n        expect: 1\n"
            "        zzz: 1\n" + KATA_TESTS,
            [
                "11: card 'a': unknown field 'zzz' (allowed: call, code, compare, expect, "
                "expect_error, name, tolerance)"
            ],
            id="example-field",
        ),
        pytest.param(
            HEADER + KATA_HEAD + "    tests:\n      - call: f()\n        expect: 1\n"
            "        zzz: 1\n    solution: 'def f(): return 1'\n",
            [
                "11: card 'a': unknown field 'zzz' (allowed: call, code, compare, expect, "
                "expect_error, name, tolerance)"
            ],
            id="test-field",
        ),
        pytest.param(
            HEADER + KATA_HEAD + KATA_TESTS + "    wrong_solutions:\n      - name: w\n"
            "        code: 'def f(): return 2'\n        zzz: 1\n",
            ["15: card 'a': unknown field 'zzz' (allowed: code, mistake, name)"],
            id="wrong-solution-field",
        ),
        pytest.param(
            HEADER + KATA_HEAD + KATA_TESTS + "    limits:\n      zzz: 1\n",
            ["13: card 'a': unknown field 'zzz' (allowed: memory_mb, timeout_s)"],
            id="limits-field",
        ),
        pytest.param(
            HEADER
            + KATA_HEAD
            + "    tests:\n      - id: t1\n        call: f()\n        expect: 1\n"
            "    solution: 'def f(): return 1'\n",
            [
                "9: card 'a': unknown field 'id' (allowed: call, code, compare, expect, "
                "expect_error, name, tolerance)"
            ],
            id="an-id-inside-a-case-is-not-a-card-id",
        ),
    ],
)
def test_an_unknown_field_lists_the_fields_its_own_mapping_allows(
    write_deck: WriteDeck, text: str, expected: list[str]
) -> None:
    assert errors_of(write_deck, text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            HEADER + "  - id: a\n    type: qa\n    question: q\n  - id: b\n    type: qa\n"
            "    answer: a\n",
            [
                "4: card 'a': missing required field 'answer'",
                "7: card 'b': missing required field 'question'",
            ],
            id="missing-fields-at-each-card",
        ),
        pytest.param(
            HEADER + "  - type: qa\n    question: q\n    answer: a\n",
            ["4: missing required field 'id'"],
            id="missing-id-has-no-card-name",
        ),
        pytest.param(
            "title: y\ncards:\n  - {id: a, type: qa, question: q, answer: a}\n",
            ["1: missing required field 'deck'"],
            id="missing-deck",
        ),
        pytest.param(
            HEADER + "  - id: a\n    type: kata\n    title: t\n    prompt: p\n    tests: []\n"
            "    solution: 'def f(): return 1'\n",
            ["8: card 'a': tests needs at least 1 item"],
            id="no-tests",
        ),
        pytest.param(
            HEADER
            + KATA_HEAD
            + "    examples:\n"
            + "      - {call: f(), expect: 1}\n" * 4
            + KATA_TESTS,
            ["8: card 'a': examples needs at most 3 items"],
            id="four-examples",
        ),
        pytest.param(
            "deck: x\ntitle: y\ncards: []\n",
            ["3: cards needs at least 1 item"],
            id="no-cards",
        ),
        pytest.param(
            HEADER + "  - id: Bad Id\n    type: qa\n    question: q\n    answer: a\n",
            [
                "4: card 'Bad Id': id 'Bad Id' is not a slug: use lowercase letters, digits "
                "and single hyphens"
            ],
            id="bad-card-id",
        ),
        pytest.param(
            "deck: x\ntitle: y\ntags:\n  - ok\n  - Not Ok\ncards:\n"
            "  - {id: a, type: qa, question: q, answer: a}\n",
            ["5: tags 'Not Ok' is not a slug: use lowercase letters, digits and single hyphens"],
            id="bad-deck-tag-at-its-item",
        ),
        pytest.param(
            "deck: x\ntitle: ''\ncards:\n  - {id: a, type: qa, question: q, answer: a}\n",
            ["2: title: String should have at least 1 character"],
            id="empty-title",
        ),
        pytest.param(
            HEADER + "  - id: a\n    type: qa\n    difficulty: extreme\n    question: q\n"
            "    answer: a\n",
            ["6: card 'a': difficulty: Input should be 'easy', 'medium' or 'hard'"],
            id="bad-difficulty",
        ),
        pytest.param(
            HEADER + "  - id: a\n    type: qa\n    question:\n      - q\n    answer: a\n",
            ["6: card 'a': question: Input should be a valid string"],
            id="wrong-type-at-the-key",
        ),
        pytest.param(
            HEADER + KATA_HEAD + KATA_TESTS + "    limits:\n      - 1\n",
            ["12: card 'a': limits: Input should be a valid dictionary or instance of Limits"],
            id="limits-not-a-mapping-at-the-key",
        ),
        pytest.param(
            HEADER + KATA_HEAD + KATA_TESTS + "    limits:\n      timeout_s: 0\n",
            ["13: card 'a': timeout_s: Input should be greater than 0"],
            id="zero-timeout",
        ),
        pytest.param(
            HEADER + KATA_HEAD + "    tests:\n      - call: f()\n        expect: 1\n"
            "      - call: f()\n        code: 'result = 1'\n        expect: 1\n"
            "    solution: 'def f(): return 1'\n",
            ["11: card 'a': a case needs exactly one of 'call' or 'code'"],
            id="case-rule-at-the-case",
        ),
        pytest.param(
            HEADER + KATA_HEAD + "    tests:\n      - call: f()\n        expect: 1\n"
            "        tolerance: 0.1\n        compare: exact\n    solution: 'def f(): return 1'\n",
            ["9: card 'a': 'tolerance' only applies with 'compare: close'"],
            id="tolerance-without-close",
        ),
        pytest.param(
            HEADER + "  - id: a\n    type: predict\n    code: 'print(('\n    expect_output: ''\n",
            ["6: card 'a': code is not valid Python: '(' was never closed (line 1 of the code)"],
            id="code-syntax",
        ),
        pytest.param(
            HEADER + "  - id: a\n    type: qa\n    question: q\n    answer: a\n"
            "    python: '>=3.11, 3.12'\n",
            [
                "8: card 'a': python must look like '>=3.11,<3.13' (operators >= <= == != > <), "
                "got '>=3.11, 3.12'"
            ],
            id="python-spec",
        ),
        pytest.param(
            HEADER + "  - id: a\n    type: 7\n    question: q\n    answer: a\n",
            ["5: card 'a': unknown card type '7' (expected one of: qa, predict, kata)"],
            id="unknown-type-at-the-type-key",
        ),
        pytest.param(
            HEADER + "  - id: a\n    question: q\n    answer: a\n",
            ["4: card 'a': card has no 'type' (expected one of: qa, predict, kata)"],
            id="no-type",
        ),
        pytest.param(
            HEADER + "  - id: a\n    type: qa\n    question: q\n    answer: a\n  - 5\n",
            ["8: cards: Input should be a valid dictionary or object to extract fields from"],
            id="a-card-that-is-not-a-mapping",
        ),
        pytest.param(
            HEADER + "  - id: a\n    type: qa\n    question: q\n    answer: a\n"
            "  - id: b\n    type: qa\n    question: q\n    answer: a\n"
            "  - id: a\n    type: qa\n    question: q\n    answer: a\n"
            "  - id: a\n    type: qa\n    question: q\n    answer: a\n",
            [
                "12: duplicate card id 'a' (first at line 4)",
                "16: duplicate card id 'a' (first at line 4)",
            ],
            id="duplicate-ids-name-the-first",
        ),
    ],
)
def test_a_schema_problem_is_reported_at_its_line_in_the_authors_words(
    write_deck: WriteDeck, text: str, expected: list[str]
) -> None:
    assert errors_of(write_deck, text) == expected


def test_a_files_problems_come_sorted_by_line_then_message(write_deck: WriteDeck) -> None:
    text = "zzz: 1\ntitle: ''\n"
    assert errors_of(write_deck, text) == [
        "1: missing required field 'cards'",
        "1: missing required field 'deck'",
        "1: unknown field 'zzz' (allowed: cards, deck, description, tags, title)",
        "2: title: String should have at least 1 character",
    ]


def test_one_bad_card_is_not_also_reported_as_an_empty_deck(write_deck: WriteDeck) -> None:
    text = HEADER + "  - id: a\n    type: qa\n    question: q\n"
    assert errors_of(write_deck, text) == ["4: card 'a': missing required field 'answer'"]


def test_an_empty_list_is_still_reported_beside_another_problem(write_deck: WriteDeck) -> None:
    text = HEADER + KATA_HEAD + "    tests: []\n    solution: 'def f(): return 1'\n    zzz: 1\n"
    assert errors_of(write_deck, text) == [
        "8: card 'a': tests needs at least 1 item",
        "10: card 'a': unknown field 'zzz' (allowed: complexity, difficulty, examples, "
        "explanation, hints, id, limits, preamble, prompt, python, random, reference, solution, "
        "source, starter, tags, tests, title, type, wrong_solutions)",
    ]


def test_a_failing_case_is_not_also_an_empty_test_list_and_later_fields_still_report(
    write_deck: WriteDeck,
) -> None:
    text = HEADER + KATA_HEAD + "    tests:\n      - call: f()\n    solution: 'def f(:'\n"
    assert errors_of(write_deck, text) == [
        "9: card 'a': a case needs exactly one of 'expect' or 'expect_error'",
        "10: card 'a': solution is not valid Python: invalid syntax (line 1 of the solution)",
    ]


def test_an_empty_test_list_is_reported_beside_a_failing_case_of_another_card(
    write_deck: WriteDeck,
) -> None:
    text = (
        HEADER
        + KATA_HEAD
        + "    tests: []\n"
        + KATA_SOLUTION
        + KATA_HEAD.replace("id: a", "id: b")
        + "    tests:\n      - call: f()\n"
        + KATA_SOLUTION
    )
    assert errors_of(write_deck, text) == [
        "8: card 'a': tests needs at least 1 item",
        "15: card 'b': a case needs exactly one of 'expect' or 'expect_error'",
    ]


def test_a_bad_tag_inside_a_yaml_set_is_reported_at_the_set(write_deck: WriteDeck) -> None:
    text = (
        "deck: x\ntitle: y\ntags: !!set {Bad Tag}\n"
        "cards:\n  - {id: a, type: qa, question: q, answer: a}\n"
    )
    assert errors_of(write_deck, text) == [
        "3: tags {'Bad Tag'} is not a slug: use lowercase letters, digits and single hyphens"
    ]


def test_a_file_reports_at_most_twenty_problems_the_first_ones(write_deck: WriteDeck) -> None:
    text = HEADER + "".join(f"  - id: c{i}\n    type: qa\n    question: q\n" for i in range(21))
    assert errors_of(write_deck, text) == [
        f"{4 + 3 * i}: card 'c{i}': missing required field 'answer'" for i in range(20)
    ]


# --- the YAML reader: a broken file is one error at its line ---------------------------


def yaml_error_of(tmp_path: Path, content: str | bytes) -> str:
    path = tmp_path / "deck.yaml"
    if isinstance(content, str):
        content = content.encode("utf-8")
    path.write_bytes(content)
    error = read_yaml(path)
    assert isinstance(error, ContentError) and error.path == path
    return f"{error.line}: {error.message}"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            "deck: x\ntitle: 'unclosed\n",
            "3: invalid YAML: found unexpected end of stream (while scanning a quoted scalar)",
            id="the-line-where-the-problem-shows-not-where-it-began",
        ),
        pytest.param(
            "deck: x\ntitle: y\ncards: [\n",
            "4: invalid YAML: did not find expected node content (while parsing a flow node)",
            id="unclosed-flow",
        ),
        pytest.param(
            "deck: x\ntitle: y\n  bad: indent\n",
            "3: invalid YAML: mapping values are not allowed in this context",
            id="no-context-no-parentheses",
        ),
        pytest.param(
            "deck: x\n---\ntitle: y\n",
            "2: invalid YAML: but found another document (expected a single document in the "
            "stream)",
            id="two-documents",
        ),
        pytest.param(
            "deck: !!python/object/apply:os.system ['true']\ntitle: t\ncards: []\n",
            "1: invalid YAML: could not determine a constructor for the tag "
            "'tag:yaml.org,2002:python/object/apply:os.system'",
            id="unsafe-tag",
        ),
        pytest.param(
            "deck: x\ntitle: y\ncards:\n\t- id: a\n",
            "4: tab character: YAML is indented with spaces, never tabs",
            id="tab-that-starts-a-line",
        ),
        pytest.param(
            "deck: x\ntitle:\n  en: y\n\tfr: z\n",
            "4: tab character: YAML is indented with spaces, never tabs",
            id="tab-inside-an-indented-block",
        ),
        pytest.param(
            "deck: x\ntitle: y\n\x07\n",
            "3: invalid YAML: unacceptable character #x0007: control characters are not allowed "
            'in "<unicode string>", position 17',
            id="control-character-at-its-line",
        ),
        pytest.param(
            "\n\x07",
            "2: invalid YAML: unacceptable character #x0007: control characters are not allowed "
            'in "<unicode string>", position 1',
            id="control-character-after-a-blank-first-line",
        ),
        pytest.param(
            "  \n\n", "1: file is empty: expected a deck (deck, title, cards)", id="blank"
        ),
        pytest.param(
            "# only a comment\n",
            "1: file holds no YAML document: expected a deck (deck, title, cards)",
            id="comment-only",
        ),
        pytest.param(
            b"deck: x\ntitle: y\n\x00\n",
            "3: binary data (NUL byte): not a YAML text file",
            id="nul-byte-at-its-line",
        ),
        pytest.param(
            b"\x00deck: x\n",
            "1: binary data (NUL byte): not a YAML text file",
            id="nul-byte-first",
        ),
        pytest.param(
            b"\n\x00",
            "2: binary data (NUL byte): not a YAML text file",
            id="nul-byte-after-a-blank-first-line",
        ),
        pytest.param(
            b"\ncaf\xe9",
            "2: not UTF-8 text (byte 0xe9 cannot be decoded)",
            id="latin-1-after-a-blank-first-line",
        ),
        pytest.param(
            b"deck: x\ntitle: y\ndescription: caf\xe9\n",
            "3: not UTF-8 text (byte 0xe9 cannot be decoded)",
            id="latin-1-at-its-line",
        ),
        pytest.param(
            "deck: x\ncards:\n  - {id: a, type: qa}\n  - id: b\n    type: qa\n    id: c\n",
            "6: duplicate key 'id' (first at line 4)",
            id="duplicate-key-inside-a-card",
        ),
    ],
)
def test_a_broken_yaml_file_is_one_error_at_its_line(
    tmp_path: Path, text: str | bytes, expected: str
) -> None:
    assert yaml_error_of(tmp_path, text) == expected


def test_a_file_that_is_not_yaml_loads_as_its_one_error(write_deck: WriteDeck) -> None:
    path = write_deck("tab.yaml", "deck: x\ntitle: y\ncards:\n\t- id: a\n")
    assert load_deck_file(path) == FileResult(
        path,
        None,
        (ContentError(path, 4, "tab character: YAML is indented with spaces, never tabs"),),
    )


def test_a_yaml_set_at_the_top_level_is_refused_as_not_a_mapping(write_deck: WriteDeck) -> None:
    path = write_deck("set.yaml", "!!set {deck, title, cards}\n")
    message = "top level must be a mapping (deck, title, cards), found a single value"
    assert load_deck_file(path) == FileResult(path, None, (ContentError(path, 1, message),))


def test_a_good_file_loads_as_its_deck_with_the_line_of_every_card(write_deck: WriteDeck) -> None:
    path = write_deck(
        "good.yaml",
        "\n" + HEADER + kata_card(card_id="k") + card_text("q", "qa", question="Q", answer="A"),
    )
    result = load_deck_file(path)
    assert (result.path, result.errors) == (path, ())
    assert result.deck is not None
    assert (result.deck.path, result.deck.line, result.deck.card_lines) == (path, 2, (5, 44))
    assert [card.id for card in result.deck.deck.cards] == ["k", "q"]


def test_a_tab_inside_a_quoted_string_is_not_indentation(tmp_path: Path) -> None:
    path = tmp_path / "deck.yaml"
    path.write_text('deck: x\ntitle: "a\tb"\n', encoding="utf-8")
    document = read_yaml(path)
    assert isinstance(document, YamlDocument)
    assert document.data == {"deck": "x", "title": "a\tb"}


def test_a_byte_order_mark_is_read_as_utf8(tmp_path: Path) -> None:
    path = tmp_path / "deck.yaml"
    path.write_bytes(b"\xef\xbb\xbfdeck: x\n")
    document = read_yaml(path)
    assert isinstance(document, YamlDocument) and document.data == {"deck": "x"}


def test_a_folder_in_place_of_a_file_cannot_be_read(tmp_path: Path) -> None:
    assert read_yaml(tmp_path) == ContentError(tmp_path, 1, "cannot read file: Is a directory")


def test_a_file_over_eight_mebibytes_is_refused_unread(tmp_path: Path) -> None:
    limit = 8 * 1024 * 1024
    head = b"deck: x\n#"
    path = tmp_path / "deck.yaml"
    path.write_bytes(head + b" " * (limit - len(head) - 1) + b"\n")
    assert path.stat().st_size == limit
    document = read_yaml(path)
    assert isinstance(document, YamlDocument) and document.data == {"deck": "x"}
    with path.open("ab") as grow:
        grow.write(b"\n")
    assert read_yaml(path) == ContentError(path, 1, "file is larger than 8 MiB")


def nested(levels: int) -> str:
    return "deck: d\ntitle: D\ncards:\n" + " [\n" * levels + " ]\n" * levels


def test_values_may_nest_sixty_four_levels_but_not_sixty_five(tmp_path: Path) -> None:
    path = tmp_path / "deck.yaml"
    path.write_text(nested(64), encoding="utf-8")
    assert isinstance(read_yaml(path), YamlDocument)
    # The 65th list opens on line 3 + 65.
    assert yaml_error_of(tmp_path, nested(65)) == (
        "68: values nested more than 64 levels deep: refused"
    )


def aliased(fillers: int) -> str:
    """A deck whose aliases expand to 199,008 + ``fillers`` values (keys count too)."""
    return (
        "deck: d\ntitle: D\nrow: &row [" + ", ".join(["0"] * 999) + "]\n"
        "cards: [" + ", ".join(["*row"] * 198 + ["0"] * fillers) + "]\n"
    )


def test_aliases_may_expand_to_two_hundred_thousand_values_but_not_one_more(
    tmp_path: Path,
) -> None:
    path = tmp_path / "deck.yaml"
    path.write_text(aliased(992), encoding="utf-8")
    document = read_yaml(path)
    assert isinstance(document, YamlDocument) and len(document.data["cards"]) == 1190
    assert yaml_error_of(tmp_path, aliased(993)) == (
        "1: YAML aliases expand this document past 200,000 values: refused "
        "(write the values out, or use fewer aliases)"
    )


def test_an_alias_used_twice_is_shared_not_a_cycle(tmp_path: Path) -> None:
    path = tmp_path / "deck.yaml"
    path.write_text("a: &a [1, 2]\nb: [*a, *a]\nc: *a\n", encoding="utf-8")
    document = read_yaml(path)
    assert isinstance(document, YamlDocument)
    assert document.data == {"a": [1, 2], "b": [[1, 2], [1, 2]], "c": [1, 2]}


def test_a_value_containing_itself_is_refused_at_its_own_line(tmp_path: Path) -> None:
    text = "deck: d\ntitle: D\ncards:\n  - &card\n    id: a\n    again:\n      - *card\n"
    assert yaml_error_of(tmp_path, text) == (
        "4: a YAML alias refers to the value that contains it: refused"
    )


# --- the schema: what a card may say and what it defaults to ---------------------------

KATA_SOLUTION = "    solution: 'def f(): return 1'\n"


def kata_with_tests(cases: str) -> str:
    return HEADER + KATA_HEAD + "    tests:\n" + cases + KATA_SOLUTION


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            HEADER
            + KATA_HEAD
            + KATA_TESTS.replace(
                "    solution: 'def f(): return 1'\n",
                "    solution: |\n      def f():\n      return 1\n",
            ),
            [
                "11: card 'a': solution is not valid Python: expected an indented block after "
                "function definition on line 1 (line 2 of the solution)"
            ],
            id="solution",
        ),
        pytest.param(
            HEADER + KATA_HEAD + "    preamble: 'import ('\n" + KATA_TESTS,
            ["8: card 'a': preamble is not valid Python: invalid syntax (line 1 of the preamble)"],
            id="preamble",
        ),
        pytest.param(
            HEADER + KATA_HEAD + KATA_TESTS + "    wrong_solutions:\n      - name: w\n"
            "        code: 'def f(:'\n",
            [
                "14: card 'a': wrong solution is not valid Python: invalid syntax "
                "(line 1 of the wrong solution)"
            ],
            id="wrong-solution",
        ),
        pytest.param(
            kata_with_tests("      - call: 'f(('\n        expect: 1\n"),
            ["9: card 'a': call is not valid Python: '(' was never closed (line 1 of the call)"],
            id="call",
        ),
        pytest.param(
            kata_with_tests(
                "      - code: |\n          x = 1\n          y = (\n        expect: 1\n"
            ),
            ["9: card 'a': code is not valid Python: '(' was never closed (line 2 of the code)"],
            id="code-case",
        ),
    ],
)
def test_code_that_does_not_compile_is_named_with_its_line_inside_the_code(
    write_deck: WriteDeck, text: str, expected: list[str]
) -> None:
    assert errors_of(write_deck, text) == expected


@pytest.mark.parametrize(
    ("cases", "expected"),
    [
        pytest.param(
            "      - expect: 1\n",
            "9: card 'a': a case needs exactly one of 'call' or 'code'",
            id="no-input",
        ),
        pytest.param(
            "      - call: f()\n",
            "9: card 'a': a case needs exactly one of 'expect' or 'expect_error'",
            id="no-expectation",
        ),
        pytest.param(
            "      - call: f()\n        expect: 1\n        expect_error: ValueError\n",
            "9: card 'a': a case needs exactly one of 'expect' or 'expect_error'",
            id="two-expectations",
        ),
        pytest.param(
            "      - code: 'results = 1'\n        expect: 1\n",
            "9: card 'a': a 'code' case must assign 'result'",
            id="code-assigning-another-name",
        ),
        pytest.param(
            "      - call: f()\n        expect_error: 'a.B'\n",
            "9: card 'a': expect_error must be an exception class name, not 'a.B'",
            id="dotted-error-name",
        ),
        pytest.param(
            "      - call: f()\n        expect: 1\n        tolerance: -1\n",
            "11: card 'a': tolerance: Input should be greater than or equal to 0",
            id="negative-tolerance",
        ),
    ],
)
def test_a_case_has_one_input_and_one_expectation(
    write_deck: WriteDeck, cases: str, expected: str
) -> None:
    assert errors_of(write_deck, kata_with_tests(cases)) == [expected]


def test_a_tolerance_alone_means_close_and_an_explicit_null_means_nothing(
    write_deck: WriteDeck,
) -> None:
    text = kata_with_tests(
        "      - {call: f(), expect: 1.0, tolerance: 0.5}\n"
        "      - {call: f(), expect: 1.0, tolerance: null}\n"
        "      - {call: f(), expect: 1.0}\n"
        "      - {code: 'result = f()', expect: 1.0, compare: close}\n"
    )
    kata = only_card(write_deck, text[len(HEADER) :]).card
    assert isinstance(kata, KataCard)
    assert [(case.compare, case.tolerance) for case in kata.tests] == [
        (Compare.CLOSE, 0.5),
        (Compare.EXACT, None),
        (Compare.EXACT, None),
        (Compare.CLOSE, None),
    ]


@pytest.mark.parametrize(
    ("limit", "expected"),
    [
        ("timeout_s: 120", []),
        (
            "timeout_s: 120.5",
            ["13: card 'a': timeout_s: Input should be less than or equal to 120"],
        ),
        ("timeout_s: 0", ["13: card 'a': timeout_s: Input should be greater than 0"]),
        ("memory_mb: 32", []),
        ("memory_mb: 31", ["13: card 'a': memory_mb: Input should be greater than or equal to 32"]),
        ("memory_mb: 8192", []),
        (
            "memory_mb: 8193",
            ["13: card 'a': memory_mb: Input should be less than or equal to 8192"],
        ),
    ],
)
def test_a_kata_may_ask_up_to_two_minutes_and_32_mib_to_8_gib(
    write_deck: WriteDeck, limit: str, expected: list[str]
) -> None:
    path = write_deck("d.yaml", HEADER + KATA_HEAD + KATA_TESTS + f"    limits:\n      {limit}\n")
    assert [f"{e.line}: {e.message}" for e in load_deck_file(path).errors] == expected


def test_what_a_card_leaves_out_takes_its_documented_default(write_deck: WriteDeck) -> None:
    library = load(
        write_deck,
        HEADER
        + KATA_HEAD
        + KATA_TESTS
        + "  - {id: p, type: predict, code: 'print(1)', expect_output: '1'}\n",
    )
    kata = library.cards["d/a"].card
    predict = library.cards["d/p"].card
    assert isinstance(kata, KataCard) and isinstance(predict, PredictCard)
    assert (kata.limits.timeout_s, kata.limits.memory_mb) == (5.0, 256)
    assert (kata.starter, kata.preamble, kata.examples, kata.hints) == ("", None, (), ())
    assert kata.difficulty is Difficulty.MEDIUM and kata.tags == ()
    assert predict.question == "What does this print?"
    assert kata.applies_to((2, 7)) and predict.applies_to((3, 99))


@pytest.mark.parametrize(
    ("card_id", "expected"),
    [
        ("a" * 80, []),
        ("a1-b2-c3", []),
        ("a" * 81, [f"4: card '{'a' * 81}': id: String should have at most 80 characters"]),
        (
            "a--b",
            [
                "4: card 'a--b': id 'a--b' is not a slug: use lowercase letters, digits and single "
                "hyphens"
            ],
        ),
        (
            "-a",
            [
                "4: card '-a': id '-a' is not a slug: use lowercase letters, digits and single "
                "hyphens"
            ],
        ),
    ],
)
def test_a_card_id_is_a_slug_of_at_most_80_characters(
    write_deck: WriteDeck, card_id: str, expected: list[str]
) -> None:
    path = write_deck(
        "d.yaml", HEADER + f"  - {{id: '{card_id}', type: qa, question: q, answer: a}}\n"
    )
    assert [f"{e.line}: {e.message}" for e in load_deck_file(path).errors] == expected


# --- python: a version range for a card ------------------------------------------------


@pytest.mark.parametrize(
    ("spec", "inside", "outside"),
    [
        (">=3.11", [(3, 11), (3, 12)], [(3, 10)]),
        ("<=3.11", [(3, 10), (3, 11)], [(3, 12)]),
        ("==3.11", [(3, 11)], [(3, 10), (3, 12)]),
        ("!=3.11", [(3, 10), (3, 12)], [(3, 11)]),
        (">3.11", [(3, 12)], [(3, 11)]),
        ("<3.11", [(3, 10)], [(3, 11)]),
        (" >= 3.11 , < 3.13 ", [(3, 11), (3, 12)], [(3, 10), (3, 13)]),
        (">=3.9,<3.10", [(3, 9)], [(3, 10), (3, 8)]),
    ],
)
def test_a_python_range_holds_the_versions_its_clauses_all_allow(
    spec: str, inside: list[tuple[int, int]], outside: list[tuple[int, int]]
) -> None:
    parsed = VersionSpec.parse(spec)
    assert [parsed.contains(v) for v in inside] == [True] * len(inside)
    assert [parsed.contains(v) for v in outside] == [False] * len(outside)


def test_a_python_range_is_kept_as_its_clauses() -> None:
    assert VersionSpec.parse(">=3.11,<3.13").clauses == ((">=", (3, 11)), ("<", (3, 13)))


@pytest.mark.parametrize("spec", ["3.11", ">=3", "~=3.11", ">=3.11,", ">=3.11.2", ">= 3 .11"])
def test_a_python_range_that_does_not_parse_says_how_to_write_one(spec: str) -> None:
    with pytest.raises(ValueError) as raised:
        VersionSpec.parse(spec)
    assert str(raised.value) == (
        f"python must look like '>=3.11,<3.13' (operators >= <= == != > <), got {spec!r}"
    )


def test_the_running_python_is_its_major_and_minor_version() -> None:
    assert running_python() == (sys.version_info.major, sys.version_info.minor)
