"""A backup restored from its file, a member and a chunk of entries at a time: the
same home as one parsed whole, and on any fault, however far in, nothing at all."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from prep.store import Store
from prep.transfer import backup
from prep.transfer.backup import (
    BackupError,
    backup_members,
    export_backup,
    restore_backup,
    restore_backup_members,
)

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)


def review(n: int, key: str = "alpha/card-1") -> dict[str, Any]:
    return {
        "id": f"r-{n}",
        "card_key": key,
        "rating": 1 + n % 4,
        "reviewed_at": (NOW + timedelta(minutes=n)).isoformat(),
        "duration_ms": 1000 + n,
        "installation_id": "install-b",
        "stage_before": 2 if n > 1 else 0,
    }


def data(reviews: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "format": "prep-backup",
        "version": 1,
        "installation_id": "install-b",
        "reviews": reviews,
        "card_states": [
            {"card_key": "alpha/card-1", "stage": 2, "due": "2026-03-14T08:30:00+00:00"}
        ],
        "settings": {"new_per_day": 7},
        "fitted_parameters": [0.5] * 21,
        "fit": {"reviews": 20},
    }


@pytest.fixture(autouse=True)
def small_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(backup, "CHUNK", 3)  # so that 20 reviews take several chunks


def restore_file(store: Store, path: Path, text: str) -> dict[str, Any]:
    path.write_text(text, encoding="utf-8")
    with path.open("rb") as handle:
        return restore_backup_members(store, backup_members(handle, 1 << 20))


def test_a_backup_from_its_file_restores_the_home_a_parsed_one_restores(
    store: Store, tmp_path: Path
) -> None:
    parsed = Store.open(tmp_path / "parsed.db")
    try:
        content = data([review(n) for n in range(20)])
        assert restore_file(store, tmp_path / "b.json", json.dumps(content, indent=1)) == {
            "new_per_day": 7
        }
        restore_backup(parsed, content)
        assert export_backup(store, {}, NOW) == export_backup(parsed, {}, NOW)
        assert store.count_reviews() == 20 and store.installation_id == "install-b"
    finally:
        parsed.close()


def test_members_in_any_order_restore_the_same_home(store: Store, tmp_path: Path) -> None:
    content = data([review(n) for n in range(7)])
    # As `jq -S` writes it: the reviews come before the format and version.
    restore_file(store, tmp_path / "b.json", json.dumps(content, sort_keys=True))
    assert store.count_reviews() == 7 and store.fitted_parameters() == (0.5,) * 21


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (lambda r: r[17].pop("id"), "reviews[17].id must be a string"),
        (lambda r: r[19].__setitem__("rating", 0), "reviews[19].rating must be 1 to 4"),
        (lambda r: r.append({**review(30), "id": "r-4"}), "reviews holds 'r-4' twice"),
        (lambda r: r.insert(2, {**review(31), "id": "r-2"}), "reviews holds 'r-2' twice"),
        (lambda r: r.insert(5, review(4)), "reviews holds 'r-4' twice"),  # in one chunk
    ],
)
def test_a_fault_in_a_later_chunk_leaves_the_home_empty(
    store: Store, tmp_path: Path, damage: Any, message: str
) -> None:
    reviews = [review(n) for n in range(20)]
    damage(reviews)
    with pytest.raises(BackupError, match=re.escape(message)):
        restore_file(store, tmp_path / "b.json", json.dumps(data(reviews)))
    assert store.is_empty()
    assert store.fitted_parameters() is None


def test_a_file_cut_short_leaves_the_home_empty(store: Store, tmp_path: Path) -> None:
    text = json.dumps(data([review(n) for n in range(20)]), indent=1)
    with pytest.raises(json.JSONDecodeError, match="line"):
        restore_file(store, tmp_path / "b.json", text[: len(text) * 2 // 3])
    assert store.is_empty()


def test_a_list_given_twice_is_refused(store: Store, tmp_path: Path) -> None:
    text = '{"format": "prep-backup", "version": 1, "drafts": [], "drafts": []}'
    with pytest.raises(BackupError, match="it holds drafts twice"):
        restore_file(store, tmp_path / "b.json", text)
    assert store.is_empty()
