"""Earlier code of a kata, read-only: the starter and every submission, newest first.

Read-only on purpose: a review opens on the starter, and copying last week's
passing code back into the editor would make the rating mean nothing. The
starter is the one thing that can be put back (``r``)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Footer, OptionList, Static, TextArea
from textual.widgets.option_list import Option

from prep.content.models import KataCard
from prep.grading.attempts import PRACTICE, Attempt
from prep.tui.screens.base import styles
from prep.wording import plural


def submission_label(attempt: Attempt) -> str:
    summary = attempt.summary
    mark = "✓" if attempt.passed else "✗"
    counts = f"{summary.get('passed', '?')}/{summary.get('total', '?')}"
    when = attempt.submitted_at.astimezone().strftime("%Y-%m-%d %H:%M")
    practice = " · practice" if summary.get(PRACTICE) else ""
    return f"{mark} {when}  {counts}{practice}"


class EarlierCode(ModalScreen[bool]):
    """Answers True when the learner asks for the starter back."""

    CSS_PATH = styles("earlier.tcss")

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("r", "reset", "Reset editor to the starter"),
        Binding("escape", "close", "Close"),
    ]

    def __init__(self, kata: KataCard, submissions: Sequence[Attempt], can_reset: bool) -> None:
        super().__init__()
        self.kata = kata
        self.codes = [kata.starter] + [attempt.code for attempt in submissions]
        self.labels = ["Starter code"] + [submission_label(attempt) for attempt in submissions]
        self.can_reset = can_reset

    def compose(self) -> ComposeResult:
        with Vertical(id="earlier"):
            count = len(self.codes) - 1
            yield Static(
                f"Earlier code of {self.kata.title} · {plural(count, 'submission')} · read-only",
                id="earlier-title",
                markup=False,
            )
            with Horizontal():
                yield OptionList(
                    *[Option(label, id=str(index)) for index, label in enumerate(self.labels)],
                    id="earlier-list",
                )
                yield TextArea.code_editor(
                    self.codes[0], language="python", read_only=True, id="earlier-code"
                )
            yield Footer()

    def on_mount(self) -> None:
        self.query_one("#earlier-list", OptionList).focus()

    @on(OptionList.OptionHighlighted, "#earlier-list")
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        self.query_one("#earlier-code", TextArea).load_text(self.codes[event.option_index])

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "reset":
            return self.can_reset
        return True

    def action_reset(self) -> None:
        if self.can_reset:
            self.dismiss(True)

    def action_close(self) -> None:
        self.dismiss(False)
