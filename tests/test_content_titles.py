"""A card in one line: Markdown made plain, and a predict card named by its program."""

from __future__ import annotations

from pathlib import Path

import pytest

from prep.content import load_library
from prep.content.kinds import CardType
from prep.content.titles import card_title, plain_text, program_line


@pytest.mark.parametrize(
    ("markdown", "plain"),
    [
        ("Why does sift-down swap with the *smaller* child?", "Why does sift-down swap with the smaller child?"),
        ("Loop over capacities **downwards**", "Loop over capacities downwards"),
        ("What does `__slots__` do?", "What does __slots__ do?"),
        ("Why is `a_b * c` fine but _this_ emphasis?", "Why is a_b * c fine but this emphasis?"),
        ("Why divide QKᵀ by √d_k and keep snake_case_names?", "Why divide QKᵀ by √d_k and keep snake_case_names?"),
        ("See [the paper](https://arxiv.org/abs/1706.03762) and ![a plot](plot.png)", "See the paper and a plot"),
        ("## Top-K\n\n- with a heap\n- or **quickselect**", "Top-K with a heap or quickselect"),
        ("> quoted\n1. first", "quoted first"),
        (r"Escaped \*stars\* and ~~struck~~ words", "Escaped *stars* and struck words"),
        ("``code with ` inside``", "code with ` inside"),
        ("A sum\nover   lines", "A sum over lines"),
        ("2 * 3 * 4 stays", "2 * 3 * 4 stays"),
    ],
)  # fmt: skip
def test_plain_text_drops_markdown_and_keeps_code_spans_as_written(
    markdown: str, plain: str
) -> None:
    assert plain_text(markdown) == plain


HEAP_PROGRAMS = {
    "heapify": "import heapq\n\nh = [9, 4, 7]\nheapq.heapify(h)\nprint(h)\n",
    "pushpop": "import heapq\n\nh = [1, 5, 9]\nprint(heapq.heappushpop(h, 0), h)\n",
    "ties": "import heapq\n\nh = []\ntry:\n    heapq.heappush(h, (1, {}))\nexcept TypeError:\n    pass\n",
    "nlargest": "import heapq\nwords = ['a', 'bb']\nprint(heapq.nlargest(1, words, key=len))\n",
}


def test_predict_cards_that_import_the_same_module_read_differently() -> None:
    lines = {name: program_line(code) for name, code in HEAP_PROGRAMS.items()}
    assert lines == {
        "heapify": "heapq.heapify(h)",
        "pushpop": "print(heapq.heappushpop(h, 0), h)",
        "ties": "heapq.heappush(h, (1, {}))",
        "nlargest": "print(heapq.nlargest(1, words, key=len))",
    }


@pytest.mark.parametrize(
    ("code", "line"),
    [
        ("for i in range(3):\n    pass\n", "for i in range(3):"),
        ("class A:\n    x = 1\n", "class A:"),
        ("import math\ny = math.sqrt(4)\n", "y = math.sqrt(4)"),
        ("import math\nx = 1\n", "x = 1"),
        ("import math\nfrom os import path\n", "import math"),
        ("print(  (  \n", "print(  ("),  # not Python: its first line
    ],
)
def test_program_line_falls_back_in_order(code: str, line: str) -> None:
    assert program_line(code) == line


def test_card_title_by_kind() -> None:
    assert card_title(CardType.KATA, title="Top-K with a `heap`") == "Top-K with a heap"
    assert (
        card_title(CardType.QA, question="What is **mode collapse**?") == "What is mode collapse?"
    )
    code = HEAP_PROGRAMS["heapify"]
    assert card_title(CardType.PREDICT, question="What does this print?", code=code) == (
        "heapq.heapify(h)"
    )
    assert card_title(
        CardType.PREDICT, question="Which *order*? What does this print?", code=code
    ) == ("Which order? What does this print?")


def test_the_shipped_heap_predict_cards_each_read_as_their_own_program() -> None:
    deck = Path(__file__).parents[1] / "questions" / "algorithms" / "heaps-top-k.yaml"
    library = load_library([deck])
    titles = [card.prompt_text for card in library.cards.values() if card.type is CardType.PREDICT]
    assert len(titles) == 4
    assert len(set(titles)) == 4
    assert not any(title.startswith("import") for title in titles)
    assert not any(
        "`" in card.prompt_text or "**" in card.prompt_text for card in library.cards.values()
    )
