"""The prep application: a Today screen and the screens it opens."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from textual import work
from textual.app import App
from textual.binding import Binding, BindingType
from textual.message import Message

from prep.content.library import Library
from prep.tui.context import PrepContext
from prep.tui.screens.today import TodayScreen

__all__ = ["PrepApp", "PrepContext"]


class PrepApp(App[None]):
    TITLE = "prep"
    CSS_PATH = Path(__file__).parent / "app.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+q", "quit", "Quit", show=False, priority=True)
    ]

    @dataclass
    class LibraryLoaded(Message):
        library: Library

    def __init__(self, context: PrepContext) -> None:
        super().__init__()
        self.context = context

    def on_mount(self) -> None:
        self.push_screen(TodayScreen(self.context))
        if self.context.library_loader is not None:
            # The screen is up at once; the decks fill it in when they are read.
            self._load_library(self.context.library_loader)

    @work(thread=True, exclusive=True, group="library", exit_on_error=False)
    def _load_library(self, loader: Callable[[], Library]) -> None:
        self.post_message(self.LibraryLoaded(loader()))

    def on_prep_app_library_loaded(self, message: LibraryLoaded) -> None:
        self.context.library = message.library
        self.context.library_loader = None
        for screen in self.screen_stack:
            if isinstance(screen, TodayScreen):
                screen.refresh_summary()

    def on_unmount(self) -> None:
        self.context.close()
