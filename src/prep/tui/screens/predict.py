"""A predict card: read the program, type what it prints, then see."""

from __future__ import annotations

import threading
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.widgets import Footer, Header, Label, Markdown, Static, TextArea

from prep.content.models import PredictCard
from prep.grading.attempts import predict_attempt
from prep.grading.output_diff import compare_lines
from prep.grading.verdict import SnippetRun, outputs_match
from prep.study.mock import MockInterview
from prep.study.session import Prompt
from prep.study.sitting import HINT, Sitting
from prep.tui.context import PrepContext
from prep.tui.screens.base import styles
from prep.tui.screens.exercise import ExerciseScreen, RatingPanel
from prep.tui.widgets.output_diff import OutputComparison


class PredictScreen(ExerciseScreen):
    CSS_PATH = styles("exercise.tcss", "predict.tcss")
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "check", "Check", priority=True),
        Binding("ctrl+t", "hint", "Hint", priority=True),
        Binding("escape", "cancel_or_back", "Back", priority=True),
    ]

    def __init__(
        self,
        context: PrepContext,
        prompt: Prompt,
        *,
        can_undo: bool = False,
        interview: MockInterview | None = None,
        remaining: int | None = None,
    ) -> None:
        assert isinstance(prompt.card.card, PredictCard)
        self.card: PredictCard = prompt.card.card
        super().__init__(context, prompt, can_undo=can_undo, interview=interview)
        self.correct: bool | None = None
        self.remaining = remaining  # cards left in the study session, this one included

    def header_where(self) -> str:
        deck = self.context.library.deck(self.prompt.card.deck)
        where = f"Predict · {deck.title if deck else self.prompt.card.deck}"
        return where if self.remaining is None else f"{where} · {self.remaining} left"

    def compose(self) -> ComposeResult:
        yield Header(show_clock=False)
        with VerticalScroll(id="predict-body"):
            yield Markdown(
                f"### {self.card.question}\n\n```python\n{self.card.code.rstrip()}\n```",
                id="predict-code",
            )
            yield Static("", id="predict-hint", markup=False, classes="hidden")
            yield Label("Your prediction of the output (ctrl+s checks it):")
            # Read-only until this review's draft (if any) is read back.
            yield TextArea(
                "", id="prediction", soft_wrap=False, show_line_numbers=False, read_only=True
            )
            yield Static("", id="predict-result", markup=False)
            yield OutputComparison(id="predict-diff", classes="hidden")
            yield Markdown("", id="predict-explanation", classes="hidden")
        yield RatingPanel(id="rating-panel", classes="hidden")
        yield Footer()

    def on_mount(self) -> None:
        self.start_sitting("Predict")

    def restore(self, sitting: Sitting) -> None:
        answer = self.query_one("#prediction", TextArea)
        text = sitting.last_code if self.attempt.finished else sitting.draft
        if text is not None:
            answer.load_text(text)
        if self.attempt.hints_used:
            self._show_hint()
        answer.read_only = self.attempt.finished
        if not self.attempt.finished:
            answer.focus()

    @on(TextArea.Changed, "#prediction")
    def _text_changed(self) -> None:
        self.draft_changed(self.query_one("#prediction", TextArea).text)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        finished = self.attempt.finished
        if action == "check":
            return self.loaded and not finished and (not self.running or None)
        if action == "hint":
            return (
                self.loaded
                and not finished
                and bool(self.card.hint)
                and self.attempt.hints_used == 0
            )
        return super().check_action(action, parameters)

    def _show_hint(self) -> None:
        hint = self.query_one("#predict-hint", Static)
        hint.update(f"Hint: {(self.card.hint or '').strip()}")
        hint.remove_class("hidden")

    def action_hint(self) -> None:
        if self.card.hint and self.attempt.hints_used == 0 and not self.attempt.finished:
            self.attempt.hint()
            self.log_event(HINT)
            self._show_hint()
            self.refresh_bindings()

    def show_status(self, text: str) -> None:
        self.query_one("#predict-result", Static).update(text)

    def action_check(self) -> None:
        # What was typed or pasted just before ctrl+s may still wait in the answer's queue.
        self.query_one("#prediction", TextArea).call_later(self._check_prediction)

    def _check_prediction(self) -> None:
        if self.running or self.attempt.finished or not self.loaded:
            return
        guess = self.query_one("#prediction", TextArea).text
        self.draft_changed(guess)
        self.flush_draft()
        key, context, clock = self.prompt.card.key, self.context, self.context.clock

        def run(cancel: threading.Event) -> tuple[str, SnippetRun, bool]:
            ran = context.grader().run_snippet(self.card, cancel)
            correct = outputs_match(ran.stdout, guess)
            store = context.store
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
            text = "Not quite. Your prediction, line by line, beside what the program printed:"
            diff = self.query_one(OutputComparison)
            diff.show(compare_lines(run.stdout, guess))
            diff.remove_class("hidden")
        if run.problem:
            text += f"\n\n(the program ended with: {run.problem})"
        result = self.query_one("#predict-result", Static)
        result.update(text)
        result.set_class(not correct, "miss")
        self.finish()

    def finish(self) -> None:
        rendered = None
        if self.card.explanation:
            explanation = self.query_one("#predict-explanation", Markdown)
            rendered = explanation.update(f"### Why\n{self.card.explanation.rstrip()}")
            explanation.remove_class("hidden")
        self.query_one("#prediction", TextArea).read_only = True
        if self.correct is None:  # reopened after the check: say how it went
            self.show_status(
                "Already checked: "
                + (
                    "right first time."
                    if self.attempt.solved_at
                    else "missed; the answer was shown."
                )
            )
        now = self.context.clock()
        reason = "Right first time" if self.attempt.solved_at is not None else "Missed"
        explained = self.attempt.explain(now) if self.attempt.capped(now) else ""
        self.propose_rating(explained or f"{reason}: {self.attempt.proposal(now).name}.")
        # The result is where the eye goes: focus the body there, so arrows and PageDown scroll it.
        body = self.query_one("#predict-body", VerticalScroll)
        body.focus()

        async def bring_result_into_view() -> None:
            if rendered is not None:
                await rendered
            self.call_after_refresh(
                body.scroll_to_widget, self.query_one("#predict-result"), animate=False, top=True
            )

        self.call_later(bring_result_into_view)

    def action_cancel_or_back(self) -> None:
        if self.cancel_check():
            return
        self.leave(None)
