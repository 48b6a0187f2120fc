"""`?`: the keys of the screen underneath, read from its bindings, so the list is never stale."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from rich.text import Text
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen, Screen
from textual.widgets import DataTable, Static

from prep.tui.screens.base import styles


@dataclass(frozen=True)
class KeyHelp:
    """One line of the help screen: a key, what it does, and whether it works just now."""

    key: str
    description: str
    available: bool


def screen_keys(app: App[Any], screen: Screen[Any]) -> list[KeyHelp]:
    """The keys ``screen`` and the app answer, those in the footer and those left out of it;
    the screen's first, keys that do one thing on one line ("? / f1").

    The focused widget's own keys (an editor's, a table's) are left out: they are that
    widget's usual keys, not prep's. So is copying, which the terminal does too.
    """
    keys: dict[str, list[str]] = {}
    available: dict[str, bool] = {}
    ordered = sorted(screen.active_bindings.values(), key=lambda active: active.node is app)
    for active in ordered:
        binding = active.binding
        if active.node is not screen and active.node is not app:
            continue
        description = active.tooltip or binding.tooltip or binding.description
        if not description or binding.system or "copy" in binding.action:
            continue
        key = app.get_key_display(binding)
        if key not in keys.setdefault(description, []):
            keys[description].append(key)
        available[description] = available.get(description, False) or active.enabled
    return [KeyHelp(" / ".join(k), d, available[d]) for d, k in keys.items()]


class KeysHelp(ModalScreen[None]):
    """The list of keys; any of escape, ? or q closes it."""

    CSS_PATH = styles("help.tcss")
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,question_mark,q,f1", "close", "Close"),
    ]

    def __init__(self, title: str, keys: list[KeyHelp]) -> None:
        super().__init__()
        self.title_text = title
        self.keys = keys

    def compose(self) -> ComposeResult:
        with Vertical(id="keys-help"):
            yield Static(f"Keys: {self.title_text}", id="keys-help-title", markup=False)
            yield DataTable(id="keys-help-table", cursor_type="none", show_header=False)
            yield Static(
                "Dim keys do nothing just now. ctrl+p lists every command. escape closes.",
                id="keys-help-note",
                markup=False,
            )

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("Key", "What it does")
        for line in self.keys:
            table.add_row(
                Text(line.key, style="bold" if line.available else "dim"),
                Text(line.description, style="" if line.available else "dim"),
            )

    def action_close(self) -> None:
        self.dismiss()
