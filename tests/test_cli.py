from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from prep.cli import main
from tests.conftest import qa_deck_yaml
from tests.helpers import run_prep

MALFORMED = {
    "tab.yaml": ("deck: x\ntitle: y\ncards:\n\t- id: a\n", 4),
    "duplicate.yaml": (
        "deck: x\ntitle: y\ncards:\n  - id: a\n    type: qa\n    question: q\n    answer: a\n"
        "  - id: a\n    type: qa\n    question: q\n    answer: a\n",
        8,
    ),
    "unknown-type.yaml": (
        "deck: x\ntitle: y\ncards:\n  - id: a\n    type: essay\n    question: q\n",
        5,
    ),
    "missing-field.yaml": (
        "deck: x\ntitle: y\ncards:\n  - id: a\n    type: qa\n    answer: a\n",
        4,
    ),
    "not-mapping.yaml": ("- one\n- two\n", 1),
    # A merged card that repeats another's own id: the repeat is on its own line.
    "merge-repeat.yaml": (
        "deck: x\ntitle: y\ncards:\n  - &base\n    id: a\n    type: qa\n    question: q\n"
        "    answer: a\n  - <<: *base\n    id: b\n  - <<: *base\n    id: b\n",
        12,
    ),
    "deep-call.yaml": (
        "deck: x\ntitle: y\ncards:\n  - id: k\n    type: kata\n    title: t\n    prompt: p\n"
        "    tests:\n      - call: '" + "-" * 100_000 + "1'\n        expect: 1\n"
        "    solution: |\n      x = 1\n",
        9,
    ),
    "alias-bomb.yaml": (
        "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
        + "".join(
            f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 10)}]\n"
            for i in range(8)
        )
        + "deck: x\n",
        6,  # where the expansion passes the cap
    ),
}


@pytest.mark.parametrize("name", sorted(MALFORMED))
def test_check_reports_file_and_line_without_traceback(tmp_path: Path, name: str) -> None:
    text, line = MALFORMED[name]
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    result = run_prep("check", str(path))
    assert result.returncode == 1
    assert result.stdout.startswith(f"{path}:{line}: ")
    assert len(result.stdout.splitlines()) == 1
    assert "Traceback" not in result.stdout + result.stderr


def test_a_deck_folder_reports_its_links_that_loop_or_lead_nowhere(tmp_path: Path) -> None:
    decks = tmp_path / "decks"
    decks.mkdir()
    (decks / "a.yaml").write_text(qa_deck_yaml("a", 1), encoding="utf-8")
    (decks / "loop").symlink_to(decks)
    (decks / "gone.yaml").symlink_to(tmp_path / "nowhere")
    result = run_prep("check", "--no-run", str(decks))
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        f"{decks / 'gone.yaml'}:1: broken symbolic link",
        f"{decks / 'loop'}:1: folder skipped: a symbolic link leads back to a folder already read",
    ]


def test_bad_review_csv_rows_and_backups_are_one_line_each(tmp_path: Path) -> None:
    home = str(tmp_path / "home")
    log = tmp_path / "log.csv"
    log.write_text(
        "card_id,review_rating,review_time,review_duration\n"
        "a,3,1e400,1\nb,3,9999-12-31T23:59:59+00:00,1\nc,3\nd,3,2024-01-01T00:00:00Z,1e400\n",
        encoding="utf-8",
    )
    imported = run_prep("import-reviews", str(log), PREP_HOME=home)
    assert imported.returncode == 1
    assert [line.split(": ", 1)[0] for line in imported.stderr.splitlines()[:4]] == [
        f"{log}:{n}" for n in (2, 3, 4, 5)
    ]
    assert "Traceback" not in imported.stdout + imported.stderr
    backup = tmp_path / "backup.json"
    backup.write_text(
        json.dumps({"format": "prep-backup", "version": 1, "fitted_parameters": [1, 2]}),
        encoding="utf-8",
    )
    restored = run_prep("import", str(backup), PREP_HOME=str(tmp_path / "fresh"))
    assert (restored.returncode, restored.stderr) == (
        1,
        "prep: the backup is damaged: fitted_parameters must be 21 finite numbers\n",
    )


def test_check_binary_garbage(tmp_path: Path) -> None:
    path = tmp_path / "garbage.yaml"
    path.write_bytes(os.urandom(64) + b"\x00" + os.urandom(64))
    result = run_prep("check", str(path))
    assert result.returncode == 1
    assert result.stdout.startswith(f"{path}:")
    assert "Traceback" not in result.stdout + result.stderr


def test_check_json_shape(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "a.yaml").write_text(qa_deck_yaml("a", 3), encoding="utf-8")
    (tmp_path / "bad.yaml").write_text("- nope\n", encoding="utf-8")
    code = main(["check", str(tmp_path), "--json"])
    report = json.loads(capsys.readouterr().out)
    assert code == 1
    assert report["decks"] == 1 and report["cards"] == 3
    assert report["by_type"] == {"qa": 3, "predict": 0, "kata": 0}
    assert report["errors"] == [
        {"path": str(tmp_path / "bad.yaml"), "line": 1, "message": report["errors"][0]["message"]}
    ]


def test_check_valid_exits_zero(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "a.yaml").write_text(qa_deck_yaml("a", 2), encoding="utf-8")
    assert main(["check", str(tmp_path)]) == 0
    assert capsys.readouterr().out == ""


def test_usage_errors_exit_two() -> None:
    assert run_prep("frobnicate").returncode == 2
    assert run_prep("check", "--bogus").returncode == 2


def test_help_and_version() -> None:
    assert "prep" in run_prep("--version").stdout
    for args in (["--help"], ["check", "--help"], ["stats", "--help"]):
        result = run_prep(*args)
        assert result.returncode == 0 and "usage:" in result.stdout


def test_stats_json_on_an_empty_home(tmp_path: Path) -> None:
    deck = tmp_path / "deck"
    deck.mkdir()
    (deck / "a.yaml").write_text(qa_deck_yaml("a", 4), encoding="utf-8")
    result = run_prep(
        "stats",
        "--json",
        PREP_HOME=str(tmp_path / "home"),
        PREP_CONTENT=str(deck),
        PREP_NO_BUILTIN="1",
    )
    assert result.returncode == 0, result.stderr
    stats = json.loads(result.stdout)
    for key in (
        "cards_total",
        "cards_seen",
        "reviews_total",
        "due_now",
        "new_available",
        "streak_days",
    ):
        assert key in stats
    assert stats["cards_total"] == 4 and stats["new_available"] == 4 and stats["reviews_total"] == 0
    assert (tmp_path / "home" / "prep.db").exists()


def test_global_options_select_home_and_content(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    deck = tmp_path / "deck"
    deck.mkdir()
    (deck / "a.yaml").write_text(qa_deck_yaml("a", 2), encoding="utf-8")
    assert (
        main(
            [
                "--home",
                str(tmp_path / "h"),
                "--content",
                str(deck),
                "--no-builtin",
                "stats",
                "--json",
            ]
        )
        == 0
    )
    assert json.loads(capsys.readouterr().out)["cards_total"] == 2


def test_a_broken_database_is_a_one_line_error(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    (home / "prep.db").write_bytes(b"garbage" * 1000)
    result = run_prep("stats", PREP_HOME=str(home), PREP_NO_BUILTIN="1")
    assert result.returncode == 1
    assert result.stderr.startswith("prep: cannot open the database")
    assert "Traceback" not in result.stderr


def test_a_database_with_damaged_pages_is_a_one_line_error_naming_restore(
    tmp_path: Path,
) -> None:
    home = tmp_path / "home"
    sample = Path(__file__).parent / "data" / "review-log-sample.csv"
    assert run_prep("import-reviews", str(sample), PREP_HOME=str(home)).returncode == 0
    database = home / "prep.db"
    size = database.stat().st_size
    with database.open("r+b") as handle:
        for offset in range(3 * 4096, size, 7 * 4096):  # the header page stays whole
            handle.seek(offset)
            handle.write(bytes(range(256)) * 2)
    for command in (["stats"], ["stats", "--json"], ["export", str(tmp_path / "out.json")]):
        result = run_prep(*command, PREP_HOME=str(home), PREP_NO_BUILTIN="1")
        assert result.returncode == 1, command
        assert result.stderr.splitlines() == [
            "prep: the database failed: database disk image is malformed ('prep backups' lists "
            "your backups; 'prep restore' brings the newest back)"
        ], command
    assert not (tmp_path / "out.json").exists()


def test_endless_input_is_capped_with_one_line(tmp_path: Path) -> None:
    graded = run_prep("grade", "heaps-top-k/top-k", "/dev/zero", "--no-record")
    assert graded.returncode == 2
    assert graded.stderr.strip() == "prep: /dev/zero is larger than 1 MiB: not a solution"
    restored = run_prep("--home", str(tmp_path / "home"), "import", "/dev/zero")
    assert restored.returncode == 1
    assert restored.stderr.strip() == "prep: /dev/zero is larger than 512 MiB: not a prep backup"


def test_a_deeply_nested_backup_is_one_line(tmp_path: Path) -> None:
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    result = run_prep("--home", str(tmp_path / "home"), "import", str(deep))
    assert result.returncode == 1
    assert result.stderr.strip() == f"prep: {deep} is not a prep backup: nested too deeply"


def test_the_app_without_a_terminal_refuses_at_once(tmp_path: Path) -> None:
    result = run_prep("--home", str(tmp_path / "home"))
    assert result.returncode == 2
    assert "needs a terminal" in result.stderr and len(result.stderr.strip().splitlines()) == 1
