"""A wheel (not an editable install) must carry the shipped deck."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_wheel_contains_the_shipped_deck_and_finds_it(tmp_path: Path) -> None:
    built = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-w",
            str(tmp_path),
            str(ROOT),
        ],
        capture_output=True,
        text=True,
    )
    if built.returncode != 0 and "hatchling" in built.stderr:
        built = subprocess.run(
            [sys.executable, "-m", "pip", "wheel", "--no-deps", "-w", str(tmp_path), str(ROOT)],
            capture_output=True,
            text=True,
        )
    assert built.returncode == 0, built.stderr[-2000:]
    (wheel,) = tmp_path.glob("prep-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    shipped = sorted(
        p.relative_to(ROOT / "questions").as_posix() for p in (ROOT / "questions").rglob("*.yaml")
    )
    assert shipped, "the repository ships a deck"
    assert {f"prep/questions/{name}" for name in shipped} <= set(names)
    assert "prep/store/migrations/versions/0001_initial.py" in names
    assert "prep/tui/app.tcss" in names

    target = tmp_path / "site"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--no-deps",
            "-q",
            "--target",
            str(target),
            str(wheel),
        ],
        check=True,
    )
    probe = subprocess.run(
        [sys.executable, "-c", "import prep.paths as p; print(p.builtin_deck_dir())"],
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(target), "PATH": "/usr/bin:/bin"},
        cwd=tmp_path,
        check=True,
    )
    found = Path(probe.stdout.strip())
    assert found.is_relative_to(target)
    assert sorted(p.relative_to(found).as_posix() for p in found.rglob("*.yaml")) == shipped
