"""What every prep screen shares: its context, and work in the background."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path, PurePath
from typing import TYPE_CHECKING, ClassVar, TypeVar, cast

from textual.screen import Screen
from textual.worker import Worker

from prep.tui.context import PrepContext

if TYPE_CHECKING:
    from prep.tui.app import PrepApp

T = TypeVar("T")

STYLES = Path(__file__).parent.parent / "styles"


def styles(*names: str) -> list[str | PurePath]:
    """A screen's own style files, loaded with it rather than before the first frame."""
    return [STYLES / name for name in names]


ScreenResultType = TypeVar("ScreenResultType")


class PrepScreen(Screen[ScreenResultType]):
    # A screen of a study session (a card, a kata): the command palette then offers no
    # way to start another session or leave this one sideways.
    IN_SESSION: ClassVar[bool] = False

    def __init__(self, context: PrepContext) -> None:
        super().__init__()
        self.context = context

    def in_background(
        self,
        job: Callable[[], T],
        done: Callable[[T], None],
        *,
        what: str,
        group: str,
        failed: Callable[[BaseException], None] | None = None,
        exclusive: bool = True,
    ) -> Worker[T]:
        """Run ``job`` off the UI thread; ``done`` gets its result on the UI thread.

        A failure is shown by the app; ``failed`` lets this screen recover.
        """
        app = cast("PrepApp", self.app)
        return app.jobs.start(
            self, job, done, what=what, group=group, failed=failed, exclusive=exclusive
        )

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        # Textual delivers this to the worker's owner only: hand it to the app's one handler.
        cast("PrepApp", self.app).jobs.state_changed(event.worker, event.state)
