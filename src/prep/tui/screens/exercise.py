"""What katas and predict cards share: a sitting read back from the store, one
check at a time run in the sandbox (cancellable with escape), a visible clock,
drafts that survive quitting, and a proposed rating the learner accepts with
Enter or overrides with 1–4."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, ClassVar, Literal, TypeVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.timer import Timer
from textual.widgets import Static
from textual.worker import Worker, get_current_worker

from prep.scheduling.memory import Rating
from prep.study.attempt import CardAttempt
from prep.study.drafts import DraftKeeper
from prep.study.session import Prompt
from prep.study.sitting import Sitting, log_event, new_attempt, open_sitting
from prep.tui.context import PrepContext
from prep.tui.format import format_duration
from prep.tui.screens.base import PrepScreen
from prep.tui.widgets.rating_bar import RatingBar

T = TypeVar("T")

# What an exercise screen answers: a rating, nothing (left unrated), or "undo the last rating".
UNDO: Literal["undo"] = "undo"
ExerciseResult = Rating | Literal["undo"] | None

DRAFT_DELAY_S = 0.4


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

    def show_practice(self, text: str) -> None:
        self.query_one(RatingBar).display = False
        self.query_one("#proposal", Static).update(f"{text}  Enter or escape goes back.")
        self.remove_class("hidden")


class ExerciseScreen(PrepScreen[ExerciseResult]):
    # Textual merges these with each subclass's own BINDINGS.
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "accept", "Accept rating"),
        Binding("1", "rate(1)", "Again", show=False),
        Binding("2", "rate(2)", "Hard", show=False),
        Binding("3", "rate(3)", "Good", show=False),
        Binding("4", "rate(4)", "Easy", show=False),
        Binding("ctrl+u", "undo_rating", "Undo last rating", priority=True),
    ]

    def __init__(
        self,
        context: PrepContext,
        prompt: Prompt,
        *,
        practice: bool = False,
        can_undo: bool = False,
    ) -> None:
        super().__init__(context)
        self.prompt = prompt
        self.practice = practice  # opened from the problem list, neither due nor new: not rated
        self.can_undo = can_undo
        # Until the sitting is read back, a fresh attempt; the screen is read-only meanwhile.
        self.attempt: CardAttempt = new_attempt(prompt.card, context.clock())
        self.loaded = False
        self.running = False  # a check is in the sandbox
        self._check: Worker[Any] | None = None
        self.drafts = DraftKeeper(lambda: context.store, prompt.card.key, context.clock)
        self._draft_timer: Timer | None = None
        self._kind = ""  # "Kata" or "Predict", for the header

    # -- the sitting ----------------------------------------------------------------

    def start_sitting(self, kind: str) -> None:
        """Read this review back (or start it), then ``restore`` it on screen."""
        self._kind = kind
        self.context.keep_draft(self.drafts)
        self._tick()
        self.set_interval(1.0, self._tick)
        context, card = self.context, self.prompt.card

        def read() -> Sitting:
            settings = context.settings
            return open_sitting(
                context.store, card, context.clock(), context.tz, settings.rollover_hour,
                practice=self.practice,
            )  # fmt: skip

        self.in_background(
            read, self._sitting_read, what="reading this card's attempt", group="sitting"
        )

    def _sitting_read(self, sitting: Sitting) -> None:
        self.attempt = sitting.attempt
        self.loaded = True
        self.restore(sitting)
        self._tick()
        self.refresh_bindings()
        if self.attempt.finished:
            self.finish()

    def restore(self, sitting: Sitting) -> None:
        """Put the sitting's draft, hints and last code back on screen."""
        raise NotImplementedError

    def finish(self) -> None:
        """The attempt is over: show what it earned."""
        raise NotImplementedError

    def _tick(self) -> None:
        now = self.context.clock()
        where = f"{self._kind} · {self.prompt.card.card.id}"
        if self.practice:
            where += " · practice"
        elapsed = self.attempt.elapsed(now)
        if self.attempt.solved_at is not None:
            timing = f"solved in {format_duration(elapsed)}"
        else:
            # Against the budget for an Easy.
            timing = f"{format_duration(elapsed)} of {format_duration(self.attempt.budget)}"
        self.sub_title = f"{where} · {timing}"

    def log_event(self, kind: str, mistake: str = "") -> None:
        """Keep a hint, a diagnosis or a give-up, so that coming back to the card remembers it."""
        context, key, at, practice = self.context, self.prompt.card.key, self.context.clock(), self.practice  # fmt: skip
        self.in_background(
            lambda: log_event(context.store, key, kind, at, practice, mistake), lambda _: None,
            what="saving the attempt", group=f"event-{kind}", exclusive=False,
        )  # fmt: skip

    # -- drafts -----------------------------------------------------------------------

    def draft_changed(self, text: str) -> None:
        """The newest text is kept at once; the write follows a short pause."""
        if self.attempt.finished or not self.loaded:
            return
        self.drafts.put(text)
        if self._draft_timer is not None:
            self._draft_timer.stop()
        self._draft_timer = self.set_timer(DRAFT_DELAY_S, self.flush_draft)

    def flush_draft(self) -> None:
        self.in_background(
            self.drafts.flush, lambda _: None, what="saving your draft", group="draft",
            exclusive=False,
        )  # fmt: skip

    def leave(self, result: ExerciseResult) -> None:
        """Dismiss, writing what was typed first (in the background)."""
        self.flush_draft()
        self.dismiss(result)

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
        if action == "accept":
            return self.attempt.finished
        if action == "rate":
            return self.attempt.finished and not self.practice
        if action == "undo_rating":
            return self.can_undo and not self.running
        return True

    def propose_rating(self, reason: str) -> None:
        """The attempt is over: show the rating it earned and hand the keys to the panel."""
        panel = self.query_one(RatingPanel)
        if self.practice:
            panel.show_practice(
                f"{reason.split(':')[0]}. Practice: kept in your history; the schedule is unchanged."
            )
        else:
            panel.show(self.prompt, self.attempt.proposal(self.context.clock()), reason)
        self._tick()
        self.refresh_bindings()

    def action_accept(self) -> None:
        if self.attempt.finished:
            self.leave(None if self.practice else self.attempt.proposal(self.context.clock()))

    def action_rate(self, value: int) -> None:
        if self.attempt.finished and not self.practice:
            self.leave(Rating(value))

    def action_undo_rating(self) -> None:
        if self.can_undo and not self.running:
            self.leave(UNDO)

    def on_rating_bar_rated(self, message: RatingBar.Rated) -> None:
        self.action_rate(int(message.rating))
