"""Grading a kata submission or running a predict snippet, end to end: a
small pool of warm workers, shared by the app and the CLI.

The job sent to a worker carries the cases' inputs only; the verdict is
decided here, in the trusted parent (``verdict.py``).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from prep.content.models import Case, KataCard, PredictCard
from prep.grading.protocol import (
    CaseInput,
    Job,
    KataJob,
    ReplyStatus,
    ScriptJob,
    WorkerReply,
    parse_results,
)
from prep.grading.sandbox import Isolation, WorkerDiedError, WorkerProcess, detect_isolation
from prep.grading.values import DecodeError, decode
from prep.grading.verdict import (
    CaseVerdict,
    GradeReport,
    SnippetRun,
    Which,
    build_verdicts,
    snippet_problem,
)

SNIPPET_TIMEOUT_S = 5.0
SNIPPET_MEMORY_MB = 256


def kata_job(kata: KataCard, source: str, cases: Sequence[Case]) -> KataJob:
    """Only inputs: the expected values stay in this process."""
    return KataJob(
        source=source,
        cases=tuple(CaseInput(call=case.call, code=case.code) for case in cases),
        preamble=kata.preamble or "",
        timeout_s=kata.limits.timeout_s,
        memory_mb=kata.limits.memory_mb,
    )


@dataclass(frozen=True)
class OwnRun:
    """A call the learner typed, run on their code and on the reference, each in the sandbox."""

    call: str
    verdict: CaseVerdict  # pass: the same as the reference's
    reference: str  # what the reference gave, as text
    stdout: str
    stderr: str
    problem: str = ""


def reference_case(call: str, reply: WorkerReply) -> tuple[Case, str]:
    """The reference's result as the expectation for the learner's run, and as text."""
    channel = parse_results(reply.results, 1)
    record = channel.cases.get(0)
    if record is None or record.memory:
        problem = channel.problem or reply.problem() or "no result"
        raise ValueError(f"the reference solution gave no result for this call ({problem})")
    if record.error is not None:
        return Case(call=call, expect_error=record.error.type), f"raised {record.error.describe()}"
    try:
        value = decode(record.value)
    except DecodeError as exc:
        raise ValueError(f"the reference's result could not be read ({exc})") from exc
    return Case(call=call, expect=value), repr(value)


@dataclass
class Grader:
    """A small pool of warm workers, shared by the app and the CLI."""

    hidden: Sequence[Path] = ()
    size: int = 1
    isolation: Isolation | None = None
    _idle: list[WorkerProcess] = field(default_factory=list, init=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False)

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

    def run_job(self, job: Job, cancel: threading.Event | None = None) -> WorkerReply:
        worker = self._borrow()
        try:
            try:
                return worker.run(job, cancel)
            except WorkerDiedError:
                return WorkerReply(ReplyStatus.WORKER_DIED)
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
        return GradeReport(
            which=which,
            cases=verdicts,
            stdout=reply.stdout,
            stderr=reply.stderr,
            duration_ms=round((time.monotonic() - started) * 1000, 3),
            problem=problem,
        )

    def try_call(
        self, kata: KataCard, source: str, call: str, cancel: threading.Event | None = None
    ) -> OwnRun:
        """Run a call of the learner's own on the reference, then on their code.

        Two runs, so the reference never shares a process with the learner's code.
        Raises ValueError when the call is not an expression or the reference gives nothing.
        """
        probe = Case(call=call, expect=None)  # a call that does not compile stops here
        reference_reply = self.run_job(kata_job(kata, kata.solution, [probe]), cancel)
        case, reference = reference_case(call, reference_reply)
        reply = self.run_job(kata_job(kata, source, [case]), cancel)
        verdicts, problem = build_verdicts([case], "examples", reply)
        return OwnRun(call, verdicts[0], reference, reply.stdout, reply.stderr, problem)

    def run_snippet(self, card: PredictCard, cancel: threading.Event | None = None) -> SnippetRun:
        started = time.monotonic()
        reply = self.run_job(ScriptJob(card.code, SNIPPET_TIMEOUT_S, SNIPPET_MEMORY_MB), cancel)
        return SnippetRun(
            stdout=reply.stdout,
            stderr=reply.stderr,
            problem=snippet_problem(reply),
            duration_ms=round((time.monotonic() - started) * 1000, 3),
        )

    def close(self) -> None:
        with self._lock:
            idle, self._idle = self._idle, []
        for worker in idle:
            worker.stop()
