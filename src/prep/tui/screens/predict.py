"""A predict card: read the program, type what it prints, then see."""

from __future__ import annotations

import difflib
import threading
from dataclasses import dataclass
from typing import ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.message import Message
from textual.widgets import Footer, Header, Label, Markdown, Static, TextArea

from prep.content.models import PredictCard
from prep.grading.attempts import predict_attempt
from prep.grading.sandbox import GradeCancelledError
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

    @dataclass
    class Ran(Message):
        guess: str
        run: SnippetRun

    @dataclass
    class RunFailed(Message):
        message: str

    def __init__(self, context: PrepContext, prompt: Prompt) -> None:
        assert isinstance(prompt.card.card, PredictCard)
        self.card: PredictCard = prompt.card.card
        super().__init__(context, prompt, CardAttempt.for_predict(context.clock()))
        self.running = False
        self.correct: bool | None = None
        self._cancel: threading.Event | None = None

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

    def action_check(self) -> None:
        if self.running or self.attempt.finished:
            return
        self.running = True
        self._cancel = threading.Event()
        self.query_one("#predict-result", Static).update("Running the program in the sandbox…")
        self.refresh_bindings()
        self._run(self.query_one("#prediction", TextArea).text, self._cancel)

    @work(thread=True, exclusive=True, group="run", exit_on_error=False)
    def _run(self, guess: str, cancel: threading.Event) -> None:
        try:
            run = self.context.grader().run_snippet(self.card, cancel)
        except GradeCancelledError:
            self.post_message(self.RunFailed("Cancelled."))
        except Exception as exc:
            self.post_message(self.RunFailed(f"Could not run the program: {exc}"))
        else:
            self.post_message(self.Ran(guess, run))

    def on_predict_screen_run_failed(self, message: RunFailed) -> None:
        self.running = False
        self.query_one("#predict-result", Static).update(message.message)
        self.refresh_bindings()

    def on_predict_screen_ran(self, message: Ran) -> None:
        self.running = False
        run = message.run
        now = self.context.clock()
        self.correct = outputs_match(run.stdout, message.guess)
        store = self.context.store
        store.record_attempt(
            predict_attempt(
                self.prompt.card.key,
                message.guess,
                run.stdout,
                self.correct,
                now,
                store.installation_id,
                run.duration_ms,
            )
        )
        self.attempt.submitted(self.correct, now)
        if not self.correct:
            self.attempt.give_up()  # the diff shows the answer: no second try
        if self.correct:
            text = "Correct: the program prints exactly that."
        else:
            text = "Not quite. The real output, against your prediction:\n\n" + output_diff(
                run.stdout, message.guess
            )
        if run.problem:
            text += f"\n\n(the program ended with: {run.problem})"
        self.query_one("#predict-result", Static).update(text)
        self.query_one("#predict-result", Static).set_class(not self.correct, "miss")
        if self.card.explanation:
            explanation = self.query_one("#predict-explanation", Markdown)
            explanation.update(f"### Why\n{self.card.explanation.rstrip()}")
            explanation.remove_class("hidden")
        self.query_one("#prediction", TextArea).read_only = True
        reason = "Right first time" if self.correct else "Missed"
        self.propose_rating(f"{reason}: {self.attempt.proposal(now).name}.")

    def action_cancel_or_back(self) -> None:
        if self.running and self._cancel is not None:
            self._cancel.set()
            self.running = False
            self.query_one("#predict-result", Static).update("Cancelled.")
            self.refresh_bindings()
            return
        self.dismiss(None)
