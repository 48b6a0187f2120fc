"""Again / Hard / Good / Easy, each showing the interval it would give."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import Button
from textual.widgets.button import ButtonVariant

from prep.scheduling.memory import RATING_NAMES, Rating
from prep.tui.format import format_interval

VARIANTS: dict[Rating, ButtonVariant] = {
    Rating.Again: "error",
    Rating.Hard: "warning",
    Rating.Good: "success",
    Rating.Easy: "primary",
}


class RatingBar(Horizontal):
    @dataclass
    class Rated(Message):
        rating: Rating

    def compose(self) -> ComposeResult:
        for rating, label in RATING_NAMES.items():
            button = Button(
                f"{int(rating)} {label}", id=f"rate-{label.lower()}", variant=VARIANTS[rating]
            )
            button.can_focus = False  # keys 1-4 rate; space must not press a button
            yield button

    def show_intervals(self, intervals: dict[Rating, timedelta]) -> None:
        for rating, label in RATING_NAMES.items():
            text = f"{int(rating)} {label}"
            if rating in intervals:
                text += f"  {format_interval(intervals[rating])}"
            self.query_one(f"#rate-{label.lower()}", Button).label = text

    def propose(self, rating: Rating) -> None:
        """Mark the rating prep suggests (Enter accepts it)."""
        for candidate, label in RATING_NAMES.items():
            self.query_one(f"#rate-{label.lower()}", Button).set_class(
                candidate == rating, "proposed"
            )

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        for rating, label in RATING_NAMES.items():
            if event.button.id == f"rate-{label.lower()}":
                self.post_message(self.Rated(rating))
