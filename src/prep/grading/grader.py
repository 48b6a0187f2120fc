"""Grading a kata submission or running a predict snippet, end to end.

The verdict is decided here, in the trusted parent: the worker returns what
the code produced, and this module compares it with what the card expects.
A missing, malformed or truncated result is a failure, never a pass; the
child's exit code and stdout mean nothing.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any, Literal

from prep.content.models import Case, KataCard, PredictCard
from prep.grading.compare import compare
from prep.grading.sandbox import Isolation, WorkerDiedError, WorkerProcess, detect_isolation
from prep.grading.values import DecodeError, decode

Which = Literal["examples", "tests"]


class CaseStatus(StrEnum):
    PASS = "pass"
    FAIL = "fail"
    ERROR = "error"
    TIMEOUT = "timeout"
    MEMORY = "memory"


@dataclass(frozen=True)
class CaseVerdict:
    name: str
    status: CaseStatus
    message: str
    detail: str = ""  # expected vs got: for authors, and for learners once a kata is over

    @property
    def passed(self) -> bool:
        return self.status is CaseStatus.PASS


@dataclass(frozen=True)
class GradeReport:
    which: Which
    cases: tuple[CaseVerdict, ...]
    stdout: str
    stderr: str
    duration_ms: float
    problem: str = ""  # a failure of the whole run (import error, killed, ...)

    @property
    def passed(self) -> bool:
        return bool(self.cases) and all(case.passed for case in self.cases)

    @property
    def passed_count(self) -> int:
        return sum(1 for case in self.cases if case.passed)


@dataclass(frozen=True)
class SnippetRun:
    stdout: str
    stderr: str
    problem: str
    duration_ms: float


def normalise_output(text: str) -> str:
    """Trailing whitespace on each line and trailing blank lines do not count."""
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").split("\n")]
    while lines and not lines[-1]:
        lines.pop()
    return "\n".join(lines)


def outputs_match(expected: str, actual: str) -> bool:
    return normalise_output(expected) == normalise_output(actual)


def case_name(case: Case, index: int, which: Which) -> str:
    return case.name or f"{'example' if which == 'examples' else 'test'} {index + 1}"


def _error_matches(expected: str, error: dict[str, Any]) -> bool:
    mro = error.get("mro")
    return isinstance(mro, list) and expected in [str(name) for name in mro]


def _judge(case: Case, record: dict[str, Any] | None) -> tuple[CaseStatus, str, str]:
    """(status, learner-safe message, full detail) for one case."""
    if record is None:
        return CaseStatus.ERROR, "no result (the program stopped before this case)", ""
    if record.get("memory"):
        return CaseStatus.MEMORY, "memory limit exceeded", ""
    error = record.get("error")
    if isinstance(error, dict):
        kind = str(error.get("type", "Exception"))
        text = f"{kind}: {error.get('message', '')}".rstrip(": ")
        if case.expect_error is not None:
            if _error_matches(case.expect_error, error):
                return CaseStatus.PASS, "", ""
            return CaseStatus.FAIL, f"raised {kind}", f"expected {case.expect_error}, raised {text}"
        return CaseStatus.ERROR, f"raised {text}"[:300], f"raised {text}"
    if "value" not in record:
        return CaseStatus.ERROR, "malformed result", ""
    try:
        value = decode(record["value"])
    except DecodeError as exc:
        return CaseStatus.ERROR, f"malformed result ({exc})", ""
    if case.expect_error is not None:
        return (
            CaseStatus.FAIL,
            f"expected {case.expect_error} to be raised",
            f"expected {case.expect_error}, returned {value!r:.200}",
        )
    ok, why = compare(case.expect, value, case.compare, case.tolerance)
    if ok:
        return CaseStatus.PASS, "", ""
    return CaseStatus.FAIL, "wrong answer", why


def _parse_records(
    text: str, count: int
) -> tuple[dict[str, Any] | None, dict[int, dict[str, Any]], str]:
    """The import record, one record per case index, and any protocol problem.

    A record for an index seen twice, out of range, or a line that is not a
    JSON object, makes the run malformed: a forged channel cannot help.
    """
    header: dict[str, Any] | None = None
    records: dict[int, dict[str, Any]] = {}
    for line in text.splitlines():
        try:
            record = json.loads(line)
        except ValueError:
            return header, {}, "malformed result channel"
        if not isinstance(record, dict):
            return header, {}, "malformed result channel"
        if "import" in record:
            if header is not None:
                return header, {}, "malformed result channel"
            header = record
            continue
        index = record.get("i")
        if type(index) is not int or not 0 <= index < count or index in records:
            return header, {}, "malformed result channel"
        records[index] = record
    return header, records, ""


def _problem_text(reply: dict[str, Any]) -> str:
    status = reply.get("status")
    if status == "output_limit":
        return "output limit exceeded (more than 1 MiB printed)"
    if status == "result_limit":
        return "results too large"
    exit_info = reply.get("exit") or {}
    signal_name = exit_info.get("signal")
    if signal_name == "SIGXCPU":
        return "CPU time limit exceeded"
    if signal_name:
        return f"the program was killed ({signal_name})"
    return ""


def build_verdicts(
    cases: Sequence[Case], which: Which, reply: dict[str, Any]
) -> tuple[tuple[CaseVerdict, ...], str]:
    header, records, protocol_problem = _parse_records(str(reply.get("results", "")), len(cases))
    status = reply.get("status")
    problem = protocol_problem or _problem_text(reply)
    verdicts = []
    import_failed = header is None or header.get("import") != "ok"
    if import_failed and header is not None and isinstance(header.get("error"), dict):
        error = header["error"]
        problem = f"the code failed to load: {error.get('type', 'Exception')}: {error.get('message', '')}".rstrip(
            ": "
        )[:300]
    for index, case in enumerate(cases):
        name = case_name(case, index, which)
        if protocol_problem:
            verdicts.append(CaseVerdict(name, CaseStatus.ERROR, protocol_problem))
            continue
        if import_failed:
            if header is not None and header.get("import") == "memory":
                verdicts.append(
                    CaseVerdict(
                        name, CaseStatus.MEMORY, "memory limit exceeded while loading the code"
                    )
                )
            elif header is not None and isinstance(header.get("error"), dict):
                verdicts.append(
                    CaseVerdict(name, CaseStatus.ERROR, "not run: the code failed to load")
                )
            elif status == "timeout":
                verdicts.append(
                    CaseVerdict(
                        name, CaseStatus.TIMEOUT, "time limit exceeded while loading the code"
                    )
                )
            else:
                verdicts.append(
                    CaseVerdict(name, CaseStatus.ERROR, problem or "the code did not load")
                )
            continue
        record = records.get(index)
        if record is None and status == "timeout":
            first_missing = min((i for i in range(len(cases)) if i not in records), default=index)
            message = (
                "time limit exceeded" if index == first_missing else "not run (time limit reached)"
            )
            verdicts.append(CaseVerdict(name, CaseStatus.TIMEOUT, message))
            continue
        if record is None and problem:
            verdicts.append(CaseVerdict(name, CaseStatus.ERROR, problem))
            continue
        status_, message, detail = _judge(case, record)
        verdicts.append(CaseVerdict(name, status_, message, detail))
    return tuple(verdicts), problem


def kata_job(kata: KataCard, source: str, cases: Sequence[Case]) -> dict[str, Any]:
    """Only inputs: the expected values stay in this process."""
    return {
        "kind": "kata",
        "preamble": kata.preamble or "",
        "source": source,
        "cases": [
            {"call": case.call} if case.call is not None else {"code": case.code} for case in cases
        ],
        "timeout_s": kata.limits.timeout_s,
        "memory_mb": kata.limits.memory_mb,
    }


@dataclass
class Grader:
    """A small pool of warm workers, shared by the app and the CLI."""

    hidden: Sequence[Path] = ()
    size: int = 1
    isolation: Isolation | None = None
    _idle: list[WorkerProcess] = field(default_factory=list, init=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False)
    _busy: dict[int, WorkerProcess] = field(default_factory=dict, init=False)

    def __post_init__(self) -> None:
        if self.isolation is None:
            self.isolation = detect_isolation(self.hidden)

    def _borrow(self) -> WorkerProcess:
        with self._lock:
            if self._idle:
                return self._idle.pop()
        assert self.isolation is not None
        return WorkerProcess(self.isolation, self.hidden)

    def _give_back(self, worker: WorkerProcess) -> None:
        with self._lock:
            if len(self._idle) < self.size:
                self._idle.append(worker)
                return
        worker.stop()

    def warm_up(self) -> None:
        worker = self._borrow()
        try:
            worker.start()
        finally:
            self._give_back(worker)

    def run_job(self, job: dict[str, Any], cancel: threading.Event | None = None) -> dict[str, Any]:
        worker = self._borrow()
        try:
            try:
                return worker.run(job, cancel)
            except WorkerDiedError as exc:
                return {
                    "status": "worker_died",
                    "results": "",
                    "stdout": "",
                    "stderr": "",
                    "exit": {},
                    "problem": str(exc),
                }
        finally:
            self._give_back(worker)

    def grade(
        self,
        kata: KataCard,
        source: str,
        which: Which = "tests",
        cancel: threading.Event | None = None,
    ) -> GradeReport:
        cases = kata.examples if which == "examples" else kata.tests
        started = time.monotonic()
        reply = self.run_job(kata_job(kata, source, cases), cancel)
        verdicts, problem = build_verdicts(cases, which, reply)
        if reply.get("status") == "worker_died":
            problem = "the grading process was killed (by the submission?)"
        return GradeReport(
            which=which,
            cases=verdicts,
            stdout=str(reply.get("stdout", "")),
            stderr=str(reply.get("stderr", "")),
            duration_ms=round((time.monotonic() - started) * 1000, 3),
            problem=problem,
        )

    def run_snippet(self, card: PredictCard, cancel: threading.Event | None = None) -> SnippetRun:
        started = time.monotonic()
        reply = self.run_job(
            {"kind": "script", "source": card.code, "timeout_s": 5.0, "memory_mb": 256}, cancel
        )
        problem = ""
        status = reply.get("status")
        if status == "timeout":
            problem = "time limit exceeded"
        elif status == "worker_died":
            problem = "the grading process was killed"
        else:
            problem = _problem_text(reply)
            outcome: Any = None
            for line in str(reply.get("results", "")).splitlines():
                try:
                    outcome = json.loads(line)
                except ValueError:
                    outcome = None
            if not isinstance(outcome, dict) or "script" not in outcome:
                problem = problem or "the program did not finish"
            elif outcome["script"] == "memory":
                problem = "memory limit exceeded"
            elif outcome["script"] == "error" and isinstance(outcome.get("error"), dict):
                error = outcome["error"]
                problem = (
                    f"raised {error.get('type', 'Exception')}: {error.get('message', '')}".rstrip(
                        ": "
                    )
                )
        return SnippetRun(
            stdout=str(reply.get("stdout", "")),
            stderr=str(reply.get("stderr", "")),
            problem=problem,
            duration_ms=round((time.monotonic() - started) * 1000, 3),
        )

    def close(self) -> None:
        with self._lock:
            idle, self._idle = self._idle, []
        for worker in idle:
            worker.stop()
