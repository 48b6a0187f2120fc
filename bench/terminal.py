"""A program on a pseudo-terminal, for the benchmarks: what it draws, as text, and when.

The benchmarks time what a user sees: a key is written to the terminal, and the
clock stops when the text that answers it has been drawn. Escape sequences are
stripped from the output, so a pattern matches the text on screen (cells of a
row follow each other, separated by spaces).
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import pty
import re
import resource
import select
import signal
import struct
import termios
import time
from collections.abc import Callable, Mapping

from prep.grading.proctree import descendants  # every process below a pid

# CSI, OSC, DCS, character-set and two-byte escapes, each only when complete.
SEQUENCE = re.compile(
    rb"\x1b\[[0-?]*[ -/]*[@-~]"
    rb"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)"
    rb"|\x1bP[^\x1b]*\x1b\\"
    rb"|\x1b[()*+][ -~]"
    rb"|\x1b[^\[\]P()*+]"
)
LONGEST_SEQUENCE = 512
COLUMNS, LINES = 160, 50


class StepError(Exception):
    """A step of a benchmark did not happen: the message says which and what was on screen."""


def clean_env(**extra: str) -> dict[str, str]:
    """The environment without prep's own variables (a benchmark reads only what it made)
    and with the same terminal type for every program timed."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("PREP_")}
    env.pop("TEXTUAL_PRESS", None)
    env.update(TERM="xterm-256color", **extra)
    return env


class Terminal:
    """``argv`` started on a pseudo-terminal of ``columns`` × ``lines``; ``close`` kills it."""

    def __init__(
        self,
        argv: list[str],
        env: Mapping[str, str] | None = None,
        columns: int = COLUMNS,
        lines: int = LINES,
    ) -> None:
        size = struct.pack("HHHH", lines, columns, 0, 0)
        environment = dict(env if env is not None else clean_env())
        self.started = time.perf_counter()
        pid, fd = pty.fork()
        if pid == 0:  # the child: the size is set before the program can ask for it
            try:
                fcntl.ioctl(0, termios.TIOCSWINSZ, size)
                os.execve(argv[0], argv, environment)
            finally:
                os._exit(127)
        fcntl.ioctl(fd, termios.TIOCSWINSZ, size)
        self.pid, self.fd = pid, fd
        self.text = bytearray()  # everything drawn so far, escape sequences stripped
        self.mark = 0  # where the answer to the last key starts in ``text``
        self.exited = False
        self.usage: resource.struct_rusage | None = None
        self._tail = b""

    def __enter__(self) -> Terminal:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def _read(self, timeout: float) -> bool:
        """Read what has been drawn within ``timeout`` seconds; whether anything came."""
        if self.exited:
            time.sleep(max(0.0, timeout))
            return False
        ready, _, _ = select.select([self.fd], [], [], max(0.0, timeout))
        if not ready:
            return False
        try:
            chunk = os.read(self.fd, 1 << 16)
        except OSError:  # EIO: the program has gone and closed its side
            chunk = b""
        if not chunk:
            self.exited = True
            return False
        data = self._tail + chunk
        cut = data.rfind(b"\x1b")
        # A sequence cut in two by the read waits for its end.
        if cut != -1 and len(data) - cut < LONGEST_SEQUENCE and SEQUENCE.match(data, cut) is None:
            data, self._tail = data[:cut], data[cut:]
        else:
            self._tail = b""
        self.text += SEQUENCE.sub(b"", data)
        return True

    def send(self, keys: bytes) -> float:
        """Type ``keys``; what is drawn from now on answers them. Returns the time sent."""
        self._drain()
        self.mark = len(self.text)
        os.write(self.fd, keys)
        return time.perf_counter()

    def _drain(self) -> None:
        while self._read(0):
            pass

    def wait_for(
        self,
        pattern: re.Pattern[bytes],
        what: str,
        timeout: float,
        accept: Callable[[re.Match[bytes]], bool] = lambda _: True,
    ) -> re.Match[bytes]:
        """The first match of ``pattern`` drawn since the last key that ``accept`` takes."""
        deadline = time.perf_counter() + timeout
        searched = self.mark
        while True:
            # Start a little back: a match may straddle two reads.
            start = max(self.mark, searched - 256)
            for match in pattern.finditer(self.text, start):
                if accept(match):
                    return match
            searched = len(self.text)
            left = deadline - time.perf_counter()
            if self.exited:
                raise StepError(f"the program exited while waiting for {what}{self._last_words()}")
            if left <= 0:
                raise StepError(
                    f"timed out after {timeout:.0f} s waiting for {what}{self._last_words()}"
                )
            self._read(min(left, 0.5))

    def settle(self, quiet: float = 0.5, at_least: float = 0.0, timeout: float = 30.0) -> None:
        """Wait until nothing has been drawn for ``quiet`` seconds (and ``at_least`` has passed)."""
        started = time.perf_counter()
        last = started
        while time.perf_counter() - started < timeout:
            now = time.perf_counter()
            if now - last >= quiet and now - started >= at_least:
                return
            if self._read(min(quiet, 0.1)):
                last = time.perf_counter()
            elif self.exited:
                return

    def _last_words(self) -> str:
        text = bytes(self.text[-600:]).decode("utf-8", "replace")
        return f"; the last text drawn: {' '.join(text.split())[-400:]!r}"

    def close(self) -> resource.struct_rusage:
        """Kill the program and whatever it started; its resource usage (max RSS) at the end."""
        if self.usage is None:
            below = descendants(self.pid)
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, signal.SIGKILL)
            for pid in below:
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.kill(pid, signal.SIGKILL)
            _, _, self.usage = os.wait4(self.pid, 0)
            os.close(self.fd)
        return self.usage


def max_rss_mb(usage: resource.struct_rusage) -> float:
    """Linux gives ru_maxrss in KiB."""
    return usage.ru_maxrss * 1024 / 1e6
