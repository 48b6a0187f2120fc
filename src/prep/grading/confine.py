"""Child side: what a freshly forked child does to itself before running a
submission. Order matters: descriptors first, then session, identity and
limits, so that nothing the submission inherits leads back to prep."""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import io
import math
import os
import resource
import signal
import stat
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from prep.grading.walls import PR_SET_NO_NEW_PRIVS, Walls

RESULT_FD = 3
PR_SET_PDEATHSIG = 1
PR_SET_DUMPABLE = 4
PR_CAPBSET_DROP = 24
_LINUX_CAPABILITY_VERSION_3 = 0x20080522
NOBODY = 65534
FILE_SIZE_LIMIT = 16 * 1024 * 1024
OPEN_FILES_LIMIT = 256
EXTRA_PROCESSES = 64


@dataclass(frozen=True)
class ChildLimits:
    timeout_s: float
    memory_mb: int


def prctl(option: int, value: int) -> None:
    libc_name = ctypes.util.find_library("c")
    if libc_name is None:
        return
    libc = ctypes.CDLL(libc_name, use_errno=True)
    libc.prctl(option, value, 0, 0, 0)


def address_space_in_use() -> int:
    """Bytes of virtual memory this process maps now (numpy and all)."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmSize:"):
                return int(line.split()[1]) * 1024
    return 0


def processes_of(uid: int) -> int:
    count = 0
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/status") as status:
                for line in status:
                    if line.startswith("Uid:"):
                        if int(line.split()[1]) == uid:
                            count += int(_threads(entry))
                        break
        except OSError:
            continue
    return count


def _threads(pid: str) -> int:
    try:
        return len(os.listdir(f"/proc/{pid}/task"))
    except OSError:
        return 1


def wire_descriptors(result_fd: int, out_fd: int, err_fd: int) -> None:
    """stdin from /dev/null, stdout/stderr to the capture pipes, the result
    channel on fd 3, and every other descriptor closed."""
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    os.dup2(out_fd, 1)
    os.dup2(err_fd, 2)
    os.dup2(result_fd, RESULT_FD)
    os.closerange(RESULT_FD + 1, 65536)
    os.set_inheritable(RESULT_FD, False)
    sys.stdin = io.TextIOWrapper(io.FileIO(0, "r", closefd=False), encoding="utf-8")
    sys.stdout = io.TextIOWrapper(
        io.FileIO(1, "w", closefd=False),
        encoding="utf-8",
        errors="backslashreplace",
        write_through=True,
    )
    sys.stderr = io.TextIOWrapper(
        io.FileIO(2, "w", closefd=False),
        encoding="utf-8",
        errors="backslashreplace",
        write_through=True,
    )
    # The originals still point at the worker's descriptors; nothing should reach them.
    for name, stream in (
        ("__stdout__", sys.stdout),
        ("__stderr__", sys.stderr),
        ("__stdin__", sys.stdin),
    ):
        setattr(sys, name, stream)


def uid_is_mapped(uid: int) -> bool:
    """Inside bubblewrap's user namespace only our own uid exists."""
    try:
        with open("/proc/self/uid_map") as mapping:
            for line in mapping:
                inside, _outside, count = (int(part) for part in line.split())
                if inside <= uid < inside + count:
                    return True
    except (OSError, ValueError):
        return False
    return False


def _reachable_by_others(path: Path) -> bool:
    """Whether a user with no special rights can read ``path`` (every parent
    folder searchable, the folder itself readable)."""
    path = path.resolve()
    for folder in [*reversed(path.parents), path]:
        try:
            mode = folder.stat().st_mode
        except OSError:
            return False
        if not mode & stat.S_IXOTH:
            return False
    return bool(path.stat().st_mode & stat.S_IROTH)


@functools.cache
def should_drop_privileges() -> bool:
    """Become nobody only where nobody can still import Python's modules: an
    interpreter under a private folder (``/root/...``) would break every
    import the worker had not already done."""
    if os.geteuid() != 0 or not uid_is_mapped(NOBODY):
        return False
    needed = [Path(os.__file__).parent, Path(__file__).resolve().parents[2]]
    numpy = sys.modules.get("numpy")
    if numpy is not None and numpy.__file__:
        needed.append(Path(numpy.__file__).parent)
    return all(_reachable_by_others(path) for path in needed)


def _drop_capabilities() -> None:
    """Root that stays root (its interpreter is private) loses every
    capability: no ptrace of prep's processes, no reading their /proc
    entries, no raising limits, and no regaining rights through exec."""
    libc_name = ctypes.util.find_library("c")
    if libc_name is None:
        return
    libc = ctypes.CDLL(libc_name, use_errno=True)
    libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)
    for capability in range(64):
        libc.prctl(PR_CAPBSET_DROP, capability, 0, 0, 0)

    class Header(ctypes.Structure):
        _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]

    class Data(ctypes.Structure):
        _fields_ = [
            ("effective", ctypes.c_uint32),
            ("permitted", ctypes.c_uint32),
            ("inheritable", ctypes.c_uint32),
        ]

    header = Header(_LINUX_CAPABILITY_VERSION_3, 0)
    data = (Data * 2)()
    if libc.capset(ctypes.byref(header), data) != 0:  # pragma: no cover - only without CAP_SETPCAP
        os._exit(72)


def drop_privileges() -> None:
    """A submission run by root becomes nobody (then it can neither write
    prep's files nor signal or inspect prep's processes), or at least loses
    every capability."""
    if os.geteuid() != 0:
        return
    if not should_drop_privileges():
        _drop_capabilities()
        return
    os.setgroups([])
    os.setgid(NOBODY)
    os.setuid(NOBODY)
    if os.getuid() == 0:  # pragma: no cover - setuid silently failing would be a bug
        os._exit(71)


def apply_limits(limits: ChildLimits) -> None:
    cpu = math.ceil(limits.timeout_s) + 1
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
    headroom = limits.memory_mb * 1024 * 1024
    address_space = address_space_in_use() + headroom
    resource.setrlimit(resource.RLIMIT_AS, (address_space, address_space))
    resource.setrlimit(resource.RLIMIT_FSIZE, (FILE_SIZE_LIMIT, FILE_SIZE_LIMIT))
    resource.setrlimit(resource.RLIMIT_NOFILE, (OPEN_FILES_LIMIT, OPEN_FILES_LIMIT))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    processes = processes_of(os.getuid()) + EXTRA_PROCESSES
    resource.setrlimit(resource.RLIMIT_NPROC, (processes, processes))


def confine(
    result_fd: int, out_fd: int, err_fd: int, workdir: str, limits: ChildLimits, walls: Walls
) -> None:
    os.setsid()  # no controlling terminal: nothing reaches the app's screen
    prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    wire_descriptors(result_fd, out_fd, err_fd)
    os.chdir(workdir)
    os.umask(0o077)
    os.environ.clear()
    os.environ.update(
        {
            "HOME": workdir,
            "TMPDIR": workdir,
            "PATH": "/usr/local/bin:/usr/bin:/bin",
            "LANG": "C.UTF-8",
            "PYTHONIOENCODING": "utf-8",
            "OPENBLAS_NUM_THREADS": "1",
            "OMP_NUM_THREADS": "1",
            "MKL_NUM_THREADS": "1",
        }
    )
    # The worker's tempfile already settled on /tmp; the run's own files go in its scratch folder.
    tempfile.tempdir = workdir
    drop_privileges()
    apply_limits(limits)
    walls.put_up(workdir)  # last: what came before still needed /proc and the user's rights
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)
