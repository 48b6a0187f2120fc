"""The prep application: a Today screen and the screens it opens."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.worker import Worker

from prep.tui.background import BackgroundJobs
from prep.tui.context import PrepContext
from prep.tui.screens.base import PrepScreen
from prep.tui.screens.today import TodayScreen

if TYPE_CHECKING:
    from prep.content.library import Library
    from prep.settings import Settings
    from prep.transfer.anki import AnkiExport
    from prep.transfer.sync.exchange import SyncReport

__all__ = ["PrepApp", "PrepContext"]

BACKUP_CHECK_S = 300.0


class PrepApp(App[None]):
    TITLE = "prep"
    CSS_PATH = Path(__file__).parent / "app.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+q", "quit", "Quit", show=False, priority=True),
        # f1 too: in an editor, ? is a character to type.
        Binding("question_mark,f1", "keys_help", "Help", tooltip="The keys of this screen"),
    ]

    def __init__(self, context: PrepContext) -> None:
        super().__init__()
        self.context = context
        self.jobs = BackgroundJobs(self.show_failure)
        self._store_opening = False
        self._sync_started = False

    def get_default_screen(self) -> TodayScreen:
        # Today is the first screen itself, not pushed over a blank one: one screen to
        # compose and draw before the first frame.
        return TodayScreen(self.context)

    def on_mount(self) -> None:
        # A backup at most every 30 minutes of use (and one on quit, by the CLI).
        self.set_interval(BACKUP_CHECK_S, self._backup_if_due)
        # Threads started now would hold the GIL while the first frame is drawn.
        self.call_after_refresh(self._start_reading)

    def _start_reading(self) -> None:
        """The first frame is up: now the history and the decks. The history is read in
        plain SQL until Today shows its numbers; SQLAlchemy and the store open after them
        (at once when the history cannot be read that way: a new home, a schema to migrate)."""
        if not self.context.store_is_open:
            self.jobs.start(
                self,
                self.context.open_history,
                lambda readable: None if readable else self.open_store(),
                what="opening your history",
                group="history",
                failed=self._store_failed,
            )
        else:
            self._sync_on_start()
        loader = self.context.library_loader
        if loader is not None:
            # The screen is up at once; the decks fill it in when they are read.
            self.jobs.start(
                self,
                loader,
                self._library_loaded,
                what="loading the decks",
                group="library",
                failed=self._library_failed,
            )

    def open_store(self) -> None:
        """The store, for the first write: opened in the background, once."""
        if self._store_opening:
            return
        self._store_opening = True
        if self.context.store_is_open:  # opened already, by a screen that needed it
            self._sync_on_start()
            return
        self.jobs.start(
            self,
            lambda: self.context.store,
            lambda _: self._sync_on_start(),
            what="opening your history",
            group="store",
            failed=self._store_failed,
        )

    def _backup_if_due(self) -> None:
        context = self.context
        if context.locations is None:
            return
        home = context.locations.home

        def backup() -> None:
            from prep.transfer.backups import backup_due, write_backup

            now = context.clock()
            if backup_due(home, now) and not context.store.is_empty():
                write_backup(context.store, context.settings.to_dict(), home, now)

        self.jobs.start(self, backup, lambda _: None, what="writing a backup", group="backup")

    def _sync_on_start(self) -> None:
        """With ``prep sync --auto``, the history is merged with the sync folder's as the
        app starts (the CLI syncs again on quit), in a worker: the screen never waits."""
        context = self.context
        settings_file = context.settings_path
        if settings_file is None or self._sync_started:
            return
        self._sync_started = True

        def sync() -> tuple[SyncReport, Settings] | None:
            from prep.settings import load_settings
            from prep.transfer.sync.exchange import auto_sync

            report = auto_sync(context.store, settings_file, context.clock())
            return (report, load_settings(settings_file)[0]) if report is not None else None

        # Today's, the screen at the bottom of the stack: it is there until the app quits,
        # and a sync that has not answered by then is let go with it (the CLI syncs on quit).
        owner = self.screen_stack[0] if self.screen_stack else self
        self.jobs.start(owner, sync, self._synced, what="syncing", group="sync")

    def _synced(self, result: tuple[SyncReport, Settings] | None) -> None:
        if result is None:
            return
        report, settings = result
        # Another machine's settings may have come in with its reviews.
        self.context.settings = settings
        self.notify(f"Synced: {report.summary()}", timeout=6)
        self._refresh_today()

    # -- help and the command palette --------------------------------------------

    def action_keys_help(self) -> None:
        from prep.tui.screens.help import KeysHelp, screen_keys

        screen = self.screen
        if isinstance(screen, KeysHelp):
            return
        self.push_screen(KeysHelp(screen.sub_title or self.title, screen_keys(self, screen)))

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        """Every action of prep's, from any screen: those of Today run on Today's."""
        today = self._today()
        studying = any(isinstance(s, PrepScreen) and s.IN_SESSION for s in self.screen_stack)
        if today is not None and studying:
            today = None  # a card is open: finish or leave it first
        if today is not None and self.context.library_loader is None:
            commands: list[tuple[str, str, Callable[[], object]]] = [
                ("Study", "Study what is due and new today", today.action_study),
                ("Practice katas", "The kata list: pick one to solve", today.action_practice),
                ("Custom study", "Study a deck, a tag or a type", today.action_custom_study),
                (
                    "Mock interview",
                    "Katas and questions from your weakest topics, timed",
                    today.action_mock,
                ),
                ("Progress", "Reviews, retention, forecast and mastery", today.action_progress),
                ("Browse", "Search every card; suspend, bury, reset", today.action_browse),
            ]
            for title, help_text, callback in commands:
                yield SystemCommand(title, help_text, callback)
        if today is not None:
            yield SystemCommand("Settings", "Study settings", today.action_settings)
            if today.check_action("refit", ()):
                yield SystemCommand(
                    "Refit", "Fit the scheduler to your review history", today.action_refit
                )
        if self.context.locations is not None and self.context.library_loader is None:
            yield SystemCommand(
                "Export to Anki",
                "Write the Q&A and predict cards, with their reviews, to an .apkg in prep's home",
                self.export_anki,
            )
        yield SystemCommand("Keys", "The keys of this screen (?)", self.action_keys_help)
        for command in super().get_system_commands(screen):
            if command.title != "Keys":  # Textual's own panel: ours lists prep's keys
                yield command

    def _today(self) -> TodayScreen | None:
        for screen in self.screen_stack:
            if isinstance(screen, TodayScreen):
                return screen
        return None

    def export_anki(self) -> None:
        """An Anki package of the decks and their reviews, written in the home, off the UI thread."""
        context = self.context
        if context.locations is None:
            return
        home = context.locations.home

        def export() -> tuple[Path, AnkiExport]:
            from prep.transfer.anki import write_apkg
            from prep.transfer.anki_history import study_history

            now = context.clock()
            path = home / f"prep-anki-{now.astimezone(context.tz):%Y-%m-%d}.apkg"
            history = study_history(context.history, context.settings)
            return path, write_apkg(context.library, path, history=history, now=now)

        self.notify("Exporting to Anki…", timeout=3)
        owner = self.screen_stack[0] if self.screen_stack else self
        self.jobs.start(owner, export, self._exported, what="exporting to Anki", group="export")

    def _exported(self, result: tuple[Path, AnkiExport]) -> None:
        from prep.wording import plural

        path, written = result
        self.notify(
            f"Wrote {plural(written.notes, 'card')} and {plural(written.reviews, 'review')} "
            f"to {path}",
            timeout=10,
        )

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        self.jobs.state_changed(event.worker, event.state)

    def show_failure(self, what: str, error: BaseException) -> None:
        """A worker failed: the learner sees why, and the screen stays usable."""
        from prep.store.database import one_line

        self.log.error(f"{what} failed", repr(error))
        # One line: the driver's words for a database error (a full disk), not SQLAlchemy's page.
        reason = one_line(error)
        self.notify(f"{what[:1].upper()}{what[1:]} failed: {reason}", severity="error", timeout=10)

    def _store_failed(self, error: BaseException) -> None:
        """Without its history the app cannot run: leave with the reason, as a command would."""
        from prep.store.database import one_line

        self.exit(return_code=1, message=f"prep: {one_line(error)}")

    def _library_loaded(self, library: Library) -> None:
        self.context.library = library
        self.context.library_loader = None
        self._refresh_today()

    def _library_failed(self, error: BaseException) -> None:
        self.context.library_loader = None
        self.context.library_error = str(error) or type(error).__name__
        self._refresh_today()

    def _refresh_today(self) -> None:
        today = self._today()
        if today is not None:
            today.refresh_summary()

    def on_unmount(self) -> None:
        self.context.close()
