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
    check.add_argument(
        "--no-run",
        action="store_true",
        help="only validate the files; do not run solutions, wrong solutions and snippets",
    )
    check.add_argument(
        "--jobs", type=int, default=0, metavar="N", help="parallel runs (default: one per CPU)"
    )

    grade = commands.add_parser(
        "grade",
        help="grade a kata solution against its hidden tests",
        description="Run FILE against the hidden tests of kata KATA_ID (deck/id) in the sandbox. "
        "Exit 0 when every test passes, 1 when one fails, 2 for usage errors or an unknown kata.",
    )
    grade.add_argument("kata", metavar="KATA_ID", help="the kata's full id, deck/id")
    grade.add_argument("file", metavar="FILE", help="the Python file to grade ('-' for stdin)")
    grade.add_argument("--json", action="store_true", help="print only a JSON verdict")
    grade.add_argument("--no-record", action="store_true", help="do not record the attempt")

    commands.add_parser(
        "doctor",
        help="show how prep is set up (sandbox mode, paths)",
        description="Say which sandbox mode grading uses and why, where data lives, and what was loaded.",
    )

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
            paths = [Path(p) for p in args.paths]
            return run_check(
                locations, paths, args.json, sys.stdout, run_code=not args.no_run, jobs=args.jobs
            )
        if args.command == "grade":
            return run_grade(
                locations, args.kata, args.file, args.json, not args.no_record, sys.stdout
            )
        if args.command == "doctor":
            return run_doctor(locations, sys.stdout)
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


def make_grader(locations: Locations, size: int = 1):  # type: ignore[no-untyped-def]
    """Workers hide prep's home and every deck folder from submissions."""
    from prep.grading.grader import Grader

    hidden = [locations.home, *locations.decks]
    try:
        return Grader(hidden=hidden, size=size)
    except RuntimeError as exc:  # PREP_SANDBOX=bwrap where bwrap cannot work
        raise UserFacingError(str(exc)) from exc


def run_check(
    locations: Locations,
    paths: list[Path],
    as_json: bool,
    out: TextIO,
    run_code: bool = True,
    jobs: int = 0,
) -> int:
    import os

    from prep.content import load_library

    targets = paths or list(locations.decks)
    library = load_library(targets)
    errors = list(library.errors)
    if run_code:
        from prep.grading.verify import plan_checks, run_checks

        checks = plan_checks(library.cards.values())
        if checks:
            workers = jobs if jobs > 0 else (os.cpu_count() or 1)
            grader = make_grader(locations, size=workers)
            try:
                errors += run_checks(checks, grader, workers, None if as_json else _progress_line)
            finally:
                grader.close()
                if not as_json and sys.stderr.isatty():
                    print(" " * 60, end="\r", file=sys.stderr)
    errors.sort(key=lambda e: (str(e.path), e.line, e.message))
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


def _progress_line(done: int, total: int) -> None:
    if sys.stderr.isatty():
        print(f"running code: {done}/{total}", end="\r", file=sys.stderr, flush=True)


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


def _read_source(file: str) -> str:
    if file == "-":
        return sys.stdin.read()
    try:
        return Path(file).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"cannot read {file}: {getattr(exc, 'strerror', None) or exc}") from exc


class UsageError(Exception):
    """Exit code 2: the command line names something that does not exist."""


def run_grade(
    locations: Locations, kata_id: str, file: str, as_json: bool, record: bool, out: TextIO
) -> int:
    from prep.content import KataCard, load_library

    library = load_library(list(locations.decks))
    study_card = library.cards.get(kata_id)
    if study_card is None or not isinstance(study_card.card, KataCard):
        known = sorted(
            key for key, card in library.cards.items() if isinstance(card.card, KataCard)
        )
        import difflib

        close = difflib.get_close_matches(kata_id, known, n=1)
        hint = f" (did you mean '{close[0]}'?)" if close else ""
        print(
            f"prep: unknown kata '{kata_id}'{hint}; 'prep check --json' lists the decks",
            file=sys.stderr,
        )
        return 2
    try:
        source = _read_source(file)
    except UsageError as exc:
        print(f"prep: {exc}", file=sys.stderr)
        return 2
    grader = make_grader(locations)
    try:
        report = grader.grade(study_card.card, source, "tests")
    finally:
        grader.close()
    if record:
        from prep.clock import utc_now
        from prep.kata import attempt_from_report

        store = _open_store(locations)
        try:
            store.record_attempt(
                attempt_from_report(
                    study_card.key, source, report, utc_now(), store.installation_id
                )
            )
        finally:
            store.close()
    if as_json:
        verdict = {
            "kata": study_card.key,
            "passed": report.passed,
            "tests": [
                {"name": c.name, "status": c.status.value, "message": c.message}
                for c in report.cases
            ],
            "duration_ms": report.duration_ms,
        }
        print(json.dumps(verdict), file=out)
    else:
        width = max((len(case.name) for case in report.cases), default=4)
        for case in report.cases:
            mark = "✓" if case.passed else "✗"
            print(
                f"  {mark} {case.name:<{width}}  {case.status.value:<7}  {case.message}".rstrip(),
                file=out,
            )
        if report.problem:
            print(f"  {report.problem}", file=out)
        print(
            f"{report.passed_count}/{len(report.cases)} hidden tests passed in {report.duration_ms:.0f} ms",
            file=out,
        )
        if report.stdout.strip():
            print("\noutput:", file=out)
            print(report.stdout.rstrip()[:4000], file=out)
    return 0 if report.passed else 1


def run_doctor(locations: Locations, out: TextIO) -> int:
    import platform
    import time

    from prep import __version__
    from prep.content import load_library
    from prep.grading.sandbox import SANDBOX_ENV, detect_isolation

    print(f"prep {__version__} on Python {platform.python_version()} ({sys.executable})", file=out)
    print(f"home      {locations.home}", file=out)
    print(f"database  {locations.database}", file=out)
    for deck_dir in locations.decks:
        print(f"content   {deck_dir}", file=out)
    library = load_library(list(locations.decks))
    counts = ", ".join(f"{n} {kind}" for kind, n in library.count_by_type().items())
    print(
        f"cards     {len(library.cards)} in {len(library.decks)} decks ({counts}); {len(library.errors)} errors",
        file=out,
    )
    try:
        isolation = detect_isolation([locations.home, *locations.decks])
    except RuntimeError as exc:
        print(f"sandbox   unavailable: {exc}", file=out)
        return 1
    print(f"sandbox   {isolation.mode.value}: {isolation.reason}", file=out)
    if isolation.mode.value == "plain":
        print(
            "          install bubblewrap (bwrap) for read-only files, no network and a private process list",
            file=out,
        )
    print(f"          set {SANDBOX_ENV}=plain or {SANDBOX_ENV}=bwrap to choose", file=out)
    grader = make_grader(locations)
    started = time.monotonic()
    try:
        grader.warm_up()
    except Exception as exc:
        print(f"worker    failed to start: {exc}", file=out)
        return 1
    finally:
        grader.close()
    print(f"worker    started in {(time.monotonic() - started) * 1000:.0f} ms", file=out)
    return 0
