"""Moving history in and out: a review-log CSV, a full JSON backup, an Anki deck.

- ``import_review_csv``: rows ``card_id, review_rating, review_time,
  review_duration`` (the py-fsrs / Anki review-log export shape). Cards not
  in the content live in the ``imported`` deck. Review ids derive from the
  row, so importing the same file twice adds nothing.
- ``export_backup`` / ``restore_backup``: everything prep keeps, restored
  exactly into an empty home.
"""

from __future__ import annotations

import csv
import json
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from prep.clock import from_ms, to_ms
from prep.content.errors import ContentError
from prep.grading.attempts import Attempt
from prep.scheduling.marks import CardMarks
from prep.scheduling.memory import CardState, MemoryModel, Rating, Stage
from prep.scheduling.replay import Review, ReviewKind, replay_with_stages
from prep.store.repository import Store

IMPORTED_DECK = "imported"
IMPORT_INSTALLATION = "imported"
_NAMESPACE = uuid.UUID("6b0c8a52-56f4-4b4e-9b38-2f8d3c1e9a11")
CSV_COLUMNS = ("card_id", "review_rating", "review_time", "review_duration")
BACKUP_FORMAT = "prep-backup"
BACKUP_VERSION = 1


@dataclass
class ImportReport:
    rows: int = 0
    imported: int = 0
    already_present: int = 0
    cards: int = 0
    errors: list[ContentError] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "rows": self.rows,
            "imported": self.imported,
            "already_present": self.already_present,
            "cards": self.cards,
            "errors": [error.to_dict() for error in self.errors],
        }


def _parse_time(text: str) -> datetime:
    moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    if moment.tzinfo is None:
        raise ValueError("review_time needs a time zone (e.g. +00:00)")
    return moment.astimezone(UTC)


def _csv_reviews(path: Path, report: ImportReport) -> Iterator[Review]:
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        missing = [column for column in CSV_COLUMNS[:3] if column not in (reader.fieldnames or [])]
        if missing:
            report.errors.append(
                ContentError(
                    path,
                    1,
                    f"missing column(s): {', '.join(missing)}; expected {', '.join(CSV_COLUMNS)}",
                )
            )
            return
        for line_number, row in enumerate(reader, start=2):
            report.rows += 1
            try:
                card_id = (row.get("card_id") or "").strip()
                if not card_id:
                    raise ValueError("card_id is empty")
                rating = Rating(int(row["review_rating"]))
                reviewed_at = _parse_time(row["review_time"])
                raw_duration = (row.get("review_duration") or "").strip()
                duration = int(float(raw_duration)) if raw_duration else None
            except (KeyError, ValueError, TypeError) as exc:
                message = str(exc) if not isinstance(exc, KeyError) else f"missing {exc}"
                report.errors.append(ContentError(path, line_number, message))
                continue
            reviewed_at = from_ms(to_ms(reviewed_at))
            card_key = f"{IMPORTED_DECK}/{card_id}"
            identity = f"{card_key}|{to_ms(reviewed_at)}|{int(rating)}"
            yield Review(
                id=str(uuid.uuid5(_NAMESPACE, identity)),
                card_key=card_key,
                rating=rating,
                reviewed_at=reviewed_at,
                duration_ms=duration,
                installation_id=IMPORT_INSTALLATION,
            )


def import_review_csv(path: Path, store: Store, model: MemoryModel) -> ImportReport:
    report = ImportReport()
    try:
        incoming = list(_csv_reviews(path, report))
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        report.errors.append(ContentError(path, 1, f"cannot read: {exc}"))
        return report
    keys = {review.card_key for review in incoming}
    report.cards = len(keys)
    # Replay each touched card's whole history (old and new reviews), so that
    # states and each review's stage_before are what they would have been.
    existing = [review for review in store.reviews() if review.card_key in keys]
    known_ids = {review.id for review in existing}
    fresh = [review for review in incoming if review.id not in known_ids]
    fresh_ids = {review.id for review in fresh}
    states, annotated = replay_with_stages([*existing, *fresh], model)
    report.imported = store.add_reviews(review for review in annotated if review.id in fresh_ids)
    report.already_present = len(incoming) - report.imported
    store.write_states(states[key] for key in keys if key in states)
    return report


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
    marks = store.marks()
    drafts = store.drafts()
    return {
        "format": BACKUP_FORMAT,
        "version": BACKUP_VERSION,
        "exported_at": now.isoformat(),
        "installation_id": store.installation_id,
        "reviews": [_review_json(review) for review in store.reviews(include_resets=True)],
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


def _time(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def restore_backup(store: Store, data: dict[str, Any]) -> dict[str, Any]:
    """Restore a backup into an empty store; returns the settings it carried."""
    if data.get("format") != BACKUP_FORMAT:
        raise BackupError("not a prep backup (no 'format: prep-backup')")
    if data.get("version") != BACKUP_VERSION:
        raise BackupError(
            f"backup version {data.get('version')} is not supported (this prep reads {BACKUP_VERSION})"
        )
    if not store.is_empty():
        raise BackupError(
            "the home already holds a history; restore into an empty home (--home NEW_FOLDER)"
        )
    try:
        reviews = [
            Review(
                id=item["id"],
                card_key=item["card_key"],
                rating=Rating(item["rating"]) if item.get("rating") else None,
                reviewed_at=datetime.fromisoformat(item["reviewed_at"]),
                duration_ms=item.get("duration_ms"),
                installation_id=item["installation_id"],
                kind=ReviewKind(item.get("kind", "review")),
                stage_before=Stage(item["stage_before"])
                if item.get("stage_before") is not None
                else None,
            )
            for item in data.get("reviews", [])
        ]
        states = [
            CardState(
                key=item["card_key"],
                stage=Stage(item["stage"]),
                step=item.get("step"),
                stability=item.get("stability"),
                difficulty=item.get("difficulty"),
                due=datetime.fromisoformat(item["due"]),
                last_review=_time(item.get("last_review")),
                reps=int(item.get("reps", 0)),
                lapses=int(item.get("lapses", 0)),
            )
            for item in data.get("card_states", [])
        ]
        attempts = [
            Attempt(
                id=item["id"],
                card_key=item["card_key"],
                kind=item["kind"],
                submitted_at=datetime.fromisoformat(item["submitted_at"]),
                code=item["code"],
                passed=bool(item["passed"]),
                summary=item.get("summary") or {},
                duration_ms=int(item.get("duration_ms", 0)),
                installation_id=item["installation_id"],
            )
            for item in data.get("attempts", [])
        ]
    except (KeyError, TypeError, ValueError) as exc:
        raise BackupError(f"the backup is damaged: {exc!r}") from exc
    store.add_reviews(reviews)
    store.write_states(states)
    for item in data.get("marks", []):
        store.set_marks(
            item["card_key"],
            CardMarks(
                bool(item["suspended"]), _time(item.get("buried_until")), bool(item["leech"])
            ),
        )
    for item in data.get("drafts", []):
        store.save_draft(item["card_key"], item["code"], datetime.fromisoformat(item["updated_at"]))
    for attempt in attempts:
        store.record_attempt(attempt)
    if data.get("fitted_parameters"):
        store.save_fit(tuple(float(p) for p in data["fitted_parameters"]), data.get("fit") or {})
    if data.get("installation_id"):
        store.set_installation_id(str(data["installation_id"]))
    settings = data.get("settings") or {}
    return settings if isinstance(settings, dict) else {}


def write_json(path: Path, data: dict[str, Any]) -> None:
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(json.dumps(data, indent=1, ensure_ascii=False), encoding="utf-8")
    temporary.replace(path)
