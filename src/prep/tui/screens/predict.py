"""A predict card: read the program, type what it prints, then see."""

from __future__ import annotations

import difflib
import threading
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.widgets import Footer, Header, Label, Markdown, Static, TextArea

from prep.content.models import PredictCard
from prep.grading.attempts import predict_attempt
from prep.grading.verdict import SnippetRun, normalise_output, outputs_match
from prep.study.attempt import CardAttempt
from prep.study.session import Prompt
from prep.tui.context import PrepContext
from prep.tui.screens.exercise import ExerciseScreen, RatingPanel


def output_diff(expected: str, guess: str) -> str:
    """A line diff of the real output against the prediction."""
    lines = difflib.unified_diff(
        normalise_output(expected).split("\n"),
        normalise_output(guess).split("\n"),
        fromfile="actual output",
        tofile="your prediction",
        lineterm="",
    )
    return "\n".join(lines)


class PredictScreen(ExerciseScreen):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "check", "Check", priority=True),
        Binding("ctrl+t", "hint", "Hint", priority=True),
        Binding("escape", "cancel_or_back", "Back", priority=True),
    ]

    def __init__(self, context: PrepContext, prompt: Prompt) -> None:
        assert isinstance(prompt.card.card, PredictCard)
        self.card: PredictCard = prompt.card.card
        super().__init__(context, prompt, CardAttempt.for_predict(context.clock()))
        self.correct: bool | None = None

    def compose(self) -> ComposeResult:
        yield Header(show_clock=False)
        with VerticalScroll(id="predict-body"):
            yield Markdown(
                f"### {self.card.question}\n\n```python\n{self.card.code.rstrip()}\n```",
                id="predict-code",
            )
            yield Static("", id="predict-hint", markup=False, classes="hidden")
            yield Label("Your prediction of the output (ctrl+s checks it):")
            yield TextArea("", id="prediction", soft_wrap=False, show_line_numbers=False)
            yield Static("", id="predict-result", markup=False)
            yield Markdown("", id="predict-explanation", classes="hidden")
        yield RatingPanel(id="rating-panel", classes="hidden")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = f"Predict · {self.prompt.card.key}"
        self.query_one("#prediction", TextArea).focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        finished = self.attempt.finished
        if action == "check":
            return not finished and (not self.running or None)
        if action == "hint":
            return not finished and bool(self.card.hint) and self.attempt.hints_used == 0
        return super().check_action(action, parameters)

    def action_hint(self) -> None:
        if self.card.hint and self.attempt.hints_used == 0:
            self.attempt.hint()
            hint = self.query_one("#predict-hint", Static)
            hint.update(f"Hint: {self.card.hint.strip()}")
            hint.remove_class("hidden")
            self.refresh_bindings()

    def show_status(self, text: str) -> None:
        self.query_one("#predict-result", Static).update(text)

    def action_check(self) -> None:
        # What was typed or pasted just before ctrl+s may still wait in the answer's queue.
        self.query_one("#prediction", TextArea).call_later(self._check_prediction)

    def _check_prediction(self) -> None:
        if self.running or self.attempt.finished:
            return
        guess = self.query_one("#prediction", TextArea).text
        key, store, clock = self.prompt.card.key, self.context.store, self.context.clock

        def run(cancel: threading.Event) -> tuple[str, SnippetRun, bool]:
            ran = self.context.grader().run_snippet(self.card, cancel)
            correct = outputs_match(ran.stdout, guess)
            store.record_attempt(
                predict_attempt(
                    key, guess, ran.stdout, correct, clock(), store.installation_id, ran.duration_ms
                )
            )
            return guess, ran, correct

        self.run_check(
            run, self._ran, what="running the program",
            waiting="Running the program in the sandbox…",
        )  # fmt: skip

    def _ran(self, outcome: tuple[str, SnippetRun, bool]) -> None:
        guess, run, correct = outcome
        now = self.context.clock()
        self.correct = correct
        self.attempt.submitted(correct, now)
        if not correct:
            self.attempt.give_up()  # the diff shows the answer: no second try
        if correct:
            text = "Correct: the program prints exactly that."
        else:
            text = "Not quite. The real output, against your prediction:\n\n" + output_diff(
                run.stdout, guess
            )
        if run.problem:
            text += f"\n\n(the program ended with: {run.problem})"
        result = self.query_one("#predict-result", Static)
        result.update(text)
        result.set_class(not correct, "miss")
        if self.card.explanation:
            explanation = self.query_one("#predict-explanation", Markdown)
            explanation.update(f"### Why\n{self.card.explanation.rstrip()}")
            explanation.remove_class("hidden")
        self.query_one("#prediction", TextArea).read_only = True
        reason = "Right first time" if correct else "Missed"
        self.propose_rating(f"{reason}: {self.attempt.proposal(now).name}.")

    def action_cancel_or_back(self) -> None:
        if self.cancel_check():
            return
        self.dismiss(None)
