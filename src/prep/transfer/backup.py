"""The full backup: everything prep keeps, written to JSON by
``export_backup`` and restored exactly into an empty home by ``restore_backup``."""

from __future__ import annotations

import io
import json
import math
import os
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime
from enum import Enum
from functools import cache
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, TextIO

from prep.clock import from_ms, to_ms
from prep.grading.attempts import Attempt
from prep.scheduling.marks import CardMarks
from prep.scheduling.memory import DEFAULT_PARAMETERS, CardState, Stage
from prep.scheduling.replay import Review, ReviewKind
from prep.store.converters import review_from_values
from prep.store.history import FIT_RECORD_KEY, FITTED_PARAMETERS_KEY, INSTALLATION_KEY
from prep.store.restoring import DuplicateKeyError, Restoring, ReviewValues
from prep.transfer.jsonstream import object_members

if TYPE_CHECKING:
    from prep.store.repository import Store

BACKUP_FORMAT = "prep-backup"
BACKUP_VERSION = 1
# One encoder for the whole log: json.dumps with options builds a new one per call.
_ENTRY_ENCODER = json.JSONEncoder(ensure_ascii=False)


# -- the full backup -------------------------------------------------------------


def review_json(review: Review) -> dict[str, Any]:
    """A log entry as a backup (and a sync segment) writes it."""
    return {
        "id": review.id,
        "card_key": review.card_key,
        "rating": int(review.rating) if review.rating is not None else None,
        "reviewed_at": review.reviewed_at.isoformat(),
        "duration_ms": review.duration_ms,
        "installation_id": review.installation_id,
        "kind": review.kind.value,
        "stage_before": int(review.stage_before) if review.stage_before is not None else None,
        "seq": review.seq,
    }


def attempt_json(attempt: Attempt) -> dict[str, Any]:
    """A kata run (or a sitting's event) as a backup (and a sync segment) writes it."""
    return {
        "id": attempt.id,
        "card_key": attempt.card_key,
        "kind": attempt.kind,
        "submitted_at": attempt.submitted_at.isoformat(),
        "code": attempt.code,
        "passed": attempt.passed,
        "summary": attempt.summary,
        "duration_ms": attempt.duration_ms,
        "installation_id": attempt.installation_id,
    }


def state_json(state: CardState) -> dict[str, Any]:
    """A card state as the backup writes it."""
    return {
        "card_key": state.key,
        "stage": int(state.stage),
        "step": state.step,
        "stability": state.stability,
        "difficulty": state.difficulty,
        "due": state.due.isoformat(),
        "last_review": state.last_review.isoformat() if state.last_review else None,
        "reps": state.reps,
        "lapses": state.lapses,
    }


def export_backup(store: Store, settings: dict[str, Any], now: datetime) -> dict[str, Any]:
    """The backup as a value (what ``write_backup_json`` writes, read back)."""
    out = io.StringIO()
    write_backup_json(store, settings, now, out)
    data: dict[str, Any] = json.loads(out.getvalue())
    return data


def write_backup_json(
    store: Store, settings: dict[str, Any], now: datetime, out: TextIO, indent: int | None = None
) -> None:
    """The backup as JSON, the log streamed as it is read: memory stays flat whatever the
    history. Everything but the log is small and written in one piece."""
    rest = json.dumps(
        _everything_but_the_log(store, settings, now), indent=indent, ensure_ascii=False
    )
    assert rest.endswith("}")
    out.write(rest[:-1].rstrip())
    out.write(',\n"reviews": [')
    separator = "\n"
    encode = _ENTRY_ENCODER.encode
    for review in store.iter_reviews():
        out.write(separator)
        out.write(encode(review_json(review)))
        separator = ",\n"
    out.write("\n]}\n")


def _everything_but_the_log(
    store: Store, settings: dict[str, Any], now: datetime
) -> dict[str, Any]:
    marks = store.stamped_marks()
    drafts = store.drafts()
    return {
        "format": BACKUP_FORMAT,
        "version": BACKUP_VERSION,
        "exported_at": now.isoformat(),
        "installation_id": store.installation_id,
        "card_states": [state_json(state) for state in store.card_states().values()],
        "marks": [
            {
                "card_key": key,
                "suspended": mark.suspended,
                "buried_until": mark.buried_until.isoformat() if mark.buried_until else None,
                "leech": mark.leech,
                "changed_at": from_ms(changed_ms).isoformat() if changed_ms is not None else None,
            }
            for key, (mark, changed_ms) in sorted(marks.items())
        ],
        "drafts": [
            {"card_key": key, "code": code, "updated_at": at.isoformat()}
            for key, (code, at) in sorted(drafts.items())
        ],
        "attempts": [attempt_json(attempt) for attempt in store.attempts()],
        "settings": settings,
        "fitted_parameters": list(store.fitted_parameters() or []) or None,
        "fit": store.fit_record(),
    }


class BackupError(Exception):
    pass


class _Entry:
    """One entry of a backup list, read with its place named in every error."""

    __slots__ = ("_index", "_section", "item")

    def __init__(self, section: str, index: int, item: Any) -> None:
        self._section, self._index = section, index
        if not isinstance(item, dict):
            raise BackupError(f"the backup is damaged: {self.where} is not an object")
        self.item = item

    @property
    def where(self) -> str:
        return f"{self._section}[{self._index}]"

    def _fail(self, key: str, what: str) -> BackupError:
        return BackupError(f"the backup is damaged: {self.where}.{key} must be {what}")

    def text(self, key: str) -> str:
        value = self.item.get(key)
        if not isinstance(value, str):
            raise self._fail(key, "a string")
        return value

    def time(self, key: str, optional: bool = False) -> datetime | None:
        value = self.item.get(key)
        if value is None and optional:
            return None
        try:
            moment = datetime.fromisoformat(value) if isinstance(value, str) else None
        except ValueError:
            moment = None
        if moment is None or moment.tzinfo is None:
            raise self._fail(key, "a date and time with a time zone")
        return moment

    def required_time(self, key: str) -> datetime:
        moment = self.time(key)
        assert moment is not None
        return moment

    def integer(self, key: str, default: int | None = None, optional: bool = False) -> int | None:
        value = self.item.get(key, default)
        if value is None and optional:
            return None
        if type(value) is not int or not -(2**63) <= value < 2**63:
            raise self._fail(key, "an integer")
        return value

    def count(self, key: str) -> int:
        value = self.integer(key, default=0)
        assert value is not None
        if value < 0:
            raise self._fail(key, "a count (0 or more)")
        return value

    def number(self, key: str, low: float, high: float) -> float | None:
        value = self.item.get(key)
        if value is None:
            return None
        if type(value) not in (int, float) or not low <= value <= high:
            raise self._fail(key, f"a number from {low:g} to {high:g}")
        return float(value)

    def flag(self, key: str) -> bool:
        value = self.item.get(key, False)
        if type(value) is not bool:
            raise self._fail(key, "true or false")
        return value

    def choice(self, key: str, kind: type[Enum], default: Any = None) -> Any:
        value = self.item.get(key, default)
        try:
            # What kind(value) gives, without the cost of calling an Enum a million times.
            return _members(kind)[value]
        except (KeyError, TypeError):
            raise self._fail(key, f"one of {', '.join(repr(m.value) for m in kind)}") from None


@cache
def _members(kind: type[Enum]) -> dict[Any, Enum]:
    return {member.value: member for member in kind}


def _review(entry: _Entry) -> ReviewValues:
    # Values, not a Review: a million of those would cost more than the writing. A
    # value that plainly passes is taken as it is; any other goes to the entry's own
    # check, which names the fault (or accepts it). The checks keep their order.
    item = entry.item
    rating = item.get("rating")
    if rating is not None and not (type(rating) is int and 1 <= rating <= 4):
        rating = entry.integer("rating", optional=True)
    kind = ReviewKind.REVIEW if item.get("kind", "review") == "review" else None
    if kind is None:
        kind = entry.choice("kind", ReviewKind, "review")
    if (rating is None) != (kind is ReviewKind.RESET) or (
        rating is not None and rating not in (1, 2, 3, 4)
    ):
        raise entry._fail("rating", "1 to 4 for a review, and null only for a reset")
    stage_before = item.get("stage_before")
    review_id, card_key = item.get("id"), item.get("card_key")
    if type(review_id) is not str:
        review_id = entry.text("id")
    if type(card_key) is not str:
        card_key = entry.text("card_key")
    reviewed_ms = to_ms(entry.required_time("reviewed_at"))
    duration = item.get("duration_ms")
    if duration is not None and not (type(duration) is int and 0 <= duration < 2**62):
        duration = entry.integer("duration_ms", optional=True)
    installation = item.get("installation_id")
    if type(installation) is not str:
        installation = entry.text("installation_id")
    if stage_before is not None and not (type(stage_before) is int and 0 <= stage_before <= 3):
        stage_before = int(entry.choice("stage_before", Stage))
    seq = item.get("seq")
    if seq is not None and not (type(seq) is int and 0 < seq < 2**62):
        seq = entry.integer("seq", optional=True)
    return (
        review_id,
        card_key,
        rating,
        reviewed_ms,
        duration,
        installation,
        kind.value,
        stage_before,
        seq,
    )


def review_from_json(item: Any, section: str, index: int) -> Review:
    """A log entry written by ``review_json``, checked as a backup's are; BackupError
    names ``section[index]`` and what is wrong with it."""
    key, card_key, rating, at, duration, installation, kind, stage, seq = _review(
        _Entry(section, index, item)
    )
    # A reset has no rating; the log stores it as 0, as review_from_values reads it.
    return review_from_values(
        key, card_key, rating or 0, at, duration, installation, kind, stage, seq
    )


def _state(entry: _Entry) -> CardState:
    return CardState(
        key=entry.text("card_key"),
        stage=entry.choice("stage", Stage),
        step=entry.integer("step", optional=True),
        # FSRS keeps stability positive and difficulty between 1 and 10.
        stability=entry.number("stability", 1e-6, 1e9),
        difficulty=entry.number("difficulty", 1.0, 10.0),
        due=entry.required_time("due"),
        last_review=entry.time("last_review", optional=True),
        reps=entry.count("reps"),
        lapses=entry.count("lapses"),
    )


def _marks(entry: _Entry) -> tuple[str, CardMarks, datetime | None]:
    marks = CardMarks(
        entry.flag("suspended"), entry.time("buried_until", optional=True), entry.flag("leech")
    )
    return entry.text("card_key"), marks, entry.time("changed_at", optional=True)


def _draft(entry: _Entry) -> tuple[str, str, datetime]:
    return entry.text("card_key"), entry.text("code"), entry.required_time("updated_at")


def _attempt(entry: _Entry) -> Attempt:
    summary = entry.item.get("summary") or {}
    if not isinstance(summary, dict):
        raise entry._fail("summary", "an object")
    return Attempt(
        id=entry.text("id"),
        card_key=entry.text("card_key"),
        kind=entry.text("kind"),
        submitted_at=entry.required_time("submitted_at"),
        code=entry.text("code"),
        passed=entry.flag("passed"),
        summary=summary,
        duration_ms=entry.count("duration_ms"),
        installation_id=entry.text("installation_id"),
    )


def attempt_from_json(item: Any, section: str, index: int) -> Attempt:
    """An entry written by ``attempt_json``, checked as a backup's are."""
    return _attempt(_Entry(section, index, item))


# Each list of a backup: how an entry is read, and where it is written. Each has
# a key (id or card_key) that no two of its entries may share.
_SECTIONS: dict[str, tuple[Callable[[_Entry], Any], Callable[[Restoring, list[Any]], None]]] = {
    "reviews": (_review, Restoring.add_reviews),
    "card_states": (_state, Restoring.add_states),
    "marks": (_marks, Restoring.add_marks),
    "drafts": (_draft, Restoring.add_drafts),
    "attempts": (_attempt, Restoring.add_attempts),
}
SECTIONS = frozenset(_SECTIONS)
# Entries written at a time: enough for executemany to run at full speed, little
# enough to hold.
CHUNK = 5_000


def _write_section(restoring: Restoring, section: str, items: Any) -> None:
    if not isinstance(items, list | Iterator):
        raise BackupError(f"the backup is damaged: {section} is not a list")
    read, write = _SECTIONS[section]
    chunk: list[Any] = []
    try:
        for index, item in enumerate(items):
            chunk.append(read(_Entry(section, index, item)))
            if len(chunk) == CHUNK:
                write(restoring, chunk)
                chunk = []
        write(restoring, chunk)
    except DuplicateKeyError as repeated:
        raise BackupError(
            f"the backup is damaged: {section} holds {repeated.key!r} twice"
        ) from None


def _check_header(header: dict[str, Any], complete: bool) -> None:
    """The format, then the version, each as soon as it can be told."""
    if ("format" in header or complete) and header.get("format") != BACKUP_FORMAT:
        raise BackupError("not a prep backup (no 'format: prep-backup')")
    known = "version" in header or complete
    if known and "format" in header and header.get("version") != BACKUP_VERSION:
        raise BackupError(
            f"backup version {header.get('version')} is not supported (this prep reads {BACKUP_VERSION})"
        )


def _fitted_parameters(data: dict[str, Any]) -> tuple[float, ...] | None:
    values = data.get("fitted_parameters")
    if values is None:
        return None
    expected = len(DEFAULT_PARAMETERS)
    if (
        not isinstance(values, list)
        or len(values) != expected
        or not all(type(v) in (int, float) and math.isfinite(v) for v in values)
    ):
        raise BackupError(
            f"the backup is damaged: fitted_parameters must be {expected} finite numbers"
        )
    return tuple(float(v) for v in values)


def restore_backup_members(store: Store, members: Iterable[tuple[str, Any]]) -> dict[str, Any]:
    """Restore a backup from its members as they come (``backup_members``), checking
    each entry on the way: on any error the transaction is rolled back and the home
    stays empty. Returns the settings the backup carried."""
    header: dict[str, Any] = {}
    written: set[str] = set()
    with store.restoring() as restoring:
        if not restoring.is_empty():
            raise BackupError(
                "the home already holds a history; restore into an empty home (--home NEW_FOLDER)"
            )
        for name, value in members:
            if name not in SECTIONS:
                header[name] = value
                _check_header(header, complete=False)
                continue
            if name in written:  # json.loads would keep the last; a restore cannot
                raise BackupError(f"the backup is damaged: it holds {name} twice")
            written.add(name)
            _write_section(restoring, name, value)
        _check_header(header, complete=True)
        fit = header.get("fit") or {}
        if not isinstance(fit, dict):
            raise BackupError("the backup is damaged: fit is not an object")
        installation = header.get("installation_id")
        if installation is not None and not isinstance(installation, str):
            raise BackupError("the backup is damaged: installation_id is not a string")
        fitted = _fitted_parameters(header)
        if fitted is not None:
            restoring.set_meta(FITTED_PARAMETERS_KEY, json.dumps(list(fitted)))
            restoring.set_meta(FIT_RECORD_KEY, json.dumps(fit))
        if installation:
            restoring.set_meta(INSTALLATION_KEY, installation)
    settings = header.get("settings") or {}
    return settings if isinstance(settings, dict) else {}


def restore_backup(store: Store, data: dict[str, Any]) -> dict[str, Any]:
    """Restore a backup into an empty store, all or nothing; returns the settings it carried."""
    # The format and version first, as an export writes them.
    first = [(name, data[name]) for name in ("format", "version") if name in data]
    rest = [(name, value) for name, value in data.items() if name not in ("format", "version")]
    return restore_backup_members(store, [*first, *rest])


def backup_members(handle: IO[bytes], limit: int) -> Iterator[tuple[str, Any]]:
    """The members of a backup file, each read when it is used: a backup of a million
    reviews is never held whole. A file that is not a JSON object is refused at once;
    a fault further in, when it is reached (jsonstream's errors, as json's)."""
    return object_members(handle, limit, SECTIONS)


def write_backup_file(store: Store, settings: dict[str, Any], now: datetime, path: Path) -> None:
    """``prep export``: the backup, indented, in place of the file (see ``write_in_place``)."""
    write_in_place(path, lambda out: write_backup_json(store, settings, now, out, indent=1))


def write_in_place(path: Path, write: Callable[[TextIO], object]) -> None:
    """Written beside its name, flushed to disk, then renamed: a full disk or a crash
    leaves either the old file or the whole new one, and no partial copy."""
    temporary = path.with_name(path.name + ".tmp")
    try:
        with temporary.open("w", encoding="utf-8") as handle:
            write(handle)
            handle.flush()
            os.fsync(handle.fileno())
        temporary.replace(path)
    finally:
        temporary.unlink(missing_ok=True)
