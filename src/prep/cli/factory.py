"""Building prep from its parts: the store, the settings, the grader and the
app, each from the resolved locations. The CLI and the tests use the same
functions, so a test runs the app the user runs, on a temporary home."""

from __future__ import annotations

import sys
import uuid
from collections.abc import Callable, Sequence
from datetime import datetime, tzinfo
from pathlib import Path
from typing import TYPE_CHECKING

from prep.cli.errors import UsageError, UserFacingError
from prep.clock import local_timezone, utc_now
from prep.paths import Locations

if TYPE_CHECKING:  # imported lazily at run time: start-up only pays for what a command uses
    from prep.content.library import Library
    from prep.grading.grader import Grader
    from prep.settings import Settings
    from prep.store import Store
    from prep.store.history import History
    from prep.tui.app import PrepApp
    from prep.tui.context import PrepContext


def load_decks(locations: Locations, paths: Sequence[Path] | None = None) -> Library:
    """The decks (default: every configured one), parsed files kept in the home's cache
    when there is a home: a command never makes one just for the cache."""
    from prep.content import load_library

    cache = locations.deck_cache if locations.home.is_dir() else None
    return load_library(list(locations.decks) if paths is None else list(paths), cache)


def make_grader(locations: Locations, size: int = 1) -> Grader:
    """A grader that hides this installation's history and decks from submissions."""
    from prep.grading.grader import Grader
    from prep.grading.sandbox import UnknownSandboxError

    try:
        return Grader(hidden=locations.private_folders, size=size)
    except UnknownSandboxError as exc:  # PREP_SANDBOX=bogus
        raise UsageError(str(exc)) from exc
    except RuntimeError as exc:  # PREP_SANDBOX=bwrap where bwrap cannot work
        raise UserFacingError(str(exc)) from exc


def open_store(locations: Locations) -> Store:
    from prep.paths import ensure_home
    from prep.store import DatabaseError, Store

    try:
        ensure_home(locations.home)
        return Store.open(locations.database)
    except DatabaseError as exc:
        raise UserFacingError(
            f"{exc} ('prep backups' lists your backups; 'prep restore' brings the newest back)"
        ) from exc
    except OSError as exc:
        raise UserFacingError(f"cannot open {locations.home}: {exc.strerror or exc}") from exc


def open_history(database: Path) -> History | None:
    """The history read without SQLAlchemy, when its schema is current (see History.open)."""
    from prep.store.history import History

    return History.open(database)


def load_user_settings(locations: Locations) -> Settings:
    """The settings file, with every problem in it said once on stderr."""
    from prep.settings import load_settings

    settings, problems = load_settings(locations.settings_file)
    for problem in problems:
        print(f"prep: {problem}", file=sys.stderr)
    return settings


def make_context(
    locations: Locations,
    *,
    store: Store | None = None,
    settings: Settings | None = None,
    library: Library | None = None,
    clock: Callable[[], datetime] = utc_now,
    tz: tzinfo | None = None,
    new_id: Callable[[], str] | None = None,
    grader_factory: Callable[[], Grader] | None = None,
) -> PrepContext:
    """Everything the app is given. Without ``library`` the decks are read in a
    worker once the first screen is up."""
    from prep.content import Library, load_library
    from prep.tui.context import PrepContext

    decks, cache = list(locations.decks), locations.deck_cache
    database = locations.database
    return PrepContext(
        library=library if library is not None else Library(),
        library_loader=None if library is not None else (lambda: load_library(decks, cache)),
        store_opener=(lambda: store) if store is not None else (lambda: open_store(locations)),
        settings=settings if settings is not None else load_user_settings(locations),
        tz=tz if tz is not None else local_timezone(),
        clock=clock,
        new_id=new_id or (lambda: str(uuid.uuid4())),
        locations=locations,
        settings_path=locations.settings_file,
        grader_factory=grader_factory or (lambda: make_grader(locations)),
        history_opener=None if store is not None else (lambda: open_history(database)),
    )


def make_app(locations: Locations) -> PrepApp:
    from prep.tui.app import PrepApp

    return PrepApp(make_context(locations))
