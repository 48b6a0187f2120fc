"""The domain knows nothing of the UI, and the layers hold: import-linter
checks the contracts in pyproject.toml (`make test` runs it); these tests
check what it cannot see — every domain module really imports without
Textual, and no package escapes the contracts."""

from __future__ import annotations

import pkgutil
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import prep

PYPROJECT = Path(__file__).resolve().parents[1] / "pyproject.toml"
UI_PACKAGES = {"prep.cli", "prep.tui"}
ENTRY_MODULES = {"prep.__main__"}


def contracts() -> list[dict[str, Any]]:
    config = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))
    found: list[dict[str, Any]] = config["tool"]["importlinter"]["contracts"]
    return found


def top_level_parts() -> set[str]:
    return {
        f"prep.{info.name}"
        for info in pkgutil.iter_modules(prep.__path__)
        if f"prep.{info.name}" not in ENTRY_MODULES
    }


def domain_modules() -> list[str]:
    return sorted(
        info.name
        for info in pkgutil.walk_packages(prep.__path__, "prep.")
        if not any(info.name == ui or info.name.startswith(ui + ".") for ui in UI_PACKAGES)
        and info.name not in ENTRY_MODULES
        and ".migrations" not in info.name
        and not info.name.endswith(".worker")  # a program: importing it would serve on stdin
    )


def test_every_part_of_prep_has_a_layer() -> None:
    layers = next(c for c in contracts() if c["type"] == "layers")
    named = {part.strip() for layer in layers["layers"] for part in layer.split("|")}
    assert top_level_parts() - {"prep.__init__"} <= named, top_level_parts() - named


def test_every_domain_part_is_kept_from_textual() -> None:
    forbidden = next(c for c in contracts() if c["type"] == "forbidden")
    sources = set(forbidden["source_modules"])
    assert top_level_parts() - UI_PACKAGES <= sources, top_level_parts() - UI_PACKAGES - sources
    assert "textual" in forbidden["forbidden_modules"]


def test_domain_modules_import_without_textual() -> None:
    modules = domain_modules()
    assert "prep.grading.verdict" in modules and "prep.study.session" in modules
    code = (
        "import sys\n"
        + "".join(f"import {module}\n" for module in modules)
        + "leaked = sorted(m for m in sys.modules if m == 'textual' or m.startswith('textual.'))\n"
        + "print(','.join(leaked))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == ""


def test_the_first_frame_imports_none_of_the_heavy_libraries() -> None:
    """What the app needs before Today is drawn: the heavy parts load in workers after."""
    code = (
        "import sys\n"
        "import prep.cli\n"
        "from prep.cli.factory import make_app\n"
        "from prep.paths import resolve_locations\n"
        "app = make_app(resolve_locations(None, [], False))\n"
        "screen = app.get_default_screen()\n"
        "heavy = ('sqlalchemy', 'pydantic', 'yaml', 'numpy', 'fsrs', 'alembic')\n"
        "loaded = sorted(m for m in sys.modules if m.split('.')[0] in heavy)\n"
        "print(','.join(sorted({m.split('.')[0] for m in loaded})))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == ""


def test_todays_numbers_of_a_used_home_are_read_without_sqlalchemy_or_pydantic(
    tmp_path: Path,
) -> None:
    """A home used before (its schema current, its decks cached): Today's numbers come
    from plain SQL and the deck cache, before SQLAlchemy, the card models or YAML load."""
    home = tmp_path / "home"
    start = (
        "from prep.cli.factory import load_decks, open_store\n"
        "from prep.paths import resolve_locations\n"
        f"locations = resolve_locations({str(home)!r}, [], False)\n"
        "open_store(locations).close()\n"
        "load_decks(locations)\n"
    )
    subprocess.run([sys.executable, "-c", start], check=True, capture_output=True)
    code = (
        "import sys\n"
        "from prep.cli.factory import make_context\n"
        "from prep.paths import resolve_locations\n"
        "from prep.tui.screens.today import read_today\n"
        f"context = make_context(resolve_locations({str(home)!r}, [], False))\n"
        "context.library = context.library_loader()\n"
        "numbers = read_today(context)\n"
        "assert not context.store_is_open\n"
        "assert numbers.summary.cards_total > 400, numbers.summary.cards_total\n"
        "heavy = ('sqlalchemy', 'pydantic', 'yaml', 'numpy', 'alembic')\n"
        "print(','.join(sorted({m.split('.')[0] for m in sys.modules if m.split('.')[0] in heavy})))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == ""
