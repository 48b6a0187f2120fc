"""The verdict, decided in the trusted parent: what each case's result means
against what the card expects.

The worker only reports what the code produced. A missing, malformed or
truncated result is a failure, never a pass; the child's exit code and
stdout mean nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Literal

from prep.content.models import Case
from prep.grading.compare import compare
from prep.grading.growth import GrowthMeasure
from prep.grading.protocol import CaseRecord, ReplyStatus, WorkerReply, parse_results
from prep.grading.values import DecodeError, decode

Which = Literal["examples", "tests"]
MESSAGE_SHOWN = 300


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
    got: str = ""  # what the learner's code gave, as text ('' when it gave nothing)
    raised: str = ""  # the class of the exception the code raised ('' when it raised none)

    @property
    def passed(self) -> bool:
        return self.status is CaseStatus.PASS


@dataclass(frozen=True)
class RandomOutcome:
    """A submission's random cases: drawn afresh from ``seed``, judged like the fixed ones."""

    seed: int
    cases: tuple[CaseVerdict, ...]
    inputs: tuple[str, ...]  # each case's arguments, shortened
    # The reference's run failed (a fault of the deck, for `prep check`): no random cases.
    problem: str = ""

    @property
    def passed(self) -> bool:
        return all(case.passed for case in self.cases)

    @property
    def passed_count(self) -> int:
        return sum(1 for case in self.cases if case.passed)

    def first_failing(self) -> tuple[CaseVerdict, str] | None:
        """The first failing case and its input."""
        for verdict, shown in zip(self.cases, self.inputs, strict=False):
            if not verdict.passed:
                return verdict, shown
        return None

    def summary(self) -> str:
        """'random cases: 18 of 20 passed (seed 1234567)'."""
        if self.problem:
            return f"random cases: not run ({self.problem})"
        count = len(self.cases)
        return f"random cases: {self.passed_count} of {count} passed (seed {self.seed})"

    def failing_text(self) -> str:
        """The first failing case, what went wrong and its input ('' when none failed)."""
        failing = self.first_failing()
        if failing is None:
            return ""
        verdict, shown = failing
        line = (
            f"first failing: {verdict.name} ({verdict.message or verdict.status.value}) on {shown}"
        )
        # The expected value of a case drawn for this submission alone gives nothing away.
        return f"{line}: {verdict.detail}" if verdict.detail else line


@dataclass(frozen=True)
class GradeReport:
    which: Which
    cases: tuple[CaseVerdict, ...]
    stdout: str
    stderr: str
    duration_ms: float
    problem: str = ""  # a failure of the whole run (import error, killed, ...)
    random: RandomOutcome | None = None
    growth: GrowthMeasure | None = None

    @property
    def passed(self) -> bool:
        fixed = bool(self.cases) and all(case.passed for case in self.cases)
        return fixed and (self.random is None or self.random.passed)

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


def judge_case(case: Case, record: CaseRecord) -> tuple[CaseStatus, str, str]:
    """(status, learner-safe message, full detail) for one case's result."""
    if record.memory:
        return CaseStatus.MEMORY, "memory limit exceeded", ""
    if record.error is not None:
        raised = record.error.describe()
        if case.expect_error is not None:
            if record.error.is_a(case.expect_error):
                return CaseStatus.PASS, "", ""
            return (
                CaseStatus.FAIL,
                f"raised {record.error.type}",
                f"expected {case.expect_error}, raised {raised}",
            )
        return CaseStatus.ERROR, f"raised {raised}"[:MESSAGE_SHOWN], f"raised {raised}"
    try:
        value = decode(record.value)
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


def result_text(record: CaseRecord) -> str:
    """What a case's run gave, for the learner to read: a repr, or what it raised."""
    if record.memory:
        return "memory limit exceeded"
    if record.error is not None:
        return f"raised {record.error.describe()}"[:MESSAGE_SHOWN]
    try:
        return repr(decode(record.value))[:MESSAGE_SHOWN]
    except DecodeError as exc:
        return f"malformed result ({exc})"


def build_verdicts(
    cases: Sequence[Case],
    which: Which,
    reply: WorkerReply,
    names: Sequence[str] | None = None,
) -> tuple[tuple[CaseVerdict, ...], str]:
    """One verdict per case, and what went wrong with the run as a whole."""
    channel = parse_results(reply.results, len(cases))
    if names is None:
        names = [case_name(case, index, which) for index, case in enumerate(cases)]
    problem = channel.problem or reply.problem()
    if channel.problem:
        return tuple(
            CaseVerdict(name, CaseStatus.ERROR, channel.problem) for name in names
        ), problem

    load = channel.load
    if load is None or load.outcome != "ok":
        if load is not None and load.error is not None:
            problem = f"the code failed to load: {load.error.describe()}"[:MESSAGE_SHOWN]
            status, message = CaseStatus.ERROR, "not run: the code failed to load"
        elif load is not None and load.outcome == "memory":
            status, message = CaseStatus.MEMORY, "memory limit exceeded while loading the code"
        elif reply.status is ReplyStatus.TIMEOUT:
            status, message = CaseStatus.TIMEOUT, "time limit exceeded while loading the code"
        else:
            status, message = CaseStatus.ERROR, problem or "the code did not load"
        return tuple(CaseVerdict(name, status, message) for name in names), problem

    missing = [index for index in range(len(cases)) if index not in channel.cases]
    verdicts = []
    for index, case in enumerate(cases):
        record = channel.cases.get(index)
        if record is None:
            if reply.status is ReplyStatus.TIMEOUT:
                first = index == missing[0]
                message = "time limit exceeded" if first else "not run (time limit reached)"
                verdicts.append(CaseVerdict(names[index], CaseStatus.TIMEOUT, message))
            else:
                message = problem or "no result (the program stopped before this case)"
                verdicts.append(CaseVerdict(names[index], CaseStatus.ERROR, message))
            continue
        status, message, detail = judge_case(case, record)
        raised = record.error.type if record.error is not None else ""
        verdicts.append(
            CaseVerdict(names[index], status, message, detail, result_text(record), raised)
        )
    return tuple(verdicts), problem


def snippet_problem(reply: WorkerReply) -> str:
    """What went wrong running a predict snippet ('' when it ran to the end)."""
    if reply.status is ReplyStatus.TIMEOUT:
        return "time limit exceeded"
    problem = reply.problem()
    if reply.status is ReplyStatus.WORKER_DIED:
        return problem
    channel = parse_results(reply.results, 0)
    script = channel.script
    if channel.problem or script is None:
        return problem or channel.problem or "the program did not finish"
    if script.outcome == "memory":
        return "memory limit exceeded"
    if script.outcome == "error" and script.error is not None:
        return f"raised {script.error.describe()}"
    return problem
