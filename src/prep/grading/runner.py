"""Child side: run a submission and report each case on a private channel.

This module runs inside the disposable child process, after limits are set.
It is given the cases' inputs only; expected values never reach it. Every
result is encoded and written the moment it exists, so nothing the
submission does later can reach back and change it.
"""

from __future__ import annotations

import builtins
import gc
import os
import sys
import time
import traceback
from typing import Any

from prep.grading.protocol import (
    CaseInput,
    CaseRecord,
    ErrorInfo,
    GeneratedRecord,
    LoadRecord,
    ScriptRecord,
    TimingRecord,
)
from prep.grading.values import encode, rebuild

MESSAGE_LIMIT = 500
# A growth measure repeats a fast call until this much CPU time has passed, so that
# the clock's grain and the noise of one call do not decide the exponent.
MEASURE_MIN_S = 0.05
MEASURE_MAX_REPEATS = 200

# Bound before any submission code runs.
_write = os.write
_process_time = time.process_time

Record = LoadRecord | CaseRecord | ScriptRecord | GeneratedRecord | TimingRecord


def send_record(fd: int, record: Record) -> None:
    import json

    wire = record.to_wire()
    data = (json.dumps(wire, separators=(",", ":"), allow_nan=False) + "\n").encode()
    view = memoryview(data)
    while view:
        written = _write(fd, view)
        view = view[written:]


def describe_error(exc: BaseException) -> ErrorInfo:
    try:
        message = str(exc)
    except BaseException:
        message = ""
    names = []
    for klass in type(exc).__mro__:
        try:
            names.append(str(klass.__name__))
        except BaseException:
            names.append("?")
    return ErrorInfo(names[0], tuple(names), message[:MESSAGE_LIMIT])


_OWN_FILES = ("<solution>", "<preamble>", "<snippet>", "<case", "<generate>")


def _print_user_traceback(exc: BaseException) -> None:
    """The traceback as the learner would see it: their frames, not the runner's."""
    try:
        summary = traceback.TracebackException.from_exception(exc)
        summary.stack = traceback.StackSummary.from_list(
            [frame for frame in summary.stack if frame.filename.startswith(_OWN_FILES)]
        )
        sys.stderr.write("".join(summary.format()))
    except BaseException:
        pass


def fresh_namespace(name: str) -> dict[str, Any]:
    return {"__name__": name, "__builtins__": builtins}


def load_code(fd: int, preamble: str, source: str) -> dict[str, Any] | None:
    """The namespace the preamble and the source define, or None once the failure is sent."""
    namespace = fresh_namespace("solution")
    try:
        if preamble:
            exec(compile(preamble, "<preamble>", "exec", dont_inherit=True), namespace)
        exec(compile(source, "<solution>", "exec", dont_inherit=True), namespace)
    except MemoryError:
        send_record(fd, LoadRecord("memory"))
        return None
    except BaseException as exc:  # SystemExit and KeyboardInterrupt included
        _print_user_traceback(exc)
        send_record(fd, LoadRecord("error", describe_error(exc)))
        return None
    return namespace


def evaluate(
    namespace: dict[str, Any],
    call: str | None,
    code: str | None,
    args: dict[str, Any] | None,
    filename: str,
) -> Any:
    """A case's value: its call, or the ``result`` its code assigns, with ``args`` in scope."""
    if call is not None:
        scope = namespace if args is None else {**namespace, **args}
        return eval(compile(call, filename, "eval", dont_inherit=True), scope)
    scope = {**namespace, **(args or {})}
    exec(compile(code or "", filename, "exec", dont_inherit=True), scope)
    if "result" not in scope:
        raise NameError("the case's code did not assign 'result'")
    return scope["result"]


def rebuild_args(wire: dict[str, Any]) -> dict[str, Any]:
    return {name: rebuild(value) for name, value in wire.items()}


def cpu_seconds(
    namespace: dict[str, Any], call: str | None, code: str | None, wire: dict[str, Any]
) -> float:
    """CPU seconds of one run of a case on fresh copies of its arguments (an in-place
    sort must not time a sorted input the second time)."""
    spent = 0.0
    repeats = 0
    while repeats < MEASURE_MAX_REPEATS and (repeats == 0 or spent < MEASURE_MIN_S):
        args = rebuild_args(wire)
        started = _process_time()
        evaluate(namespace, call, code, args, "<case>")
        spent += _process_time() - started
        repeats += 1
    return spent / repeats


def run_cases(
    fd: int, preamble: str, source: str, cases: tuple[CaseInput, ...], measure: bool = False
) -> None:
    namespace = load_code(fd, preamble, source)
    if namespace is None:
        return
    send_record(fd, LoadRecord("ok"))
    for index, case in enumerate(cases):
        record: CaseRecord
        try:
            if measure:
                value: Any = cpu_seconds(namespace, case.call, case.code, case.args or {})
            else:
                args = None if case.args is None else rebuild_args(case.args)
                value = evaluate(namespace, case.call, case.code, args, f"<case {index}>")
            record = CaseRecord(index, value=encode(value), has_value=True)
        except MemoryError:
            record = CaseRecord(index, memory=True)
        except BaseException as exc:
            record = CaseRecord(index, error=describe_error(exc))
        send_record(fd, record)


def run_script(fd: int, source: str) -> None:
    """Run a program as ``__main__`` (predict cards): its stdout is the answer."""
    namespace = fresh_namespace("__main__")
    outcome = ScriptRecord("ok")
    try:
        exec(compile(source, "<snippet>", "exec", dont_inherit=True), namespace)
    except MemoryError:
        outcome = ScriptRecord("memory")
    except SystemExit as exc:
        if exc.code not in (None, 0):
            outcome = ScriptRecord("error", describe_error(exc))
    except BaseException as exc:
        _print_user_traceback(exc)
        outcome = ScriptRecord("error", describe_error(exc))
    # As at interpreter exit: drop the module's names so __del__ runs now.
    try:
        namespace.clear()
        gc.collect()
    except BaseException:
        pass
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except BaseException:
        pass
    send_record(fd, outcome)
