"""What each subcommand does. Each takes the resolved locations and the
stream to write to, and returns the exit code.

Heavy modules are imported inside the commands that use them: start-up only
pays for what a command needs.
"""

from __future__ import annotations

import json
import shlex
import sys
from collections.abc import Sequence
from datetime import datetime, tzinfo
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from prep.cli.errors import UsageError, UserFacingError
from prep.cli.factory import (
    load_decks,
    load_user_settings,
    make_app,
    make_grader,
    open_history,
    open_store,
)
from prep.paths import Locations
from prep.wording import noun, plural

if TYPE_CHECKING:
    from prep.content import Library, StudyCard
    from prep.content.errors import ContentError
    from prep.grading.grader import Grader
    from prep.grading.verify import Check
    from prep.store import Store


def run_check(
    locations: Locations,
    paths: list[Path],
    as_json: bool,
    out: TextIO,
    run_code: bool = True,
    jobs: int = 0,
    strict: bool = False,
    trust: bool = False,
) -> int:
    import os

    from prep.content.rules import random_block_problems, shipped_deck_problems, warnings

    targets = paths or list(locations.decks)
    for target in targets:
        # A path that is not there is a mistake on the command line, not an error in a deck.
        if not (target.exists() or target.is_symlink()):
            raise UsageError(f"{target}: no such file or folder", command="check")
    library = load_decks(locations, targets)
    errors = list(library.errors)
    errors += [
        problem for card in library.cards.values() for problem in random_block_problems(card)
    ]
    advice = [warning for card in library.cards.values() for warning in warnings(card)]
    if strict:
        # The shipped deck's rules: what is only advice for a user's own deck is an error.
        errors += advice
        errors += [
            problem for card in library.cards.values() for problem in shipped_deck_problems(card)
        ]
        advice = []
    if run_code:
        from prep.grading.verify import plan_checks, run_checks

        checks = plan_checks(library.cards.values())
        if checks:
            workers = jobs if jobs > 0 else (os.cpu_count() or 1)
            grader = make_grader(locations, size=workers)
            try:
                if not trust:
                    checks, refused = _refuse_untrusted(checks, grader)
                    errors += refused
                errors += run_checks(checks, grader, workers, None if as_json else _progress_line)
            finally:
                grader.close()
                if not as_json and sys.stderr.isatty():
                    print(" " * 60, end="\r", file=sys.stderr)
    errors.sort(key=lambda e: (str(e.path), e.line, e.message))
    advice.sort(key=lambda e: (str(e.path), e.line, e.message))
    if as_json:
        report = {
            "decks": len(library.decks),
            "cards": len(library.cards),
            "by_type": library.count_by_type(),
            "errors": [error.to_dict() for error in errors],
            "warnings": [warning.to_dict() for warning in advice],
            "strict": strict,
        }
        print(json.dumps(report, indent=2), file=out)
    else:
        for error in errors:
            print(error, file=out)
        for warning in advice:
            print(warning, file=sys.stderr)
        counts = library.count_by_type()
        summary = ", ".join(f"{n} {kind}" for kind, n in counts.items())
        verdict = "ok" if not errors else plural(len(errors), "error")
        if advice:
            verdict += f", {plural(len(advice), 'warning')}"
        read = ", ".join(
            [
                plural(library.files_read, "file"),
                plural(len(library.decks), "deck"),
                plural(len(library.cards), "card"),
            ]
        )
        print(f"{read} ({summary}): {verdict}", file=sys.stderr)
    return 1 if errors else 0


def _refuse_untrusted(
    checks: list[Check], grader: Grader
) -> tuple[list[Check], list[ContentError]]:
    """Without a real sandbox, only the shipped deck's code runs unless --trust says so:
    a stranger's deck could read and change the user's files."""
    from prep.content.errors import ContentError
    from prep.grading.sandbox import IsolationMode
    from prep.paths import builtin_deck_dir

    assert grader.isolation is not None
    if grader.isolation.mode is not IsolationMode.PLAIN:
        return checks, []
    shipped = builtin_deck_dir().resolve()
    kept = [check for check in checks if check.card.path.resolve().is_relative_to(shipped)]
    files = sorted({check.card.path for check in checks if check not in kept})
    refused = [
        ContentError(
            path,
            1,
            "code not run: grading has no real sandbox here (plain mode, see prep doctor); "
            "pass --trust to run this deck's solutions and snippets with your own rights",
        )
        for path in files
    ]
    return kept, refused


def _progress_line(done: int, total: int) -> None:
    if sys.stderr.isatty():
        print(f"running code: {done}/{total}", end="\r", file=sys.stderr, flush=True)


def run_stats(
    locations: Locations,
    as_json: bool,
    out: TextIO,
    now: datetime | None = None,
    tz: tzinfo | None = None,
) -> int:
    from prep.clock import local_timezone, utc_now
    from prep.stats.progress import compute_progress, progress_activity
    from prep.stats.report import stats_report
    from prep.stats.summary import today_summary

    library = load_decks(locations)
    settings = load_user_settings(locations)
    # Read in plain SQL when the schema is current: no SQLAlchemy for a report.
    history = open_history(locations.database)
    store = open_store(locations) if history is None else None
    now, tz = now or utc_now(), tz or local_timezone()
    try:
        reader = history or store
        assert reader is not None
        activity = progress_activity(reader, now, tz, settings.rollover_hour)
        summary = today_summary(library, reader, settings, now, tz, activity)
        progress = compute_progress(library, reader, settings, now, tz, activity)
    finally:
        if store is not None:
            store.close()
    if not as_json:
        print("\n".join(stats_report(summary, progress, tz)), file=out)
        return 0
    data: dict[str, Any] = summary.to_dict() | progress.to_dict()
    data["retention"] = {name: row.rate for name, row in progress.retention.items()}
    data["retention_counts"] = {
        name: {"passed": row.passed, "total": row.total} for name, row in progress.retention.items()
    }
    print(json.dumps(data, indent=2), file=out)
    return 0


def run_mock(
    locations: Locations,
    changes: dict[str, int | None],
    list_only: bool,
    as_json: bool,
    out: TextIO,
    tz: tzinfo | None = None,
) -> int:
    """The mock interview's settings (changed first when asked) and the past interviews."""
    from prep.clock import local_timezone
    from prep.settings import save_settings, settings_from_mapping
    from prep.stats.interviews import interview_lines
    from prep.study.mock import past_interviews

    settings = load_user_settings(locations)
    wanted = {f"mock_{name}": value for name, value in changes.items() if value is not None}
    if wanted:
        settings, problems = settings_from_mapping(wanted, settings)
        if problems:
            # In the words of the options given: "--minutes must be between 5 and 180, not 2".
            raise UsageError(problems[0].replace("mock_", "--", 1))
        save_settings(locations.settings_file, settings)
    reports = []
    if locations.database.exists():
        history = open_history(locations.database)
        store = open_store(locations) if history is None else None
        try:
            reader = history or store
            assert reader is not None
            reports = past_interviews(reader)
        finally:
            if store is not None:
                store.close()
    shape = {
        "minutes": settings.mock_minutes,
        "katas": settings.mock_katas,
        "questions": settings.mock_questions,
    }
    if as_json:
        data: dict[str, Any] = {"interviews": [report.to_dict() for report in reports]}
        if not list_only:
            data = {"settings": shape, **data}
        print(json.dumps(data, indent=2), file=out)
        return 0
    if not list_only:
        saved = f" (saved to {locations.settings_file})" if wanted else ""
        print(
            f"mock interview: {plural(settings.mock_minutes, 'minute')}, "
            f"{plural(settings.mock_katas, 'kata')} and "
            f"{plural(settings.mock_questions, 'question')}{saved}; 'm' on Today starts one",
            file=out,
        )
    print("\n".join(interview_lines(reports, tz or local_timezone())), file=out)
    return 0


def run_app(locations: Locations) -> int:
    app = make_app(locations)
    app.run()
    if app.return_code:  # the history could not be opened: said on the way out
        return app.return_code
    # On quit, with the screen gone: a backup of the session just ended.
    from prep.clock import utc_now
    from prep.transfer.backups import write_backup

    store = open_store(locations)
    try:
        _sync_on_quit(locations, store)
        if not store.is_empty():
            write_backup(store, load_user_settings(locations).to_dict(), locations.home, utc_now())
    except OSError as exc:
        print(f"prep: could not write a backup: {exc.strerror or exc}", file=sys.stderr)
    finally:
        store.close()
    return 0


def run_sync(
    locations: Locations, folder: str | None, auto: bool | None, as_json: bool, out: TextIO
) -> int:
    """Sync with ``folder`` (default: the one remembered), and remember it with ``auto``."""
    from prep.clock import utc_now
    from prep.transfer.sync.exchange import sync_home
    from prep.transfer.sync.setup import SyncSetup, folder_problem, save_sync_setup, sync_setup

    store = open_store(locations)
    try:
        setup = sync_setup(store)
        if folder is not None:
            # Absolute: the app and later runs find it from any working folder.
            target = Path(folder).expanduser().resolve()
        elif setup is not None:
            target = setup.folder
        else:
            raise UsageError("no sync folder yet: 'prep sync DIR' syncs with DIR and remembers it")
        problem = folder_problem(target)
        if problem is not None:
            raise UsageError(problem)
        report = sync_home(store, locations.settings_file, target, utc_now())
        keep_auto = auto if auto is not None else (setup is not None and setup.auto)
        save_sync_setup(store, SyncSetup(target, keep_auto))
    finally:
        store.close()
    if as_json:
        print(json.dumps(report.to_dict() | {"auto": keep_auto}, indent=2), file=out)
        return 0
    for skipped in report.skipped:
        print(
            f"prep: skipped {skipped.path}: {skipped.reason}; read again at the next sync",
            file=sys.stderr,
        )
    if report.new_installation_id is not None:
        print(
            "this home was restored from another one's backup: it now syncs as installation "
            f"{report.new_installation_id}",
            file=out,
        )
    print(f"synced with {target}: {report.summary()}; {report.reviews} reviews in all", file=out)
    if auto is not None:
        when = "when the app starts and quits" if auto else "only when you run 'prep sync'"
        print(f"prep syncs with it {when}", file=out)
    return 0


def _sync_on_quit(locations: Locations, store: Store) -> None:
    """The sync of ``--auto`` as the app quits; a folder out of reach is said, not fatal."""
    from prep.clock import utc_now
    from prep.transfer.sync.exchange import SyncFolderError, auto_sync

    try:
        report = auto_sync(store, locations.settings_file, utc_now())
    except SyncFolderError as exc:
        print(f"prep: not synced: {exc}", file=sys.stderr)
        return
    except OSError as exc:
        print(f"prep: not synced: {exc.strerror or exc}", file=sys.stderr)
        return
    if report is not None:
        print(f"prep: synced with {report.folder}: {report.summary()}", file=sys.stderr)


def _sync_line(locations: Locations) -> str:
    """Doctor's line on sync: the folder, and what the last sync merged."""
    if not locations.database.exists():
        return "not set up (no history yet)"
    from prep.clock import local_timezone
    from prep.transfer.sync.setup import last_sync, sync_setup

    store = open_store(locations)
    try:
        setup, last = sync_setup(store), last_sync(store)
    finally:
        store.close()
    if setup is None:
        return "not set up ('prep sync DIR' merges this history with your other machines)"
    when = "on start and quit" if setup.auto else "when you run 'prep sync'"
    line = f"{setup.folder} ({when})"
    if last is None or not isinstance(last.get("synced_at"), str):
        return f"{line}; not synced yet"
    try:
        at = datetime.fromisoformat(last["synced_at"]).astimezone(local_timezone())
    except ValueError:
        return f"{line}; not synced yet"
    return f"{line}; last {at:%Y-%m-%d %H:%M}: {last.get('summary', '')}"


def run_backups(locations: Locations, as_json: bool, out: TextIO) -> int:
    from prep.clock import local_timezone
    from prep.transfer.backups import backup_folder, list_backups

    backups = list_backups(locations.home)
    if as_json:
        listing = [
            {"name": b.name, "made_at": b.made_at.isoformat(), "bytes": b.size} for b in backups
        ]
        print(
            json.dumps({"folder": str(backup_folder(locations.home)), "backups": listing}), file=out
        )
        return 0
    if not backups:
        print(f"no backups yet in {backup_folder(locations.home)}", file=out)
        return 0
    tz = local_timezone()
    for backup in backups:
        when = backup.made_at.astimezone(tz).strftime("%Y-%m-%d %H:%M")
        print(f"{backup.name}  {when}  {backup.size / 1024:,.1f} KiB", file=out)
    return 0


def run_restore_backup(locations: Locations, name: str | None, as_json: bool, out: TextIO) -> int:
    """Bring back an automatic backup; the current database is moved aside, never deleted."""
    import os

    from prep.clock import utc_now
    from prep.store import Store
    from prep.transfer.backup import restore_backup
    from prep.transfer.backups import list_backups, read_backup

    backups = list_backups(locations.home)
    if not backups:
        raise UserFacingError(f"no backups in {locations.home / 'backups'}")
    chosen = backups[0] if name is None else next((b for b in backups if b.name == name), None)
    if chosen is None:
        from prep.suggest import did_you_mean

        names = [b.name for b in backups]
        raise UsageError(f"no backup named '{name}'{did_you_mean(str(name), names)}")
    try:
        data = read_backup(chosen.path, MAX_BACKUP_BYTES)
    except (OSError, ValueError, EOFError) as exc:
        raise UserFacingError(f"cannot read {chosen.path}: {exc}") from exc
    database = locations.database
    aside = database.with_name(f"{database.name}.before-restore-{utc_now():%Y%m%d-%H%M%S}")
    moved = []
    for suffix in ("", "-wal", "-shm"):
        current = database.with_name(database.name + suffix)
        if current.exists():
            target = aside.with_name(aside.name + suffix)
            os.replace(current, target)
            moved.append((target, current))
    try:
        store = Store.open(database)
        try:
            settings_data = restore_backup(store, data)
            reviews = store.count_reviews()
        finally:
            store.close()
    except Exception as exc:  # put the old database back, whatever went wrong
        for suffix in ("", "-wal", "-shm"):
            database.with_name(database.name + suffix).unlink(missing_ok=True)
        for target, current in moved:
            os.replace(target, current)
        raise UserFacingError(f"{chosen.name} could not be restored: {exc}") from exc
    _keep_backup_settings(locations, settings_data)
    if as_json:
        previous = str(aside) if moved else None
        report = {"backup": chosen.name, "reviews": reviews, "previous_database": previous}
        print(json.dumps(report), file=out)
        return 0
    kept = f"; the previous database is kept as {aside}" if moved else ""
    print(f"restored {plural(reviews, 'review')} from {chosen.name}{kept}", file=out)
    return 0


# What a command reads from one file, at most: enough for any real submission or
# backup, and a bound on `prep grade KATA /dev/zero`.
MAX_SOURCE_BYTES = 1024 * 1024
MAX_BACKUP_BYTES = 512 * 1024 * 1024


def read_bounded(file: str, limit: int, what: str) -> str:
    """The text of ``file`` (``-`` for stdin), refused past ``limit`` bytes."""
    try:
        if file == "-":
            raw = sys.stdin.buffer.read(limit + 1)
        else:
            with open(file, "rb") as handle:
                raw = handle.read(limit + 1)
    except OSError as exc:
        raise UsageError(f"cannot read {file}: {exc.strerror or exc}") from exc
    if len(raw) > limit:
        raise UsageError(f"{file} is larger than {limit // (1024 * 1024)} MiB: not {what}")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise UsageError(f"{file} is not UTF-8 text (byte {exc.start})") from exc


def _read_source(file: str) -> str:
    return read_bounded(file, MAX_SOURCE_BYTES, "a solution")


def run_grade(
    locations: Locations,
    kata_id: str,
    file: str,
    as_json: bool,
    record: bool,
    out: TextIO,
    seed: int | None = None,
    global_options: Sequence[str] = (),
) -> int:
    from prep.content import KataCard

    study_card = _find_kata(load_decks(locations), kata_id)
    assert isinstance(study_card.card, KataCard)
    try:
        source = _read_source(file)
    except UsageError as exc:
        print(exc.line, file=sys.stderr)
        return 2
    from prep.grading.mistakes import MistakeCache

    # Kept in the home when there is one: a command never makes one just for the cache.
    mistakes = MistakeCache(locations.mistake_cache if locations.home.is_dir() else None)
    grader = make_grader(locations)
    try:
        if study_card.card.random is not None:
            grader.warm_up(reference=True)  # both workers start at once, not one after the other
        report = grader.grade(study_card.card, source, "tests", seed=seed)
        if not as_json and mistakes.would_run(study_card.card, report):
            # Each wrong solution runs once, and may take up to the kata's time limit.
            print("looking for a known mistake (once for this kata)…", file=sys.stderr)
        diagnosis = mistakes.diagnose(study_card.card, report, grader)
    finally:
        grader.close()
    if record:
        from prep.clock import utc_now
        from prep.grading.attempts import attempt_from_report
        from prep.study.sitting import since_practice_opened

        store = open_store(locations)
        try:
            now = utc_now()
            # Graded outside the app, the run is practice: it counts towards solved and the
            # best time (from 'prep start'), and leaves the review of the card to the app.
            elapsed = since_practice_opened(store.attempts(study_card.key), now)
            store.record_attempt(
                attempt_from_report(
                    study_card.key, source, report, now, store.installation_id,
                    elapsed=elapsed, practice=True,
                )
            )  # fmt: skip
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
            "diagnosis": diagnosis.to_dict() if diagnosis is not None else None,
        }
        if report.random is not None:
            verdict["random"] = {
                "seed": report.random.seed,
                "passed": report.random.passed_count,
                "total": len(report.random.cases),
                "first_failing": report.random.failing_text() or None,
                "problem": report.random.problem,
            }
        if report.growth is not None:
            verdict["growth"] = {
                "sizes": list(report.growth.sizes),
                "exponent": report.growth.yours_exponent,
                "reference_exponent": report.growth.reference_exponent,
                "text": report.growth.describe(),
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
        tests = noun(len(report.cases), "hidden test")
        print(
            f"{report.passed_count}/{len(report.cases)} {tests} passed in {report.duration_ms:.0f} ms",
            file=out,
        )
        if report.random is not None:
            print(report.random.summary(), file=out)
            failing = report.random.failing_text()
            if failing:
                print(f"  {failing}", file=out)
                again = ["prep", *global_options, "grade", "--seed", str(report.random.seed)]
                again += [study_card.key, file]
                print(f"  run the same cases again: {shlex.join(again)}", file=out)
        if report.growth is not None:
            print(f"growth: {report.growth.describe()}", file=out)
        if diagnosis is not None:
            print(diagnosis.sentence, file=out)
        if report.stdout.strip():
            print("\noutput:", file=out)
            print(report.stdout.rstrip()[:4000], file=out)
    return 0 if report.passed else 1


def _find_kata(library: Library, name: str) -> StudyCard:
    from prep.study.practice import UnknownKataError, find_kata

    try:
        return find_kata(library, name)
    except UnknownKataError as exc:
        raise UsageError(f"{exc}; 'prep katas' lists them") from exc


def _stopwatch(ms: int | None) -> str:
    """A solving time as a stopwatch shows it: 0:42, 12:05, 1:02:03."""
    if ms is None:
        return "-"
    minutes, seconds = divmod(round(ms / 1000), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{seconds:02d}" if hours else f"{minutes}:{seconds:02d}"


def run_katas(
    locations: Locations,
    as_json: bool,
    out: TextIO,
    *,
    tag: str | None = None,
    status: str | None = None,
    difficulty: str | None = None,
    deck: str | None = None,
) -> int:
    from prep.clock import utc_now
    from prep.content.kinds import Difficulty
    from prep.study.practice import KataFilter, KataStatus, filter_katas, kata_tags, read_kata_rows
    from prep.suggest import did_you_mean

    library = load_decks(locations)
    if library.failed_files:
        # A deck that failed to load would otherwise just be missing from the list.
        failed = plural(len(library.failed_files), "deck file")
        print(f"prep: {failed} could not be read; 'prep check' says why", file=sys.stderr)
    if deck is not None and library.deck(deck) is None:
        slugs = [summary.slug for summary in library.decks]
        raise UsageError(f"no deck '{deck}'{did_you_mean(deck, slugs)}")
    store = open_store(locations)
    try:
        rows = read_kata_rows(library, store, utc_now())
    finally:
        store.close()
    tags = kata_tags(rows)
    if tag is not None and tag not in tags:
        raise UsageError(f"no kata has the tag '{tag}'{did_you_mean(tag, tags)}")
    wanted = KataFilter(
        difficulty=Difficulty(difficulty) if difficulty is not None else None,
        tag=tag,
        status=KataStatus(status) if status is not None else None,
        deck=deck,
    )
    shown = filter_katas(rows, wanted)
    if as_json:
        print(json.dumps([row.to_dict() for row in shown], indent=2), file=out)
        return 0
    if not shown:
        what = "no kata matches" if wanted != KataFilter() else "no katas in your decks"
        print(f"{what} ({plural(len(rows), 'kata')} in all)" if rows else what, file=out)
        return 0
    # The title last: the one column of free length, cut to the
    # terminal's width when that leaves it room enough to be read.
    table = [("kata", "difficulty", "status", "best time", "title")] + [
        (
            row.key,
            row.difficulty.value,
            row.status.value + (" (suspended)" if row.suspended else ""),
            _stopwatch(row.best_time_ms),
            row.title,
        )
        for row in shown
    ]
    widths = [max(len(line[column]) for line in table) for column in range(4)]
    room = _terminal_columns(out) - sum(widths) - 2 * len(widths)
    for line in table:
        cells = [cell.ljust(width) for cell, width in zip(line, widths, strict=False)]
        title = line[4] if room < 20 or len(line[4]) <= room else line[4][: room - 1] + "…"
        print("  ".join([*cells, title]), file=out)
    by_status = ", ".join(
        f"{count} {state.value}"
        for state in KataStatus
        if (count := sum(row.status is state for row in shown))
    )
    of_all = f" (of {len(rows)})" if len(shown) != len(rows) else ""
    print(f"\n{plural(len(shown), 'kata')}{of_all}: {by_status}", file=out)
    return 0


def _terminal_columns(out: TextIO) -> int:
    """The terminal's width when ``out`` is one; 0 (no limit) for a file or a pipe."""
    import os

    try:
        return os.get_terminal_size(out.fileno()).columns if out.isatty() else 0
    except (OSError, ValueError, AttributeError):  # a stream without a real descriptor
        return 0


# The first line of a README.md that `prep start` wrote, and so may write again.
README_MARK = (
    "<!-- Written by 'prep start', which may write it again: keep your notes elsewhere. -->"
)


def run_start(
    locations: Locations,
    kata_name: str,
    folder: str | None,
    force: bool,
    global_options: Sequence[str],
    out: TextIO,
    *,
    as_json: bool = False,
) -> int:

    from prep.content import KataCard
    from prep.content.render import prompt_markdown

    study_card = _find_kata(load_decks(locations), kata_name)
    kata = study_card.card
    assert isinstance(kata, KataCard)
    # Deck and card ids are slugs (lower-case letters, digits, hyphens): a safe folder name.
    target = Path(folder) if folder is not None else Path(study_card.key.replace("/", "-"))
    readme, solution = target / "README.md", target / "solution.py"
    in_the_way = [solution] if _exists(solution) else []
    if _exists(readme) and not _written_by_start(readme):
        in_the_way.insert(0, readme)
    if in_the_way and not force:
        names = " and ".join(str(path) for path in in_the_way)
        verb = "exists" if len(in_the_way) == 1 else "exist"
        raise UserFacingError(f"{names} already {verb}: not overwritten (pass --force to replace)")

    def grade_command(file: Path | str) -> str:
        return shlex.join(["prep", *global_options, "grade", study_card.key, str(file)])

    readme_text = "\n\n".join(
        [
            README_MARK,
            prompt_markdown(kata),
            f"### Grade it\nFrom this folder:\n```sh\n{grade_command('solution.py')}\n```\n"
            "Exit 0 when every hidden test passes; each run is recorded in your history.",
        ]
    )
    starter = kata.starter if kata.starter.strip() else f"# {kata.title}: your solution here.\n"
    target.mkdir(parents=True, exist_ok=True)
    # Exclusive creation unless --force: a file that appeared since the check above,
    # or a link planted in its place, is not written through.
    mode = "w" if force else "x"
    with open(readme, "w" if _exists(readme) else mode, encoding="utf-8", newline="\n") as handle:
        handle.write(readme_text.rstrip() + "\n")
    with open(solution, mode, encoding="utf-8", newline="\n") as handle:
        handle.write(starter)
    if not as_json:
        print(f"wrote {readme} and {solution}", file=out)
    from prep.clock import utc_now
    from prep.study.sitting import OPENED, log_event

    store = open_store(locations)
    try:
        has_draft = store.draft(study_card.key) is not None
        # 'prep grade' times the solve from here.
        log_event(store, study_card.key, OPENED, utc_now(), practice=True)
    finally:
        store.close()
    if as_json:
        report = {
            "kata": study_card.key,
            "readme": str(readme),
            "solution": str(solution),
            "grade_command": grade_command(solution),
            "draft_in_app": has_draft,
        }
        print(json.dumps(report), file=out)
        return 0
    if has_draft:
        print(
            "note: your draft of this kata stays in the app; solution.py holds the starter code",
            file=out,
        )
    print(f"edit {solution}, then grade it with:\n  {grade_command(solution)}", file=out)
    return 0


def _exists(path: Path) -> bool:
    return path.is_symlink() or path.exists()


def _written_by_start(readme: Path) -> bool:
    if readme.is_symlink() or not readme.is_file():
        return False
    with open(readme, encoding="utf-8", errors="replace") as handle:
        return handle.readline().rstrip("\n") == README_MARK


def run_doctor(locations: Locations, as_json: bool, out: TextIO) -> int:
    """Said line by line as each fact is found (the worker can take seconds to start);
    with ``as_json``, the same facts as one object at the end."""
    import platform
    import time

    from prep import __version__
    from prep.grading.sandbox import (
        SANDBOX_CHOICES,
        SANDBOX_ENV,
        UnknownSandboxError,
        detect_isolation,
        protections,
    )

    report: dict[str, Any] = {
        "version": __version__,
        "python": platform.python_version(),
        "executable": sys.executable,
        "home": str(locations.home),
        "database": str(locations.database),
        "content": [str(folder) for folder in locations.decks],
    }

    def say(line: str) -> None:
        if not as_json:
            print(line, file=out)

    def finish(code: int) -> int:
        if as_json:
            print(json.dumps(report, indent=2), file=out)
        return code

    say(f"prep {__version__} on Python {report['python']} ({sys.executable})")
    say(f"home      {locations.home}")
    say(f"database  {locations.database}")
    for deck_dir in locations.decks:
        say(f"content   {deck_dir}")
    library = load_decks(locations)
    by_type = library.count_by_type()
    report |= {
        "cards": len(library.cards),
        "decks": len(library.decks),
        "by_type": by_type,
        "errors": len(library.errors),
    }
    counts = ", ".join(f"{n} {kind}" for kind, n in by_type.items())
    say(
        f"cards     {len(library.cards)} in {plural(len(library.decks), 'deck')} ({counts}); "
        f"{plural(len(library.errors), 'error')}"
    )
    sync = _sync_line(locations)
    report["sync"] = sync
    say(f"sync      {sync}")
    try:
        isolation = detect_isolation(locations.private_folders)
    except UnknownSandboxError as exc:
        raise UsageError(str(exc)) from exc
    except RuntimeError as exc:
        report["sandbox"] = {"error": str(exc)}
        say(f"sandbox   unavailable: {exc}")
        return finish(1)
    held = protections(isolation)
    report["sandbox"] = {
        "mode": isolation.mode.value,
        "mechanism": isolation.mechanism,
        "reason": isolation.reason,
        "protections": held,
    }
    mode = isolation.mode.value + (f" ({isolation.mechanism})" if isolation.mechanism else "")
    say(f"sandbox   {mode}: {isolation.reason}")
    for line in held:
        say(f"          {line}")
    say(f"          set {SANDBOX_ENV} to one of {', '.join(SANDBOX_CHOICES)} to choose")
    grader = make_grader(locations)
    started = time.monotonic()
    try:
        grader.warm_up()
    except Exception as exc:
        report["worker"] = {"error": str(exc)}
        say(f"worker    failed to start: {exc}")
        return finish(1)
    finally:
        grader.close()
    elapsed_ms = (time.monotonic() - started) * 1000
    report["worker"] = {"started_ms": round(elapsed_ms)}
    say(f"worker    started in {elapsed_ms:.0f} ms")
    return finish(0)


def run_optimize(locations: Locations, as_json: bool, out: TextIO) -> int:
    from prep.clock import local_timezone
    from prep.scheduling.fitting import NotEnoughReviewsError, fit_parameters

    settings = load_user_settings(locations)
    store = open_store(locations)
    try:
        try:
            report = fit_parameters(store.reviews(), local_timezone(), settings.rollover_hour)
        except NotEnoughReviewsError as exc:
            if as_json:
                print(json.dumps({"reviews": exc.reviews, "error": str(exc)}), file=out)
            else:
                print(f"prep: {exc}", file=sys.stderr)
            return 1
        store.save_fit(report.parameters, report.to_dict())
    finally:
        store.close()
    if as_json:
        print(json.dumps(report.to_dict(), indent=2), file=out)
        return 0
    print(
        f"fitted FSRS to {plural(report.reviews, 'review')} "
        f"({plural(report.items, 'scored prediction')}) in {report.seconds:.1f} s",
        file=out,
    )
    print(
        f"  log loss     default {report.log_loss_default:.4f}   fitted {report.log_loss_fitted:.4f}   (in-sample)",
        file=out,
    )
    print(
        f"  RMSE (bins)  default {report.rmse_bins_default:.4f}   fitted {report.rmse_bins_fitted:.4f}   (in-sample)",
        file=out,
    )
    if report.cv_log_loss is not None and report.cv_rmse_bins is not None:
        print(
            f"  time-series cross-validation (fit on earlier reviews, score later ones): "
            f"log loss {report.cv_log_loss:.4f}, RMSE (bins) {report.cv_rmse_bins:.4f}",
            file=out,
        )
    print("the fitted parameters are stored; prep schedules with them from now on", file=out)
    return 0


def run_import_reviews(locations: Locations, file: Path, as_json: bool, out: TextIO) -> int:
    from prep.scheduling.memory import memory_model
    from prep.transfer.reviews_csv import import_review_csv

    if not file.is_file():
        print(f"prep: no such file: {file}", file=sys.stderr)
        return 2
    settings = load_user_settings(locations)
    store = open_store(locations)
    try:
        model = memory_model(settings, store.fitted_parameters())
        report = import_review_csv(file, store, model)
    finally:
        store.close()
    if as_json:
        print(json.dumps(report.to_dict(), indent=2), file=out)
    else:
        for error in report.errors[:50]:
            print(error, file=sys.stderr)
        print(
            f"{plural(report.imported, 'review')} imported ({report.already_present} already "
            f"present) for {plural(report.cards, 'card')} from {plural(report.rows, 'row')}; "
            f"{plural(len(report.errors), 'row')} skipped",
            file=out,
        )
    return 1 if report.errors else 0


def run_import_anki(
    locations: Locations, package: Path, folder: Path, as_json: bool, out: TextIO
) -> int:
    from prep.clock import utc_now
    from prep.scheduling.memory import memory_model
    from prep.transfer.anki_import import AnkiImportError, import_anki_package
    from prep.transfer.anki_package import AnkiPackageError

    settings = load_user_settings(locations)
    store = open_store(locations)
    try:
        model = memory_model(settings, store.fitted_parameters())
        report = import_anki_package(package, folder, store, model, utc_now())
    except AnkiPackageError as exc:
        raise UsageError(str(exc)) from exc
    except AnkiImportError as exc:
        raise UserFacingError(str(exc)) from exc
    finally:
        store.close()
    if as_json:
        print(json.dumps(report.to_dict(), indent=2), file=out)
        return 0
    print(
        f"{report.cards} of {plural(report.notes, 'note')} became Q&A cards in "
        f"{plural(len(report.deck_files), 'deck file')} in {folder}",
        file=out,
    )
    if report.skipped_notes:
        print(
            f"  {plural(report.skipped_notes, 'note')} left out: no question or no answer",
            file=out,
        )
    print(
        f"{plural(report.imported, 'review')} imported ({report.already_present} already present)",
        file=out,
    )
    if report.other_card_reviews or report.skipped_reviews:
        print(
            f"  left out: {plural(report.other_card_reviews, 'review')} of a note's other cards "
            f"(reversed, other clozes), {plural(report.skipped_reviews, 'manual change')} "
            "or future times",
            file=out,
        )
    resolved = folder.expanduser().resolve()
    if any(resolved == path.expanduser().resolve() for path in locations.content_dirs):
        print("the folder is one of your deck folders: the cards are ready to study", file=out)
    else:
        print(f"study them with: prep --content {resolved} (or add it to PREP_CONTENT)", file=out)
    return 0


def run_export(locations: Locations, file: Path, anki: bool, as_json: bool, out: TextIO) -> int:
    if anki:
        return _export_anki(locations, file, as_json, out)
    from prep.clock import utc_now
    from prep.transfer.backup import write_backup_file

    settings = load_user_settings(locations)
    store = open_store(locations)
    try:
        try:
            write_backup_file(store, settings.to_dict(), utc_now(), file)
        except OSError as exc:
            raise UserFacingError(f"cannot write {file}: {exc.strerror or exc}") from exc
        reviews, states = store.count_reviews(kinds=None), len(store.card_states())
    finally:
        store.close()
    if as_json:
        report = {"file": str(file), "format": "backup", "reviews": reviews, "card_states": states}
        print(json.dumps(report), file=out)
        return 0
    print(
        f"exported {plural(reviews, 'review')} and {plural(states, 'card state')} to {file}",
        file=out,
    )
    return 0


def _export_anki(locations: Locations, file: Path, as_json: bool, out: TextIO) -> int:
    from prep.clock import utc_now
    from prep.transfer.anki import write_apkg
    from prep.transfer.anki_history import study_history

    library = load_decks(locations)
    history = None
    # No history yet, none to write: an export never makes a database of its own.
    if locations.database.exists():
        settings = load_user_settings(locations)
        store = open_store(locations)
        try:
            history = study_history(store, settings)
        finally:
            store.close()
    try:
        written = write_apkg(library, file, history=history, now=utc_now())
    except OSError as exc:
        raise UserFacingError(f"cannot write {file}: {exc.strerror or exc}") from exc
    if as_json:
        summary = {"file": str(file), "format": "anki", "cards": written.notes}
        print(json.dumps(summary | {"reviews": written.reviews}), file=out)
        return 0
    print(
        f"wrote {plural(written.notes, 'qa and predict card')} and "
        f"{plural(written.reviews, 'review')} of them to {file}",
        file=out,
    )
    return 0


def _keep_backup_settings(locations: Locations, settings_data: dict[str, Any]) -> None:
    """The settings a backup carried become the settings file; bad entries are said, not kept."""
    from prep.settings import save_settings, settings_from_mapping

    settings, problems = settings_from_mapping(settings_data)
    for problem in problems:
        print(f"prep: backup settings: {problem}", file=sys.stderr)
    save_settings(locations.settings_file, settings)


def _not_a_backup(file: Path, error: BaseException) -> UserFacingError:
    from prep.transfer.jsonstream import NotAnObjectError, NotUtf8Error, TooLargeError

    if isinstance(error, TooLargeError):
        limit = error.limit // (1024 * 1024)
        return UserFacingError(f"{file} is larger than {limit} MiB: not a prep backup")
    if isinstance(error, NotUtf8Error):
        return UserFacingError(f"{file} is not UTF-8 text (byte {error.byte})")
    if isinstance(error, NotAnObjectError):
        return UserFacingError(f"{file} is not a prep backup")
    detail = "nested too deeply" if isinstance(error, RecursionError) else str(error)
    return UserFacingError(f"{file} is not a prep backup: {detail}")


def run_restore(locations: Locations, file: Path, as_json: bool, out: TextIO) -> int:
    from prep.transfer.backup import BackupError, backup_members, restore_backup_members

    try:
        handle = sys.stdin.buffer if str(file) == "-" else open(file, "rb")  # noqa: SIM115
    except OSError as exc:
        raise UsageError(f"cannot read {file}: {exc.strerror or exc}") from exc
    # RecursionError: JSON nested absurdly deep. ValueError: not JSON, or not an object.
    with handle:
        try:
            members = backup_members(handle, MAX_BACKUP_BYTES)
        except (ValueError, RecursionError) as exc:
            raise _not_a_backup(file, exc) from exc
        store = open_store(locations)
        try:
            settings_data = restore_backup_members(store, members)
            reviews = store.count_reviews()
        except BackupError as exc:
            raise UserFacingError(str(exc)) from exc
        except (ValueError, RecursionError) as exc:
            raise _not_a_backup(file, exc) from exc
        finally:
            store.close()
    _keep_backup_settings(locations, settings_data)
    if as_json:
        print(
            json.dumps({"file": str(file), "home": str(locations.home), "reviews": reviews}),
            file=out,
        )
        return 0
    print(f"restored {plural(reviews, 'review')} into {locations.home}", file=out)
    return 0
