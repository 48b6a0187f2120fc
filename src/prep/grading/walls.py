"""Child side: Landlock and seccomp, the walls a submission runs inside when no
user namespace is available (and as a second wall inside bubblewrap).

Landlock (Linux 5.13+) lets an unprivileged process give up rights for itself
and every process it starts:

- files: read only the system, Python and prep itself; write only the run's
  scratch folder. The user's home, prep's history and the deck folders are
  neither readable nor writable, so nothing can be copied out of them or
  planted in them (``~/.bashrc``, ``/tmp``, ``/dev/shm``).
- TCP bind and connect denied (ABI 4).
- signals and abstract UNIX sockets scoped to the sandbox (ABI 6): prep's
  processes cannot be killed or reached.
- a sandboxed process cannot ptrace, or read ``/proc/PID/environ`` of, any
  process outside the sandbox (every ABI).

Landlock's network rules cover TCP only, so a seccomp filter refuses
``socket()`` for every family but AF_UNIX (UDP, raw and packet sockets,
netlink), io_uring (which could open sockets without ``socket()``), and the
calls that read or change other processes (ptrace, process_vm_*), kernel
keyrings, BPF, perf events and userfaultfd.

Everything here is plain ctypes over the system calls: no extra dependency.
"""

from __future__ import annotations

import ctypes
import errno
import os
import platform
import struct
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

# -- Landlock --------------------------------------------------------------------------

# The Landlock system calls have the same numbers on every architecture.
SYS_LANDLOCK_CREATE_RULESET = 444
SYS_LANDLOCK_ADD_RULE = 445
SYS_LANDLOCK_RESTRICT_SELF = 446
CREATE_RULESET_VERSION = 1 << 0
RULE_PATH_BENEATH = 1

FS_EXECUTE = 1 << 0
FS_WRITE_FILE = 1 << 1
FS_READ_FILE = 1 << 2
FS_READ_DIR = 1 << 3
FS_TRUNCATE = 1 << 14
FS_IOCTL_DEV = 1 << 15
# Every filesystem right each ABI knows: ABI 1 has 13, ABI 2 adds REFER, 3 TRUNCATE, 5 IOCTL_DEV.
_FS_RIGHTS_BY_ABI = {1: (1 << 13) - 1, 2: (1 << 14) - 1, 3: (1 << 15) - 1, 5: (1 << 16) - 1}
_FILE_ONLY_RIGHTS = FS_EXECUTE | FS_WRITE_FILE | FS_READ_FILE | FS_TRUNCATE | FS_IOCTL_DEV
NET_BIND_TCP = 1 << 0
NET_CONNECT_TCP = 1 << 1
SCOPE_ABSTRACT_UNIX_SOCKET = 1 << 0
SCOPE_SIGNAL = 1 << 1

READ = FS_EXECUTE | FS_READ_FILE | FS_READ_DIR
PR_SET_NO_NEW_PRIVS = 38

# What a submission may read in the landlock mode, besides Python and prep: the
# system's programs, libraries and configuration. Not /home, /root, /tmp, /var or /dev.
SYSTEM_READ = (
    "/usr",
    "/lib",
    "/lib64",
    "/lib32",
    "/libx32",
    "/bin",
    "/sbin",
    "/etc",
    "/opt",
    "/proc",
)
DEVICES = {
    "/dev/null": READ | FS_WRITE_FILE,
    "/dev/zero": READ,
    "/dev/urandom": READ,
    "/dev/random": READ,
}


class WallError(OSError):
    """A wall could not be put up: the child must not run the submission."""


def _libc() -> ctypes.CDLL:
    return ctypes.CDLL(None, use_errno=True)


def _no_new_privileges(libc: ctypes.CDLL) -> None:
    """Both walls need it when unprivileged: nothing this process runs can gain rights."""
    if libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
        raise WallError(ctypes.get_errno(), "PR_SET_NO_NEW_PRIVS failed")


def landlock_abi() -> int:
    """The Landlock ABI version of the running kernel (0: none, or disabled)."""
    try:
        result = _libc().syscall(SYS_LANDLOCK_CREATE_RULESET, None, 0, CREATE_RULESET_VERSION)
    except (AttributeError, OSError):
        return 0
    return max(0, int(result))


def fs_rights(abi: int) -> int:
    return _FS_RIGHTS_BY_ABI[max(v for v in _FS_RIGHTS_BY_ABI if v <= abi)]


@dataclass(frozen=True)
class LandlockPlan:
    """What one run may touch: (path, rights) rules over every right the ABI handles."""

    abi: int
    rules: tuple[tuple[str, int], ...]

    @property
    def handled_fs(self) -> int:
        return fs_rights(self.abi)


def readable_folders(roots: Iterable[str], hidden: Sequence[str]) -> list[str]:
    """``roots``, except that a root holding a hidden folder is replaced by its
    entries (recursively), leaving the hidden folder itself out: Landlock
    grants rights to whole trees and cannot subtract a subtree."""
    hidden_paths = [Path(h) for h in hidden]
    allowed: list[str] = []

    def add(folder: Path, depth: int) -> None:
        if any(folder == h or folder.is_relative_to(h) for h in hidden_paths):
            return
        if not any(h.is_relative_to(folder) for h in hidden_paths) or depth > 32:
            allowed.append(str(folder))
            return
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError:
            return
        for entry in entries:
            add(Path(entry.path), depth + 1)

    for root in roots:
        path = Path(root)
        if path.exists():
            add(path, 0)
    return allowed


def landlock_plan(
    abi: int, workdir: str, readable: Sequence[str] | None, hidden: Sequence[str] = ()
) -> LandlockPlan:
    """Read ``readable`` (None: the whole visible tree, as inside bubblewrap),
    write the scratch folder only."""
    everything = fs_rights(abi)
    rules: list[tuple[str, int]] = []
    if readable is None:
        rules.append(("/", READ))
    else:
        rules += [(folder, READ) for folder in readable_folders(readable, hidden)]
    rules += [(device, rights) for device, rights in DEVICES.items() if os.path.exists(device)]
    rules.append((workdir, everything))
    return LandlockPlan(abi, tuple(rules))


class _RulesetAttr(ctypes.Structure):
    _fields_ = [
        ("handled_access_fs", ctypes.c_uint64),
        ("handled_access_net", ctypes.c_uint64),
        ("scoped", ctypes.c_uint64),
    ]


def enforce_landlock(plan: LandlockPlan) -> None:
    libc = _libc()
    attr = _RulesetAttr(
        plan.handled_fs,
        NET_BIND_TCP | NET_CONNECT_TCP if plan.abi >= 4 else 0,
        SCOPE_ABSTRACT_UNIX_SOCKET | SCOPE_SIGNAL if plan.abi >= 6 else 0,
    )
    ruleset = libc.syscall(SYS_LANDLOCK_CREATE_RULESET, ctypes.byref(attr), ctypes.sizeof(attr), 0)
    if ruleset < 0:
        raise WallError(ctypes.get_errno(), "landlock_create_ruleset failed")
    try:
        for path, rights in plan.rules:
            try:
                fd = os.open(path, os.O_PATH | os.O_CLOEXEC)
            except OSError:
                continue  # a folder that does not exist here needs no rule
            try:
                if not os.path.isdir(path):
                    rights &= _FILE_ONLY_RIGHTS
                # struct landlock_path_beneath_attr is packed: u64 rights, s32 fd.
                rule = ctypes.create_string_buffer(struct.pack("=Qi", rights & plan.handled_fs, fd))
                if libc.syscall(SYS_LANDLOCK_ADD_RULE, ruleset, RULE_PATH_BENEATH, rule, 0) != 0:
                    raise WallError(ctypes.get_errno(), f"landlock_add_rule failed for {path}")
            finally:
                os.close(fd)
        _no_new_privileges(libc)
        if libc.syscall(SYS_LANDLOCK_RESTRICT_SELF, ruleset, 0) != 0:
            raise WallError(ctypes.get_errno(), "landlock_restrict_self failed")
    finally:
        os.close(ruleset)


# -- seccomp ------------------------------------------------------------------------------

PR_SET_SECCOMP = 22
SECCOMP_MODE_FILTER = 2
SECCOMP_RET_KILL_PROCESS = 0x80000000
SECCOMP_RET_ERRNO = 0x00050000
SECCOMP_RET_ALLOW = 0x7FFF0000
AF_UNIX = 1
X32_SYSCALL_BIT = 0x40000000

_BPF_LD_W_ABS = 0x20
_BPF_JEQ_K = 0x15
_BPF_JGE_K = 0x35
_BPF_RET_K = 0x06


@dataclass(frozen=True)
class SyscallTable:
    audit_arch: int
    socket: int
    denied: tuple[int, ...]  # refused with EPERM
    x32_possible: bool


# The calls refused outright, by number: io_uring_setup/enter/register (425-427
# everywhere), then ptrace, process_vm_readv/writev, add_key, request_key,
# keyctl, bpf, perf_event_open, userfaultfd.
SYSCALLS = {
    "x86_64": SyscallTable(
        0xC000003E, 41, (425, 426, 427, 101, 310, 311, 248, 249, 250, 321, 298, 323), True
    ),
    "aarch64": SyscallTable(
        0xC00000B7, 198, (425, 426, 427, 117, 270, 271, 217, 218, 219, 280, 241, 282), False
    ),
}


def seccomp_table() -> SyscallTable | None:
    return SYSCALLS.get(platform.machine())


def seccomp_program(table: SyscallTable) -> list[tuple[int, int, int, int]]:
    """The BPF filter as (code, jump-if-true, jump-if-false, k) instructions."""
    deny = SECCOMP_RET_ERRNO | errno.EPERM
    program: list[tuple[int, int, int, int]] = [
        (_BPF_LD_W_ABS, 0, 0, 4),  # the architecture
        (_BPF_JEQ_K, 1, 0, table.audit_arch),
        (_BPF_RET_K, 0, 0, SECCOMP_RET_KILL_PROCESS),  # another ABI (i386 on x86_64): never
        (_BPF_LD_W_ABS, 0, 0, 0),  # the system call number
    ]
    if table.x32_possible:
        program += [
            (_BPF_JGE_K, 0, 1, X32_SYSCALL_BIT),
            (_BPF_RET_K, 0, 0, SECCOMP_RET_KILL_PROCESS),
        ]
    for number in table.denied:
        program += [(_BPF_JEQ_K, 0, 1, number), (_BPF_RET_K, 0, 0, deny)]
    program += [
        (_BPF_JEQ_K, 0, 3, table.socket),
        (_BPF_LD_W_ABS, 0, 0, 16),  # socket()'s first argument: the address family
        (_BPF_JEQ_K, 1, 0, AF_UNIX),
        (_BPF_RET_K, 0, 0, SECCOMP_RET_ERRNO | errno.EAFNOSUPPORT),
        (_BPF_RET_K, 0, 0, SECCOMP_RET_ALLOW),
    ]
    return program


class _SockFilter(ctypes.Structure):
    _fields_ = [
        ("code", ctypes.c_uint16),
        ("jt", ctypes.c_uint8),
        ("jf", ctypes.c_uint8),
        ("k", ctypes.c_uint32),
    ]


class _SockFprog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.POINTER(_SockFilter))]


def enforce_seccomp(table: SyscallTable) -> None:
    libc = _libc()
    program = seccomp_program(table)
    filters = (_SockFilter * len(program))(*(_SockFilter(*ins) for ins in program))
    fprog = _SockFprog(len(program), ctypes.cast(filters, ctypes.POINTER(_SockFilter)))
    _no_new_privileges(libc)
    if libc.prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, ctypes.byref(fprog), 0, 0) != 0:
        raise WallError(ctypes.get_errno(), "seccomp filter refused")


# -- both ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Walls:
    """The walls a worker's children run inside, as the worker was told at start."""

    kind: str = ""  # "" (none), "inner" (inside bubblewrap: read all it shows), "landlock"
    readable: tuple[str, ...] = ()
    hidden: tuple[str, ...] = ()

    @classmethod
    def from_arguments(cls, argv: Sequence[str]) -> Walls:
        kind, readable, hidden, code = "", [], [], []
        pairs = iter(argv)
        for flag in pairs:
            value = next(pairs, "")
            if flag == "--walls":
                kind = value
            elif flag == "--read":
                readable.append(value)
            elif flag == "--hide":
                hidden.append(value)
            elif flag == "--code":
                code.append(value)
        if kind not in ("", "inner", "landlock"):
            raise WallError(errno.EINVAL, f"unknown walls {kind!r}")
        # Worked out once per worker: the same for every run.
        return cls(kind, (*readable_folders(readable, hidden), *code), tuple(hidden))

    def put_up(self, workdir: str) -> None:
        if self.kind:
            put_up_walls(workdir, self.readable if self.kind == "landlock" else None, self.hidden)


def put_up_walls(workdir: str, readable: Sequence[str] | None, hidden: Sequence[str]) -> None:
    """Landlock, then seccomp, on this process and all it will start."""
    abi = landlock_abi()
    table = seccomp_table()
    if abi < 1 or table is None:
        raise WallError(errno.ENOSYS, "Landlock or seccomp is not available")
    enforce_landlock(landlock_plan(abi, workdir, readable, hidden))
    enforce_seccomp(table)


NO_WALLS = Walls()


def _probe(argv: Sequence[str]) -> int:
    """Put the walls up in this process and check that they hold (run by prep
    in a throwaway child before it chooses the landlock mode)."""
    import socket

    scratch, *readable = argv
    put_up_walls(scratch, readable, [])
    attempts = (
        lambda: os.listdir("/"),
        lambda: socket.socket(socket.AF_INET, socket.SOCK_DGRAM),
        lambda: socket.socket(socket.AF_INET, socket.SOCK_STREAM).connect(("127.0.0.1", 9)),
    )
    for attempt in attempts:
        try:
            attempt()
        except OSError:
            continue
        return 1
    with open(os.path.join(scratch, "written"), "w", encoding="utf-8") as handle:
        handle.write("ok")
    print("ok", landlock_abi())
    return 0


if __name__ == "__main__":
    import sys

    try:
        raise SystemExit(_probe(sys.argv[1:]))
    except OSError as exc:
        print("failed", exc, file=sys.stderr)
        raise SystemExit(1) from None
