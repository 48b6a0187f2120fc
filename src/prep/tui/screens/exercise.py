"""What katas and predict cards share: a sitting read back from the store, one
check at a time run in the sandbox (cancellable with escape), a visible clock,
drafts that survive quitting, and a proposed rating the learner accepts with
Enter or overrides with 1–4.

In a mock interview the same screens count down the interview's time instead, start
each item afresh, rate by the interview's rule (Enter goes on to the next item),
and ask before escape abandons the interview."""

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
from prep.study.mock import ItemAnswer, MockInterview, Result, answer_of_attempt, explain_answer
from prep.study.session import Prompt
from prep.study.sitting import Sitting, log_event, new_attempt, open_sitting
from prep.tui.context import PrepContext
from prep.tui.format import format_duration
from prep.tui.screens.base import PrepScreen
from prep.tui.widgets.rating_bar import RatingBar

T = TypeVar("T")

# What an exercise screen answers: a rating, nothing (left unrated), or "undo the last
# rating"; in a mock interview, how the item went, or "abandon the interview".
UNDO: Literal["undo"] = "undo"
ABANDON: Literal["abandon"] = "abandon"
ExerciseResult = Rating | ItemAnswer | Literal["undo", "abandon"] | None

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
        self.show_note(f"{text}  Enter or escape goes back.")

    def show_note(self, text: str) -> None:
        """A sentence in place of the ratings."""
        self.query_one(RatingBar).display = False
        self.query_one("#proposal", Static).update(text)
        self.add_class("note")
        self.remove_class("hidden")


class ExerciseScreen(PrepScreen[ExerciseResult]):
    IN_SESSION = True
    # Textual merges these with each subclass's own BINDINGS.
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "accept", "Accept", tooltip="Accept the proposed rating"),
        Binding("1", "rate(1)", "Again", show=False),
        Binding("2", "rate(2)", "Hard", show=False),
        Binding("3", "rate(3)", "Good", show=False),
        Binding("4", "rate(4)", "Easy", show=False),
        Binding("ctrl+u", "undo_rating", "Undo", priority=True, tooltip="Undo the last rating"),
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
        super().__init__(context)
        self.prompt = prompt
        self.practice = practice  # opened from the problem list, neither due nor new: not rated
        self.can_undo = can_undo and interview is None
        # An item of this mock interview: timed by it, rated by its rule.
        self.interview = interview
        # Until the sitting is read back, a fresh attempt; the screen is read-only meanwhile.
        self.attempt: CardAttempt = new_attempt(prompt.card, context.clock())
        self.loaded = False
        self.running = False  # a check is in the sandbox
        self._check: Worker[Any] | None = None
        self.drafts = DraftKeeper(lambda: context.store, prompt.card.key, context.clock)
        self._draft_timer: Timer | None = None
        self._kind = ""  # "Kata" or "Predict", for the header
        self._leaving = False  # an interview's answer is on its way back

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
                practice=self.practice, fresh=self.interview is not None,
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
        interview = self.interview
        if interview is not None:
            items = len(interview.plan.items)
            self.sub_title = (
                f"Mock interview · {interview.position} of {items} · {self._kind} · "
                f"{format_duration(interview.remaining(now))} left"
            )
            if interview.time_is_up(now):
                self._time_up()
            return
        where = self.header_where()
        if self.practice:
            where += " · practice"
        elapsed = self.attempt.elapsed(now)
        if self.attempt.solved_at is not None:
            timing = f"solved in {format_duration(elapsed)}"
        else:
            # Against the budget for an Easy.
            timing = f"{format_duration(elapsed)} of {format_duration(self.attempt.budget)}"
        self.sub_title = f"{where} · {timing}"

    def header_where(self) -> str:
        """The header's first words: what this screen is, and which card."""
        return f"{self._kind} · {self.prompt.card.card.id}"

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
        """Dismiss, writing what was typed first (in the background). In an interview,
        leaving without an answer abandons it: the learner is asked first."""
        if self.interview is not None and result is None:
            self._ask_to_abandon()
            return
        self.flush_draft()
        self.dismiss(result)

    # -- in a mock interview --------------------------------------------------------

    def _ask_to_abandon(self) -> None:
        from prep.tui.screens.confirm import ConfirmScreen

        def answered(abandon: bool | None) -> None:
            if abandon and self.is_attached:
                self.flush_draft()
                self.dismiss(ABANDON)

        self.app.push_screen(
            ConfirmScreen("Abandon the interview? The items answered keep their reviews."),
            callback=answered,
        )

    def interview_answer(self) -> ItemAnswer:
        return answer_of_attempt(self.attempt, self.prompt.card.type)

    def _time_up(self) -> None:
        """The interview's time ran out on this item: it goes back as timed out, unless it
        was over already (then as it went)."""
        if self._leaving:
            return
        self._leaving = True
        self.cancel_check()
        self.pop_until_active()  # a question asked over this screen goes too
        answer = self.interview_answer()
        if not self.attempt.finished:
            answer = ItemAnswer(Result.TIMED_OUT, answer.hints)
        self.flush_draft()
        self.dismiss(answer)

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
            return self.attempt.finished and not self.practice and self.interview is None
        if action == "undo_rating":
            return self.can_undo and not self.running
        return True

    def propose_rating(self, reason: str) -> None:
        """The attempt is over: show the rating it earned and hand the keys to the panel."""
        panel = self.query_one(RatingPanel)
        if self.interview is not None:
            explained = explain_answer(self.prompt.card.type, self.interview_answer())
            panel.show_note(f"{explained}  Enter: the next item.")
        elif self.practice:
            panel.show_practice(
                f"{reason.split(':')[0]}. Practice: kept in your history; the schedule is unchanged."
            )
        else:
            panel.show(self.prompt, self.attempt.proposal(self.context.clock()), reason)
        self._tick()
        self.refresh_bindings()

    def action_accept(self) -> None:
        if not self.attempt.finished:
            return
        if self.interview is not None:
            self._leaving = True
            self.leave(self.interview_answer())
        else:
            self.leave(None if self.practice else self.attempt.proposal(self.context.clock()))

    def action_rate(self, value: int) -> None:
        if self.attempt.finished and not self.practice and self.interview is None:
            self.leave(Rating(value))

    def action_undo_rating(self) -> None:
        if self.can_undo and not self.running:
            self.leave(UNDO)

    def on_rating_bar_rated(self, message: RatingBar.Rated) -> None:
        self.action_rate(int(message.rating))
