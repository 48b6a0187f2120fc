"""Leech rule, CSV import, backup round trip, fitting and the Anki export."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from prep.content import Library
from prep.grading.attempts import Attempt
from prep.scheduling.fitting import NotEnoughReviewsError, fit_parameters
from prep.scheduling.marks import CardMarks
from prep.scheduling.memory import MemoryModel, Rating, Stage, memory_model
from prep.scheduling.replay import ReviewKind, replay
from prep.settings import Settings
from prep.store import Store
from prep.study.actions import bury_until_next_day, reset_progress, set_suspended
from prep.study.session import StudySession
from prep.transfer.anki import write_apkg
from prep.transfer.backup import export_backup, restore_backup
from prep.transfer.reviews_csv import import_review_csv
from tests.conftest import FakeClock, counting_ids

SAMPLE = Path(__file__).resolve().parent / "data" / "review-log-sample.csv"
NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)


def test_a_card_lapsing_to_the_threshold_becomes_a_suspended_leech(
    library: Library, store: Store
) -> None:
    clock = FakeClock(NOW)
    settings = Settings(leech_threshold=3, new_per_day=1)
    session = StudySession(library, store, settings, UTC, clock, counting_ids())
    prompt = session.next_prompt()
    assert prompt is not None
    key = prompt.card.key
    session.answer(prompt, Rating.Easy)  # straight to review
    lapses = 0
    while lapses < 3:
        clock.now = store.card_state(key).due  # type: ignore[union-attr]
        prompt = session.prompt_for(library.cards[key])
        if prompt.state.stage is Stage.REVIEW:
            answer = session.answer(prompt, Rating.Again)
            lapses += 1
            assert answer.became_leech == (lapses == 3)
        else:
            session.answer(prompt, Rating.Good)
    marks = store.marks()[key]
    assert marks.leech and marks.suspended
    assert key not in [card.key for card in session.queue().due]
    session.undo()
    assert not store.marks()[key].leech and not store.marks()[key].suspended


def test_suspend_bury_and_reset(library: Library, store: Store) -> None:
    clock = FakeClock(NOW)
    session = StudySession(library, store, Settings(), UTC, clock, counting_ids())
    key = "alpha/card-1"
    set_suspended(store, key, True)
    assert key not in [c.key for c in session.queue().new]
    set_suspended(store, key, False)
    bury_until_next_day(store, key, NOW, UTC, 4)
    assert store.marks()[key].buried_until == datetime(2026, 3, 11, 4, 0, tzinfo=UTC)
    assert key not in [c.key for c in session.queue().new]
    clock.advance(days=1)
    assert key in [c.key for c in session.queue().new]
    prompt = session.prompt_for(library.cards[key])
    session.answer(prompt, Rating.Good)
    assert store.card_state(key) is not None
    reset_progress(store, key, clock.now + timedelta(minutes=1), "reset-1")
    assert store.card_state(key) is None
    assert [r.kind.value for r in store.reviews(key)] == ["review", "reset"]
    assert replay(store.reviews(), MemoryModel()) == store.card_states()
    assert store.count_reviews() == 1  # resets are not reviews


@pytest.mark.slow
def test_importing_the_sample_history_twice_adds_nothing(store: Store) -> None:
    first = import_review_csv(SAMPLE, store, MemoryModel())
    assert (first.rows, first.imported, first.cards, first.errors) == (12_580, 12_580, 1_205, [])
    second = import_review_csv(SAMPLE, store, MemoryModel())
    assert (second.imported, second.already_present) == (0, 12_580)
    assert store.count_reviews() == 12_580
    assert len(store.card_states()) == 1_205
    assert all(key.startswith("imported/") for key in store.card_states())
    # Imported states are what replaying the log gives.
    assert replay(store.reviews(), MemoryModel()) == store.card_states()


def test_bad_csv_rows_are_reported_with_their_line(tmp_path: Path, store: Store) -> None:
    path = tmp_path / "log.csv"
    path.write_text(
        "card_id,review_rating,review_time,review_duration\n"
        "1,3,2024-03-29T20:32:32+00:00,100\n"
        "2,7,2024-03-29T20:32:32+00:00,100\n"
        "3,3,yesterday,100\n"
        "4,2,2024-03-29T20:32:32,100\n"
        "5,3\n"
        "6,3,2024-03-29T20:32:32+00:00,1e400\n"
        "7,3,2024-03-29T20:32:32+00:00,-5\n"
        "8,3,9999-12-31T23:59:59+00:00,100\n"
        "9,3.0,2024-03-29T20:32:32+00:00,100\n"
        ",3,2024-03-29T20:32:32+00:00,100\n"
        "11,1,2024-03-29T20:32:32Z,\n",
        encoding="utf-8",
    )
    report = import_review_csv(path, store, MemoryModel(), now=NOW)
    assert (report.rows, report.imported) == (11, 2)
    assert [(e.line, e.message) for e in report.errors] == [
        (3, "review_rating '7' is not 1, 2, 3 or 4"),
        (4, "review_time 'yesterday' is not an ISO date and time"),
        (5, "review_time needs a time zone (e.g. +00:00)"),
        (6, "review_time is missing"),
        (7, "review_duration 1e400 is not a number of milliseconds up to a day"),
        (8, "review_duration -5 is not a number of milliseconds up to a day"),
        (9, "review_time 9999-12-31T23:59:59+00:00 is in the future"),
        (10, "review_rating '3.0' is not 1, 2, 3 or 4"),
        (11, "card_id is empty"),
    ]


def test_missing_columns(tmp_path: Path, store: Store) -> None:
    path = tmp_path / "log.csv"
    path.write_text("id,rating\n1,3\n", encoding="utf-8")
    report = import_review_csv(path, store, MemoryModel())
    assert report.errors and "missing column" in report.errors[0].message


def test_backup_round_trip_is_exact(library: Library, store: Store, tmp_path: Path) -> None:
    clock = FakeClock(NOW)
    session = StudySession(library, store, Settings(), UTC, clock, counting_ids())
    for rating in (Rating.Good, Rating.Again, Rating.Easy):
        prompt = session.next_prompt()
        assert prompt is not None
        session.answer(prompt, rating)
        clock.advance(minutes=3)
    set_suspended(store, "beta/card-2", True)
    bury_until_next_day(store, "beta/card-1", NOW, UTC, 4)
    store.set_marks("alpha/card-3", CardMarks(suspended=True, leech=True))
    reset_progress(store, "alpha/card-2", NOW + timedelta(minutes=20), "reset-1")
    store.save_draft("alpha/card-1", "def f(): ...", NOW)
    store.save_draft("alpha/card-2", "x = 1", NOW + timedelta(seconds=7))
    for index, passed in enumerate((False, True)):
        store.record_attempt(
            Attempt(
                id=f"attempt-{index}",
                card_key="alpha/card-1",
                kind="submit",
                submitted_at=NOW + timedelta(minutes=index),
                code=f"def f(): return {index}",
                passed=passed,
                summary={"passed": index, "total": 1, "elapsed_ms": 1234 * (index + 1)},
                duration_ms=40 + index,
                installation_id=store.installation_id,
            )
        )
    store.save_fit((0.5,) * 21, {"reviews": 3, "log_loss_fitted": 0.25})
    data = json.loads(json.dumps(export_backup(store, Settings(new_per_day=7).to_dict(), NOW)))
    other = Store.open(tmp_path / "other" / "prep.db")
    try:
        settings = restore_backup(other, data)
        assert settings["new_per_day"] == 7
        assert other.card_states() == store.card_states()
        assert other.reviews() == store.reviews()
        assert [r.kind for r in other.reviews()].count(ReviewKind.RESET) == 1
        assert other.marks() == store.marks()
        assert (
            other.marks()["beta/card-1"].buried_until == store.marks()["beta/card-1"].buried_until
        )
        assert other.marks()["beta/card-1"].buried_until is not None
        assert other.marks()["alpha/card-3"].leech
        assert other.drafts() == store.drafts() and len(other.drafts()) == 2
        assert other.attempts() == store.attempts() and len(other.attempts()) == 2
        assert other.fitted_parameters() == (0.5,) * 21
        assert other.fit_record() == {"reviews": 3, "log_loss_fitted": 0.25}
        assert other.installation_id == store.installation_id
        with pytest.raises(Exception, match="empty home"):
            restore_backup(other, data)
    finally:
        other.close()


def test_fitting_needs_enough_reviews(store: Store) -> None:
    with pytest.raises(NotEnoughReviewsError, match="400"):
        fit_parameters(store.reviews(), UTC, 4)


@pytest.mark.slow
def test_fitting_the_sample_beats_the_defaults(store: Store) -> None:
    import_review_csv(SAMPLE, store, MemoryModel())
    report = fit_parameters(store.reviews(), UTC, 4)
    assert report.reviews == 12_580
    assert report.log_loss_fitted < report.log_loss_default
    assert report.rmse_bins_fitted < report.rmse_bins_default
    assert len(report.parameters) == 21
    memory_model(Settings(), report.parameters)  # the scheduler accepts them


def test_anki_export(library: Library, tmp_path: Path) -> None:
    path = tmp_path / "deck.apkg"
    assert write_apkg(library, path).notes == 5
    names = zipfile.ZipFile(path).namelist()
    assert "collection.anki2" in names


@pytest.mark.slow
def test_acceptance_import_stats_optimize_export_import(tmp_path: Path) -> None:
    """The issue's acceptance path, through the real command line."""

    def prep(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("PREP_")}
        env["PREP_HOME"] = str(home)
        return subprocess.run(
            [sys.executable, "-m", "prep", *args],
            capture_output=True,
            text=True,
            env=env,
            timeout=300,
        )

    home, other = tmp_path / "home", tmp_path / "other"
    assert prep(home, "import-reviews", str(SAMPLE), "--json").returncode == 0
    stats = json.loads(prep(home, "stats", "--json").stdout)
    assert stats["reviews_total"] == 12_580
    assert (
        len(stats["forecast"]) == 30
        and "retention" in stats
        and "streak_longest" in stats
        and "by_deck" in stats
    )
    optimized = prep(home, "optimize", "--json")
    assert optimized.returncode == 0, optimized.stderr
    fit = json.loads(optimized.stdout)
    assert fit["log_loss_fitted"] < fit["log_loss_default"]
    assert set(fit) >= {
        "reviews",
        "log_loss_default",
        "log_loss_fitted",
        "rmse_bins_default",
        "rmse_bins_fitted",
        "parameters",
    }
    assert prep(home, "export", str(tmp_path / "backup.json")).returncode == 0
    assert prep(other, "import", str(tmp_path / "backup.json")).returncode == 0
    again = json.loads(prep(other, "stats", "--json").stdout)
    assert again["reviews_total"] == 12_580
    assert again["states"] == stats["states"]
    a = Store.open(home / "prep.db")
    b = Store.open(other / "prep.db")
    try:
        assert a.card_states() == b.card_states()
    finally:
        a.close()
        b.close()


def test_a_reset_is_not_a_review_today(library: Library, store: Store) -> None:
    from prep.stats.summary import today_summary

    clock = FakeClock(NOW)
    session = StudySession(library, store, Settings(), UTC, clock, counting_ids())
    prompt = session.next_prompt()
    assert prompt is not None
    session.answer(prompt, Rating.Good)
    reset_progress(store, prompt.card.key, NOW + timedelta(minutes=1), "reset-today")
    summary = today_summary(library, store, Settings(), NOW + timedelta(minutes=2), UTC)
    assert summary.reviewed_today == 1
    assert summary.streak_days == 1


def _a_backup_with_history(library: Library, store: Store) -> dict[str, object]:
    clock = FakeClock(NOW)
    session = StudySession(library, store, Settings(), UTC, clock, counting_ids())
    for rating in (Rating.Good, Rating.Again):
        prompt = session.next_prompt()
        assert prompt is not None
        session.answer(prompt, rating)
        clock.advance(minutes=3)
    store.save_draft("alpha/card-1", "def f(): pass", NOW)
    data: dict[str, object] = json.loads(json.dumps(export_backup(store, {}, NOW)))
    return data


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (
            lambda d: d["drafts"].append(
                {"card_key": "x", "code": 5, "updated_at": NOW.isoformat()}
            ),
            "the backup is damaged: drafts[1].code must be a string",
        ),
        (
            lambda d: d["marks"].append({"card_key": "x", "suspended": "yes", "leech": False}),
            "the backup is damaged: marks[0].suspended must be true or false",
        ),
        (
            lambda d: d.__setitem__("fitted_parameters", [0.5] * 5),
            f"the backup is damaged: fitted_parameters must be {21} finite numbers",
        ),
        (
            lambda d: d["reviews"].append(dict(d["reviews"][0])),
            f"the backup is damaged: reviews holds {'00000000-0000-4000-8000-000000000001'!r} twice",
        ),
        (
            lambda d: d["reviews"][1].__setitem__("reviewed_at", "2026-03-10T12:00:00"),
            "the backup is damaged: reviews[1].reviewed_at must be a date and time with a time zone",
        ),
        (
            lambda d: d["card_states"][0].__setitem__("lapses", -1),
            "the backup is damaged: card_states[0].lapses must be a count (0 or more)",
        ),
        (
            lambda d: d["reviews"][0].__setitem__("rating", 7),
            "the backup is damaged: reviews[0].rating must be 1 to 4 for a review, and null only for a reset",
        ),
        (
            lambda d: d.__setitem__("attempts", {"not": "a list"}),
            "the backup is damaged: attempts is not a list",
        ),
    ],
)
def test_a_damaged_backup_writes_nothing_and_a_fixed_one_then_restores(
    library: Library, store: Store, tmp_path: Path, damage: Any, message: str
) -> None:
    from prep.transfer.backup import BackupError

    good = _a_backup_with_history(library, store)
    damaged = json.loads(json.dumps(good))
    damage(damaged)
    other = Store.open(tmp_path / "other" / "prep.db")
    try:
        with pytest.raises(BackupError) as refused:
            restore_backup(other, damaged)
        assert str(refused.value) == message
        assert other.is_empty()  # nothing half-restored: the same home takes the good one
        restore_backup(other, good)
        assert other.reviews() == store.reviews()
        assert other.drafts() == store.drafts()
    finally:
        other.close()
