"""The sync folder's files: each installation's own, under ``DIR/<installation-id>/``.

``log-000001.seg``, ``log-000002.seg``, …  the reviews (and the ids taken back) an
    installation found missing from the folder when it synced; never changed once
    written, so two machines never write the same file.
``attempts-000001.seg``, …  its kata attempts (the code run, the result), as the
    log: new ones only, never changed once written. Files of their own, so that the
    log's segments read the same to every prep that reads them.
``state.seg``  its marks, settings and fitted parameters with their stamps, written
    again at each sync (by it alone).

Every file is framed (``framing``): its first record, a header, says what the file
is and how many records follow. A file that is not whole — still being copied,
cut short, damaged — is skipped, and read at a later sync once it is whole.
Files are written beside their name and renamed into place, so the folder never
holds a half-written file of this machine's own.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from prep.grading.attempts import Attempt
from prep.scheduling.replay import Review
from prep.transfer.backup import (
    BackupError,
    attempt_from_json,
    attempt_json,
    review_from_json,
    review_json,
)
from prep.transfer.sync.framing import frames, unframe
from prep.transfer.sync.merge import Replica, Stamped

SYNC_FORMAT = "prep-sync"
SYNC_VERSION = 1
STATE_FILE = "state.seg"
_LOG_FILE = re.compile(r"log-(\d{6,})\.seg")
_ATTEMPTS_FILE = re.compile(r"attempts-(\d{6,})\.seg")
# An installation's folder is named by its id (a UUID); anything else in DIR — the
# sync tool's own files, a README — is not ours to read.
_INSTALLATION = re.compile(r"[0-9A-Za-z][0-9A-Za-z-]{0,63}")
# Reviews per log segment: a first sync of a long history is several files of a
# few megabytes, not one that must be read whole.
SEGMENT_RECORDS = 20_000
MAX_FILE_BYTES = 256 * 1024 * 1024


@dataclass(frozen=True)
class Skipped:
    """A file left for a later sync, and why."""

    path: str  # relative to the sync folder
    reason: str


@dataclass
class FolderContents:
    """Every installation's files that were whole, each folder as one replica."""

    replicas: dict[str, Replica] = field(default_factory=dict)
    skipped: list[Skipped] = field(default_factory=list)
    # The home that last wrote each installation's state file (see ``exchange``).
    homes: dict[str, str] = field(default_factory=dict)


class _NotWholeError(Exception):
    pass


def _encode(item: Any) -> bytes:
    return json.dumps(item, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _header(kind: str, installation: str, records: int, **more: Any) -> dict[str, Any]:
    return {
        "format": SYNC_FORMAT,
        "version": SYNC_VERSION,
        "kind": kind,
        "installation_id": installation,
        "records": records,
        **more,
    }


def _read_records(path: Path, kind: str, installation: str) -> tuple[dict[str, Any], list[Any]]:
    """The header and the records of a whole file; _NotWholeError says why it is not."""
    if path.stat().st_size > MAX_FILE_BYTES:
        raise _NotWholeError(f"larger than {MAX_FILE_BYTES // 2**20} MiB")
    unframed = unframe(path.read_bytes())
    if not unframed.records:
        raise _NotWholeError("incomplete (still being copied?)")
    try:
        header = json.loads(unframed.records[0])
        body = [json.loads(record) for record in unframed.records[1:]]
    except (ValueError, UnicodeDecodeError):
        raise _NotWholeError("damaged: a record is not JSON") from None
    if not isinstance(header, dict) or header.get("format") != SYNC_FORMAT:
        raise _NotWholeError("not a prep sync file")
    if header.get("version") != SYNC_VERSION:
        raise _NotWholeError(
            f"sync version {header.get('version')} (this prep reads {SYNC_VERSION})"
        )
    if header.get("kind") != kind or header.get("installation_id") != installation:
        raise _NotWholeError("its header names another file")
    if not unframed.whole or header.get("records") != len(body):
        raise _NotWholeError("incomplete (still being copied?)")
    return header, body


def _log_records(body: list[Any], where: str) -> tuple[dict[str, Review], set[str]]:
    reviews: dict[str, Review] = {}
    undone: set[str] = set()
    for index, record in enumerate(body):
        if isinstance(record, dict) and isinstance(record.get("undone"), str):
            undone.add(record["undone"])
            continue
        item = record.get("review") if isinstance(record, dict) else None
        try:
            review = review_from_json(item, where, index)
        except BackupError as exc:
            raise _NotWholeError(str(exc).replace("the backup is damaged: ", "damaged: ")) from None
        reviews[review.id] = review
    return reviews, undone


def _attempt_records(body: list[Any], where: str) -> dict[str, Attempt]:
    attempts: dict[str, Attempt] = {}
    for index, record in enumerate(body):
        try:
            attempt = attempt_from_json(record, where, index)
        except BackupError as exc:
            raise _NotWholeError(str(exc).replace("the backup is damaged: ", "damaged: ")) from None
        attempts[attempt.id] = attempt
    return attempts


def _stamped(item: Any) -> Stamped | None:
    """``[value, changed_ms]`` as a state file writes it; None for anything else."""
    if isinstance(item, list) and len(item) == 2 and type(item[1]) is int:
        return Stamped(item[0], item[1])
    return None


def _stamped_map(item: Any) -> dict[str, Stamped]:
    if not isinstance(item, dict):
        return {}
    found = {key: _stamped(value) for key, value in item.items() if isinstance(key, str)}
    return {key: value for key, value in found.items() if value is not None}


def _unstamped(stamped: Stamped) -> list[Any]:
    return [stamped.value, stamped.changed_ms]


def installation_folders(folder: Path) -> list[Path]:
    return sorted(
        child
        for child in folder.iterdir()
        if _INSTALLATION.fullmatch(child.name) and child.is_dir()
    )


def _numbered_files(installation_folder: Path, name: re.Pattern[str]) -> list[Path]:
    found = [
        (int(match.group(1)), child)
        for child in installation_folder.iterdir()
        if (match := name.fullmatch(child.name))
    ]
    return [path for _, path in sorted(found)]


def log_files(installation_folder: Path) -> list[Path]:
    """The log segments of one installation, in the order it wrote them."""
    return _numbered_files(installation_folder, _LOG_FILE)


def attempt_files(installation_folder: Path) -> list[Path]:
    """The attempt segments of one installation, in the order it wrote them."""
    return _numbered_files(installation_folder, _ATTEMPTS_FILE)


def read_folder(folder: Path) -> FolderContents:
    """Every installation's whole files, each installation's as one replica."""
    contents = FolderContents()
    for own_folder in installation_folders(folder):
        installation = own_folder.name
        reviews: dict[str, Review] = {}
        undone: set[str] = set()
        replica = Replica()
        for path in log_files(own_folder):
            where = f"{installation}/{path.name}"
            try:
                _, body = _read_records(path, "log", installation)
                found, taken_back = _log_records(body, where)
            except _NotWholeError as reason:
                contents.skipped.append(Skipped(where, str(reason)))
                continue
            except OSError as exc:
                contents.skipped.append(Skipped(where, f"cannot read: {exc.strerror or exc}"))
                continue
            reviews.update(found)
            undone |= taken_back
        attempts: dict[str, Attempt] = {}
        for path in attempt_files(own_folder):
            where = f"{installation}/{path.name}"
            try:
                _, body = _read_records(path, "attempts", installation)
                attempts.update(_attempt_records(body, where))
            except _NotWholeError as reason:
                contents.skipped.append(Skipped(where, str(reason)))
            except OSError as exc:
                contents.skipped.append(Skipped(where, f"cannot read: {exc.strerror or exc}"))
        state = own_folder / STATE_FILE
        if state.exists():
            where = f"{installation}/{STATE_FILE}"
            try:
                header, body = _read_records(state, "state", installation)
                replica = _state_replica(body[0] if body else {})
                if isinstance(header.get("home"), str):
                    contents.homes[installation] = header["home"]
            except _NotWholeError as reason:
                contents.skipped.append(Skipped(where, str(reason)))
            except OSError as exc:
                contents.skipped.append(Skipped(where, f"cannot read: {exc.strerror or exc}"))
        contents.replicas[installation] = Replica(
            reviews=reviews,
            undone=frozenset(undone),
            marks=replica.marks,
            settings=replica.settings,
            parameters=replica.parameters,
            attempts=attempts,
        )
    return contents


def _state_replica(item: Any) -> Replica:
    if not isinstance(item, dict):
        return Replica()
    return Replica(
        marks=_stamped_map(item.get("marks")),
        settings=_stamped_map(item.get("settings")),
        parameters=_stamped(item.get("parameters")),
    )


def write_file(path: Path, data: bytes) -> None:
    """Written beside its name (a hidden name no reader takes), flushed, then renamed."""
    temporary = path.with_name(f".{path.name}.tmp")
    try:
        with temporary.open("wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        temporary.replace(path)
    finally:
        temporary.unlink(missing_ok=True)


def write_log(
    own_folder: Path, installation: str, reviews: Sequence[Review], undone: Iterable[str]
) -> list[Path]:
    """New segments after the last one, holding ``reviews`` and ``undone``."""
    records: list[dict[str, Any]] = [{"review": review_json(review)} for review in reviews]
    records += [{"undone": review_id} for review_id in sorted(undone)]
    return _write_segments(own_folder, installation, "log", log_files(own_folder), records)


def write_attempts(own_folder: Path, installation: str, attempts: Sequence[Attempt]) -> list[Path]:
    """New attempt segments after the last one, holding ``attempts``."""
    records = [attempt_json(attempt) for attempt in attempts]
    return _write_segments(own_folder, installation, "attempts", attempt_files(own_folder), records)


def _write_segments(
    own_folder: Path, installation: str, kind: str, existing: list[Path], records: list[Any]
) -> list[Path]:
    number = max((_segment_number(path) for path in existing), default=0)
    written = []
    for start in range(0, len(records), SEGMENT_RECORDS):
        chunk = records[start : start + SEGMENT_RECORDS]
        number += 1
        path = own_folder / f"{kind}-{number:06d}.seg"
        header = _header(kind, installation, len(chunk))
        write_file(path, frames([_encode(header), *(_encode(record) for record in chunk)]))
        written.append(path)
    return written


def _segment_number(path: Path) -> int:
    match = _LOG_FILE.fullmatch(path.name) or _ATTEMPTS_FILE.fullmatch(path.name)
    return int(match.group(1)) if match else 0


def write_state(own_folder: Path, installation: str, home: str, replica: Replica) -> Path:
    state = {
        "marks": {key: _unstamped(value) for key, value in sorted(replica.marks.items())},
        "settings": {key: _unstamped(value) for key, value in sorted(replica.settings.items())},
        "parameters": _unstamped(replica.parameters) if replica.parameters else None,
    }
    path = own_folder / STATE_FILE
    header = _header("state", installation, 1, home=home)
    write_file(path, frames([_encode(header), _encode(state)]))
    return path
