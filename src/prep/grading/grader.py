"""Grading a kata submission or running a predict snippet, end to end: a
small pool of warm workers, shared by the app and the CLI.

The job sent to a worker carries the cases' inputs only; the verdict is
decided here, in the trusted parent (``verdict.py``). The reference solution
draws random cases in workers of its own, so that no process a learner's code
is forked from ever held an expected value.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path

from prep.content.models import Case, KataCard, PredictCard
from prep.grading.growth import GrowthMeasure
from prep.grading.protocol import (
    CaseInput,
    Job,
    KataJob,
    ReplyStatus,
    ScriptJob,
    WorkerReply,
    parse_results,
)
from prep.grading.random_cases import RandomDraw, draw_seed, generate_job, read_draw
from prep.grading.sandbox import (
    GradeCancelledError,
    Isolation,
    WorkerDiedError,
    WorkerProcess,
    detect_isolation,
)
from prep.grading.values import DecodeError, decode
from prep.grading.verdict import (
    CaseStatus,
    CaseVerdict,
    GradeReport,
    RandomOutcome,
    SnippetRun,
    Which,
    build_verdicts,
    case_name,
    snippet_problem,
)

SNIPPET_TIMEOUT_S = 5.0
SNIPPET_MEMORY_MB = 256


def kata_job(
    kata: KataCard,
    source: str,
    cases: Sequence[Case],
    random_inputs: Sequence[CaseInput] = (),
    measure: bool = False,
) -> KataJob:
    """Only inputs: the expected values stay in this process.

    Random cases come first: they are small, so a fixed test that runs out of time
    leaves them judged rather than unrun."""
    return KataJob(
        source=source,
        cases=tuple(random_inputs)
        + tuple(CaseInput(call=case.call, code=case.code) for case in cases),
        preamble=kata.preamble or "",
        timeout_s=kata.limits.timeout_s,
        memory_mb=kata.limits.memory_mb,
        measure=measure,
    )


# Statuses after which the growth of a submission says something: a wrong answer's does not.
_MEASURABLE = (CaseStatus.PASS, CaseStatus.TIMEOUT)


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
    # Workers that run only the reference solution: its results never enter a
    # worker whose memory a learner's code inherits when it is forked.
    _reference_idle: list[WorkerProcess] = field(default_factory=list, init=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False)
    # The next submission's random cases, drawn while the learner types (prepare_random).
    _prepared: tuple[KataCard, Future[RandomDraw]] | None = field(default=None, init=False)
    _drawing: ThreadPoolExecutor | None = field(default=None, init=False)

    def __post_init__(self) -> None:
        if self.isolation is None:
            self.isolation = detect_isolation(self.hidden)

    def _pool(self, reference: bool) -> list[WorkerProcess]:
        return self._reference_idle if reference else self._idle

    def _borrow(self, reference: bool = False) -> WorkerProcess:
        with self._lock:
            idle = self._pool(reference)
            if idle:
                return idle.pop()
        assert self.isolation is not None
        return WorkerProcess(self.isolation, self.hidden)

    def _give_back(self, worker: WorkerProcess, reference: bool = False) -> None:
        with self._lock:
            idle = self._pool(reference)
            if len(idle) < self.size:
                idle.append(worker)
                return
        worker.stop()

    def warm_up(self, reference: bool = False) -> None:
        """Start a worker for learners' code, and with ``reference`` one for the
        reference's, side by side (each takes a moment to import numpy)."""
        if not reference:
            self._warm(False)
            return
        with ThreadPoolExecutor(max_workers=2) as pool:
            list(pool.map(self._warm, (False, True)))

    def _warm(self, reference: bool) -> None:
        worker = self._borrow(reference)
        try:
            worker.start()
        finally:
            self._give_back(worker, reference)

    def run_job(
        self, job: Job, cancel: threading.Event | None = None, reference: bool = False
    ) -> WorkerReply:
        """Run a job on a worker; ``reference`` for the reference solution's runs."""
        worker = self._borrow(reference)
        try:
            try:
                return worker.run(job, cancel)
            except WorkerDiedError:
                return WorkerReply(ReplyStatus.WORKER_DIED)
        finally:
            self._give_back(worker, reference)

    def prepare_random(self, kata: KataCard) -> Future[RandomDraw] | None:
        """Draw the next submission's random cases now, with a fresh seed, so that
        submitting waits for the learner's run alone. Only the latest kata is kept."""
        if kata.random is None:
            return None
        with self._lock:
            if self._drawing is None:
                self._drawing = ThreadPoolExecutor(max_workers=1, thread_name_prefix="draw")
            future = self._drawing.submit(self.draw_random, kata, draw_seed())
            self._prepared = (kata, future)
        return future

    def _take_prepared(self, kata: KataCard) -> Future[RandomDraw] | None:
        with self._lock:
            prepared, self._prepared = self._prepared, None
        if prepared is None or prepared[0] is not kata:
            return None
        return prepared[1]

    def draw_random(
        self, kata: KataCard, seed: int, cancel: threading.Event | None = None
    ) -> RandomDraw:
        """The kata's random cases for this seed, from the reference's own run."""
        reply = self.run_job(generate_job(kata, seed), cancel, reference=True)
        return read_draw(kata, seed, reply)

    def grade(
        self,
        kata: KataCard,
        source: str,
        which: Which = "tests",
        cancel: threading.Event | None = None,
        seed: int | None = None,
        growth: bool = True,
    ) -> GradeReport:
        """Grade ``source``; the hidden tests bring the kata's random cases, drawn from
        ``seed`` (a fresh one when None), and with ``growth`` its growth measure."""
        cases = kata.examples if which == "examples" else kata.tests
        started = time.monotonic()
        draw = None
        prepared = None
        if which == "tests" and kata.random is not None:
            prepared = self._take_prepared(kata) if seed is None else None
            if prepared is not None:
                draw = _result(prepared, cancel)  # a failed draw raises here, as below
            else:
                draw = self.draw_random(kata, draw_seed() if seed is None else seed, cancel)
        random_cases = draw.cases if draw is not None else ()
        random_inputs = draw.inputs if draw is not None else ()
        reply = self.run_job(kata_job(kata, source, cases, random_inputs), cancel)
        names = [case.name or "random" for case in random_cases]
        names += [case_name(case, index, which) for index, case in enumerate(cases)]
        verdicts, problem = build_verdicts([*random_cases, *cases], which, reply, names)
        random = None
        if draw is not None:
            judged = verdicts[: len(random_cases)]
            random = RandomOutcome(draw.seed, judged, draw.shown, problem=draw.problem)
        measure = None
        if (
            growth
            and draw is not None
            and draw.growth_inputs
            and verdicts
            and all(verdict.status in _MEASURABLE for verdict in verdicts)
        ):
            measure = self.measure_growth(kata, source, draw, cancel)
        if prepared is not None:
            # Only now: drawn beside the learner's run, it would take its CPU and its time.
            self.prepare_random(kata)
        return GradeReport(
            which=which,
            cases=verdicts[len(random_cases) :],
            stdout=reply.stdout,
            stderr=reply.stderr,
            duration_ms=round((time.monotonic() - started) * 1000, 3),
            problem=problem,
            random=random,
            growth=measure,
        )

    def judge_random(
        self,
        kata: KataCard,
        source: str,
        draw: RandomDraw,
        cancel: threading.Event | None = None,
    ) -> RandomOutcome:
        """``source`` on a draw's random cases alone (``prep check``'s other seeds)."""
        if draw.problem:
            return RandomOutcome(draw.seed, (), (), problem=draw.problem)
        reply = self.run_job(kata_job(kata, source, (), draw.inputs), cancel)
        names = [case.name or "random" for case in draw.cases]
        verdicts, _ = build_verdicts(draw.cases, "tests", reply, names)
        return RandomOutcome(draw.seed, verdicts, draw.shown)

    def measure_growth(
        self,
        kata: KataCard,
        source: str,
        draw: RandomDraw,
        cancel: threading.Event | None = None,
    ) -> GrowthMeasure:
        """The learner's CPU time on the inputs the reference was timed on, size by size."""
        assert kata.random is not None
        block = kata.random
        sizes = block.sizes or ()
        inputs = [CaseInput(block.call, block.code, args) for args in draw.growth_inputs]
        reply = self.run_job(kata_job(kata, source, (), inputs, measure=True), cancel)
        channel = parse_results(reply.results, len(inputs))
        yours: list[float | None] = []
        problem = ""
        for index in range(len(sizes)):
            record = channel.cases.get(index)
            seconds = _seconds(record.value) if record is not None and record.has_value else None
            if seconds is None and not problem:
                if reply.status is ReplyStatus.TIMEOUT:
                    problem = "time limit reached"
                elif record is not None and record.error is not None:
                    problem = f"raised {record.error.type}"
                else:
                    problem = channel.problem or reply.problem() or draw.growth_problem or "no time"
            yours.append(seconds)
        reference = draw.reference_seconds + (None,) * (len(sizes) - len(draw.reference_seconds))
        return GrowthMeasure(sizes, tuple(yours), reference, problem)

    def try_call(
        self, kata: KataCard, source: str, call: str, cancel: threading.Event | None = None
    ) -> OwnRun:
        """Run a call of the learner's own on the reference, then on their code.

        Two runs, so the reference never shares a process with the learner's code.
        Raises ValueError when the call is not an expression or the reference gives nothing.
        """
        probe = Case(call=call, expect=None)  # a call that does not compile stops here
        # The learner's own pool: the reference's answer to their own call is shown to them.
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
            drawing, self._drawing, self._prepared = self._drawing, None, None
        if drawing is not None:
            drawing.shutdown(wait=True, cancel_futures=True)
        with self._lock:
            idle = self._idle + self._reference_idle
            self._idle, self._reference_idle = [], []
        for worker in idle:
            worker.stop()


def _result(future: Future[RandomDraw], cancel: threading.Event | None) -> RandomDraw:
    """A prepared draw, waited for as a run is: ``cancel`` stops the wait."""
    while not future.done():
        if cancel is not None and cancel.is_set():
            raise GradeCancelledError("grading was cancelled")
        wait([future], timeout=0.05)
    return future.result()


def _seconds(wire: object) -> float | None:
    """A CPU time the learner's run reported (its own process: a number, or nothing)."""
    try:
        value = decode(wire)
    except DecodeError:
        return None
    if isinstance(value, float) and value >= 0 and value == value:
        return value
    return None
