"""What a learner has typed for a card, kept as a draft in the store.

The screen hands over every change at once (no I/O on its thread); the
writes happen in the background, one at a time and newest last, so an older
text never overwrites a newer one.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from prep.store.repository import Store


class DraftKeeper:
    def __init__(
        self, store: Store | Callable[[], Store], card_key: str, clock: Callable[[], datetime]
    ) -> None:
        # The store, or what opens it (off the UI thread, at the first read or write).
        self._store = store
        self.card_key = card_key
        self.clock = clock
        self._pending: str | None = None
        self._pending_lock = threading.Lock()
        self._write_lock = threading.Lock()

    @property
    def store(self) -> Store:
        store = self._store
        if callable(store):
            store = self._store = store()
        return store

    def put(self, text: str) -> None:
        """The newest text; written by the next ``flush``."""
        with self._pending_lock:
            self._pending = text

    def flush(self) -> None:
        """Write the newest text, if any arrived since the last write (call off the UI thread)."""
        with self._write_lock:
            with self._pending_lock:
                text, self._pending = self._pending, None
            if text is not None:
                self.store.save_draft(self.card_key, text, self.clock())

    def load(self) -> str | None:
        return self.store.draft(self.card_key)
