"""Start-up time: from `prep` to the Today screen with the shipped deck.

Two figures.
1. Textual presses the keys in TEXTUAL_PRESS once the app is ready, so
   `TEXTUAL_PRESS=q prep` opens Today and quits at once; `script` gives it a
   terminal; hyperfine times it when installed.
2. On a pseudo-terminal, the time until Today shows the decks' counts (the
   decks are read in a worker once the screen is up).

    .venv/bin/python bench/startup.py [--runs N]
"""

from __future__ import annotations

import argparse
import fcntl
import os
import pty
import re
import select
import shutil
import signal
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import time
from pathlib import Path

READY_TEXT = b"to study"
ESCAPES = re.compile(rb"\x1b\[[0-9;?]*[ -/]*[@-~]")


def until_text(argv: list[str], needle: bytes, timeout: float = 60.0) -> float:
    """Seconds from starting ``argv`` on a pseudo-terminal until ``needle`` is drawn."""
    started = time.perf_counter()
    pid, fd = pty.fork()
    if pid == 0:
        os.execv(argv[0], argv)
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
    seen = b""
    try:
        while time.perf_counter() - started < timeout:
            ready, _, _ = select.select([fd], [], [], 0.5)
            if not ready:
                continue
            try:
                seen += os.read(fd, 65536)
            except OSError:
                break
            if needle in ESCAPES.sub(b"", seen):
                return time.perf_counter() - started
        raise SystemExit(f"{needle!r} never appeared")
    finally:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        os.close(fd)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    prep = Path(sys.executable).with_name("prep")
    if shutil.which("script") is None:
        raise SystemExit("needs util-linux 'script' to give the app a terminal")
    with tempfile.TemporaryDirectory() as home:
        # A first run creates and migrates the database, as `make run` would.
        subprocess.run([str(prep), "--home", home, "stats"], check=True, capture_output=True)
        command = f"script -qec 'env TEXTUAL_PRESS=q {prep} --home {home}' /dev/null"
        print("1. prep → Today screen shown → quit:")
        if shutil.which("hyperfine"):
            subprocess.run(
                ["hyperfine", "--warmup", "2", "--runs", str(args.runs), "-N", command], check=True
            )
        else:
            times = []
            for _ in range(args.runs):
                started = time.perf_counter()
                subprocess.run(command, shell=True, check=True, capture_output=True)
                times.append(time.perf_counter() - started)
            print(f"   median {statistics.median(times) * 1000:.0f} ms over {args.runs} runs")
        counts = [until_text([str(prep), "--home", home], READY_TEXT) for _ in range(args.runs)]
        print(
            f"2. prep → decks loaded and counted on Today: median {statistics.median(counts) * 1000:.0f} ms"
        )


if __name__ == "__main__":
    main()
