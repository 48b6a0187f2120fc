"""What katas and predict cards share: an attempt, one check at a time run in
the sandbox (cancellable with escape), and a proposed rating the learner
accepts with Enter or overrides with 1–4."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, ClassVar, TypeVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Static
from textual.worker import Worker, get_current_worker

from prep.scheduling.memory import Rating
from prep.study.attempt import CardAttempt
from prep.study.session import Prompt
from prep.tui.context import PrepContext
from prep.tui.screens.base import PrepScreen
from prep.tui.widgets.rating_bar import RatingBar

T = TypeVar("T")


class RatingPanel(Vertical):
    """Why a rating is proposed, and the four ratings with their intervals."""

    def compose(self) -> ComposeResult:
        yield Static("", id="proposal", markup=False)
        yield RatingBar(id="ratings")

    def show(self, prompt: Prompt, proposal: Rating, reason: str) -> None:
        bar = self.query_one(RatingBar)
        bar.show_intervals(prompt.intervals)
        bar.propose(proposal)
        self.query_one("#proposal", Static).update(f"{reason}  Enter accepts, 1–4 choose.")
        self.remove_class("hidden")


class ExerciseScreen(PrepScreen[Rating | None]):
    # Textual merges these with each subclass's own BINDINGS.
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "accept", "Accept rating"),
        Binding("1", "rate(1)", "Again", show=False),
        Binding("2", "rate(2)", "Hard", show=False),
        Binding("3", "rate(3)", "Good", show=False),
        Binding("4", "rate(4)", "Easy", show=False),
    ]

    def __init__(self, context: PrepContext, prompt: Prompt, attempt: CardAttempt) -> None:
        super().__init__(context)
        self.prompt = prompt
        self.attempt = attempt
        self.running = False  # a check is in the sandbox
        self._check: Worker[Any] | None = None

    # -- one check at a time ------------------------------------------------------

    def show_status(self, text: str) -> None:
        """Where this screen tells the learner how a check is going."""
        raise NotImplementedError

    def check_ended(self) -> None:
        """Put the screen back after a check, whatever its outcome."""

    def run_check(
        self,
        job: Callable[[threading.Event], T],
        done: Callable[[T], None],
        *,
        what: str,
        waiting: str,
    ) -> None:
        """Run ``job`` (given the worker's cancellation) in the background, then ``done``."""
        if self.running:
            return
        self.running = True
        self.show_status(waiting)

        def work() -> T:
            return job(get_current_worker().cancelled_event)

        def finished(result: T) -> None:
            self._over()
            done(result)

        self._check = self.in_background(
            work, finished, what=what, group="check", failed=self._failed
        )
        self.refresh_bindings()

    def cancel_check(self) -> bool:
        """Stop the running check, if there is one."""
        if not self.running or self._check is None:
            return False
        self._check.cancel()
        self._over()
        self.show_status("Cancelled.")
        return True

    def _failed(self, error: BaseException) -> None:
        self._over()
        self.show_status(f"The check could not run: {error or type(error).__name__}")

    def _over(self) -> None:
        self.running = False
        self._check = None
        self.check_ended()
        self.refresh_bindings()

    # -- the rating ---------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("rate", "accept"):
            return self.attempt.finished
        return True

    def propose_rating(self, reason: str) -> None:
        """The attempt is over: show the rating it earned and hand the keys to the panel."""
        self.query_one(RatingPanel).show(
            self.prompt, self.attempt.proposal(self.context.clock()), reason
        )
        self.set_focus(None)
        self.refresh_bindings()

    def action_accept(self) -> None:
        if self.attempt.finished:
            self.dismiss(self.attempt.proposal(self.context.clock()))

    def action_rate(self, value: int) -> None:
        if self.attempt.finished:
            self.dismiss(Rating(value))

    def on_rating_bar_rated(self, message: RatingBar.Rated) -> None:
        self.action_rate(int(message.rating))
