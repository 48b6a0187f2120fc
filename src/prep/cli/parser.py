"""The command line: global options, then one subcommand."""

from __future__ import annotations

import argparse
import sys

from prep import __version__

EPILOG = """\
environment:
  PREP_HOME        data folder (default: the platform's user data folder)
  PREP_CONTENT     extra deck folders, separated by '{sep}'
  PREP_NO_BUILTIN  set to 1 to leave the shipped deck out
  PREP_SANDBOX     how to run code: auto (default), bwrap, bwrap-system, bwrap-bundled,
                   landlock or plain ('prep doctor' says which is in use)

practising a kata in your own editor:
  prep katas --status new --difficulty easy    choose one
  prep start KATA_ID                           write its README.md and solution.py
  prep grade KATA_ID DIR/solution.py           run the hidden tests

Run 'prep COMMAND --help' for the options of a command.
"""

# The choices of `prep katas`, spelled here so that building the parser imports no
# content models (start-up pays only for what a command uses); a test pins them to
# KataStatus and Difficulty.
KATA_STATUSES = ("new", "attempted", "solved", "due")
DIFFICULTIES = ("easy", "medium", "hard")
KATA_NAME_HELP = "the kata's id: deck/id, or just the id when no other deck has it"


def _run_count(text: str) -> int:
    """``--jobs``: a whole number, 0 for one run per CPU; a negative one is a typo."""
    try:
        count = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if count < 0:
        raise argparse.ArgumentTypeError(f"{count} is below 0 (0 runs one per CPU)")
    return count


def _seed(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"a seed is a whole number, not {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError("a seed is not negative")
    return value


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
        "Prints one 'path:line: message' line per error. Exit 0 when valid, 1 on errors, "
        "2 for a path that is not there.",
    )
    check.add_argument("paths", nargs="*", metavar="PATH", help="files or folders to check")
    check.add_argument("--json", action="store_true", help="print a JSON report instead")
    check.add_argument(
        "--no-run",
        action="store_true",
        help="only validate the files; do not run solutions, wrong solutions and snippets",
    )
    check.add_argument(
        "--jobs",
        type=_run_count,
        default=0,
        metavar="N",
        help="parallel runs (default: one per CPU)",
    )
    check.add_argument(
        "--trust",
        action="store_true",
        help="run the code of decks other than the shipped one even without a real sandbox "
        "(plain mode: that code runs with your own rights)",
    )
    check.add_argument(
        "--strict",
        action="store_true",
        help="apply the shipped deck's rules: examples and 3+ wrong solutions on every kata, "
        "hints on medium and hard Q&A cards, a source or reference on every card",
    )

    katas = commands.add_parser(
        "katas",
        help="list the katas and where you stand on each",
        description="List every kata with its difficulty, your status on it and your best time "
        "to solve it. Status: new (never submitted), attempted (submitted, never passed), solved "
        "(a submission passed every hidden test) or due (scheduled for review now). The filters "
        "combine. 'prep start KATA_ID' writes a kata into a folder to solve in your own editor.",
    )
    katas.add_argument("--json", action="store_true", help="print a JSON list of the katas")
    katas.add_argument("--tag", metavar="TAG", help="only katas with this tag")
    katas.add_argument("--status", choices=KATA_STATUSES, help="only katas with this status")
    katas.add_argument("--difficulty", choices=DIFFICULTIES, help="only katas this hard")
    katas.add_argument("--deck", metavar="DECK", help="only the katas of this deck (its slug)")

    start = commands.add_parser(
        "start",
        help="write a kata into a folder to solve in your own editor",
        description="Write README.md (the prompt, what is given, the examples with their "
        "expected results, the limits and the command that grades it) and solution.py (the "
        "starter code) into DIR, by default a new folder DECK-ID here. An existing solution.py "
        "is never overwritten without --force. Exit 0 when written, 1 when a file is in the "
        "way, 2 for an unknown kata.",
    )
    start.add_argument("kata", metavar="KATA_ID", help=KATA_NAME_HELP)
    start.add_argument(
        "dir", nargs="?", metavar="DIR", help="the folder to write into (default: ./DECK-ID)"
    )
    start.add_argument(
        "--force", action="store_true", help="overwrite solution.py and README.md if they exist"
    )
    start.add_argument("--json", action="store_true", help="print JSON")

    grade = commands.add_parser(
        "grade",
        help="grade a kata solution against its hidden tests",
        description="Run FILE against the hidden tests of kata KATA_ID in the sandbox. "
        "Exit 0 when every test passes, 1 when one fails, 2 for usage errors or an unknown kata.",
    )
    grade.add_argument("kata", metavar="KATA_ID", help=KATA_NAME_HELP)
    grade.add_argument("file", metavar="FILE", help="the Python file to grade ('-' for stdin)")
    grade.add_argument("--json", action="store_true", help="print only a JSON verdict")
    grade.add_argument("--no-record", action="store_true", help="do not record the attempt")
    grade.add_argument(
        "--seed",
        type=_seed,
        metavar="N",
        help="draw the kata's random cases from this seed (a failing run prints its seed)",
    )

    optimize = commands.add_parser(
        "optimize",
        help="fit FSRS parameters to your review history",
        description="Fit FSRS parameters to your own reviews (the Rust optimizer Anki uses), report log loss "
        "and RMSE(bins) of the default and fitted parameters, store the fitted ones and schedule with them.",
    )
    optimize.add_argument("--json", action="store_true", help="print JSON")

    import_reviews = commands.add_parser(
        "import-reviews",
        help="import a review history (CSV)",
        description="Import reviews from a CSV with columns card_id, review_rating (1-4), review_time "
        "(ISO 8601 with zone), review_duration (ms). Cards not in your decks go to the 'imported' deck. "
        "Importing the same file again adds nothing.",
    )
    import_reviews.add_argument("file", metavar="FILE.csv")
    import_reviews.add_argument("--json", action="store_true", help="print JSON")

    export = commands.add_parser(
        "export",
        help="back up everything to JSON, or write an Anki deck",
        description="Write the review log, card states, marks, drafts, attempts, settings and fitted "
        "parameters to FILE.json; with --anki, write the qa and predict cards as an Anki package.",
    )
    export.add_argument("file", metavar="FILE")
    export.add_argument(
        "--anki", action="store_true", help="write an Anki .apkg of the qa and predict cards"
    )
    export.add_argument("--json", action="store_true", help="print JSON")

    restore = commands.add_parser(
        "import",
        help="restore a JSON backup into an empty home, or import an Anki package",
        description="Restore a backup made by 'prep export' into an empty home, exactly. With "
        "--anki, read an Anki package (.apkg or .colpkg): each note becomes a Q&A card (first field "
        "the question, second the answer) in a deck file per Anki deck written into DIR, and the "
        "review history becomes prep reviews, so scheduling goes on where Anki left off. Importing "
        "the same package again adds nothing. Study the decks with 'prep --content DIR'.",
    )
    restore.add_argument("file", metavar="FILE", help="FILE.json, or with --anki FILE.apkg")
    restore.add_argument(
        "--anki", action="store_true", help="FILE is an Anki package (.apkg or .colpkg)"
    )
    restore.add_argument(
        "--into", metavar="DIR", help="with --anki: the folder the deck files are written into"
    )
    restore.add_argument("--json", action="store_true", help="print JSON")

    backups = commands.add_parser(
        "backups",
        help="list the automatic backups",
        description="List the automatic backups in HOME/backups, newest first. prep writes one at "
        "most every 30 minutes of use and on quit, and keeps the newest 8 plus one a day for a week, "
        "one a week for 4 weeks and one a month for a year.",
    )
    backups.add_argument("--json", action="store_true", help="print JSON")

    restore_backup = commands.add_parser(
        "restore",
        help="bring back an automatic backup",
        description="Restore an automatic backup (default: the newest). The current database is "
        "moved aside as prep.db.before-restore-TIME first, never deleted.",
    )
    restore_backup.add_argument(
        "name", nargs="?", metavar="NAME", help="a name from 'prep backups'"
    )
    restore_backup.add_argument("--json", action="store_true", help="print JSON")

    sync = commands.add_parser(
        "sync",
        help="merge your history with your other installations through a folder",
        description="Sync with DIR, a folder your own tool keeps in step between machines "
        "(Syncthing, a cloud drive, a git repository, a USB stick). This installation writes "
        "only its own files there, under DIR/INSTALLATION-ID/, and reads the others': reviews "
        "are merged (each counted once) and the card states rebuilt from the merged log; card "
        "marks, settings and fitted parameters take the latest change. A file still being "
        "copied is skipped until it is whole. Without DIR, the folder of the last sync. "
        "Exit 0 when synced, 2 for a folder that is missing or cannot be written.",
    )
    sync.add_argument("dir", nargs="?", metavar="DIR", help="the sync folder (default: the last)")
    auto = sync.add_mutually_exclusive_group()
    auto.add_argument(
        "--auto",
        action="store_true",
        default=None,
        help="from now on, also sync when the app starts and when it quits",
    )
    auto.add_argument(
        "--no-auto", dest="auto", action="store_false", help="stop syncing on start and quit"
    )
    sync.add_argument("--json", action="store_true", help="print JSON")

    doctor = commands.add_parser(
        "doctor",
        help="show how prep is set up (sandbox mode, paths, sync)",
        description="Say which sandbox mode grading uses and why, where data lives, what was "
        "loaded, and the sync folder with what its last sync merged.",
    )
    doctor.add_argument("--json", action="store_true", help="print JSON")

    stats = commands.add_parser(
        "stats",
        help="print study statistics",
        description="Print what is due today and on each of the next 7 days, totals, the "
        "streak, retention, cards by stage, a table of the decks and kata results.",
    )
    stats.add_argument("--json", action="store_true", help="print JSON")
    return parser
