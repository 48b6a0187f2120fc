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

from prep.grading.values import encode

MESSAGE_LIMIT = 500

_write = os.write  # bound before any submission code runs


def _send(fd: int, record: dict[str, Any]) -> None:
    import json

    data = (json.dumps(record, separators=(",", ":"), allow_nan=False) + "\n").encode()
    view = memoryview(data)
    while view:
        written = _write(fd, view)
        view = view[written:]


def _describe_error(exc: BaseException) -> dict[str, Any]:
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
    return {"type": names[0], "mro": names, "message": message[:MESSAGE_LIMIT]}


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


def run_cases(fd: int, preamble: str, source: str, cases: list[dict[str, Any]]) -> None:
    namespace = _fresh_namespace("solution")
    try:
        if preamble:
            exec(compile(preamble, "<preamble>", "exec"), namespace)
        exec(compile(source, "<solution>", "exec"), namespace)
    except MemoryError:
        _send(fd, {"import": "memory"})
        return
    except BaseException as exc:  # SystemExit and KeyboardInterrupt included
        _print_user_traceback(exc)
        _send(fd, {"import": "error", "error": _describe_error(exc)})
        return
    _send(fd, {"import": "ok"})
    for index, case in enumerate(cases):
        record: dict[str, Any] = {"i": index}
        try:
            if case.get("call") is not None:
                value = eval(compile(case["call"], f"<case {index}>", "eval"), namespace)
            else:
                scope = dict(namespace)
                exec(compile(case["code"], f"<case {index}>", "exec"), scope)
                if "result" not in scope:
                    raise NameError("the case's code did not assign 'result'")
                value = scope["result"]
            record["value"] = encode(value)
        except MemoryError:
            record = {"i": index, "memory": True}
        except BaseException as exc:
            record = {"i": index, "error": _describe_error(exc)}
        _send(fd, record)


def run_script(fd: int, source: str) -> None:
    """Run a program as ``__main__`` (predict cards): its stdout is the answer."""
    namespace = _fresh_namespace("__main__")
    outcome: dict[str, Any] = {"script": "ok"}
    try:
        exec(compile(source, "<snippet>", "exec"), namespace)
    except MemoryError:
        outcome = {"script": "memory"}
    except SystemExit as exc:
        if exc.code not in (None, 0):
            outcome = {"script": "error", "error": _describe_error(exc)}
    except BaseException as exc:
        _print_user_traceback(exc)
        outcome = {"script": "error", "error": _describe_error(exc)}
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
