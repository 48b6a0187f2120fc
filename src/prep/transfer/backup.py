"""The full backup: everything prep keeps, written to JSON by
``export_backup`` and restored exactly into an empty home by ``restore_backup``."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

from prep.grading.attempts import Attempt
from prep.scheduling.marks import CardMarks
from prep.scheduling.memory import CardState, Rating, Stage
from prep.scheduling.replay import Review, ReviewKind
from prep.store.repository import Store

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
