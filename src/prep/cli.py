"""The ``prep`` command: the TUI by default, and scriptable subcommands.

Exit codes: 0 success, 1 a failed check or an error the user can fix,
2 usage errors (argparse's own convention).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from prep import __version__
from prep.config import Locations, resolve_locations

EPILOG = """\
environment:
  PREP_HOME        data folder (default: the platform's user data folder)
  PREP_CONTENT     extra deck folders, separated by '{sep}'
  PREP_NO_BUILTIN  set to 1 to leave the shipped deck out

Run 'prep COMMAND --help' for the options of a command.
"""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="prep",
        description="Study for ML, Python and algorithms interviews: cards, katas and spaced repetition.",
        epilog=EPILOG.format(sep=":" if sys.platform != "win32" else ";"),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"prep {__version__}")
    parser.add_argument("--home", metavar="DIR", help="data folder holding prep.db (env PREP_HOME)")
    parser.add_argument(
        "--content",
        metavar="DIR",
        action="append",
        default=[],
        help="add a deck folder; repeatable (env PREP_CONTENT)",
    )
    parser.add_argument(
        "--no-builtin",
        action="store_true",
        help="leave the shipped deck out (env PREP_NO_BUILTIN=1)",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    check = commands.add_parser(
        "check",
        help="validate deck files",
        description="Validate deck files or folders (default: every configured deck). "
        "Prints one 'path:line: message' line per error. Exit 0 when valid, 1 on errors.",
    )
    check.add_argument("paths", nargs="*", metavar="PATH", help="files or folders to check")
    check.add_argument("--json", action="store_true", help="print a JSON report instead")

    stats = commands.add_parser(
        "stats",
        help="print study statistics",
        description="Print what is due, what is new, totals and the streak.",
    )
    stats.add_argument("--json", action="store_true", help="print JSON")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    locations = resolve_locations(args.home, args.content, args.no_builtin)
    try:
        if args.command == "check":
            return run_check(locations, [Path(p) for p in args.paths], args.json, sys.stdout)
        if args.command == "stats":
            return run_stats(locations, args.json, sys.stdout)
        return run_app(locations)
    except KeyboardInterrupt:
        return 130
    except UserFacingError as exc:
        print(f"prep: {exc}", file=sys.stderr)
        return 1


class UserFacingError(Exception):
    """An error whose message is all the user needs (no traceback)."""


def run_check(locations: Locations, paths: list[Path], as_json: bool, out: TextIO) -> int:
    from prep.content import load_library

    targets = paths or list(locations.decks)
    library = load_library(targets)
    errors = sorted(library.errors, key=lambda e: (str(e.path), e.line, e.message))
    if as_json:
        report = {
            "decks": len(library.decks),
            "cards": len(library.cards),
            "by_type": library.count_by_type(),
            "errors": [error.to_dict() for error in errors],
        }
        print(json.dumps(report, indent=2), file=out)
    else:
        for error in errors:
            print(error, file=out)
        counts = library.count_by_type()
        summary = ", ".join(f"{n} {kind}" for kind, n in counts.items())
        verdict = "ok" if not errors else f"{len(errors)} error{'s' if len(errors) != 1 else ''}"
        print(
            f"{library.files_read} files, {len(library.decks)} decks, {len(library.cards)} cards ({summary}): {verdict}",
            file=sys.stderr,
        )
    return 1 if errors else 0


def _open_store(locations: Locations):  # type: ignore[no-untyped-def]
    from prep.paths import ensure_home
    from prep.store import DatabaseError, Store

    try:
        ensure_home(locations.home)
        return Store.open(locations.database)
    except (DatabaseError, OSError) as exc:
        raise UserFacingError(str(exc)) from exc


def run_stats(locations: Locations, as_json: bool, out: TextIO) -> int:
    from prep.clock import local_timezone, utc_now
    from prep.content import load_library
    from prep.settings import Settings
    from prep.stats.summary import today_summary

    library = load_library(list(locations.decks))
    store = _open_store(locations)
    try:
        summary = today_summary(library, store, Settings(), utc_now(), local_timezone())
    finally:
        store.close()
    data = summary.to_dict()
    if as_json:
        print(json.dumps(data, indent=2), file=out)
        return 0
    width = max(len(key) for key in data)
    for key, value in data.items():
        if key == "by_deck":
            continue
        print(f"{key.replace('_', ' '):<{width}}  {value if value is not None else '-'}", file=out)
    return 0


def run_app(locations: Locations) -> int:
    from prep.clock import local_timezone, utc_now
    from prep.content import load_library
    from prep.settings import Settings
    from prep.tui.app import PrepApp, PrepContext

    store = _open_store(locations)
    try:
        context = PrepContext(
            library=load_library(list(locations.decks)),
            store=store,
            settings=Settings(),
            tz=local_timezone(),
            clock=utc_now,
            locations=locations,
        )
        PrepApp(context).run()
    finally:
        store.close()
    return 0
