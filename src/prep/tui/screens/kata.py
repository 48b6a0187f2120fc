"""A kata: the prompt, an editor, and hidden tests run in the sandbox."""

from __future__ import annotations

import os
import shlex
import subprocess
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.timer import Timer
from textual.widgets import Footer, Header, Markdown, Static, TextArea

from prep.content.models import KataCard
from prep.content.render import _case_markdown, prompt_markdown
from prep.grading.attempts import attempt_from_report
from prep.grading.verdict import GradeReport, Which
from prep.study.attempt import CardAttempt
from prep.study.drafts import DraftKeeper
from prep.study.session import Prompt
from prep.tui.context import PrepContext
from prep.tui.screens.exercise import ExerciseScreen, RatingPanel
from prep.tui.widgets.grade_results import GradeResults

DRAFT_DELAY_S = 0.4
OUTPUT_SHOWN = 4000


def after_markdown(kata: KataCard, gave_up: bool) -> str:
    parts = []
    if gave_up:
        parts.append(f"### Reference solution\n```python\n{kata.solution.rstrip()}\n```")
    if kata.explanation:
        parts.append(f"### Explanation\n{kata.explanation.rstrip()}")
    if kata.complexity:
        parts.append(f"**Complexity:** {kata.complexity}")
    parts.append("### Hidden tests")
    parts += [_case_markdown(case) for case in kata.tests]
    return "\n\n".join(parts)


class KataScreen(ExerciseScreen):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+r", "run_examples", "Run examples", priority=True),
        Binding("ctrl+s", "submit", "Submit", priority=True),
        Binding("ctrl+e", "external_editor", "$EDITOR", priority=True),
        Binding("ctrl+t", "hint", "Hint", priority=True),
        Binding("ctrl+g", "give_up", "Give up", priority=True),
        Binding("escape", "cancel_or_back", "Cancel / back", priority=True),
    ]

    def __init__(self, context: PrepContext, prompt: Prompt) -> None:
        assert isinstance(prompt.card.card, KataCard)
        self.kata: KataCard = prompt.card.card
        super().__init__(
            context, prompt, CardAttempt.for_kata(self.kata.difficulty, context.clock())
        )
        self.drafts = DraftKeeper(context.store, prompt.card.key, context.clock)
        self._draft_timer: Timer | None = None
        self._hints_shown = 0

    def compose(self) -> ComposeResult:
        yield Header(show_clock=False)
        with Horizontal(id="kata"):
            with VerticalScroll(id="kata-prompt"):
                yield Markdown(prompt_markdown(self.kata), id="kata-text")
                yield Markdown("", id="kata-hints", classes="hidden")
                yield Markdown("", id="kata-after", classes="hidden")
            with Vertical(id="kata-work"):
                # Read-only until the draft (if any) is read from the store.
                yield TextArea.code_editor(
                    self.kata.starter, language="python", id="editor", read_only=True
                )
                yield Static(
                    "ctrl+r runs the examples · ctrl+s submits to the hidden tests"
                    if self.kata.examples
                    else "ctrl+s submits to the hidden tests",
                    id="grade-status",
                    markup=False,
                )
                yield GradeResults(id="results")
                yield Static("", id="output", markup=False)
        yield RatingPanel(id="rating-panel", classes="hidden")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = f"Kata · {self.prompt.card.key}"
        self.in_background(self.drafts.load, self._draft_loaded, what="reading your draft", group="draft-load", failed=lambda _: self._draft_loaded(None))  # fmt: skip
        self.in_background(
            lambda: self.context.grader().warm_up(), lambda _: None,
            what="starting the grader", group="warm",
        )  # fmt: skip

    def _draft_loaded(self, draft: str | None) -> None:
        editor = self.query_one("#editor", TextArea)
        if draft is not None:
            editor.load_text(draft)
        editor.read_only = self.attempt.finished
        editor.focus()

    # -- drafts ---------------------------------------------------------------

    @on(TextArea.Changed, "#editor")
    def _schedule_draft(self) -> None:
        if self.attempt.finished:
            return
        if self._draft_timer is not None:
            self._draft_timer.stop()
        self._draft_timer = self.set_timer(DRAFT_DELAY_S, self.save_draft)

    def save_draft(self) -> None:
        self.drafts.put(self.query_one("#editor", TextArea).text)
        self.in_background(
            self.drafts.flush, lambda _: None, what="saving your draft", group="draft",
            exclusive=False,
        )  # fmt: skip

    # -- grading --------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("run_examples", "submit", "hint", "give_up", "external_editor"):
            if self.attempt.finished:
                return False
            if action == "hint" and self._hints_shown >= len(self.kata.hints):
                return None
            if action == "run_examples" and not self.kata.examples:
                return False
            return not self.running or None
        return super().check_action(action, parameters)

    def action_run_examples(self) -> None:
        self._after_pending_edits(lambda: self._start("examples"))

    def action_submit(self) -> None:
        self._after_pending_edits(lambda: self._start("tests"))

    def _after_pending_edits(self, then: Callable[[], None]) -> None:
        # Keys and pastes typed just before ctrl+s may still wait in the editor's queue
        # (the binding is the app's, and runs first): read the code after them.
        self.query_one("#editor", TextArea).call_later(then)

    def _start(self, which: Which) -> None:
        if self.running or self.attempt.finished:
            return
        code = self.query_one("#editor", TextArea).text
        self.save_draft()
        self.query_one("#results", GradeResults).loading = True
        label = "examples" if which == "examples" else "hidden tests"
        key, store, clock = self.prompt.card.key, self.context.store, self.context.clock

        def grade(cancel: threading.Event) -> GradeReport:
            report = self.context.grader().grade(self.kata, code, which, cancel)
            store.record_attempt(
                attempt_from_report(key, code, report, clock(), store.installation_id)
            )
            return report

        self.run_check(
            grade, self._graded, what=f"running the {label}",
            waiting=f"Running the {label}… (escape cancels)",
        )  # fmt: skip

    def check_ended(self) -> None:
        self.query_one("#results", GradeResults).loading = False

    def show_status(self, text: str) -> None:
        self.query_one("#grade-status", Static).update(text)

    def _graded(self, report: GradeReport) -> None:
        now = self.context.clock()
        if report.which == "tests":
            self.attempt.submitted(report.passed, now)
        self.query_one("#results", GradeResults).show(report, reveal=self.attempt.finished)
        output = (report.stdout + (("\n" + report.stderr) if report.stderr.strip() else "")).strip()
        self.query_one("#output", Static).update(output[:OUTPUT_SHOWN])
        what = "examples" if report.which == "examples" else "hidden tests"
        summary = f"{report.passed_count}/{len(report.cases)} {what} passed in {report.duration_ms:.0f} ms"
        if report.problem:
            summary += f" · {report.problem}"
        self.show_status(summary)
        if self.attempt.finished:
            self._finish()

    def action_cancel_or_back(self) -> None:
        if self.cancel_check():
            return
        if not self.attempt.finished:
            self.save_draft()
        self.dismiss(None)

    # -- hints, giving up, the external editor ------------------------------

    def action_hint(self) -> None:
        if self._hints_shown >= len(self.kata.hints):
            self.notify("No more hints for this kata.")
            return
        self._hints_shown += 1
        self.attempt.hint()
        hints = "\n\n".join(
            f"**Hint {n}.** {text.strip()}"
            for n, text in enumerate(self.kata.hints[: self._hints_shown], 1)
        )
        panel = self.query_one("#kata-hints", Markdown)
        panel.update(hints)
        panel.remove_class("hidden")
        self.refresh_bindings()

    def action_give_up(self) -> None:
        self.attempt.give_up()
        self.show_status("You gave up: here is the reference solution.")
        self._finish()

    def action_external_editor(self) -> None:
        command = os.environ.get("VISUAL") or os.environ.get("EDITOR")
        if not command:
            self.notify("Set $EDITOR (or $VISUAL) to edit in your own editor.", severity="warning")
            return
        editor = self.query_one("#editor", TextArea)
        # The terminal goes to the editor and the app is suspended meanwhile, so
        # this file's I/O holds nothing up.
        with tempfile.NamedTemporaryFile(
            "w", suffix=".py", delete=False, encoding="utf-8"
        ) as handle:
            handle.write(editor.text)
            path = Path(handle.name)
        try:
            with self.app.suspend():
                subprocess.call([*shlex.split(command), str(path)])
            editor.load_text(path.read_text(encoding="utf-8"))
            self.save_draft()
        except Exception as exc:  # no terminal to hand over, editor missing, ...
            self.notify(f"Could not run {command!r}: {exc}", severity="error")
        finally:
            path.unlink(missing_ok=True)

    # -- the end: a proposed rating ------------------------------------------

    def _finish(self) -> None:
        editor = self.query_one("#editor", TextArea)
        editor.read_only = True
        after = self.query_one("#kata-after", Markdown)
        after.update(after_markdown(self.kata, self.attempt.gave_up))
        after.remove_class("hidden")
        self.propose_rating(self.attempt.explain(self.context.clock()))
