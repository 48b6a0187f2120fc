"""A kata's known mistakes: how each of its wrong solutions fails the hidden
tests, worked out in the sandbox once and kept in the home.

An entry is keyed by a hash of the kata's whole content (its tests, its
wrong solutions, their words) and prep's version: a changed kata or a new
release works the patterns out again. The entry is JSON, read back with
checks; a missing or damaged one is worked out again, and a failure to write
one is never an error — the cache saves time only. The folder is inside the
home, which graded code cannot see, so no submission can plant an entry.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
import threading
from pathlib import Path

from prep import __version__
from prep.content.models import KataCard
from prep.grading.diagnosis import (
    Diagnosis,
    FailurePattern,
    KnownMistake,
    diagnose,
    mistake_text,
)
from prep.grading.grader import Grader, kata_job
from prep.grading.verdict import GradeReport, build_verdicts

FORMAT = 1


def kata_fingerprint(kata: KataCard) -> str:
    content = json.dumps(kata.model_dump(mode="json"), sort_keys=True, ensure_ascii=False)
    stamp = f"{FORMAT}\0{__version__}\0{content}"
    return hashlib.sha256(stamp.encode("utf-8", "surrogatepass")).hexdigest()


def work_out(
    kata: KataCard, grader: Grader, cancel: threading.Event | None = None
) -> tuple[KnownMistake, ...]:
    """Run every wrong solution on the fixed hidden tests (in the sandbox).

    Random cases take no part: they differ from one submission to the next, so
    no pattern of theirs could be kept. A ``cancel`` set meanwhile raises the
    grader's GradeCancelledError: no half list.
    """
    known = []
    for wrong in kata.wrong_solutions:
        reply = grader.run_job(kata_job(kata, wrong.code, kata.tests), cancel)
        verdicts, _ = build_verdicts(kata.tests, "tests", reply)
        pattern = FailurePattern.of_cases(verdicts)
        known.append(KnownMistake(wrong.name, mistake_text(wrong), pattern))
    return tuple(known)


class MistakeCache:
    """Known mistakes kept per kata under ``folder`` (None: worked out each time)."""

    def __init__(self, folder: Path | None) -> None:
        self.folder = folder

    def _entry(self, fingerprint: str) -> Path | None:
        return None if self.folder is None else self.folder / f"{fingerprint[:40]}.json"

    def has(self, kata: KataCard) -> bool:
        """Whether this kata's known mistakes are kept, so that none needs to run."""
        fingerprint = kata_fingerprint(kata)
        entry = self._entry(fingerprint)
        return entry is not None and _read(entry, fingerprint, kata) is not None

    def would_run(self, kata: KataCard, report: GradeReport) -> bool:
        """Whether diagnosing ``report`` runs the wrong solutions (they are not kept yet)."""
        return _worth_diagnosing(kata, report) and not self.has(kata)

    def known_mistakes(
        self, kata: KataCard, grader: Grader, cancel: threading.Event | None = None
    ) -> tuple[KnownMistake, ...]:
        """From the cache when the kata is unchanged, else worked out (and kept).

        Runs wrong solutions in the sandbox: call off the UI thread. Raises
        GradeCancelledError when ``cancel`` is set meanwhile, keeping nothing.
        """
        fingerprint = kata_fingerprint(kata)
        entry = self._entry(fingerprint)
        if entry is not None:
            cached = _read(entry, fingerprint, kata)
            if cached is not None:
                return cached
        known = work_out(kata, grader, cancel)
        if entry is not None:
            with contextlib.suppress(OSError):  # not kept: worked out again next time
                _write(entry, fingerprint, known)
        return known

    def diagnose(
        self,
        kata: KataCard,
        report: GradeReport,
        grader: Grader,
        cancel: threading.Event | None = None,
    ) -> Diagnosis | None:
        """The known mistake a graded run looks like; a run that fails no fixed test
        (it passed, or failed random cases only) runs nothing more."""
        if not _worth_diagnosing(kata, report):
            return None
        return diagnose(report, self.known_mistakes(kata, grader, cancel))


def _worth_diagnosing(kata: KataCard, report: GradeReport) -> bool:
    failed = not FailurePattern.of(report).passed
    return report.which == "tests" and failed and bool(kata.wrong_solutions)


def _read(entry: Path, fingerprint: str, kata: KataCard) -> tuple[KnownMistake, ...] | None:
    try:
        data = json.loads(entry.read_text(encoding="utf-8"))
        if data.get("fingerprint") != fingerprint:
            return None
        patterns = [FailurePattern.from_json(item) for item in data["patterns"]]
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None  # missing, damaged or from elsewhere: work it out again
    if len(patterns) != len(kata.wrong_solutions):
        return None
    return tuple(
        KnownMistake(wrong.name, mistake_text(wrong), pattern)
        for wrong, pattern in zip(kata.wrong_solutions, patterns, strict=True)
    )


def _write(entry: Path, fingerprint: str, known: tuple[KnownMistake, ...]) -> None:
    entry.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    data = {"fingerprint": fingerprint, "patterns": [item.pattern.to_json() for item in known]}
    handle, temporary = tempfile.mkstemp(dir=entry.parent, suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            json.dump(data, out)
        os.replace(temporary, entry)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
