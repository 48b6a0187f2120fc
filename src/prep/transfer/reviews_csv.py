"""Importing a review history from CSV: rows ``card_id, review_rating,
review_time, review_duration`` (the py-fsrs / Anki review-log export shape).

Cards not in the content live in the ``imported`` deck. Review ids derive
from the row, so importing the same file twice adds nothing.
"""

from __future__ import annotations

import csv
import math
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from prep.clock import from_ms, to_ms
from prep.content.errors import ContentError
from prep.scheduling.memory import MemoryModel, Rating
from prep.scheduling.replay import Review
from prep.transfer.review_merge import merge_reviews

if TYPE_CHECKING:
    from prep.store.repository import Store

IMPORTED_DECK = "imported"
IMPORT_INSTALLATION = "imported"
_NAMESPACE = uuid.UUID("6b0c8a52-56f4-4b4e-9b38-2f8d3c1e9a11")
CSV_COLUMNS = ("card_id", "review_rating", "review_time", "review_duration")


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


MAX_CSV_BYTES = 256 * 1024 * 1024
# A review from the future is a clock or export error: refused, not scheduled from.
FUTURE_SLACK = timedelta(days=1)


def _parse_time(text: str | None, now: datetime) -> datetime:
    if text is None:
        raise ValueError("review_time is missing")
    try:
        moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        raise ValueError(f"review_time {text.strip()[:40]!r} is not an ISO date and time") from None
    if moment.tzinfo is None:
        raise ValueError("review_time needs a time zone (e.g. +00:00)")
    moment = moment.astimezone(UTC)
    if moment > now + FUTURE_SLACK:
        raise ValueError(f"review_time {text.strip()} is in the future")
    return moment


def _parse_duration(text: str | None) -> int | None:
    raw = (text or "").strip()
    if not raw:
        return None
    try:
        value = float(raw)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or not 0 <= value <= MAX_DURATION_MS:
        raise ValueError(f"review_duration {raw[:40]} is not a number of milliseconds up to a day")
    return int(value)


MAX_DURATION_MS = 86_400_000


def _csv_reviews(path: Path, report: ImportReport, now: datetime) -> Iterator[Review]:
    if path.is_file() and path.stat().st_size > MAX_CSV_BYTES:
        raise ValueError(f"the file is larger than {MAX_CSV_BYTES // 2**20} MiB")
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
                raw_rating = (row.get("review_rating") or "").strip()
                if not raw_rating:
                    raise ValueError("review_rating is missing")
                if raw_rating not in ("1", "2", "3", "4"):
                    raise ValueError(f"review_rating {raw_rating[:40]!r} is not 1, 2, 3 or 4")
                rating = Rating(int(raw_rating))
                reviewed_at = _parse_time(row.get("review_time"), now)
                duration = _parse_duration(row.get("review_duration"))
            except (ValueError, OverflowError) as exc:
                report.errors.append(ContentError(path, line_number, str(exc)))
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


def import_review_csv(
    path: Path, store: Store, model: MemoryModel, now: datetime | None = None
) -> ImportReport:
    report = ImportReport()
    try:
        incoming = list(_csv_reviews(path, report, now or datetime.now(UTC)))
    except (OSError, UnicodeDecodeError, csv.Error, ValueError) as exc:
        report.errors.append(ContentError(path, 1, f"cannot read: {exc}"))
        return report
    merged = merge_reviews(incoming, store, model)
    report.imported, report.already_present, report.cards = (
        merged.imported,
        merged.already_present,
        merged.cards,
    )
    return report
