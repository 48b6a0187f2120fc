"""A big number with a label under it."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Static


class StatTile(Vertical):
    DEFAULT_CSS = """
    StatTile { width: 1fr; height: 5; border: round $panel-lighten-2; align: center middle; }
    StatTile > .value { width: 100%; text-align: center; text-style: bold; color: $accent; }
    StatTile > .label { width: 100%; text-align: center; color: $text-muted; }
    """

    def __init__(self, label: str, value: str = "0", *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._label = label
        self._value = value

    def compose(self) -> ComposeResult:
        yield Static(self._value, classes="value", markup=False)
        yield Static(self._label, classes="label", markup=False)

    def set_value(self, value: str) -> None:
        self._value = value
        if self.is_mounted:
            self.query_one(".value", Static).update(value)
