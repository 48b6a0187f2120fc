"""What a new user meets at the command line: a mistake is one line and exit 2,
counts are in words ("1 file"), and every command that reports can say it as JSON."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from prep.cli import main
from prep.wording import noun, plural
from tests.conftest import qa_deck_yaml

HINT = "(choose another with --home or PREP_HOME)"


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture
def deck(tmp_path: Path) -> Path:
    path = tmp_path / "a.yaml"
    path.write_text(qa_deck_yaml("a", 2), encoding="utf-8")
    return path


@pytest.fixture
def review_log(tmp_path: Path) -> Path:
    path = tmp_path / "log.csv"
    path.write_text(
        "card_id,review_rating,review_time,review_duration\nc1,3,2024-01-01T00:00:00Z,1000\n",
        encoding="utf-8",
    )
    return path


def test_plural_says_one_thing_in_the_singular_and_any_other_count_in_the_plural() -> None:
    assert [plural(n, "day") for n in (0, 1, 2)] == ["0 days", "1 day", "2 days"]
    assert plural(1, "entry", "entries") == "1 entry"
    assert plural(3, "entry", "entries") == "3 entries"
    assert plural(12_580, "review", grouped=True) == "12,580 reviews"
    assert (noun(1, "hidden test"), noun(2, "hidden test")) == ("hidden test", "hidden tests")


@pytest.mark.parametrize("as_json", [False, True])
def test_check_of_a_path_that_is_not_there_is_a_usage_error(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, deck: Path, as_json: bool
) -> None:
    missing = tmp_path / "nonexistent"
    args = ["check", "--no-run", *(["--json"] if as_json else []), str(deck), str(missing)]
    assert run(capsys, *args) == (2, "", f"prep check: {missing}: no such file or folder\n")


def test_check_counts_in_words(capsys: pytest.CaptureFixture[str], deck: Path) -> None:
    code, out, err = run(capsys, "check", "--no-run", str(deck))
    assert (code, out) == (0, "")
    assert err == "1 file, 1 deck, 2 cards (2 qa, 0 predict, 0 kata): ok\n"


def test_a_home_that_is_a_file_is_one_line_and_exit_two(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    file = tmp_path / "file"
    file.write_text("not a folder", encoding="utf-8")
    for command in (["stats"], ["export", str(tmp_path / "out.json")], ["backups"]):
        assert run(capsys, "--home", str(file), *command) == (
            2, "", f"prep: the home {file} is not a folder {HINT}\n",
        ), command  # fmt: skip
    inside = file / "home"
    assert run(capsys, "--home", str(inside), "stats") == (
        2, "", f"prep: the home {inside} cannot be made: {file} is not a folder {HINT}\n",
    )  # fmt: skip
    monkeypatch.setenv("PREP_HOME", str(file))
    assert run(capsys, "stats")[0] == 2
    assert file.read_text(encoding="utf-8") == "not a folder"


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write anywhere")
def test_a_home_that_cannot_be_written_is_one_line_and_exit_two(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    try:
        assert run(capsys, "--home", str(locked), "stats") == (
            2, "", f"prep: the home {locked} is not writable {HINT}\n",
        )  # fmt: skip
        home = locked / "home"
        assert run(capsys, "--home", str(home), "stats") == (
            2, "", f"prep: the home {home} cannot be made: {locked} is not writable {HINT}\n",
        )  # fmt: skip
    finally:
        locked.chmod(0o700)


def test_import_and_export_count_in_words_end_their_line_and_print_json(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, review_log: Path
) -> None:
    home, fresh, again = (str(tmp_path / name) for name in ("home", "fresh", "again"))
    assert run(capsys, "--home", home, "import-reviews", str(review_log)) == (
        0, "1 review imported (0 already present) for 1 card from 1 row; 0 rows skipped\n", "",
    )  # fmt: skip
    backup = tmp_path / "backup.json"
    assert run(capsys, "--home", home, "export", str(backup)) == (
        0, f"exported 1 review and 1 card state to {backup}\n", "",
    )  # fmt: skip
    assert run(capsys, "--home", fresh, "import", str(backup)) == (
        0, f"restored 1 review into {fresh}\n", "",
    )  # fmt: skip
    code, out, _ = run(capsys, "--home", home, "export", "--json", str(backup))
    assert (code, json.loads(out)) == (
        0, {"file": str(backup), "format": "backup", "reviews": 1, "card_states": 1},
    )  # fmt: skip
    code, out, _ = run(capsys, "--home", again, "import", "--json", str(backup))
    assert (code, json.loads(out)) == (0, {"file": str(backup), "home": again, "reviews": 1})


def test_import_of_a_file_that_is_not_there_is_a_usage_error(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    missing = tmp_path / "missing.json"
    home = str(tmp_path / "home")
    assert run(capsys, "--home", home, "import", str(missing)) == (
        2, "", f"prep: cannot read {missing}: No such file or directory\n",
    )  # fmt: skip
    assert run(capsys, "--home", home, "import-reviews", str(missing)) == (
        2, "", f"prep: no such file: {missing}\n",
    )  # fmt: skip


def test_restore_prints_json(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    from prep.clock import utc_now
    from prep.settings import Settings
    from prep.store import Store
    from prep.transfer.backups import write_backup

    home = tmp_path / "home"
    store = Store.open(home / "prep.db")
    try:
        written = write_backup(store, Settings().to_dict(), home, utc_now())
    finally:
        store.close()
    assert written is not None
    code, out, err = run(capsys, "--home", str(home), "restore", "--json")
    assert (code, err) == (0, "")
    report = json.loads(out)
    assert report["backup"] == written.name and report["reviews"] == 0
    assert Path(report["previous_database"]).name.startswith("prep.db.before-restore-")
    assert run(capsys, "--home", str(home), "restore", "nope")[0] == 2


def test_start_prints_json(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    folder = tmp_path / "kata"
    code, out, err = run(
        capsys, "--home", str(tmp_path / "home"), "start", "--json", "heaps-top-k/top-k",
        str(folder),
    )  # fmt: skip
    assert (code, err) == (0, "")
    assert json.loads(out) == {
        "kata": "heaps-top-k/top-k",
        "readme": str(folder / "README.md"),
        "solution": str(folder / "solution.py"),
        "grade_command": (
            f"prep --home {tmp_path / 'home'} grade heaps-top-k/top-k {folder / 'solution.py'}"
        ),
        "draft_in_app": False,
    }


def test_doctor_prints_json(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, deck: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PREP_SANDBOX", "plain")
    home = tmp_path / "home"
    code, out, _ = run(
        capsys, "--home", str(home), "--no-builtin", "--content", str(deck.parent), "doctor",
        "--json",
    )  # fmt: skip
    report = json.loads(out)
    assert code == 0
    assert (report["home"], report["content"]) == (str(home), [str(deck.parent)])
    assert (report["cards"], report["decks"], report["errors"]) == (2, 1, 0)
    assert report["sandbox"]["mode"] == "plain" and report["sandbox"]["protections"]
    assert report["worker"]["started_ms"] >= 0


def test_a_negative_number_of_parallel_runs_is_a_usage_error(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["check", "--jobs", "-2"])
    assert exited.value.code == 2
    assert capsys.readouterr().err.splitlines()[-1] == (
        "prep check: error: argument --jobs: -2 is below 0 (0 runs one per CPU)"
    )
