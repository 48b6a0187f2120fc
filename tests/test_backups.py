"""Automatic backups: written compressed and atomically, thinned as Anki thins
them, listed by `prep backups`, and brought back by `prep restore` after the
database was destroyed — the damaged file moved aside, never deleted."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from prep.content import Library
from prep.scheduling.memory import Rating
from prep.settings import Settings
from prep.store import Store
from prep.study.session import StudySession
from prep.transfer.backups import (
    KEEP_LATEST,
    backup_due,
    kept,
    list_backups,
    read_backup,
    write_backup,
)
from tests.conftest import FakeClock, counting_ids
from tests.helpers import run_prep

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)


def test_a_backup_is_a_compressed_copy_of_everything_export_writes(
    library: Library, store: Store, tmp_path: Path
) -> None:
    session = StudySession(library, store, Settings(), UTC, FakeClock(NOW), counting_ids())
    prompt = session.next_prompt()
    assert prompt is not None
    session.answer(prompt, Rating.Good)
    home = tmp_path / "home"
    assert backup_due(home, NOW)
    backup = write_backup(store, Settings(new_per_day=3).to_dict(), home, NOW)
    assert backup.path.name == "prep-20260310-120000.json.gz"
    assert backup.path.read_bytes()[:2] == b"\x1f\x8b"  # gzip
    data = read_backup(backup.path, 10 * 1024 * 1024)
    assert data["format"] == "prep-backup" and len(data["reviews"]) == 1
    assert data["settings"]["new_per_day"] == 3
    assert not backup_due(home, NOW + timedelta(minutes=29))
    assert backup_due(home, NOW + timedelta(minutes=30))
    assert [b.name for b in list_backups(home)] == [backup.path.name]
    assert not list(backup.path.parent.glob("*.tmp"))


def test_rotation_keeps_the_newest_then_one_a_day_a_week_a_month(tmp_path: Path) -> None:
    home = tmp_path / "home"
    folder = home / "backups"
    folder.mkdir(parents=True)
    # A backup every 6 hours for 500 days.
    for moment in (NOW - timedelta(hours=6 * n) for n in range(500 * 4)):
        (folder / f"prep-{moment:%Y%m%d-%H%M%S}.json.gz").write_bytes(b"")
    backups = list_backups(home)
    keep = kept(backups, NOW)
    newest_first = [b.path for b in backups]
    assert set(newest_first[:KEEP_LATEST]) <= keep
    days = sorted({b.made_at.date() for b in backups}, reverse=True)[:7]
    for day in days:  # the newest backup of each of the last 7 days
        assert next(b.path for b in backups if b.made_at.date() == day) in keep
    months = sorted({(b.made_at.year, b.made_at.month) for b in backups}, reverse=True)
    assert next(b.path for b in backups if (b.made_at.year, b.made_at.month) == months[11]) in keep
    assert (
        next(b.path for b in backups if (b.made_at.year, b.made_at.month) == months[12]) not in keep
    )
    assert len(keep) <= 8 + 7 + 4 + 12
    assert backups[-1].path not in keep  # 500 days back is past the monthly window


def test_restore_brings_the_history_back_after_the_database_is_destroyed(
    library: Library, store: Store, tmp_path: Path
) -> None:
    session = StudySession(library, store, Settings(), UTC, FakeClock(NOW), counting_ids())
    for _ in range(3):
        prompt = session.next_prompt()
        assert prompt is not None
        session.answer(prompt, Rating.Easy)
    home = tmp_path / "home"
    write_backup(store, Settings().to_dict(), home, NOW)
    store.close()
    for suffix in ("-wal", "-shm"):
        (home / f"prep.db{suffix}").unlink(missing_ok=True)
    (home / "prep.db").write_bytes(b"garbage" * 4096)

    broken = run_prep("--home", str(home), "--no-builtin", "stats")
    assert broken.returncode == 1
    assert "prep restore" in broken.stderr and len(broken.stderr.strip().splitlines()) == 1
    listed = run_prep("--home", str(home), "backups", "--json")
    assert [b["name"] for b in json.loads(listed.stdout)["backups"]] == [
        "prep-20260310-120000.json.gz"
    ]
    restored = run_prep("--home", str(home), "--no-builtin", "restore")
    assert restored.returncode == 0, restored.stderr
    assert "restored 3 reviews" in restored.stdout
    stats = run_prep("--home", str(home), "--no-builtin", "stats", "--json")
    assert stats.returncode == 0 and json.loads(stats.stdout)["reviews_total"] == 3
    (aside,) = home.glob("prep.db.before-restore-*")
    assert aside.read_bytes() == b"garbage" * 4096  # moved aside, never deleted


def test_restore_names_what_it_cannot_find(tmp_path: Path) -> None:
    none = run_prep("--home", str(tmp_path / "home"), "restore")
    assert none.returncode == 1 and "no backups" in none.stderr


def test_rotation_deletes_only_what_it_does_not_keep(store: Store, tmp_path: Path) -> None:
    home = tmp_path / "home"
    for minutes in range(0, 12 * 30, 30):  # twelve backups, half an hour apart, one day
        write_backup(store, {}, home, NOW + timedelta(minutes=minutes))
    names = [b.name for b in list_backups(home)]
    assert len(names) == KEEP_LATEST
    assert names[0] == "prep-20260310-173000.json.gz"
