"""Where content comes from and where data goes: resolved once from the
command line and the environment, then passed to everything else."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from prep.paths import builtin_deck_dir, database_path, default_config_dir, resolve_home


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
