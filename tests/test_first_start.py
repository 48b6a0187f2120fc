"""A new home survives its first start being killed at any moment, and two
processes starting together on a new home both work (one waits)."""

from __future__ import annotations

import json
import random
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from prep.store import DatabaseError, Store
from tests.helpers import prep_env, run_prep


def start(home: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "prep", "--home", str(home), "--no-builtin", "stats", "--json"],
        env=prep_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@pytest.mark.slow
def test_a_first_start_killed_at_any_moment_opens_next_time(tmp_path: Path) -> None:
    rng = random.Random(20261201)
    # The kill lands at a random moment after the database file appears. How long a first
    # start takes depends on the machine and its load, so the window shrinks whenever prep
    # finished before the kill: the test goes on until enough kills hit a running start.
    window = 0.3
    killed_while_running = 0
    attempts = 0
    while killed_while_running < 12 and attempts < 60:
        home = tmp_path / f"home-{attempts}"
        attempts += 1
        process = start(home)
        deadline = time.monotonic() + 60
        while not (home / "prep.db").exists() and process.poll() is None:
            if time.monotonic() > deadline:
                break
            time.sleep(0.001)
        time.sleep(rng.uniform(0, window))
        if process.poll() is None:
            killed_while_running += 1
        else:
            window *= 0.7
        process.kill()
        process.communicate()
        again = run_prep("--home", str(home), "--no-builtin", "stats", "--json", timeout=120)
        assert again.returncode == 0, (attempts, again.stderr)
        assert json.loads(again.stdout)["reviews_total"] == 0
    assert killed_while_running >= 12, (attempts, window)


@pytest.mark.slow
def test_two_first_starts_at_once_both_work(tmp_path: Path) -> None:
    for attempt in range(8):
        home = tmp_path / f"home-{attempt}"
        first, second = start(home), start(home)
        outputs = [first.communicate(timeout=120), second.communicate(timeout=120)]
        for process, (stdout, stderr) in zip((first, second), outputs, strict=True):
            assert process.returncode == 0, (attempt, stderr)
            assert json.loads(stdout)["reviews_total"] == 0
        with sqlite3.connect(home / "prep.db") as db:
            (ids,) = db.execute(
                "SELECT count(*) FROM meta WHERE key = 'installation_id'"
            ).fetchone()
        assert ids == 1


def test_another_programs_database_is_refused_not_adopted(tmp_path: Path) -> None:
    path = tmp_path / "prep.db"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE photos (id INTEGER PRIMARY KEY, name TEXT)")
        db.execute("INSERT INTO photos (name) VALUES ('holiday.jpg')")
    before = path.read_bytes()
    with pytest.raises(DatabaseError, match="belongs to another program"):
        Store.open(path)
    with sqlite3.connect(path) as db:
        tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert tables == {"photos"}
    assert path.read_bytes() == before or tables == {"photos"}
    result = run_prep("--home", str(tmp_path), "--no-builtin", "stats")
    assert result.returncode == 1 and "belongs to another program" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_an_interrupted_first_start_of_an_older_prep_is_started_again(tmp_path: Path) -> None:
    path = tmp_path / "prep.db"
    with sqlite3.connect(path) as db:  # what a killed first start used to leave: tables, no version
        db.execute("CREATE TABLE meta (key VARCHAR PRIMARY KEY, value TEXT NOT NULL)")
    store = Store.open(path)
    try:
        assert store.count_reviews() == 0 and store.installation_id
    finally:
        store.close()


def test_prep_tables_with_data_but_no_version_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "prep.db"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE meta (key VARCHAR PRIMARY KEY, value TEXT NOT NULL)")
        db.execute("INSERT INTO meta VALUES ('installation_id', 'x')")
    with pytest.raises(DatabaseError, match="no schema version"):
        Store.open(path)
