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
import traceback
from typing import Any

from prep.grading.protocol import CaseInput, CaseRecord, ErrorInfo, LoadRecord, ScriptRecord
from prep.grading.values import encode

MESSAGE_LIMIT = 500

_write = os.write  # bound before any submission code runs


def _send(fd: int, record: LoadRecord | CaseRecord | ScriptRecord) -> None:
    import json

    wire = record.to_wire()
    data = (json.dumps(wire, separators=(",", ":"), allow_nan=False) + "\n").encode()
    view = memoryview(data)
    while view:
        written = _write(fd, view)
        view = view[written:]


def _describe_error(exc: BaseException) -> ErrorInfo:
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


_OWN_FILES = ("<solution>", "<preamble>", "<snippet>", "<case")


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


def _fresh_namespace(name: str) -> dict[str, Any]:
    return {"__name__": name, "__builtins__": builtins}


def run_cases(fd: int, preamble: str, source: str, cases: tuple[CaseInput, ...]) -> None:
    namespace = _fresh_namespace("solution")
    try:
        if preamble:
            exec(compile(preamble, "<preamble>", "exec", dont_inherit=True), namespace)
        exec(compile(source, "<solution>", "exec", dont_inherit=True), namespace)
    except MemoryError:
        _send(fd, LoadRecord("memory"))
        return
    except BaseException as exc:  # SystemExit and KeyboardInterrupt included
        _print_user_traceback(exc)
        _send(fd, LoadRecord("error", _describe_error(exc)))
        return
    _send(fd, LoadRecord("ok"))
    for index, case in enumerate(cases):
        record: CaseRecord
        try:
            if case.call is not None:
                value = eval(
                    compile(case.call, f"<case {index}>", "eval", dont_inherit=True), namespace
                )
            else:
                scope = dict(namespace)
                exec(compile(case.code or "", f"<case {index}>", "exec", dont_inherit=True), scope)
                if "result" not in scope:
                    raise NameError("the case's code did not assign 'result'")
                value = scope["result"]
            record = CaseRecord(index, value=encode(value), has_value=True)
        except MemoryError:
            record = CaseRecord(index, memory=True)
        except BaseException as exc:
            record = CaseRecord(index, error=_describe_error(exc))
        _send(fd, record)


def run_script(fd: int, source: str) -> None:
    """Run a program as ``__main__`` (predict cards): its stdout is the answer."""
    namespace = _fresh_namespace("__main__")
    outcome = ScriptRecord("ok")
    try:
        exec(compile(source, "<snippet>", "exec", dont_inherit=True), namespace)
    except MemoryError:
        outcome = ScriptRecord("memory")
    except SystemExit as exc:
        if exc.code not in (None, 0):
            outcome = ScriptRecord("error", _describe_error(exc))
    except BaseException as exc:
        _print_user_traceback(exc)
        outcome = ScriptRecord("error", _describe_error(exc))
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
    _send(fd, outcome)
