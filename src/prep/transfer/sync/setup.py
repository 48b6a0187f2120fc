"""Which folder a home syncs with, whether it syncs on its own, and what the last
sync merged: kept in the home's database, not in the settings file, since the
settings travel between machines and the folder's path is this machine's own."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from prep.store.repository import Store

FOLDER_KEY = "sync_folder"
AUTO_KEY = "sync_auto"
LAST_SYNC_KEY = "sync_last"


@dataclass(frozen=True)
class SyncSetup:
    folder: Path
    auto: bool  # sync when the app starts and when it quits


def sync_setup(store: Store) -> SyncSetup | None:
    folder = store.meta(FOLDER_KEY)
    if not folder:
        return None
    return SyncSetup(Path(folder), store.meta(AUTO_KEY) == "1")


def save_sync_setup(store: Store, setup: SyncSetup) -> None:
    store.set_meta(FOLDER_KEY, str(setup.folder))
    store.set_meta(AUTO_KEY, "1" if setup.auto else "0")


def folder_problem(folder: Path) -> str | None:
    """Why ``folder`` cannot be synced with, in a sentence; None when it can."""
    if not folder.exists():
        return f"the sync folder {folder} does not exist (create it, or check the path)"
    if not folder.is_dir():
        return f"{folder} is not a folder"
    if not os.access(folder, os.W_OK | os.X_OK):
        return f"cannot write to the sync folder {folder}"
    return None


def last_sync(store: Store) -> dict[str, Any] | None:
    """What the last sync merged (``SyncReport.to_dict``), when there was one."""
    raw = store.meta(LAST_SYNC_KEY)
    try:
        record = json.loads(raw) if raw else None
    except ValueError:
        return None
    return record if isinstance(record, dict) else None
