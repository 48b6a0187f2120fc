"""The prep application: a Today screen and the screens it opens."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from textual.app import App
from textual.binding import Binding, BindingType

from prep.tui.context import PrepContext
from prep.tui.screens.today import TodayScreen

__all__ = ["PrepApp", "PrepContext"]


class PrepApp(App[None]):
    TITLE = "prep"
    CSS_PATH = Path(__file__).parent / "app.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+q", "quit", "Quit", show=False, priority=True)
    ]

    def __init__(self, context: PrepContext) -> None:
        super().__init__()
        self.context = context

    def on_mount(self) -> None:
        self.push_screen(TodayScreen(self.context))
