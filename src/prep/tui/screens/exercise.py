"""What katas and predict cards share: an attempt, and a proposed rating the
learner accepts with Enter or overrides with 1–4."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Static

from prep.scheduling.memory import Rating
from prep.study.attempt import CardAttempt
from prep.study.session import Prompt
from prep.tui.context import PrepContext
from prep.tui.widgets.rating_bar import RatingBar


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


class ExerciseScreen(Screen[Rating | None]):
    # Textual merges these with each subclass's own BINDINGS.
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "accept", "Accept rating"),
        Binding("1", "rate(1)", "Again", show=False),
        Binding("2", "rate(2)", "Hard", show=False),
        Binding("3", "rate(3)", "Good", show=False),
        Binding("4", "rate(4)", "Easy", show=False),
    ]

    def __init__(self, context: PrepContext, prompt: Prompt, attempt: CardAttempt) -> None:
        super().__init__()
        self.context = context
        self.prompt = prompt
        self.attempt = attempt

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
