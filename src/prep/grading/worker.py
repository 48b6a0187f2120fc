"""The warm grading worker: ``python -m prep.grading.worker``.

Started by prep with a scrubbed environment, in its own session (and inside
bubblewrap when available). It imports numpy once, then for every job forks
a child that confines itself and runs the submission, while the worker
watches the clock and the output size and kills the whole process tree when
the job ends. The worker runs no submitted code itself; if a submission
kills it anyway, prep starts another.

Protocol: one JSON object per line. prep sends jobs on the worker's stdin;
the worker answers on its stdout, first ``{"ready": true}``, then one reply
per job.
"""

from __future__ import annotations

import contextlib
import json
import os
import select
import shutil
import signal
import sys
import tempfile
import time
from typing import Any, BinaryIO

from prep.grading.protocol import (
    GenerateJob,
    Job,
    ProtocolError,
    ReplyStatus,
    ScriptJob,
    WorkerReply,
    parse_job,
)
from prep.grading.walls import NO_WALLS, Walls

OUTPUT_KEEP = 64 * 1024
OUTPUT_KILL = 1024 * 1024
RESULT_LIMIT = 8 * 1024 * 1024
GRACE_S = 0.5


def _prepare_process() -> None:
    from prep.grading.confine import PR_SET_DUMPABLE, prctl
    from prep.grading.proctree import PR_SET_CHILD_SUBREAPER

    prctl(PR_SET_CHILD_SUBREAPER, 1)
    # Not dumpable: a same-user process cannot read this worker's memory,
    # environment or file descriptors through /proc.
    prctl(PR_SET_DUMPABLE, 0)
    for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[name] = "1"
    with contextlib.suppress(ImportError):
        import numpy  # noqa: F401  (warm: every child starts with it imported)
    import gc

    import prep.grading.generate
    import prep.grading.runner  # noqa: F401

    gc.collect()
    gc.freeze()  # children share these pages instead of copying them on GC


def _read_stream(fd: int, buffer: bytearray, keep: int) -> int:
    try:
        chunk = os.read(fd, 65536)
    except OSError:
        return -1
    if not chunk:
        return -1
    room = keep - len(buffer)
    if room > 0:
        buffer.extend(chunk[:room])
    return len(chunk)


def run_job(job: Job, walls: Walls = NO_WALLS) -> WorkerReply:
    from prep.grading.confine import NOBODY, ChildLimits, confine, should_drop_privileges
    from prep.grading.generate import run_reference
    from prep.grading.proctree import kill_descendants
    from prep.grading.runner import run_cases, run_script

    limits = ChildLimits(job.timeout_s, job.memory_mb)
    workdir = tempfile.mkdtemp(prefix="prep-run-")
    if should_drop_privileges():
        os.chown(workdir, NOBODY, NOBODY)
    result_r, result_w = os.pipe()
    out_r, out_w = os.pipe()
    err_r, err_w = os.pipe()
    started = time.monotonic()
    pid = os.fork()
    if pid == 0:  # the child: never returns
        code = 0
        try:
            for fd in (result_r, out_r, err_r):
                os.close(fd)
            confine(result_w, out_w, err_w, workdir, limits, walls)
            if isinstance(job, ScriptJob):
                run_script(3, job.source)
            elif isinstance(job, GenerateJob):
                run_reference(3, job)
            else:
                run_cases(3, job.preamble, job.source, job.cases, job.measure)
        except BaseException:
            code = 70
        os._exit(code)

    for fd in (result_w, out_w, err_w):
        os.close(fd)
    results = bytearray()
    stdout = bytearray()
    stderr = bytearray()
    open_fds = {
        result_r: (results, RESULT_LIMIT),
        out_r: (stdout, OUTPUT_KEEP),
        err_r: (stderr, OUTPUT_KEEP),
    }
    output_total = 0
    status = ReplyStatus.COMPLETED
    deadline = started + limits.timeout_s
    exit_info: tuple[str | None, int | None] = (None, None)
    child_done = False
    try:
        pidfd: int | None = os.pidfd_open(pid)
    except (AttributeError, OSError):
        pidfd = None

    while open_fds or not child_done:
        now = time.monotonic()
        if now >= deadline:
            status = ReplyStatus.TIMEOUT
            break
        watch = list(open_fds)
        if pidfd is not None and not child_done:
            watch.append(pidfd)
        wait = min(deadline - now, 0.05 if pidfd is None else deadline - now)
        ready, _, _ = select.select(watch, [], [], wait)
        for fd in ready:
            if fd == pidfd:
                continue
            buffer, keep = open_fds[fd]
            size = _read_stream(fd, buffer, keep)
            if size < 0:
                del open_fds[fd]
                os.close(fd)
                continue
            if fd == result_r and len(buffer) >= RESULT_LIMIT:
                status = ReplyStatus.RESULT_LIMIT
            elif fd != result_r:
                output_total += size
                if output_total > OUTPUT_KILL:
                    status = ReplyStatus.OUTPUT_LIMIT
        if status is not ReplyStatus.COMPLETED:
            break
        if not child_done:
            waited, wait_status = os.waitpid(pid, os.WNOHANG)
            if waited == pid:
                child_done = True
                exit_info = _exit_info(wait_status)
                # Descendants may still hold the pipes open: the job is over.
                kill_descendants()
                deadline = min(deadline, time.monotonic() + GRACE_S)

    kill_descendants()
    if not child_done:
        with contextlib.suppress(ChildProcessError):
            _, wait_status = os.waitpid(pid, 0)
            exit_info = _exit_info(wait_status)
    for fd in open_fds:
        with contextlib.suppress(OSError):
            while _read_stream(fd, open_fds[fd][0], open_fds[fd][1]) > 0 and fd != result_r:
                pass
        os.close(fd)
    if pidfd is not None:
        os.close(pidfd)
    shutil.rmtree(workdir, ignore_errors=True)
    if status is ReplyStatus.TIMEOUT and child_done:
        status = ReplyStatus.COMPLETED  # only lingering descendants ran out the clock
    return WorkerReply(
        status=status,
        results=results.decode("utf-8", "replace"),
        stdout=stdout.decode("utf-8", "replace"),
        stderr=stderr.decode("utf-8", "replace"),
        output_truncated=output_total > OUTPUT_KEEP,
        exit_signal=exit_info[0],
        exit_code=exit_info[1],
        duration_ms=round((time.monotonic() - started) * 1000, 3),
    )


def _exit_info(wait_status: int) -> tuple[str | None, int | None]:
    """(signal name, exit code): how the child ended."""
    if os.WIFSIGNALED(wait_status):
        number = os.WTERMSIG(wait_status)
        try:
            name = signal.Signals(number).name
        except ValueError:
            name = str(number)
        return name, None
    return None, os.WEXITSTATUS(wait_status)


def serve(requests: BinaryIO, replies: BinaryIO, walls: Walls = NO_WALLS) -> None:
    def reply(record: dict[str, Any]) -> None:
        replies.write((json.dumps(record) + "\n").encode())
        replies.flush()

    reply({"ready": True, "pid": os.getpid()})
    for line in requests:
        try:
            job = parse_job(line)
        except ProtocolError:
            # prep wrote something this worker does not understand: it would
            # wait forever for a reply, so end and let prep start a fresh one.
            return
        reply(run_job(job, walls).to_wire())


def main() -> None:
    # The protocol moves to private descriptors; fds 0-2 point at /dev/null so
    # that nothing a child inherits by accident is the channel to prep.
    requests = os.fdopen(os.dup(0), "rb")
    replies = os.fdopen(os.dup(1), "wb")
    devnull = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1):
        os.dup2(devnull, fd)
    os.set_inheritable(requests.fileno(), False)
    os.set_inheritable(replies.fileno(), False)
    walls = Walls.from_arguments(sys.argv[1:])
    _prepare_process()
    serve(requests, replies, walls)


if __name__ == "__main__":
    main()
