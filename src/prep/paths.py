"""Where prep keeps its data, where the shipped deck lives, and the locations
resolved once from the command line and the environment.

Functions, not constants: nothing is created at import time, and every
location can be redirected (``--home``, ``PREP_HOME``) so tests and users can
keep separate histories.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
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


def unusable_home(home: Path) -> str | None:
    """Why ``home`` cannot hold prep's data, or None when it can: said once, before a
    command stumbles on it with the system's own words (twice, for settings and database)."""
    if home.exists():
        if not home.is_dir():
            return f"the home {home} is not a folder"
        if not os.access(home, os.W_OK | os.X_OK):
            return f"the home {home} is not writable"
        return None
    # The nearest folder that exists is where the home would be made.
    parent = next((folder for folder in home.parents if folder.exists()), None)
    if parent is not None and not parent.is_dir():
        return f"the home {home} cannot be made: {parent} is not a folder"
    if parent is not None and not os.access(parent, os.W_OK | os.X_OK):
        return f"the home {home} cannot be made: {parent} is not writable"
    return None


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


@dataclass(frozen=True)
class Locations:
    home: Path
    content_dirs: tuple[Path, ...]
    include_builtin: bool
    home_is_explicit: bool = False

    @property
    def settings_file(self) -> Path:
        """Beside the database for a chosen home; else the platform's config folder."""
        if self.home_is_explicit:
            return self.home / "settings.toml"
        return default_config_dir() / "settings.toml"

    @property
    def database(self) -> Path:
        return database_path(self.home)

    @property
    def deck_cache(self) -> Path:
        """Parsed deck files, so that a warm start parses nothing (prep.content.cache)."""
        return self.home / "cache" / "decks"

    @property
    def mistake_cache(self) -> Path:
        """How each kata's wrong solutions fail its tests (prep.grading.mistakes)."""
        return self.home / "cache" / "mistakes"

    @property
    def private_folders(self) -> tuple[Path, ...]:
        """What a graded submission must never see: the history and the decks
        (whose hidden tests hold the expected answers)."""
        return (self.home, *self.decks)

    @property
    def decks(self) -> tuple[Path, ...]:
        builtin = (builtin_deck_dir(),) if self.include_builtin else ()
        return builtin + self.content_dirs


def _truthy(value: str | None) -> bool:
    return (value or "").strip().lower() in {"1", "true", "yes", "on"}


def resolve_locations(
    home: str | None,
    content: Sequence[str],
    no_builtin: bool,
    environ: Mapping[str, str] | None = None,
) -> Locations:
    env = dict(os.environ if environ is None else environ)
    from_env = [part for part in env.get("PREP_CONTENT", "").split(os.pathsep) if part.strip()]
    dirs = tuple(Path(p).expanduser() for p in [*from_env, *content])
    return Locations(
        home=resolve_home(home, env),
        content_dirs=tuple(dict.fromkeys(dirs)),
        include_builtin=not (no_builtin or _truthy(env.get("PREP_NO_BUILTIN"))),
        home_is_explicit=bool(home or env.get("PREP_HOME", "").strip()),
    )
