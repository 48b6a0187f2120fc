"""The full backup: everything prep keeps, written to JSON by
``export_backup`` and restored exactly into an empty home by ``restore_backup``."""

from __future__ import annotations

import io
import json
import math
import os
from datetime import datetime
from pathlib import Path
from typing import Any, TextIO

from prep.grading.attempts import Attempt
from prep.scheduling.marks import CardMarks
from prep.scheduling.memory import DEFAULT_PARAMETERS, CardState, Rating, Stage
from prep.scheduling.replay import Review, ReviewKind
from prep.store.repository import Restorable, Store

BACKUP_FORMAT = "prep-backup"
BACKUP_VERSION = 1


# -- the full backup -------------------------------------------------------------


def _review_json(review: Review) -> dict[str, Any]:
    return {
        "id": review.id,
        "card_key": review.card_key,
        "rating": int(review.rating) if review.rating is not None else None,
        "reviewed_at": review.reviewed_at.isoformat(),
        "duration_ms": review.duration_ms,
        "installation_id": review.installation_id,
        "kind": review.kind.value,
        "stage_before": int(review.stage_before) if review.stage_before is not None else None,
    }


def _state_json(state: CardState) -> dict[str, Any]:
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
    for review in store.iter_reviews():
        out.write(separator)
        out.write(json.dumps(_review_json(review), ensure_ascii=False))
        separator = ",\n"
    out.write("\n]}\n")


def _everything_but_the_log(
    store: Store, settings: dict[str, Any], now: datetime
) -> dict[str, Any]:
    marks = store.marks()
    drafts = store.drafts()
    return {
        "format": BACKUP_FORMAT,
        "version": BACKUP_VERSION,
        "exported_at": now.isoformat(),
        "installation_id": store.installation_id,
        "card_states": [_state_json(state) for state in store.card_states().values()],
        "marks": [
            {
                "card_key": key,
                "suspended": mark.suspended,
                "buried_until": mark.buried_until.isoformat() if mark.buried_until else None,
                "leech": mark.leech,
            }
            for key, mark in sorted(marks.items())
        ],
        "drafts": [
            {"card_key": key, "code": code, "updated_at": at.isoformat()}
            for key, (code, at) in sorted(drafts.items())
        ],
        "attempts": [
            {
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
            for attempt in store.attempts()
        ],
        "settings": settings,
        "fitted_parameters": list(store.fitted_parameters() or []) or None,
        "fit": store.fit_record(),
    }


class BackupError(Exception):
    pass


class _Entry:
    """One entry of a backup list, read with its place named in every error."""

    def __init__(self, section: str, index: int, item: Any) -> None:
        self.where = f"{section}[{index}]"
        if not isinstance(item, dict):
            raise BackupError(f"the backup is damaged: {self.where} is not an object")
        self.item = item

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

    def choice(self, key: str, kind: type[Any], default: Any = None) -> Any:
        value = self.item.get(key, default)
        try:
            return kind(value)
        except (ValueError, TypeError):
            raise self._fail(key, f"one of {', '.join(repr(m.value) for m in kind)}") from None


def _entries(data: dict[str, Any], section: str) -> list[_Entry]:
    items = data.get(section, [])
    if not isinstance(items, list):
        raise BackupError(f"the backup is damaged: {section} is not a list")
    return [_Entry(section, index, item) for index, item in enumerate(items)]


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


def read_backup_contents(data: dict[str, Any]) -> Restorable:
    """Everything a backup holds, checked entry by entry before anything is written."""
    if data.get("format") != BACKUP_FORMAT:
        raise BackupError("not a prep backup (no 'format: prep-backup')")
    if data.get("version") != BACKUP_VERSION:
        raise BackupError(
            f"backup version {data.get('version')} is not supported (this prep reads {BACKUP_VERSION})"
        )
    reviews = []
    for entry in _entries(data, "reviews"):
        rating = entry.integer("rating", optional=True)
        kind = entry.choice("kind", ReviewKind, "review")
        if (rating is None) != (kind is ReviewKind.RESET) or (
            rating is not None and rating not in (1, 2, 3, 4)
        ):
            raise entry._fail("rating", "1 to 4 for a review, and null only for a reset")
        stage_before = entry.item.get("stage_before")
        reviews.append(
            Review(
                id=entry.text("id"),
                card_key=entry.text("card_key"),
                rating=Rating(rating) if rating is not None else None,
                reviewed_at=entry.required_time("reviewed_at"),
                duration_ms=entry.integer("duration_ms", optional=True),
                installation_id=entry.text("installation_id"),
                kind=kind,
                stage_before=entry.choice("stage_before", Stage)
                if stage_before is not None
                else None,
            )
        )
    states = [
        CardState(
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
        for entry in _entries(data, "card_states")
    ]
    marks = {
        entry.text("card_key"): CardMarks(
            entry.flag("suspended"), entry.time("buried_until", optional=True), entry.flag("leech")
        )
        for entry in _entries(data, "marks")
    }
    drafts = [
        (entry.text("card_key"), entry.text("code"), entry.required_time("updated_at"))
        for entry in _entries(data, "drafts")
    ]
    attempts = []
    for entry in _entries(data, "attempts"):
        summary = entry.item.get("summary") or {}
        if not isinstance(summary, dict):
            raise entry._fail("summary", "an object")
        attempts.append(
            Attempt(
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
        )
    for section, keys in (
        ("reviews", [review.id for review in reviews]),
        ("card_states", [state.key for state in states]),
        ("marks", [entry.text("card_key") for entry in _entries(data, "marks")]),
        ("drafts", [key for key, _, _ in drafts]),
        ("attempts", [attempt.id for attempt in attempts]),
    ):
        if len(set(keys)) != len(keys):
            repeated = next(key for key in keys if keys.count(key) > 1)
            raise BackupError(f"the backup is damaged: {section} holds {repeated!r} twice")
    fit = data.get("fit") or {}
    if not isinstance(fit, dict):
        raise BackupError("the backup is damaged: fit is not an object")
    installation = data.get("installation_id")
    if installation is not None and not isinstance(installation, str):
        raise BackupError("the backup is damaged: installation_id is not a string")
    settings = data.get("settings") or {}
    return Restorable(
        reviews=reviews,
        states=states,
        marks=marks,
        drafts=drafts,
        attempts=attempts,
        fitted_parameters=_fitted_parameters(data),
        fit=fit,
        installation_id=installation or None,
        settings=settings if isinstance(settings, dict) else {},
    )


def restore_backup(store: Store, data: dict[str, Any]) -> dict[str, Any]:
    """Restore a backup into an empty store, all or nothing; returns the settings it carried."""
    contents = read_backup_contents(data)
    if not store.is_empty():
        raise BackupError(
            "the home already holds a history; restore into an empty home (--home NEW_FOLDER)"
        )
    store.restore(contents)
    return contents.settings


def write_backup_file(store: Store, settings: dict[str, Any], now: datetime, path: Path) -> None:
    """``prep export``: the backup written beside its name, flushed, then renamed."""
    temporary = path.with_name(path.name + ".tmp")
    try:
        with temporary.open("w", encoding="utf-8") as handle:
            write_backup_json(store, settings, now, handle, indent=1)
            handle.flush()
            os.fsync(handle.fileno())
        temporary.replace(path)
    finally:
        temporary.unlink(missing_ok=True)


def write_json(path: Path, data: dict[str, Any]) -> None:
    """Written beside its name, flushed to disk, then renamed: a full disk or a crash
    leaves either the old file or the whole new one, and no partial copy."""
    temporary = path.with_name(path.name + ".tmp")
    try:
        with temporary.open("w", encoding="utf-8") as handle:
            handle.write(json.dumps(data, indent=1, ensure_ascii=False))
            handle.flush()
            os.fsync(handle.fileno())
        temporary.replace(path)
    finally:
        temporary.unlink(missing_ok=True)
