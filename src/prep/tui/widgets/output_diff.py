"""A missed prediction shown line by line: the learner's line beside the real one, the
characters that differ highlighted, a mark saying how each row went."""

from __future__ import annotations

from collections.abc import Sequence

from rich.table import Table
from rich.text import Text
from textual.widgets import Static

from prep.grading.output_diff import LinePair, LineStatus, Span

MARKS = {
    LineStatus.SAME: ("✓", "green"),
    LineStatus.CHANGED: ("≠", "bold yellow"),
    LineStatus.MISSING: ("−", "bold red"),  # a line the prediction lacks
    LineStatus.EXTRA: ("+", "bold red"),  # a line the program never printed
}
YOURS_DIFFERS = "bold black on #e5a550"
REAL_DIFFERS = "bold black on #57c77a"


def side_text(spans: tuple[Span, ...] | None, differs_style: str) -> Text:
    if spans is None:
        return Text("(no line)", style="dim italic")
    text = Text()
    for span in spans:
        text.append(span.text, style=differs_style if span.differs else "")
    return text


def comparison_table(pairs: Sequence[LinePair]) -> Table:
    table = Table(expand=True, box=None, show_edge=False, pad_edge=False, padding=(0, 1))
    table.add_column("", width=1, no_wrap=True)
    table.add_column("Your prediction", ratio=1, overflow="fold", header_style="bold")
    table.add_column("The real output", ratio=1, overflow="fold", header_style="bold")
    for pair in pairs:
        mark, style = MARKS[pair.status]
        table.add_row(
            Text(mark, style=style),
            side_text(pair.yours, YOURS_DIFFERS),
            side_text(pair.real, REAL_DIFFERS),
        )
    return table


class OutputComparison(Static):
    """Empty until a prediction is missed."""

    pairs: list[LinePair] = []  # noqa: RUF012  (replaced, never changed in place)

    def show(self, pairs: Sequence[LinePair]) -> None:
        self.pairs = list(pairs)
        self.update(comparison_table(pairs))
