"""Automatic backups, kept as Anki keeps them: a compressed copy of everything
``prep export`` writes, at most every 30 minutes of use and on quit, in
``<home>/backups/``, thinned to the newest 8 plus one a day for 7 days, one a
week for 4 weeks and one a month for 12 months.

Restoring never deletes: the current database is moved aside first.
"""

from __future__ import annotations

import gzip
import json
import os
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from prep.transfer.backup import write_backup_json

if TYPE_CHECKING:
    from prep.store.repository import Store

FOLDER = "backups"
EVERY = timedelta(minutes=30)
KEEP_LATEST = 8
KEEP_DAILY = 7
KEEP_WEEKLY = 4
KEEP_MONTHLY = 12
_STAMP = "%Y%m%d-%H%M%S"
_PREFIX = "prep-"
_SUFFIX = ".json.gz"


@dataclass(frozen=True)
class BackupFile:
    path: Path
    made_at: datetime
    size: int

    @property
    def name(self) -> str:
        return self.path.name


def backup_folder(home: Path) -> Path:
    return home / FOLDER


def list_backups(home: Path) -> list[BackupFile]:
    """Newest first; files that are not prep's backups are left alone."""
    folder = backup_folder(home)
    found = []
    for path in folder.glob(f"{_PREFIX}*{_SUFFIX}") if folder.is_dir() else ():
        stamp = path.name[len(_PREFIX) : -len(_SUFFIX)]
        try:
            made_at = datetime.strptime(stamp, _STAMP).replace(tzinfo=UTC)
        except ValueError:
            continue
        found.append(BackupFile(path, made_at, path.stat().st_size))
    return sorted(found, key=lambda backup: backup.made_at, reverse=True)


def backup_due(home: Path, now: datetime) -> bool:
    newest = next(iter(list_backups(home)), None)
    return newest is None or now - newest.made_at >= EVERY


def write_backup(store: Store, settings: dict[str, Any], home: Path, now: datetime) -> BackupFile:
    """Write one compressed backup atomically, then thin the folder."""
    folder = backup_folder(home)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{_PREFIX}{now.astimezone(UTC).strftime(_STAMP)}{_SUFFIX}"
    temporary = path.with_name(path.name + ".tmp")
    try:
        # Streamed, and lightly compressed: a backup on quit must not hold a heavy
        # learner's whole log in memory, nor keep them waiting.
        with gzip.open(temporary, "wt", compresslevel=1, encoding="utf-8") as handle:
            write_backup_json(store, settings, now, handle)
            handle.flush()
        os.replace(temporary, path)  # never a half-written backup under a backup's name
    finally:
        temporary.unlink(missing_ok=True)
    rotate(home, now)
    return BackupFile(path, now, path.stat().st_size)


def kept(backups: list[BackupFile], now: datetime) -> set[Path]:
    """The backups the rotation keeps: the newest few, then one per day, week, month."""
    keep = {backup.path for backup in backups[:KEEP_LATEST]}
    buckets = (
        (KEEP_DAILY, lambda at: at.date()),
        (KEEP_WEEKLY, lambda at: tuple(at.isocalendar())[:2]),
        (KEEP_MONTHLY, lambda at: (at.year, at.month)),
    )
    for count, bucket in buckets:
        seen: list[object] = []
        for backup in backups:  # newest first: the newest of each day, week or month stays
            key = bucket(backup.made_at)
            if key in seen:
                continue
            seen.append(key)
            if len(seen) > count:
                break
            keep.add(backup.path)
    return keep


def rotate(home: Path, now: datetime) -> list[Path]:
    """Delete the backups the rotation does not keep; returns what went."""
    backups = list_backups(home)
    keep = kept(backups, now)
    gone = [backup.path for backup in backups if backup.path not in keep]
    for path in gone:
        path.unlink(missing_ok=True)
    return gone


def read_backup(path: Path, limit: int) -> dict[str, Any]:
    """A backup's contents (compressed or plain JSON), read to at most ``limit`` bytes."""
    opener = gzip.open if path.name.endswith(".gz") else open
    with opener(path, "rb") as handle:
        raw = handle.read(limit + 1)
    if len(raw) > limit:
        raise ValueError(f"larger than {limit // (1024 * 1024)} MiB")
    data = json.loads(raw.decode("utf-8"))
    if not isinstance(data, dict):
        raise ValueError("not a prep backup")
    return data
