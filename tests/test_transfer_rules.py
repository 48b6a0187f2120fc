"""The rules of prep's automatic backups (``prep backups`` / ``prep restore``), pinned
in-process: where a backup is written and under which name, that the write is atomic,
when the next one is due (every 30 minutes of use), how the folder is thinned (the newest
8 plus one a day for a week, one a week for 4 weeks and one a month for a year), and how a
backup is read back, within a size bound.
"""

from __future__ import annotations

import gzip
import json
import time
import tracemalloc
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from prep.scheduling.memory import Rating, Stage
from prep.scheduling.replay import Review
from prep.store import Store
from prep.transfer.backup import export_backup
from prep.transfer.backups import (
    BackupFile,
    backup_due,
    backup_folder,
    kept,
    list_backups,
    read_backup,
    rotate,
    write_backup,
)

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)  # a Tuesday, in ISO week 11
MIB = 1024 * 1024


def _at(day: str, time: str = "12:00:00") -> datetime:
    return datetime.fromisoformat(f"{day}T{time}+00:00")


def _name(moment: datetime) -> str:
    return f"prep-{moment:%Y%m%d-%H%M%S}.json.gz"


def _series(moments: list[datetime]) -> list[BackupFile]:
    """Backups made at ``moments``, newest first, as ``list_backups`` gives them."""
    ordered = sorted(moments, reverse=True)
    return [BackupFile(Path(_name(moment)), moment, 0) for moment in ordered]


def _kept_names(moments: list[datetime]) -> list[str]:
    backups = _series(moments)
    keep = kept(backups, NOW)
    return [backup.name for backup in backups if backup.path in keep]


def _make_files(home: Path, moments: list[datetime]) -> Path:
    folder = home / "backups"
    folder.mkdir(parents=True, exist_ok=True)
    for moment in moments:
        (folder / _name(moment)).write_bytes(b"")
    return folder


@pytest.fixture
def local_clock_not_utc(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The machine's local time is five and a half hours ahead of UTC."""
    monkeypatch.setenv("TZ", "IST-5:30")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def _one_review(store: Store) -> None:
    store.add_reviews(
        [Review("r-1", "alpha/card-1", Rating.Good, NOW, 1500, "install-a", stage_before=Stage.NEW)]
    )


# -- where backups are and when the next is due ----------------------------------------


def test_backups_live_in_the_backups_folder_of_the_home(tmp_path: Path) -> None:
    assert backup_folder(tmp_path / "home") == tmp_path / "home" / "backups"


def test_with_no_backup_folder_nothing_is_listed_and_a_backup_is_due(tmp_path: Path) -> None:
    assert list_backups(tmp_path / "home") == []
    assert backup_due(tmp_path / "home", NOW)


def test_backups_are_listed_newest_first_with_time_and_size_and_other_files_ignored(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "home" / "backups"
    folder.mkdir(parents=True)
    (folder / "prep-20260308-090501.json.gz").write_bytes(b"x" * 5)
    (folder / "prep-20260310-120000.json.gz").write_bytes(b"x" * 3)
    # Not prep's backups: stamps that are not a time, another name, another suffix.
    for name in (
        "prep-latest.json.gz",
        "prep-2026-03-10.json.gz",
        "prep-20261310-120000.json.gz",
        "prep-.json.gz",
        "notes-20260311-000000.json.gz",
        "prep-20260311-000000.json",
    ):
        (folder / name).write_bytes(b"?")
    (folder / "prep-20260309-070000.json.gz").write_bytes(b"x" * 7)
    (folder / "prep-20250101-000000.json.gz").write_bytes(b"")
    listed = list_backups(tmp_path / "home")
    assert listed == [
        BackupFile(folder / "prep-20260310-120000.json.gz", NOW, 3),
        BackupFile(folder / "prep-20260309-070000.json.gz", _at("2026-03-09", "07:00:00"), 7),
        BackupFile(folder / "prep-20260308-090501.json.gz", _at("2026-03-08", "09:05:01"), 5),
        BackupFile(folder / "prep-20250101-000000.json.gz", _at("2025-01-01", "00:00:00"), 0),
    ]
    assert [backup.name for backup in listed] == [
        "prep-20260310-120000.json.gz",
        "prep-20260309-070000.json.gz",
        "prep-20260308-090501.json.gz",
        "prep-20250101-000000.json.gz",
    ]
    assert [backup.made_at.tzinfo for backup in listed] == [UTC] * 4


def test_a_backup_is_due_thirty_minutes_after_the_newest_one(tmp_path: Path) -> None:
    home = tmp_path / "home"
    _make_files(home, [NOW - timedelta(hours=10), NOW])
    assert not backup_due(home, NOW)
    assert not backup_due(home, NOW + timedelta(minutes=29, seconds=59))
    assert backup_due(home, NOW + timedelta(minutes=30))
    assert backup_due(home, NOW + timedelta(minutes=31))


# -- writing a backup --------------------------------------------------------------------


def test_a_backup_is_the_compressed_export_named_by_its_utc_time(
    store: Store, tmp_path: Path
) -> None:
    _one_review(store)
    home = tmp_path / "new" / "home"  # not made yet
    settings = {"new_per_day": 3, "note": "Zoë"}
    backup = write_backup(store, settings, home, NOW)
    path = home / "backups" / "prep-20260310-120000.json.gz"
    assert backup == BackupFile(path, NOW, path.stat().st_size)
    assert backup.name == "prep-20260310-120000.json.gz"
    raw = gzip.decompress(path.read_bytes())
    assert json.loads(raw) == export_backup(store, settings, NOW)
    assert '"note": "Zoë"'.encode() in raw  # UTF-8 as is, not \u escapes
    assert read_backup(path, MIB)["reviews"] == [
        {
            "id": "r-1",
            "card_key": "alpha/card-1",
            "rating": 3,
            "reviewed_at": "2026-03-10T12:00:00+00:00",
            "duration_ms": 1500,
            "installation_id": "install-a",
            "kind": "review",
            "stage_before": 0,
            "seq": None,
        }
    ]
    assert sorted(p.name for p in (home / "backups").iterdir()) == [path.name]


def test_a_backup_made_in_another_time_zone_is_named_by_its_utc_time(
    store: Store, tmp_path: Path
) -> None:
    paris = timezone(timedelta(hours=1))
    moment = datetime(2026, 3, 10, 13, 30, 5, tzinfo=paris)
    backup = write_backup(store, {}, tmp_path / "home", moment)
    assert backup.name == "prep-20260310-123005.json.gz"
    assert backup.made_at == moment
    assert read_backup(backup.path, MIB)["exported_at"] == "2026-03-10T13:30:05+01:00"


def test_a_backup_is_named_by_its_utc_time_whatever_the_local_clock(
    store: Store, tmp_path: Path, local_clock_not_utc: None
) -> None:
    home = tmp_path / "home"
    backup = write_backup(store, {}, home, NOW)
    assert backup.name == "prep-20260310-120000.json.gz"
    assert [(b.name, b.made_at) for b in list_backups(home)] == [(backup.name, NOW)]


def test_a_second_backup_goes_beside_the_first(store: Store, tmp_path: Path) -> None:
    home = tmp_path / "home"
    write_backup(store, {}, home, NOW)
    write_backup(store, {}, home, NOW + timedelta(minutes=30))
    assert [b.name for b in list_backups(home)] == [
        "prep-20260310-123000.json.gz",
        "prep-20260310-120000.json.gz",
    ]


def test_a_backup_that_cannot_be_put_in_place_leaves_no_partial_file(
    store: Store, tmp_path: Path
) -> None:
    home = tmp_path / "home"
    blocked = home / "backups" / "prep-20260310-120000.json.gz"
    blocked.mkdir(parents=True)  # a folder where the backup should go
    (blocked / "inside").write_bytes(b"kept")
    with pytest.raises(OSError):
        write_backup(store, {}, home, NOW)
    assert sorted(p.name for p in (home / "backups").iterdir()) == [blocked.name]
    assert (blocked / "inside").read_bytes() == b"kept"


def test_writing_a_backup_thins_the_folder(store: Store, tmp_path: Path) -> None:
    home = tmp_path / "home"
    earlier = [NOW - timedelta(minutes=10 * n) for n in range(1, 10)]  # 9, the same day
    folder = _make_files(home, earlier)
    (folder / "mine.txt").write_bytes(b"mine")
    write_backup(store, {}, home, NOW)
    assert sorted(p.name for p in folder.iterdir()) == [
        "mine.txt",
        "prep-20260310-105000.json.gz",
        "prep-20260310-110000.json.gz",
        "prep-20260310-111000.json.gz",
        "prep-20260310-112000.json.gz",
        "prep-20260310-113000.json.gz",
        "prep-20260310-114000.json.gz",
        "prep-20260310-115000.json.gz",
        "prep-20260310-120000.json.gz",
    ]


# -- thinning: the newest 8, then one a day, a week, a month ---------------------------


def test_the_newest_eight_are_kept_and_a_ninth_of_the_same_day_goes() -> None:
    moments = [NOW - timedelta(minutes=10 * n) for n in range(9)]
    assert _kept_names(moments) == [
        "prep-20260310-120000.json.gz",
        "prep-20260310-115000.json.gz",
        "prep-20260310-114000.json.gz",
        "prep-20260310-113000.json.gz",
        "prep-20260310-112000.json.gz",
        "prep-20260310-111000.json.gz",
        "prep-20260310-110000.json.gz",
        "prep-20260310-105000.json.gz",
    ]


def test_beyond_the_newest_eight_the_last_backup_of_each_of_seven_days_is_kept() -> None:
    today = [NOW - timedelta(minutes=n) for n in range(8)]
    days = [
        _at(f"2026-03-{day:02d}", time) for day in range(1, 10) for time in ("09:00:00", "18:00:00")
    ]
    assert _kept_names(today + days) == [
        *(_name(moment) for moment in today),
        # one a day for the 7 newest days: today (above) and the six before
        "prep-20260309-180000.json.gz",
        "prep-20260308-180000.json.gz",
        "prep-20260307-180000.json.gz",
        "prep-20260306-180000.json.gz",
        "prep-20260305-180000.json.gz",
        "prep-20260304-180000.json.gz",
        # 3 and 2 March are in week 10, whose last backup (8 March) is kept;
        # 1 March is the last of week 9
        "prep-20260301-180000.json.gz",
    ]


def test_a_backup_a_day_for_400_days_keeps_8_days_4_weeks_and_12_months() -> None:
    moments = [NOW - timedelta(days=n) for n in range(400)]  # back to 4 February 2025
    assert _kept_names(moments) == [
        # the newest 8, which hold the 7 days
        "prep-20260310-120000.json.gz",
        "prep-20260309-120000.json.gz",
        "prep-20260308-120000.json.gz",  # the last of week 10
        "prep-20260307-120000.json.gz",
        "prep-20260306-120000.json.gz",
        "prep-20260305-120000.json.gz",
        "prep-20260304-120000.json.gz",
        "prep-20260303-120000.json.gz",
        "prep-20260301-120000.json.gz",  # week 9
        "prep-20260228-120000.json.gz",  # February
        "prep-20260222-120000.json.gz",  # week 8, the fourth week
        "prep-20260131-120000.json.gz",
        "prep-20251231-120000.json.gz",
        "prep-20251130-120000.json.gz",
        "prep-20251031-120000.json.gz",
        "prep-20250930-120000.json.gz",
        "prep-20250831-120000.json.gz",
        "prep-20250731-120000.json.gz",
        "prep-20250630-120000.json.gz",
        "prep-20250531-120000.json.gz",
        "prep-20250430-120000.json.gz",  # the twelfth month
    ]


def test_rotation_deletes_what_is_not_kept_and_leaves_other_files(tmp_path: Path) -> None:
    home = tmp_path / "home"
    moments = [NOW - timedelta(minutes=10 * n) for n in range(11)]
    folder = _make_files(home, moments)
    for name in ("prep-latest.json.gz", "notes.txt"):
        (folder / name).write_bytes(b"mine")
    gone = rotate(home, NOW)
    assert gone == [
        folder / "prep-20260310-104000.json.gz",
        folder / "prep-20260310-103000.json.gz",
        folder / "prep-20260310-102000.json.gz",
    ]
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        ["notes.txt", "prep-latest.json.gz", *(_name(m) for m in moments[:8])]
    )
    assert rotate(home, NOW) == []


# -- reading a backup back ------------------------------------------------------------


def test_a_compressed_or_plain_backup_is_read_back(tmp_path: Path) -> None:
    data = {"format": "prep-backup", "version": 1, "settings": {"note": "Zoë"}}
    text = json.dumps(data, ensure_ascii=False).encode("utf-8")
    compressed = tmp_path / "prep-20260310-120000.json.gz"
    compressed.write_bytes(gzip.compress(text))
    plain = tmp_path / "backup.json"
    plain.write_bytes(text)
    assert read_backup(compressed, MIB) == data
    assert read_backup(plain, MIB) == data


def test_a_backup_is_read_up_to_its_limit_and_refused_past_it(tmp_path: Path) -> None:
    limit = 2 * MIB
    exact = b'{"pad": "' + b"a" * (limit - 11) + b'"}'
    assert len(exact) == limit
    path = tmp_path / "prep-20260310-120000.json.gz"
    path.write_bytes(gzip.compress(exact))
    assert read_backup(path, limit) == {"pad": "a" * (limit - 11)}
    with pytest.raises(ValueError) as raised:
        read_backup(path, limit - 1)
    assert str(raised.value) == "larger than 1 MiB"
    plain = tmp_path / "backup.json"
    plain.write_bytes(exact + b" ")
    with pytest.raises(ValueError) as raised:
        read_backup(plain, limit)
    assert str(raised.value) == "larger than 2 MiB"


def test_a_huge_backup_is_refused_without_being_read_whole(tmp_path: Path) -> None:
    path = tmp_path / "prep-20260310-120000.json.gz"
    with gzip.open(path, "wb") as handle:
        for _ in range(64):  # 64 MiB once uncompressed, a few hundred KiB on disk
            handle.write(b" " * MIB)
    tracemalloc.start()
    try:
        with pytest.raises(ValueError) as raised:
            read_backup(path, MIB)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert str(raised.value) == "larger than 1 MiB"
    assert peak < 16 * MIB


def test_a_file_holding_json_that_is_not_an_object_is_not_a_backup(tmp_path: Path) -> None:
    path = tmp_path / "backup.json"
    path.write_text("[1, 2]", encoding="utf-8")
    with pytest.raises(ValueError) as raised:
        read_backup(path, MIB)
    assert str(raised.value) == "not a prep backup"
