"""Custom study: choose a deck, a tag, a card type and how many days to review ahead.

Answers with the chosen scope (``None`` when cancelled); Today opens the study
screen on it. Everything here reads the library in memory, never the disk.
"""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.suggester import SuggestFromList
from textual.widgets import Button, Input, Label, Select, Static

from prep.content.kinds import CardType
from prep.content.library import Library, StudyCard
from prep.study.scope import TYPE_NAMES, StudyScope, scope_problem
from prep.study.session import studyable_cards
from prep.tui.screens.base import styles
from prep.wording import plural


class CustomStudyScreen(ModalScreen[StudyScope | None]):
    CSS_PATH = styles("custom_study.tcss")
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel"),
    ]

    def __init__(self, library: Library) -> None:
        super().__init__()
        self.library = library
        self.cards: list[StudyCard] = studyable_cards(library)
        self.tags = sorted({tag for card in self.cards for tag in card.tags})

    def compose(self) -> ComposeResult:
        with Vertical(id="custom-study"):
            yield Label("Custom study", id="custom-study-title")
            with Horizontal(classes="scope-row"):
                yield Label("Deck", classes="scope-label")
                yield Select(
                    [(deck.title, deck.slug) for deck in self.library.decks],
                    prompt="all decks",
                    id="scope-deck",
                )
            with Horizontal(classes="scope-row"):
                yield Label("Tag", classes="scope-label")
                yield Input(
                    placeholder="any tag",
                    suggester=SuggestFromList(self.tags, case_sensitive=False),
                    id="scope-tag",
                )
            with Horizontal(classes="scope-row"):
                yield Label("Type", classes="scope-label")
                yield Select(
                    [(name, kind.value) for kind, name in TYPE_NAMES.items()],
                    prompt="any type",
                    id="scope-type",
                )
            with Horizontal(classes="scope-row"):
                yield Label("Review ahead (days)", classes="scope-label")
                yield Input("0", type="integer", id="scope-ahead")
            yield Static(
                "0 studies as usual; more serves only reviews due within that many days.",
                classes="muted",
                markup=False,
            )
            yield Static(id="scope-summary", markup=False)
            with Horizontal(id="custom-study-buttons"):
                yield Button("Study (enter)", variant="primary", id="study")
                yield Button("Cancel (esc)", id="cancel")

    def on_mount(self) -> None:
        self._show_summary()

    def chosen(self) -> tuple[StudyScope | None, str]:
        """(scope, problem) from what the fields say."""
        deck = self.query_one("#scope-deck", Select).value
        kind = self.query_one("#scope-type", Select).value
        tag = self.query_one("#scope-tag", Input).value.strip()
        ahead = self.query_one("#scope-ahead", Input).value.strip() or "0"
        try:
            days = int(ahead)
        except ValueError:
            return None, f"review ahead takes a whole number of days, not {ahead!r}"
        scope = StudyScope(
            deck=deck if isinstance(deck, str) else None,
            tag=tag or None,
            card_type=CardType(kind) if isinstance(kind, str) else None,
            ahead_days=days,
        )
        return scope, scope_problem(scope, self.library)

    def _show_summary(self) -> None:
        scope, problem = self.chosen()
        summary = self.query_one("#scope-summary", Static)
        summary.set_class(bool(problem), "error")
        if scope is None or problem:
            summary.update(problem)
            return
        matching = sum(1 for card in self.cards if scope.admits(card))
        summary.update(f"{plural(matching, 'card')}: {scope.describe(self.library)}")

    def on_input_changed(self, _event: Input.Changed) -> None:
        self._show_summary()

    def on_select_changed(self, _event: Select.Changed) -> None:
        self._show_summary()

    def on_input_submitted(self, _event: Input.Submitted) -> None:
        self.action_study()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "study":
            self.action_study()
        else:
            self.action_cancel()

    def action_study(self) -> None:
        scope, problem = self.chosen()
        if scope is None or problem:
            self._show_summary()
            self.notify(problem, severity="error")
            return
        self.dismiss(scope)

    def action_cancel(self) -> None:
        self.dismiss(None)
