"""What the app is given: content, store, settings, clock and time zone."""

from __future__ import annotations

import sys
import threading
import uuid
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the first frame imports none of these; workers bring them in
    from prep.content.library import Library
    from prep.grading.grader import Grader
    from prep.grading.mistakes import MistakeCache
    from prep.paths import Locations
    from prep.settings import Settings
    from prep.store.history import History
    from prep.store.repository import Store
    from prep.study.drafts import DraftKeeper


def _new_uuid() -> str:
    return str(uuid.uuid4())


@dataclass
class PrepContext:
    library: Library
    # Opened on first use, in a worker: the first frame does not wait for SQLAlchemy.
    store_opener: Callable[[], Store]
    settings: Settings
    tz: tzinfo
    clock: Callable[[], datetime]
    locations: Locations | None = None
    new_id: Callable[[], str] = field(default=_new_uuid)
    grader_factory: Callable[[], Grader] | None = None
    # When set, the decks are read in a worker after the first screen is up.
    library_loader: Callable[[], Library] | None = None
    # Why the decks could not be read, when they could not: Today says so.
    library_error: str | None = None
    settings_path: Path | None = None
    # The history read before the store is open (no SQLAlchemy): None when it cannot be.
    history_opener: Callable[[], History | None] | None = None
    _history: History | None = field(default=None, init=False, repr=False)
    _history_tried: bool = field(default=False, init=False, repr=False)
    _store: Store | None = field(default=None, init=False, repr=False)
    _store_lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)
    _grader: Grader | None = field(default=None, init=False, repr=False)
    _grader_lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)
    _drafts: weakref.WeakSet[DraftKeeper] = field(
        default_factory=weakref.WeakSet, init=False, repr=False
    )

    @property
    def store(self) -> Store:
        """The history, opened on first use (the app opens it in a worker at start)."""
        with self._store_lock:
            if self._store is None:
                self._store = self.store_opener()
            return self._store

    @property
    def store_is_open(self) -> bool:
        return self._store is not None

    def open_history(self) -> bool:
        """Whether the history can be read before the store is open (call from a worker)."""
        with self._store_lock:
            if not self._history_tried and self._store is None:
                self._history_tried = True
                if self.history_opener is not None:
                    self._history = self.history_opener()
            return self._store is not None or self._history is not None

    def history_at_hand(self) -> History | None:
        """The history to read if it is open already (the store, or the plain-SQL reader):
        for the UI thread, which must not open anything."""
        return self._store if self._store is not None else self._history

    @property
    def history(self) -> History:
        """The history to read (from a worker): the store once it is open; before, the same
        file read in plain SQL, which needs no SQLAlchemy; else the store, opened now."""
        if self._store is None and self.open_history() and self._history is not None:
            return self._history
        return self.store

    def keep_draft(self, keeper: DraftKeeper) -> None:
        """A draft to write on the way out, whatever its screen's timer was waiting for."""
        self._drafts.add(keeper)

    def grader(self) -> Grader:
        """The shared grader, started on first use (call from a worker thread)."""
        with self._grader_lock:
            if self._grader is None:
                if self.grader_factory is None:
                    raise RuntimeError("this app was built without a grader")
                self._grader = self.grader_factory()
            return self._grader

    def mistakes(self) -> MistakeCache:
        """Each kata's known mistakes, kept in the home (read and worked out in a worker)."""
        from prep.grading.mistakes import MistakeCache

        return MistakeCache(self.locations.mistake_cache if self.locations is not None else None)

    def close(self) -> None:
        """Write the drafts still waiting, stop the grader's workers, let go of the database."""
        for keeper in list(self._drafts):
            try:
                keeper.flush()
            except Exception as exc:  # a full disk on the way out must not stop the rest
                print(
                    f"prep: your draft of {keeper.card_key} could not be saved: {exc}",
                    file=sys.stderr,
                )
        with self._grader_lock:
            grader, self._grader = self._grader, None
        if grader is not None:
            grader.close()
        with self._store_lock:
            store, self._store = self._store, None
        if store is not None:
            store.close()
