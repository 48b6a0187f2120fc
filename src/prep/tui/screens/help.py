"""`?`: the keys of the screen underneath, read from its bindings, so the list is never stale."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from rich.text import Text
from textual.actions import parse
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.dom import DOMNode
from textual.screen import ModalScreen, Screen
from textual.widgets import DataTable, Static

from prep.tui.screens.base import styles


@dataclass(frozen=True)
class KeyHelp:
    """One line of the help screen: a key, what it does, and whether it works just now."""

    key: str
    description: str
    available: bool


def declared_bindings(node: DOMNode) -> list[Binding]:
    """The bindings ``node``'s classes declare, one a key and action: a subclass's
    replaces its base class's (prep's `ctrl+q` "Quit" over Textual's long sentence)."""
    declared: dict[tuple[str, str], Binding] = {}
    for cls in reversed(type(node).__mro__):
        for binding in Binding.make_bindings(cls.__dict__.get("BINDINGS", ())):
            declared.pop((binding.key, binding.action), None)  # moves to the subclass's place
            declared[binding.key, binding.action] = binding
    return list(declared.values())


def screen_keys(app: App[Any], screen: Screen[Any]) -> list[KeyHelp]:
    """Every key ``screen`` and the app declare, those the footer shows and those it leaves
    out, the screen's first; keys that do one thing share a line ("? / f1"). A key that does
    nothing just now (a rating before the answer shows) is listed as unavailable.

    The focused widget's own keys (an editor's, a table's) are left out: they are that
    widget's usual keys, not prep's. So is copying, which the terminal does too.
    """
    keys: dict[str, list[str]] = {}
    available: dict[str, bool] = {}
    for node in (screen, app):
        for binding in declared_bindings(node):
            description = binding.tooltip or binding.description
            if not description or binding.system or "copy" in binding.action:
                continue
            namespace, name, parameters = parse(binding.action)
            target: DOMNode = app if namespace == "app" else node
            state = target.check_action(name, parameters)
            key = app.get_key_display(binding)
            if key not in keys.setdefault(description, []):
                keys[description].append(key)
            available[description] = available.get(description, False) or state is True
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
