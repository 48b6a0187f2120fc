"""A kata: the prompt, an editor, and hidden tests run in the sandbox."""

from __future__ import annotations

import os
import shlex
import subprocess
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.timer import Timer
from textual.widgets import Footer, Header, Markdown, Static, TextArea

from prep.content.models import Case, KataCard
from prep.grading.attempts import attempt_from_report
from prep.grading.sandbox import GradeCancelledError
from prep.grading.verdict import GradeReport, Which
from prep.study.attempt import CardAttempt
from prep.study.session import Prompt
from prep.tui.context import PrepContext
from prep.tui.screens.exercise import ExerciseScreen, RatingPanel
from prep.tui.widgets.grade_results import GradeResults

DRAFT_DELAY_S = 0.4
OUTPUT_SHOWN = 4000


def _case_markdown(case: Case) -> str:
    source = case.call if case.call is not None else case.code or ""
    if case.expect_error is not None:
        outcome = f"raises `{case.expect_error}`"
    else:
        outcome = f"`{case.expect!r}`" + (
            f" (compared: {case.compare.value})" if case.compare.value != "exact" else ""
        )
    label = f"**{case.name}**: " if case.name else ""
    return f"{label}\n```python\n{source.rstrip()}\n```\n→ {outcome}\n"


def prompt_markdown(kata: KataCard) -> str:
    parts = [f"# {kata.title}", kata.prompt.rstrip()]
    if kata.preamble:
        parts.append(f"### Given\n```python\n{kata.preamble.rstrip()}\n```")
    parts.append("### Examples")
    parts += [_case_markdown(case) for case in kata.examples]
    parts.append(
        f"*{len(kata.tests)} hidden tests · time limit {kata.limits.timeout_s:g} s · memory {kata.limits.memory_mb} MB*"
    )
    return "\n\n".join(parts)


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

    @dataclass
    class Graded(Message):
        which: Which
        code: str
        report: GradeReport

    @dataclass
    class GradeFailed(Message):
        message: str

    def __init__(self, context: PrepContext, prompt: Prompt) -> None:
        assert isinstance(prompt.card.card, KataCard)
        self.kata: KataCard = prompt.card.card
        super().__init__(
            context, prompt, CardAttempt.for_kata(self.kata.difficulty, context.clock())
        )
        self.grading = False
        self._cancel: threading.Event | None = None
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
                draft = self.context.store.draft(self.prompt.card.key)
                yield TextArea.code_editor(
                    draft if draft is not None else self.kata.starter,
                    language="python",
                    id="editor",
                )
                yield Static(
                    "ctrl+r runs the examples · ctrl+s submits to the hidden tests",
                    id="grade-status",
                    markup=False,
                )
                yield GradeResults(id="results")
                yield Static("", id="output", markup=False)
        yield RatingPanel(id="rating-panel", classes="hidden")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = f"Kata · {self.prompt.card.key}"
        self.query_one("#editor", TextArea).focus()
        self._warm_grader()

    @work(thread=True, group="warm", exit_on_error=False)
    def _warm_grader(self) -> None:
        self.context.grader().warm_up()

    # -- drafts ---------------------------------------------------------------

    @on(TextArea.Changed, "#editor")
    def _schedule_draft(self) -> None:
        if self.attempt.finished:
            return
        if self._draft_timer is not None:
            self._draft_timer.stop()
        self._draft_timer = self.set_timer(DRAFT_DELAY_S, self.save_draft)

    def save_draft(self) -> None:
        code = self.query_one("#editor", TextArea).text
        self.context.store.save_draft(self.prompt.card.key, code, self.context.clock())

    def on_unmount(self) -> None:
        if self._cancel is not None:
            self._cancel.set()

    # -- grading --------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("run_examples", "submit", "hint", "give_up", "external_editor"):
            if self.attempt.finished:
                return False
            if action == "hint" and self._hints_shown >= len(self.kata.hints):
                return None
            return not self.grading or None
        return super().check_action(action, parameters)

    def action_run_examples(self) -> None:
        self._start("examples")

    def action_submit(self) -> None:
        self._start("tests")

    def _start(self, which: Which) -> None:
        if self.grading or self.attempt.finished:
            return
        code = self.query_one("#editor", TextArea).text
        self.save_draft()
        self.grading = True
        self._cancel = threading.Event()
        self.query_one("#results", GradeResults).loading = True
        label = "examples" if which == "examples" else "hidden tests"
        self._status(f"Running the {label}… (escape cancels)")
        self.refresh_bindings()
        self._grade(which, code, self._cancel)

    @work(thread=True, exclusive=True, group="grade", exit_on_error=False)
    def _grade(self, which: Which, code: str, cancel: threading.Event) -> None:
        try:
            report = self.context.grader().grade(self.kata, code, which, cancel)
        except GradeCancelledError:
            self.post_message(self.GradeFailed("Cancelled."))
        except Exception as exc:  # the grader could not run at all: say so, keep the app alive
            self.post_message(self.GradeFailed(f"Grading failed: {exc}"))
        else:
            self.post_message(self.Graded(which, code, report))

    def _stop_grading(self) -> None:
        self.grading = False
        self._cancel = None
        self.query_one("#results", GradeResults).loading = False
        self.refresh_bindings()

    def on_kata_screen_grade_failed(self, message: GradeFailed) -> None:
        self._stop_grading()
        self._status(message.message)

    def on_kata_screen_graded(self, message: Graded) -> None:
        self._stop_grading()
        report = message.report
        now = self.context.clock()
        store = self.context.store
        store.record_attempt(
            attempt_from_report(
                self.prompt.card.key, message.code, report, now, store.installation_id
            )
        )
        if message.which == "tests":
            self.attempt.submitted(report.passed, now)
        self.query_one("#results", GradeResults).show(report, reveal=self.attempt.finished)
        output = (report.stdout + (("\n" + report.stderr) if report.stderr.strip() else "")).strip()
        self.query_one("#output", Static).update(output[:OUTPUT_SHOWN])
        what = "examples" if message.which == "examples" else "hidden tests"
        summary = f"{report.passed_count}/{len(report.cases)} {what} passed in {report.duration_ms:.0f} ms"
        if report.problem:
            summary += f" · {report.problem}"
        self._status(summary)
        if self.attempt.finished:
            self._finish()

    def _status(self, text: str) -> None:
        self.query_one("#grade-status", Static).update(text)

    def action_cancel_or_back(self) -> None:
        if self.grading and self._cancel is not None:
            self._cancel.set()
            self.workers.cancel_group(self, "grade")
            self._stop_grading()
            self._status("Cancelled.")
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
        self._status("You gave up: here is the reference solution.")
        self._finish()

    def action_external_editor(self) -> None:
        command = os.environ.get("VISUAL") or os.environ.get("EDITOR")
        if not command:
            self.notify("Set $EDITOR (or $VISUAL) to edit in your own editor.", severity="warning")
            return
        editor = self.query_one("#editor", TextArea)
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
