"""Where prep keeps its data, and where the shipped deck lives.

Functions, not constants: nothing is created at import time, and every
location can be redirected (``--home``, ``PREP_HOME``) so tests and users can
keep separate histories.
"""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path

import platformdirs

APP_NAME = "prep"
DATABASE_FILE = "prep.db"


def default_home() -> Path:
    """The platform's per-user data folder (not created here)."""
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def default_config_dir() -> Path:
    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False))


def resolve_home(explicit: str | os.PathLike[str] | None, environ: dict[str, str]) -> Path:
    """``--home`` wins over ``PREP_HOME``, which wins over the platform default."""
    if explicit:
        return Path(explicit).expanduser()
    from_env = environ.get("PREP_HOME", "").strip()
    if from_env:
        return Path(from_env).expanduser()
    return default_home()


def ensure_home(home: Path) -> Path:
    home.mkdir(parents=True, exist_ok=True)
    return home


def database_path(home: Path) -> Path:
    return home / DATABASE_FILE


def builtin_deck_dir() -> Path:
    """The shipped deck: inside the package when installed from a wheel,
    at the repository root when running from a source checkout."""
    packaged = Path(str(resources.files("prep"))) / "questions"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / "questions"
