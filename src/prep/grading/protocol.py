"""The messages between prep, its grading worker and the child that runs a
submission, as typed values with one parser each.

- prep → worker: a ``KataJob``, a ``ScriptJob`` or a ``GenerateJob`` (the
  reference's run that draws a kata's random cases), one JSON line each;
- worker → prep: a ``WorkerReply`` per job (what the child printed and sent,
  how it ended);
- child → worker → prep: the result channel, one JSON record per line — a
  ``LoadRecord`` (did the code load), then one ``CaseRecord`` per case for a
  kata, or a single ``ScriptRecord`` for a predict snippet; for a
  ``GenerateJob``, one ``GeneratedRecord`` per random case (its input and the
  reference's result) and one ``TimingRecord`` per growth size.

The child is untrusted: ``parse_results`` refuses anything but the exact
shape it expects (an index seen twice, out of range, a second load record...)
and says so, so that a forged channel can only make a run fail.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, ClassVar, Literal


class ProtocolError(ValueError):
    """A message that is not of the protocol's shape."""


def _text(data: dict[str, Any], key: str, default: str = "") -> str:
    value = data.get(key, default)
    if not isinstance(value, str):
        raise ProtocolError(f"'{key}' must be a string")
    return value


def _number(data: dict[str, Any], key: str, default: float) -> float:
    value = data.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ProtocolError(f"'{key}' must be a number")
    return float(value)


# -- prep → worker -------------------------------------------------------------


def _arguments(data: Any) -> dict[str, Any]:
    """A random case's arguments: names to values encoded by ``prep.grading.values``."""
    if not isinstance(data, dict) or not all(
        isinstance(name, str) and name.isidentifier() for name in data
    ):
        raise ProtocolError("'args' must map argument names to values")
    return data


@dataclass(frozen=True)
class CaseInput:
    """What the child is told of a case: its input, never its expected value.

    A random case also carries its arguments (``args``, encoded values), put in
    scope for the call."""

    call: str | None = None
    code: str | None = None
    args: dict[str, Any] | None = None

    def to_wire(self) -> dict[str, Any]:
        wire: dict[str, Any] = (
            {"call": self.call} if self.call is not None else {"code": self.code or ""}
        )
        if self.args is not None:
            wire["args"] = self.args
        return wire

    @classmethod
    def from_wire(cls, data: Any) -> CaseInput:
        if not isinstance(data, dict):
            raise ProtocolError("a case must be an object")
        call, code = data.get("call"), data.get("code")
        args = _arguments(data["args"]) if "args" in data else None
        if isinstance(call, str):
            return cls(call=call, args=args)
        if isinstance(code, str):
            return cls(code=code, args=args)
        raise ProtocolError("a case needs 'call' or 'code'")


@dataclass(frozen=True)
class KataJob:
    source: str
    cases: tuple[CaseInput, ...]
    preamble: str = ""
    timeout_s: float = 5.0
    memory_mb: int = 256
    # Report each case's CPU seconds as its value (the growth measure), not its result.
    measure: bool = False

    def to_wire(self) -> dict[str, Any]:
        return {
            "kind": "kata",
            "preamble": self.preamble,
            "source": self.source,
            "cases": [case.to_wire() for case in self.cases],
            "timeout_s": self.timeout_s,
            "memory_mb": self.memory_mb,
            "measure": self.measure,
        }


@dataclass(frozen=True)
class GenerateJob:
    """Draw a kata's random cases and run its reference on them: never the learner's code.

    Case ``i`` is generated with a seed derived from ``seed`` and ``i``; each size
    in ``sizes`` gives one more input, on which the reference is timed."""

    source: str  # the reference solution
    generator: str
    call: str | None
    code: str | None
    seed: int
    count: int
    size: int
    sizes: tuple[int, ...] = ()
    preamble: str = ""
    timeout_s: float = 5.0
    memory_mb: int = 256

    def to_wire(self) -> dict[str, Any]:
        return {
            "kind": "generate",
            "preamble": self.preamble,
            "source": self.source,
            "generator": self.generator,
            "call": self.call,
            "code": self.code,
            "seed": self.seed,
            "count": self.count,
            "size": self.size,
            "sizes": list(self.sizes),
            "timeout_s": self.timeout_s,
            "memory_mb": self.memory_mb,
        }

    @classmethod
    def from_wire(cls, data: dict[str, Any], timeout_s: float, memory_mb: int) -> GenerateJob:
        call, code = data.get("call"), data.get("code")
        if not (isinstance(call, str) or isinstance(code, str)):
            raise ProtocolError("a generate job needs 'call' or 'code'")
        sizes = data.get("sizes", [])
        numbers = [data.get("seed"), data.get("count"), data.get("size"), *sizes]
        if not isinstance(sizes, list) or not all(type(n) is int for n in numbers):
            raise ProtocolError("a generate job's seed, count and sizes must be integers")
        return cls(
            source=_text(data, "source"),
            generator=_text(data, "generator"),
            call=call if isinstance(call, str) else None,
            code=code if isinstance(code, str) and not isinstance(call, str) else None,
            seed=data["seed"],
            count=data["count"],
            size=data["size"],
            sizes=tuple(sizes),
            preamble=_text(data, "preamble"),
            timeout_s=timeout_s,
            memory_mb=memory_mb,
        )


@dataclass(frozen=True)
class ScriptJob:
    source: str
    timeout_s: float = 5.0
    memory_mb: int = 256

    def to_wire(self) -> dict[str, Any]:
        return {
            "kind": "script",
            "source": self.source,
            "timeout_s": self.timeout_s,
            "memory_mb": self.memory_mb,
        }


Job = KataJob | ScriptJob | GenerateJob


def parse_job(line: bytes | str) -> Job:
    try:
        data = json.loads(line)
    except ValueError as exc:
        raise ProtocolError("a job must be one JSON object") from exc
    if not isinstance(data, dict):
        raise ProtocolError("a job must be one JSON object")
    timeout_s = _number(data, "timeout_s", 5.0)
    memory_mb = int(_number(data, "memory_mb", 256))
    kind = data.get("kind")
    if kind == "script":
        return ScriptJob(_text(data, "source"), timeout_s, memory_mb)
    if kind == "generate":
        return GenerateJob.from_wire(data, timeout_s, memory_mb)
    if kind == "kata":
        cases = data.get("cases", [])
        if not isinstance(cases, list):
            raise ProtocolError("'cases' must be a list")
        return KataJob(
            source=_text(data, "source"),
            cases=tuple(CaseInput.from_wire(case) for case in cases),
            preamble=_text(data, "preamble"),
            timeout_s=timeout_s,
            memory_mb=memory_mb,
            measure=data.get("measure") is True,
        )
    raise ProtocolError(f"unknown job kind {kind!r}")


# -- worker → prep ---------------------------------------------------------------


class ReplyStatus(StrEnum):
    COMPLETED = "completed"
    TIMEOUT = "timeout"
    OUTPUT_LIMIT = "output_limit"
    RESULT_LIMIT = "result_limit"
    # Set by prep, never sent by a worker: the worker itself was killed mid-job.
    WORKER_DIED = "worker_died"


@dataclass(frozen=True)
class WorkerReply:
    status: ReplyStatus
    results: str = ""
    stdout: str = ""
    stderr: str = ""
    output_truncated: bool = False
    exit_signal: str | None = None
    exit_code: int | None = None
    duration_ms: float = 0.0

    def to_wire(self) -> dict[str, Any]:
        exit_info: dict[str, Any] = {}
        if self.exit_signal is not None:
            exit_info["signal"] = self.exit_signal
        elif self.exit_code is not None:
            exit_info["code"] = self.exit_code
        return {
            "status": self.status.value,
            "results": self.results,
            "stdout": self.stdout,
            "stderr": self.stderr,
            "output_truncated": self.output_truncated,
            "exit": exit_info,
            "duration_ms": self.duration_ms,
        }

    @classmethod
    def from_wire(cls, data: Any) -> WorkerReply:
        if not isinstance(data, dict):
            raise ProtocolError("a reply must be one JSON object")
        try:
            status = ReplyStatus(str(data.get("status")))
        except ValueError as exc:
            raise ProtocolError(f"unknown reply status {data.get('status')!r}") from exc
        if status is ReplyStatus.WORKER_DIED:
            raise ProtocolError("a worker cannot report its own death")
        exit_info = data.get("exit", {})
        if not isinstance(exit_info, dict):
            raise ProtocolError("'exit' must be an object")
        signal_name = exit_info.get("signal")
        code = exit_info.get("code")
        return cls(
            status=status,
            results=_text(data, "results"),
            stdout=_text(data, "stdout"),
            stderr=_text(data, "stderr"),
            output_truncated=bool(data.get("output_truncated", False)),
            exit_signal=signal_name if isinstance(signal_name, str) else None,
            exit_code=code if type(code) is int else None,
            duration_ms=_number(data, "duration_ms", 0.0),
        )

    def problem(self) -> str:
        """What ended the run early, in the learner's words ('' when nothing did)."""
        if self.status is ReplyStatus.OUTPUT_LIMIT:
            return "output limit exceeded (more than 1 MiB printed)"
        if self.status is ReplyStatus.RESULT_LIMIT:
            return "results too large"
        if self.status is ReplyStatus.WORKER_DIED:
            return "the grading process was killed (by the submission?)"
        if self.exit_signal == "SIGXCPU":
            return "CPU time limit exceeded"
        if self.exit_signal:
            return f"the program was killed ({self.exit_signal})"
        return ""


# -- child → worker → prep: the result channel -----------------------------------------

Outcome = Literal["ok", "error", "memory"]
_OUTCOMES: tuple[Outcome, ...] = ("ok", "error", "memory")


@dataclass(frozen=True)
class ErrorInfo:
    """An exception the submission raised: its class, the classes above it, its message."""

    type: str
    classes: tuple[str, ...]  # the exception's MRO by name (a field named ``mro`` would clash)
    message: str

    def to_wire(self) -> dict[str, Any]:
        return {"type": self.type, "mro": list(self.classes), "message": self.message}

    @classmethod
    def from_wire(cls, data: Any) -> ErrorInfo:
        if not isinstance(data, dict):
            raise ProtocolError("an error must be an object")
        mro = data.get("mro")
        if not isinstance(mro, list) or not all(isinstance(name, str) for name in mro):
            raise ProtocolError("an error's 'mro' must be a list of names")
        return cls(_text(data, "type", "Exception"), tuple(mro), _text(data, "message"))

    def describe(self) -> str:
        return f"{self.type}: {self.message}".rstrip(": ")

    def is_a(self, class_name: str) -> bool:
        return class_name in self.classes


@dataclass(frozen=True)
class _EndRecord:
    """How a stage of the run ended; the wire key says which stage."""

    outcome: Outcome
    error: ErrorInfo | None = None
    KEY: ClassVar[str] = ""

    def to_wire(self) -> dict[str, Any]:
        record: dict[str, Any] = {self.KEY: self.outcome}
        if self.error is not None:
            record["error"] = self.error.to_wire()
        return record


@dataclass(frozen=True)
class LoadRecord(_EndRecord):
    """Whether the preamble and the submission loaded."""

    KEY: ClassVar[str] = "import"


@dataclass(frozen=True)
class CaseRecord:
    """One case's result: an encoded value, an error, or the memory limit."""

    index: int
    value: Any = None  # encoded by prep.grading.values; decoded by the parent
    has_value: bool = False
    error: ErrorInfo | None = None
    memory: bool = False

    def to_wire(self) -> dict[str, Any]:
        record: dict[str, Any] = {"i": self.index}
        if self.memory:
            record["memory"] = True
        elif self.error is not None:
            record["error"] = self.error.to_wire()
        else:
            record["value"] = self.value
        return record


@dataclass(frozen=True)
class ScriptRecord(_EndRecord):
    """How a predict snippet ended."""

    KEY: ClassVar[str] = "script"


@dataclass(frozen=True)
class ResultChannel:
    load: LoadRecord | None = None
    cases: dict[int, CaseRecord] = field(default_factory=dict)
    script: ScriptRecord | None = None
    problem: str = ""  # set when the channel is malformed: nothing in it counts


MALFORMED = "malformed result channel"


def _outcome(value: Any) -> Outcome:
    for outcome in _OUTCOMES:
        if value == outcome:
            return outcome
    raise ProtocolError(f"unknown outcome {value!r}")


def _error(record: dict[str, Any]) -> ErrorInfo | None:
    return ErrorInfo.from_wire(record["error"]) if "error" in record else None


def _parse_record(
    record: dict[str, Any], case_count: int
) -> LoadRecord | CaseRecord | ScriptRecord:
    if "import" in record:
        return LoadRecord(_outcome(record["import"]), _error(record))
    if "script" in record:
        return ScriptRecord(_outcome(record["script"]), _error(record))
    index = record.get("i")
    if type(index) is not int or not 0 <= index < case_count:
        raise ProtocolError("a case record needs an index in range")
    if record.get("memory") is True:
        return CaseRecord(index, memory=True)
    if "error" in record:
        return CaseRecord(index, error=_error(record))
    if "value" in record:
        return CaseRecord(index, value=record["value"], has_value=True)
    raise ProtocolError("a case record needs a value, an error or the memory flag")


def parse_results(text: str, case_count: int) -> ResultChannel:
    """The channel as sent; any line out of shape makes the whole channel malformed."""
    load: LoadRecord | None = None
    script: ScriptRecord | None = None
    cases: dict[int, CaseRecord] = {}
    for line in text.splitlines():
        try:
            data = json.loads(line)
            if not isinstance(data, dict):
                raise ProtocolError("a record must be an object")
            record = _parse_record(data, case_count)
        except (ValueError, ProtocolError):
            return ResultChannel(load, problem=MALFORMED)
        if isinstance(record, LoadRecord):
            if load is not None or cases:
                return ResultChannel(load, problem=MALFORMED)
            load = record
        elif isinstance(record, ScriptRecord):
            if script is not None:
                return ResultChannel(load, problem=MALFORMED)
            script = record
        else:
            if load is None or record.index in cases:
                return ResultChannel(load, problem=MALFORMED)
            cases[record.index] = record
    return ResultChannel(load, cases, script)


# -- the reference's run of random cases -------------------------------------------------


@dataclass(frozen=True)
class GeneratedRecord:
    """One random case: its arguments (encoded) and the reference's result on them;
    or, instead, why no case came out of the generator (``problem``)."""

    index: int
    args: dict[str, Any] = field(default_factory=dict)
    outcome: CaseRecord | None = None
    problem: str = ""

    def to_wire(self) -> dict[str, Any]:
        if self.problem or self.outcome is None:
            return {"g": self.index, "problem": self.problem or "no result"}
        outcome = self.outcome.to_wire()
        del outcome["i"]
        return {"g": self.index, "args": self.args, **outcome}


@dataclass(frozen=True)
class TimingRecord:
    """The input generated at one growth size, and the reference's CPU seconds on it."""

    index: int
    args: dict[str, Any] = field(default_factory=dict)
    cpu_s: float = 0.0
    problem: str = ""

    def to_wire(self) -> dict[str, Any]:
        if self.problem:
            return {"t": self.index, "problem": self.problem}
        return {"t": self.index, "args": self.args, "cpu_s": self.cpu_s}


@dataclass(frozen=True)
class GeneratedChannel:
    load: LoadRecord | None = None
    cases: dict[int, GeneratedRecord] = field(default_factory=dict)
    timings: dict[int, TimingRecord] = field(default_factory=dict)
    problem: str = ""


def _generated(record: dict[str, Any], count: int) -> GeneratedRecord:
    index = record["g"]
    if type(index) is not int or not 0 <= index < count:
        raise ProtocolError("a generated record needs an index in range")
    if "problem" in record:
        return GeneratedRecord(index, problem=_text(record, "problem") or "no result")
    outcome = _parse_record({**record, "i": 0}, 1)
    if not isinstance(outcome, CaseRecord):
        raise ProtocolError("a generated record needs a result")
    return GeneratedRecord(index, _arguments(record.get("args")), outcome)


def _timing(record: dict[str, Any], count: int) -> TimingRecord:
    index = record["t"]
    if type(index) is not int or not 0 <= index < count:
        raise ProtocolError("a timing record needs an index in range")
    if "problem" in record:
        return TimingRecord(index, problem=_text(record, "problem") or "no timing")
    return TimingRecord(index, _arguments(record.get("args")), _number(record, "cpu_s", 0.0))


def parse_generated(text: str, count: int, sizes: int) -> GeneratedChannel:
    """The reference's channel for a ``GenerateJob``, as strictly as ``parse_results``."""
    load: LoadRecord | None = None
    cases: dict[int, GeneratedRecord] = {}
    timings: dict[int, TimingRecord] = {}
    for line in text.splitlines():
        try:
            data = json.loads(line)
            if not isinstance(data, dict):
                raise ProtocolError("a record must be an object")
            if "import" in data:
                if load is not None:
                    raise ProtocolError("a second load record")
                load = LoadRecord(_outcome(data["import"]), _error(data))
                continue
            if load is None:
                raise ProtocolError("a record before the load record")
            if "g" in data:
                case = _generated(data, count)
                if case.index in cases:
                    raise ProtocolError("a case seen twice")
                cases[case.index] = case
            elif "t" in data:
                timing = _timing(data, sizes)
                if timing.index in timings:
                    raise ProtocolError("a timing seen twice")
                timings[timing.index] = timing
            else:
                raise ProtocolError("an unknown record")
        except (ValueError, ProtocolError):
            return GeneratedChannel(load, problem=MALFORMED)
    return GeneratedChannel(load, cases, timings)
