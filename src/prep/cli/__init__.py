"""The ``prep`` command: the TUI by default, and scriptable subcommands.

Exit codes: 0 success, 1 a failed check or an error the user can fix,
2 usage errors (argparse's own convention): also a path, kata or backup that is
not there, a home that cannot hold data, a PREP_SANDBOX that names no mode.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from prep.cli.commands import (
    run_app,
    run_backups,
    run_check,
    run_doctor,
    run_export,
    run_grade,
    run_import_anki,
    run_import_reviews,
    run_katas,
    run_optimize,
    run_restore,
    run_restore_backup,
    run_start,
    run_stats,
    run_sync,
)
from prep.cli.errors import UsageError, UserFacingError
from prep.cli.parser import build_parser
from prep.paths import resolve_locations, unusable_home

__all__ = ["main"]


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    locations = resolve_locations(args.home, args.content, args.no_builtin)
    problem = unusable_home(locations.home)
    if problem is not None:
        print(f"prep: {problem} (choose another with --home or PREP_HOME)", file=sys.stderr)
        return 2
    try:
        if args.command == "check":
            paths = [Path(p) for p in args.paths]
            return run_check(
                locations,
                paths,
                args.json,
                sys.stdout,
                run_code=not args.no_run,
                jobs=args.jobs,
                strict=args.strict,
                trust=args.trust,
            )
        if args.command == "grade":
            return run_grade(
                locations,
                args.kata,
                args.file,
                args.json,
                not args.no_record,
                sys.stdout,
                seed=args.seed,
                global_options=_global_options(args),
            )
        if args.command == "katas":
            return run_katas(
                locations,
                args.json,
                sys.stdout,
                tag=args.tag,
                status=args.status,
                difficulty=args.difficulty,
                deck=args.deck,
            )
        if args.command == "start":
            return run_start(
                locations, args.kata, args.dir, args.force, _global_options(args), sys.stdout,
                as_json=args.json,
            )  # fmt: skip
        if args.command == "doctor":
            return run_doctor(locations, args.json, sys.stdout)
        if args.command == "optimize":
            return run_optimize(locations, args.json, sys.stdout)
        if args.command == "import-reviews":
            return run_import_reviews(locations, Path(args.file), args.json, sys.stdout)
        if args.command == "export":
            return run_export(locations, Path(args.file), args.anki, args.json, sys.stdout)
        if args.command == "import":
            if args.anki:
                if not args.into:
                    raise UsageError(
                        "import --anki needs --into DIR: the folder for the deck files"
                    )
                return run_import_anki(
                    locations, Path(args.file), Path(args.into), args.json, sys.stdout
                )
            if args.into:
                raise UsageError("--into goes with --anki")
            return run_restore(locations, Path(args.file), args.json, sys.stdout)
        if args.command == "stats":
            return run_stats(locations, args.json, sys.stdout)
        if args.command == "sync":
            return run_sync(locations, args.dir, args.auto, args.json, sys.stdout)
        if args.command == "backups":
            return run_backups(locations, args.json, sys.stdout)
        if args.command == "restore":
            return run_restore_backup(locations, args.name, args.json, sys.stdout)
        if not (sys.stdin.isatty() and sys.stdout.isatty()):
            # Textual without a terminal would spin forever drawing to nowhere.
            print(
                "prep: the app needs a terminal; run a command instead (prep --help lists them)",
                file=sys.stderr,
            )
            return 2
        return run_app(locations)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader went away (`prep stats --json | head`): not an error worth a traceback.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 1
    except UsageError as exc:
        print(exc.line, file=sys.stderr)
        return 2
    except UserFacingError as exc:
        print(f"prep: {exc}", file=sys.stderr)
        return 1
    except MemoryError:
        print("prep: out of memory", file=sys.stderr)
        return 1
    except OSError as exc:
        # A full disk, a folder that cannot be written: the system's words and the file.
        where = f": {exc.filename}" if exc.filename else ""
        print(f"prep: {exc.strerror or exc}{where}", file=sys.stderr)
        return 1
    except Exception as exc:
        from sqlalchemy.exc import SQLAlchemyError

        if not isinstance(exc, SQLAlchemyError):
            raise
        from prep.store.database import one_line

        # A damaged or full database mid-command: one line, never SQLAlchemy's page.
        reason = one_line(exc)
        if "malformed" in reason or "not a database" in reason:
            reason += " ('prep backups' lists your backups; 'prep restore' brings the newest back)"
        print(f"prep: the database failed: {reason}", file=sys.stderr)
        return 1


def _global_options(args: argparse.Namespace) -> list[str]:
    """The options this run was given before its command, for a command it tells the
    user to run next (from another folder, so paths are made absolute)."""
    options = ["--home", str(Path(args.home).expanduser().resolve())] if args.home else []
    for folder in args.content:
        options += ["--content", str(Path(folder).expanduser().resolve())]
    return options + (["--no-builtin"] if args.no_builtin else [])
