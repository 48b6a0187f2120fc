"""Worker side: finding and killing every descendant of the worker.

The worker is a child subreaper, so a grandchild whose parent died (even one
that called ``setsid()``) is re-parented to the worker instead of escaping
to init; walking the ``/proc`` parent links from the worker then finds all
of them.
"""

from __future__ import annotations

import contextlib
import os
import signal

PR_SET_CHILD_SUBREAPER = 36
MAX_ROUNDS = 200


def _parent_links(skip_zombies: bool = False) -> dict[int, int]:
    links: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as stat:
                data = stat.read()
        except OSError:
            continue
        # The command name may contain spaces and parentheses: parse after the last ')'.
        fields = data[data.rfind(b")") + 2 :].split()
        if len(fields) > 1 and not (skip_zombies and fields[0] == b"Z"):
            links[int(entry)] = int(fields[1])
    return links


def descendants(root: int, skip_zombies: bool = False) -> list[int]:
    children: dict[int, list[int]] = {}
    for pid, parent in _parent_links(skip_zombies).items():
        children.setdefault(parent, []).append(pid)
    found: list[int] = []
    stack = list(children.get(root, []))
    while stack:
        pid = stack.pop()
        found.append(pid)
        stack.extend(children.get(pid, []))
    return found


def reap() -> None:
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


def kill_descendants(root: int | None = None) -> int:
    """SIGKILL every descendant until none is left; returns how many were killed."""
    root = os.getpid() if root is None else root
    killed = 0
    for _ in range(MAX_ROUNDS):
        pids = descendants(root)
        if not pids:
            return killed
        for pid in pids:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(pid, signal.SIGKILL)
                killed += 1
        reap()
    return killed


def kill_tree_of(root: int, rounds: int = 10) -> None:
    """Prep's side, before it kills a worker: SIGKILL the worker's descendants while
    the worker, their subreaper, still holds them, so that none is orphaned to
    init. The worker reaps them; this process reaps nothing that is not its own."""
    for _ in range(rounds):
        pids = descendants(root, skip_zombies=True)
        if not pids:
            return
        for pid in pids:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(pid, signal.SIGKILL)
