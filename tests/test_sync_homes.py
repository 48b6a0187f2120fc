"""Sync between real homes (SQLite databases in temporary folders) through one folder."""

from __future__ import annotations

import io
import json
import os
import shutil
from collections.abc import Iterator
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from prep.cli import main
from prep.content import Library, load_library
from prep.grading.attempts import Attempt
from prep.scheduling.memory import Rating
from prep.settings import Settings, load_settings, save_settings
from prep.store import Store
from prep.study.actions import set_suspended
from prep.study.session import StudySession
from prep.transfer.sync.exchange import SyncReport, auto_sync, sync_home
from prep.transfer.sync.merge import Replica
from prep.transfer.sync.setup import SyncSetup, save_sync_setup
from tests.conftest import FakeClock, counting_ids, database_at_revision, qa_deck_yaml

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)


@dataclass
class Home:
    """One machine: its database, its settings file and its study sessions."""

    name: str
    folder: Path
    library: Library
    clock: FakeClock
    store: Store = field(init=False)

    def __post_init__(self) -> None:
        self.store = Store.open(self.folder / "prep.db")
        self.new_id = counting_ids()

    @property
    def settings_file(self) -> Path:
        return self.folder / "settings.toml"

    def session(self) -> StudySession:
        settings, _ = load_settings(self.settings_file)
        ids = self.new_id
        return StudySession(
            self.library, self.store, settings, UTC, self.clock, lambda: f"{self.name}-{ids()}"
        )

    def study(self, count: int, rating: Rating = Rating.Good) -> StudySession:
        session = self.session()
        for _ in range(count):
            prompt = session.next_prompt()
            assert prompt is not None
            session.answer(prompt, rating)
            self.clock.advance(minutes=2)
        return session

    def sync(self, folder: Path) -> SyncReport:
        self.clock.advance(seconds=5)
        return sync_home(self.store, self.settings_file, folder, self.clock())

    def history(self) -> tuple[object, ...]:
        return (
            self.store.card_states(),
            sorted(self.store.reviews(), key=lambda r: r.id),
            self.store.count_reviews(),
            self.store.marks(),
            load_settings(self.settings_file)[0],
            self.store.fitted_parameters(),
        )


@pytest.fixture
def library(tmp_path: Path) -> Library:
    decks = tmp_path / "decks"
    decks.mkdir()
    (decks / "alpha.yaml").write_text(qa_deck_yaml("alpha", 8), encoding="utf-8")
    return load_library([decks])


@pytest.fixture
def sync_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "sync"
    folder.mkdir()
    return folder


@pytest.fixture
def homes(tmp_path: Path, library: Library) -> Iterator[dict[str, Home]]:
    clock = FakeClock(NOW)  # one clock: the machines take turns
    made = {name: Home(name, tmp_path / name, library, clock) for name in "AB"}
    yield made
    for home in made.values():
        home.store.close()


@pytest.mark.parametrize(
    "plan",
    [
        # study on A, sync it; study on B, sync it; then A, then B again
        ["A3", "sA", "B2", "sB", "sA", "sB"],
        # both study before either syncs (the same new cards, on both machines)
        ["A3", "B4", "sB", "sA", "sB"],
        # turns, each machine syncing before and after it studies
        ["sA", "A2", "sA", "sB", "B2", "sB", "sA", "A1", "sA", "sB"],
        # a sync that brings nothing, repeated
        ["A2", "sA", "sA", "sB", "sB", "B1", "sB", "sA", "sA"],
    ],
)
def test_two_homes_in_any_order_come_to_one_history(
    homes: dict[str, Home], sync_dir: Path, plan: list[str]
) -> None:
    studied = 0
    for step in plan:
        if step.startswith("s"):
            homes[step[1]].sync(sync_dir)
        else:
            homes[step[0]].study(int(step[1:]), Rating.Good if step[0] == "A" else Rating.Hard)
            studied += int(step[1:])
    a, b = homes["A"], homes["B"]
    assert a.history() == b.history()
    assert a.store.count_reviews() == studied
    # Each review once, replayed: a further sync on either side changes nothing.
    before = a.history()
    assert a.sync(sync_dir).reviews_in == 0
    assert b.sync(sync_dir).reviews_in == 0
    assert a.history() == b.history() == before


def _attempt(home: Home, key: str, passed: bool) -> Attempt:
    return Attempt(
        id=f"{home.name}-attempt-{key}",
        card_key=key,
        kind="submit",
        submitted_at=home.clock(),
        code="def f():\n    return 1\n",
        passed=passed,
        summary={"passed": 3 if passed else 1, "total": 3},
        duration_ms=120,
        installation_id=home.store.installation_id,
    )


def test_kata_attempts_reach_the_other_home_once(homes: dict[str, Home], sync_dir: Path) -> None:
    a, b = homes["A"], homes["B"]
    a.store.record_attempt(_attempt(a, "alpha/card-1", passed=False))
    a.store.record_attempt(replace(_attempt(a, "alpha/card-1", passed=True), id="A-second"))
    b.store.record_attempt(_attempt(b, "alpha/card-2", passed=True))
    first = a.sync(sync_dir)
    assert (first.attempts_in, first.attempts_out) == (0, 2)
    report = b.sync(sync_dir)
    assert (report.attempts_in, report.attempts_out) == (2, 1)
    assert "kata attempts 2 in, 1 out" in report.summary()
    a.sync(sync_dir)
    assert sorted(x.id for x in a.store.attempts()) == sorted(x.id for x in b.store.attempts())
    assert len(a.store.attempts()) == 3
    # Once everywhere: syncing again brings and writes nothing.
    assert (a.sync(sync_dir).attempts_in, b.sync(sync_dir).attempts_out) == (0, 0)
    assert len(list((sync_dir / a.store.installation_id).glob("attempts-*.seg"))) == 1
    assert a.store.attempts(card_key="alpha/card-2")[0].summary == {"passed": 3, "total": 3}


def test_each_installation_writes_only_its_own_files(
    homes: dict[str, Home], sync_dir: Path
) -> None:
    a, b = homes["A"], homes["B"]
    a.study(2)
    a.sync(sync_dir)
    written = {path: path.read_bytes() for path in (sync_dir / a.store.installation_id).iterdir()}
    b.study(2)
    b.sync(sync_dir)
    a.sync(sync_dir)
    assert sorted(child.name for child in sync_dir.iterdir()) == sorted(
        [a.store.installation_id, b.store.installation_id]
    )
    # A's first segment is never written again; B's reviews are in B's files only.
    for path, data in written.items():
        if path.name.startswith("log-"):
            assert path.read_bytes() == data
    b_files = b"".join(p.read_bytes() for p in (sync_dir / b.store.installation_id).iterdir())
    assert b"B-" in b_files


def _cut_copy(source: Path, target: Path, keep: int) -> Path:
    """``source`` copied into ``target``, its log's first segment cut to ``keep`` bytes
    (a sync tool half-way through copying it)."""
    shutil.copytree(source, target)
    segment = next(target.glob("*/log-000001.seg"))
    data = segment.read_bytes()
    segment.write_bytes(data[:keep])
    return segment


def test_a_truncated_file_is_skipped_then_merged_once_complete(
    homes: dict[str, Home], sync_dir: Path, tmp_path: Path
) -> None:
    a, b = homes["A"], homes["B"]
    a.study(4)
    a.sync(sync_dir)
    whole = next(sync_dir.glob("*/log-000001.seg")).read_bytes()
    copied = tmp_path / "copied"
    segment = _cut_copy(sync_dir, copied, len(whole) // 2)

    report = b.sync(copied)
    assert report.reviews_in == 0
    assert [skipped.path.split("/")[1] for skipped in report.skipped] == ["log-000001.seg"]
    assert "incomplete" in report.skipped[0].reason
    assert b.store.count_reviews() == 0

    segment.write_bytes(whole)  # the copy is done
    report = b.sync(copied)
    assert (report.reviews_in, report.skipped) == (4, ())
    assert b.sync(copied).reviews_in == 0
    assert b.store.count_reviews() == 4
    assert b.store.card_states() == a.store.card_states()


def test_a_file_cut_between_two_records_or_damaged_is_skipped(
    homes: dict[str, Home], sync_dir: Path, tmp_path: Path
) -> None:
    from prep.transfer.sync.framing import unframe

    a, b = homes["A"], homes["B"]
    a.study(3)
    a.sync(sync_dir)
    whole = next(sync_dir.glob("*/log-000001.seg")).read_bytes()
    records = unframe(whole).records
    boundary = len(whole) - len(records[-1]) - 12  # the last record left out exactly
    copied = tmp_path / "boundary"
    _cut_copy(sync_dir, copied, boundary)
    assert b.sync(copied).skipped
    assert b.store.count_reviews() == 0

    damaged = tmp_path / "damaged"
    segment = _cut_copy(sync_dir, damaged, len(whole))
    data = bytearray(whole)
    data[len(data) // 2] ^= 0xFF
    segment.write_bytes(bytes(data))
    assert b.sync(damaged).skipped
    assert b.store.count_reviews() == 0


def test_an_undone_review_is_taken_back_on_the_other_home(
    homes: dict[str, Home], sync_dir: Path
) -> None:
    a, b = homes["A"], homes["B"]
    session = a.study(3)
    a.sync(sync_dir)
    b.sync(sync_dir)
    assert b.store.count_reviews() == 3
    session.undo()
    a.sync(sync_dir)
    report = b.sync(sync_dir)
    assert report.undone == 1
    assert a.history() == b.history()
    assert b.store.count_reviews() == 2


def touch(path: Path, at: datetime) -> None:
    """The file written at ``at``: a settings change is stamped with its file's time."""
    os.utime(path, ns=(int(at.timestamp() * 1e9),) * 2)


def test_marks_and_settings_take_the_latest_change(homes: dict[str, Home], sync_dir: Path) -> None:
    a, b = homes["A"], homes["B"]
    a.study(2)
    set_suspended(a.store, "alpha/card-1", True, a.clock())
    a.clock.advance(minutes=1)
    save_settings(a.settings_file, Settings(desired_retention=0.85))
    touch(a.settings_file, a.clock())
    a.sync(sync_dir)
    report = b.sync(sync_dir)
    assert report.marks_changed == 1
    assert report.settings_changed == ("desired_retention",)
    assert b.store.marks()["alpha/card-1"].suspended
    assert load_settings(b.settings_file)[0].desired_retention == 0.85

    b.clock.advance(minutes=5)
    set_suspended(b.store, "alpha/card-1", False, b.clock())  # later: B's change wins
    save_settings(b.settings_file, Settings(desired_retention=0.85, new_per_day=7))
    touch(b.settings_file, b.clock())
    b.sync(sync_dir)
    a.sync(sync_dir)
    assert not a.store.marks()["alpha/card-1"].suspended
    assert load_settings(a.settings_file)[0].new_per_day == 7
    assert a.history() == b.history()


def test_fitted_parameters_travel_with_their_change(homes: dict[str, Home], sync_dir: Path) -> None:
    from prep.scheduling.memory import DEFAULT_PARAMETERS

    a, b = homes["A"], homes["B"]
    a.study(3)
    fitted = tuple(round(v * 1.01, 4) for v in DEFAULT_PARAMETERS)
    a.store.save_fit(fitted, {"reviews": 3})
    a.sync(sync_dir)
    assert b.sync(sync_dir).parameters_changed
    assert b.store.fitted_parameters() == fitted
    assert a.history() == b.history()


def test_a_home_restored_from_anothers_backup_takes_its_own_id(
    homes: dict[str, Home], sync_dir: Path
) -> None:
    a, b = homes["A"], homes["B"]
    a.study(2)
    a.sync(sync_dir)
    b.store.set_installation_id(a.store.installation_id)  # as `prep import` of A's backup
    report = b.sync(sync_dir)
    assert report.new_installation_id is not None
    assert b.store.installation_id == report.new_installation_id != a.store.installation_id
    b.study(1)
    b.sync(sync_dir)
    a.sync(sync_dir)
    assert a.history() == b.history()


def test_auto_sync_runs_only_when_asked(homes: dict[str, Home], sync_dir: Path) -> None:
    a = homes["A"]
    a.study(1)
    assert auto_sync(a.store, a.settings_file, NOW) is None
    save_sync_setup(a.store, SyncSetup(sync_dir, auto=False))
    assert auto_sync(a.store, a.settings_file, NOW) is None
    save_sync_setup(a.store, SyncSetup(sync_dir, auto=True))
    report = auto_sync(a.store, a.settings_file, NOW)
    assert report is not None and report.reviews_out == 1


# -- the command ---------------------------------------------------------------


def prep(home: Path, decks: Path, *args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = main(["--home", str(home), "--no-builtin", "--content", str(decks), *args])
    return code, out.getvalue(), err.getvalue()


def test_two_homes_study_and_sync_both_ways_to_the_same_stats(
    tmp_path: Path, library: Library, sync_dir: Path
) -> None:
    decks = tmp_path / "decks"
    # Studied days ago, so that nothing falls due between the two `prep stats`.
    clock = FakeClock(datetime.now(UTC).replace(microsecond=0) - timedelta(days=3))
    a = Home("A", tmp_path / "A", library, clock)
    a.study(4)
    a.store.close()
    assert prep(a.folder, decks, "sync", str(sync_dir), "--auto")[0] == 0
    b = Home("B", tmp_path / "B", library, clock)
    b.study(3, Rating.Hard)
    b.store.close()
    code, out, err = prep(b.folder, decks, "sync", str(sync_dir))
    assert (code, err) == (0, "")
    assert "4 reviews in from 1 other installation, 3 out" in out
    code, out, _ = prep(a.folder, decks, "sync", "--json")  # the folder remembered
    assert code == 0
    assert json.loads(out)["reviews_in"] == 3 and json.loads(out)["auto"]

    stats_a = json.loads(prep(a.folder, decks, "stats", "--json")[1])
    stats_b = json.loads(prep(b.folder, decks, "stats", "--json")[1])
    assert stats_a == stats_b
    assert stats_a["reviews_total"] == 7


@pytest.mark.parametrize("kind", ["missing", "file"])
def test_a_bad_sync_folder_is_one_line_and_exit_two(tmp_path: Path, kind: str) -> None:
    target = tmp_path / "nowhere"
    if kind == "file":
        target.write_text("not a folder", encoding="utf-8")
    code, out, err = prep(tmp_path / "home", tmp_path, "sync", str(target))
    assert code == 2
    assert out == "" and len(err.splitlines()) == 1 and "Traceback" not in err
    assert str(target) in err


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into any folder")
def test_a_sync_folder_that_cannot_be_written_is_exit_two(tmp_path: Path) -> None:
    target = tmp_path / "locked"
    target.mkdir()
    target.chmod(0o500)
    try:
        code, _, err = prep(tmp_path / "home", tmp_path, "sync", str(target))
    finally:
        target.chmod(0o700)
    assert code == 2 and "cannot write" in err


def test_sync_without_a_folder_yet_says_how(tmp_path: Path) -> None:
    code, _, err = prep(tmp_path / "home", tmp_path, "sync")
    assert code == 2 and "prep sync DIR" in err


def test_doctor_names_the_sync_folder_and_the_last_merge(
    tmp_path: Path, sync_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from prep.cli.commands import _sync_line
    from prep.paths import Locations

    locations = Locations(tmp_path / "home", (), include_builtin=False, home_is_explicit=True)
    assert "not set up" in _sync_line(locations)
    assert prep(locations.home, tmp_path, "sync", str(sync_dir), "--auto")[0] == 0
    line = _sync_line(locations)
    assert line.startswith(f"{sync_dir.resolve()} (on start and quit); last ")
    assert "0 reviews in from 0 other installations, 0 out" in line


def test_an_older_home_numbers_each_installations_reviews_in_log_order(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    engine = database_at_revision(path, "0004")
    with engine.begin() as connection:
        for key, ms, installation in [
            ("r3", 3000, "a"), ("r1", 1000, "a"), ("r2", 2000, "b"), ("r4", 1500, "imported"),
        ]:  # fmt: skip
            connection.exec_driver_sql(
                "INSERT INTO reviews (id, card_key, rating, reviewed_ms, duration_ms,"
                f" installation_id) VALUES ('{key}', 'd/c', 3, {ms}, NULL, '{installation}')"
            )
    engine.dispose()
    store = Store.open(path)
    try:
        assert {r.id: r.seq for r in store.reviews()} == {"r1": 1, "r3": 2, "r2": 1, "r4": None}
    finally:
        store.close()


def test_a_rating_written_during_a_sync_is_not_lost(
    homes: dict[str, Home], sync_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from prep.transfer.sync import exchange

    a, b = homes["A"], homes["B"]
    b.study(2)
    b.sync(sync_dir)
    session = a.session()
    read_history = exchange.local_replica
    calls: list[datetime] = []

    def rated_meanwhile(store: Store, settings_file: Path, now: datetime) -> Replica:
        replica = read_history(store, settings_file, now)
        if not calls:  # the app rates a card while the first merge is computed
            prompt = session.next_prompt()
            assert prompt is not None
            session.answer(prompt, Rating.Easy)
        calls.append(now)
        return replica

    monkeypatch.setattr(exchange, "local_replica", rated_meanwhile)
    report = a.sync(sync_dir)
    assert len(calls) == 2 and report.reviews_in == 2
    assert a.store.count_reviews() == 3
    monkeypatch.undo()
    b.sync(sync_dir)
    assert a.history() == b.history()
