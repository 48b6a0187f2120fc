"""The predict screen's comparison of a prediction with the real output."""

from __future__ import annotations

from prep.grading.output_diff import LinePair, LineStatus, Span, compare_lines


def statuses(pairs: list[LinePair]) -> list[LineStatus]:
    return [pair.status for pair in pairs]


def test_matching_lines_are_the_same_and_whitespace_at_the_end_does_not_count() -> None:
    pairs = compare_lines("a\nb\n", "a  \nb\n\n\n")
    assert statuses(pairs) == [LineStatus.SAME, LineStatus.SAME]
    assert [(p.yours_text, p.real_text) for p in pairs] == [("a", "a"), ("b", "b")]


def test_a_changed_line_marks_only_the_characters_that_differ() -> None:
    (pair,) = compare_lines("[2, 2, 2]", "[0, 1, 2]")
    assert pair.status is LineStatus.CHANGED
    assert pair.real == (
        Span("[", False),
        Span("2", True),
        Span(", ", False),
        Span("2", True),
        Span(", 2]", False),
    )
    assert pair.yours is not None
    assert [span.text for span in pair.yours if span.differs] == ["0", "1"]


def test_missing_and_extra_lines_stand_alone() -> None:
    pairs = compare_lines("one\ntwo\nthree", "one\nthree\nfour")
    assert statuses(pairs) == [
        LineStatus.SAME, LineStatus.MISSING, LineStatus.SAME, LineStatus.EXTRA
    ]  # fmt: skip
    assert pairs[1].yours is None and pairs[1].real_text == "two"
    assert pairs[3].real is None and pairs[3].yours_text == "four"


def test_an_empty_prediction_misses_every_line() -> None:
    pairs = compare_lines("x\ny\n", "")
    assert statuses(pairs) == [LineStatus.MISSING, LineStatus.MISSING]


def test_both_sides_join_back_into_the_outputs() -> None:
    real, yours = "alpha\nbeta\ngamma\n", "alpha\nbeat\ndelta\nomega\n"
    pairs = compare_lines(real, yours)
    assert [p.real_text for p in pairs if p.real is not None] == ["alpha", "beta", "gamma"]
    assert [p.yours_text for p in pairs if p.yours is not None] == [
        "alpha", "beat", "delta", "omega"
    ]  # fmt: skip
