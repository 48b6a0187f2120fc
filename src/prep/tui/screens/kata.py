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

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import ContentSwitcher, Footer, Header, Input, Markdown, Static, TextArea
from textual.worker import get_current_worker

from prep.content.models import KataCard
from prep.content.render import after_markdown, prompt_markdown
from prep.grading.attempts import attempt_from_report
from prep.grading.diagnosis import Diagnosis
from prep.grading.grader import OwnRun
from prep.grading.sandbox import GradeCancelledError
from prep.grading.verdict import GradeReport, Which
from prep.study.mock import MockInterview
from prep.study.session import Prompt
from prep.study.sitting import DIAGNOSIS, GAVE_UP, HINT, Sitting
from prep.tui.context import PrepContext
from prep.tui.editor import chosen_editor
from prep.tui.screens.base import styles
from prep.tui.screens.exercise import ExerciseScreen, RatingPanel
from prep.tui.widgets.code_editor import PythonEditor
from prep.tui.widgets.grade_results import (
    OUTPUT_SHOWN,
    GradeResults,
    code_block,
    inline_code,
    summary_line,
)

NARROW_BELOW = 100


class KataScreen(ExerciseScreen):
    CSS_PATH = styles("exercise.tcss", "kata.tcss")
    BINDINGS: ClassVar[list[BindingType]] = [
        # Short words, so that the footer holds them at 80 columns; the help screen (?)
        # and the status line say more.
        Binding("ctrl+r", "run_examples", "Run", priority=True, tooltip="Run the examples"),
        Binding("ctrl+s", "submit", "Submit", priority=True, tooltip="Run the hidden tests"),
        Binding("ctrl+o", "switch_pane", "Pane", priority=True, tooltip="Problem or results"),
        Binding("ctrl+t", "hint", "Hint", priority=True),
        # Shown only once a failed submission looks like a known mistake.
        Binding("ctrl+f", "diagnosis", "Mistake", priority=True, tooltip="Known mistake"),
        Binding("ctrl+g", "give_up", "Give up", priority=True),
        Binding("ctrl+n", "own_input", "Call", priority=True, tooltip="Try a call of your own"),
        # Named in the status line rather than the footer, which has no room left.
        Binding("ctrl+l", "earlier", "Earlier code", priority=True, show=False),
        Binding("ctrl+e", "external_editor", "$EDITOR", priority=True, show=False),
        Binding(
            "escape", "cancel_or_back", "Back", priority=True, tooltip="Cancel a run, or go back"
        ),
    ]

    def __init__(
        self,
        context: PrepContext,
        prompt: Prompt,
        *,
        practice: bool = False,
        can_undo: bool = False,
        interview: MockInterview | None = None,
    ) -> None:
        assert isinstance(prompt.card.card, KataCard)
        self.kata: KataCard = prompt.card.card
        super().__init__(context, prompt, practice=practice, can_undo=can_undo, interview=interview)
        self._hints_shown = 0
        self.sitting: Sitting | None = None
        # What the last failed submission looks like, when it looks like a known mistake.
        self.diagnosis: Diagnosis | None = None
        self._run_summary = ""  # the status line after the last run

    def compose(self) -> ComposeResult:
        yield Header(show_clock=False)
        with Horizontal(id="kata"):
            with ContentSwitcher(id="kata-left", initial="kata-prompt"):
                with VerticalScroll(id="kata-prompt"):
                    yield Markdown(prompt_markdown(self.kata), id="kata-text")
                with VerticalScroll(id="kata-feedback"):
                    yield GradeResults("", id="results")
                    yield Markdown("", id="kata-diagnosis", classes="hidden")
                    yield Markdown("", id="own-result", classes="hidden")
                    yield Markdown("", id="kata-hints", classes="hidden")
                    yield Markdown("", id="kata-after", classes="hidden")
            with Vertical(id="kata-work"):
                # Read-only until this review's draft (if any) is read back.
                yield PythonEditor(self.kata.starter, id="editor", read_only=True)
                yield Input(
                    placeholder="a call to try, e.g. "
                    + (self.kata.examples[0].call or "f(...)" if self.kata.examples else "f(...)"),
                    id="own-input",
                    classes="hidden",
                )
                yield Static(
                    ("ctrl+r runs the examples · " if self.kata.examples else "")
                    + "ctrl+s submits · ctrl+o the problem or results · ctrl+n tries a call · "
                    "ctrl+l earlier code · ctrl+e $EDITOR · f1 every key",
                    id="grade-status",
                    markup=False,
                )
        yield RatingPanel(id="rating-panel", classes="hidden")
        # Eight keys fill 80 columns: ctrl+p is named on the help screen (f1) instead.
        yield Footer(show_command_palette=False)

    def _warm_up(self) -> None:
        grader = self.context.grader()
        # A kata with random cases also needs the worker that runs the reference, and
        # its first cases can be drawn while the learner reads the prompt.
        grader.warm_up(reference=self.kata.random is not None)
        grader.prepare_random(self.kata)

    def on_mount(self) -> None:
        self._fit(self.app.size.width)
        self.start_sitting("Kata")
        self.in_background(self._warm_up, lambda _: None, what="starting the grader", group="warm")

    def restore(self, sitting: Sitting) -> None:
        self.sitting = sitting
        editor = self.query_one("#editor", TextArea)
        code = sitting.last_code if self.attempt.finished else sitting.draft
        if code is not None:
            editor.load_text(code)
        self._hints_shown = min(self.attempt.written_hints_read, len(self.kata.hints))
        if self._hints_shown:
            self._show_hints()
        editor.read_only = self.attempt.finished
        if not self.attempt.finished:
            editor.focus()
        self.refresh_bindings()

    def on_resize(self, event: events.Resize) -> None:
        self._fit(event.size.width)

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        # Stacked, the pane being read gets the larger share of the height.
        work = self.query_one("#kata-work")
        self.set_class(work not in event.widget.ancestors_with_self, "reading")

    def _fit(self, width: int) -> None:
        # Side by side, the problem gets too narrow to read below this width: stack them.
        self.set_class(width < NARROW_BELOW, "narrow")

    # -- drafts ---------------------------------------------------------------

    @on(TextArea.Changed, "#editor")
    def _text_changed(self) -> None:
        self.draft_changed(self.query_one("#editor", TextArea).text)

    # -- the two panes --------------------------------------------------------

    def show_feedback(self, focus: str | None = None) -> None:
        """Turn the left pane to the results, focused so that arrows and PageDown scroll it."""
        self.query_one("#kata-left", ContentSwitcher).current = "kata-feedback"
        feedback = self.query_one("#kata-feedback", VerticalScroll)
        feedback.focus()
        if focus is not None:
            target = self.query_one(focus)
            self.call_after_refresh(feedback.scroll_to_widget, target, animate=False, top=True)
        else:
            feedback.scroll_home(animate=False)

    def reveal(self, selector: str, text: str) -> None:
        """Fill a part of the results pane and bring it into view once it is drawn."""
        panel = self.query_one(selector, Markdown)
        panel.remove_class("hidden")
        rendered = panel.update(text)

        async def then_show() -> None:
            await rendered
            self.show_feedback(selector)

        self.call_later(then_show)

    def action_switch_pane(self) -> None:
        """From the editor, to the pane on the left; there, between problem and results."""
        switcher = self.query_one("#kata-left", ContentSwitcher)
        focused = self.focused
        if focused is not None and self.query_one("#kata-work") in focused.ancestors_with_self:
            self.query_one(f"#{switcher.current}").focus()
        elif switcher.current == "kata-feedback":
            switcher.current = "kata-prompt"
            self.query_one("#kata-prompt", VerticalScroll).focus()
        else:
            self.show_feedback()

    # -- grading --------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "diagnosis":
            return self.diagnosis is not None and not self.attempt.finished
        if action in ("run_examples", "submit", "hint", "give_up", "external_editor", "own_input"):
            if self.attempt.finished or not self.loaded:
                return False
            if action == "hint" and self._hints_shown >= len(self.kata.hints):
                return None
            if action == "run_examples" and not self.kata.examples:
                return False
            return not self.running or None
        if action == "earlier":
            return self.sitting is not None
        return super().check_action(action, parameters)

    def action_run_examples(self) -> None:
        self._after_pending_edits(lambda: self._start("examples"))

    def action_submit(self) -> None:
        self._after_pending_edits(lambda: self._start("tests"))

    def _after_pending_edits(self, then: Callable[[], None]) -> None:
        # Keys and pastes typed just before ctrl+s may still wait in the editor's queue
        # (the binding is the screen's, and runs first): read the code after them.
        self.query_one("#editor", TextArea).call_later(then)

    def _start(self, which: Which) -> None:
        if self.running or self.attempt.finished or not self.loaded:
            return
        code = self.query_one("#editor", TextArea).text
        self.draft_changed(code)
        self.flush_draft()
        label = "examples" if which == "examples" else "hidden tests"
        key, context, clock = self.prompt.card.key, self.context, self.context.clock
        attempt, practice = self.attempt, self.practice

        def grade(cancel: threading.Event) -> GradeReport:
            report = context.grader().grade(self.kata, code, which, cancel)
            now = clock()
            store = context.store
            store.record_attempt(
                attempt_from_report(
                    key, code, report, now, store.installation_id,
                    elapsed=attempt.elapsed(now), practice=practice,
                )
            )  # fmt: skip
            return report

        self.run_check(
            grade, self._graded, what=f"running the {label}",
            waiting=f"Running the {label}… (escape cancels)",
        )  # fmt: skip

    def show_status(self, text: str) -> None:
        self.query_one("#grade-status", Static).update(text)

    def _graded(self, report: GradeReport) -> None:
        now = self.context.clock()
        if report.which == "tests":
            self.attempt.submitted(report.passed, now)
        cases = self.kata.examples if report.which == "examples" else self.kata.tests
        self.query_one("#results", GradeResults).show(report, cases, self.attempt.finished)
        self._run_summary = summary_line(report) + " · tab: back to the editor"
        self.show_status(self._run_summary)
        if report.which == "tests":
            self._forget_diagnosis()
        if self.attempt.finished:
            self.finish()
        else:
            self.show_feedback()
            if report.which == "tests" and not report.passed:
                self._look_for_known_mistake(report)

    # -- a known mistake --------------------------------------------------------

    def _forget_diagnosis(self) -> None:
        self.diagnosis = None
        self.query_one("#kata-diagnosis", Markdown).add_class("hidden")
        self.refresh_bindings()

    def _look_for_known_mistake(self, report: GradeReport) -> None:
        """Liken the failure to the kata's wrong solutions, whose runs are worked out once."""
        context, kata = self.context, self.kata

        def diagnose() -> Diagnosis | None:
            cancel = get_current_worker().cancelled_event
            try:
                return context.mistakes().diagnose(kata, report, context.grader(), cancel)
            except GradeCancelledError:  # left, or submitted again: this answer is not wanted
                return None

        self.in_background(
            diagnose, self._diagnosed, what="looking for a known mistake", group="diagnosis"
        )

    def _diagnosed(self, diagnosis: Diagnosis | None) -> None:
        if diagnosis is None or self.attempt.finished or self.running:
            return
        self.diagnosis = diagnosis
        counted = "" if diagnosis.name in self.attempt.diagnoses_read else " (counts as a hint)"
        self.show_status(f"{self._run_summary} · ctrl+f: this looks like a known mistake{counted}")
        self.refresh_bindings()

    def action_diagnosis(self) -> None:
        if self.diagnosis is None or self.attempt.finished:
            return
        if self.attempt.read_diagnosis(self.diagnosis.name):
            self.log_event(DIAGNOSIS, mistake=self.diagnosis.name)
        self.reveal("#kata-diagnosis", f"### A known mistake\n\n{self.diagnosis.sentence}")
        self.show_status(f"{self.diagnosis.sentence} · tab: back to the editor")

    def action_cancel_or_back(self) -> None:
        if self.cancel_check():
            return
        own = self.query_one("#own-input", Input)
        if own.has_focus:
            own.add_class("hidden")
            self.query_one("#editor", TextArea).focus()
            return
        self.leave(None)

    # -- a call of the learner's own ------------------------------------------

    def action_own_input(self) -> None:
        own = self.query_one("#own-input", Input)
        own.remove_class("hidden")
        own.focus()
        self.show_status("Type a call and press enter: it runs on your code and on the reference.")

    @on(Input.Submitted, "#own-input")
    def _own_input_submitted(self, event: Input.Submitted) -> None:
        call = event.value.strip()
        if not call or self.running or self.attempt.finished:
            return
        code = self.query_one("#editor", TextArea).text

        def try_call(cancel: threading.Event) -> OwnRun | str:
            try:
                return self.context.grader().try_call(self.kata, code, call, cancel)
            except ValueError as exc:  # not an expression, or the reference cannot answer it
                return str(exc).splitlines()[0]

        self.run_check(
            try_call, self._own_input_ran, what="trying your call",
            waiting="Running your call on your code and on the reference…",
        )  # fmt: skip

    def _own_input_ran(self, outcome: OwnRun | str) -> None:
        if isinstance(outcome, str):
            text = f"### Your call\n\n{outcome}"
            self.show_status(outcome)
        else:
            passed = outcome.verdict.passed
            same = "the same as the reference" if passed else "not what the reference gives"
            yours = outcome.verdict.got or outcome.problem or outcome.verdict.message
            parts = [
                "### Your call",
                f"**{'✓' if passed else '✗'} {same}**",
                code_block(outcome.call),
                f"yours: {inline_code(yours)}  ",
                f"reference: {inline_code(outcome.reference)}",
            ]
            printed = (outcome.stdout + outcome.stderr).strip()
            if printed:
                parts += ["Printed:", f"```text\n{printed[:OUTPUT_SHOWN]}\n```"]
            text = "\n\n".join(parts)
            self.show_status(f"Your call: {same} · tab: back to the editor")
        self.reveal("#own-result", text)

    # -- hints, giving up, earlier code, the external editor -----------------

    def _hints_markdown(self) -> str:
        return "### Hints\n\n" + "\n\n".join(
            f"**Hint {n}.** {text.strip()}"
            for n, text in enumerate(self.kata.hints[: self._hints_shown], 1)
        )

    def _show_hints(self) -> None:
        panel = self.query_one("#kata-hints", Markdown)
        panel.update(self._hints_markdown())
        panel.remove_class("hidden")

    def action_hint(self) -> None:
        if self._hints_shown >= len(self.kata.hints):
            self.notify("No more hints for this kata.")
            return
        self._hints_shown += 1
        self.attempt.hint()
        self.log_event(HINT)
        self.reveal("#kata-hints", self._hints_markdown())
        self.refresh_bindings()

    def action_give_up(self) -> None:
        if self.attempt.finished:
            return
        self.attempt.give_up()
        self.log_event(GAVE_UP)
        self.show_status("You gave up: the reference solution is in the results pane.")
        self.finish()

    def action_earlier(self) -> None:
        from prep.tui.screens.earlier import EarlierCode

        if self.sitting is None:
            return

        def chosen(starter: bool | None) -> None:
            if starter:
                self.reset_to_starter()

        self.app.push_screen(
            EarlierCode(self.kata, self.sitting.submissions, can_reset=not self.attempt.finished),
            callback=chosen,
        )

    def reset_to_starter(self) -> None:
        """Back to the starter code; ctrl+z brings the learner's code back."""
        editor = self.query_one("#editor", TextArea)
        if editor.read_only:
            return
        editor.replace(self.kata.starter, editor.document.start, editor.document.end)
        editor.focus()
        self.show_status("Back to the starter code (ctrl+z undoes).")

    def action_external_editor(self) -> None:
        command = chosen_editor(os.environ)
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
            self.draft_changed(editor.text)
            self.flush_draft()
        except Exception as exc:  # no terminal to hand over, editor missing, ...
            self.notify(f"Could not run {command!r}: {exc}", severity="error")
        finally:
            path.unlink(missing_ok=True)

    # -- the end: a proposed rating ------------------------------------------

    def finish(self) -> None:
        editor = self.query_one("#editor", TextArea)
        editor.read_only = True
        self.query_one("#own-input", Input).add_class("hidden")
        self.propose_rating(self.attempt.explain(self.context.clock()))
        if self.attempt.gave_up:
            self.reveal("#kata-after", after_markdown(self.kata, gave_up=True))
        else:
            self.query_one("#kata-after", Markdown).update(after_markdown(self.kata, gave_up=False))
            self.query_one("#kata-after").remove_class("hidden")
            self.show_feedback()
