"""A rating the user has seen accepted survives SIGKILL of the app.

Runs the real app on a pseudo-terminal, drives it with keystrokes, and kills
it the moment the next card is on screen.
"""

from __future__ import annotations

import fcntl
import os
import pty
import re
import signal
import sqlite3
import struct
import sys
import termios
import threading
import time
from pathlib import Path

import pytest

from tests.conftest import qa_deck_yaml

ANSI = re.compile(rb"\x1b\[[0-9;?<>=]*[ -/]*[@-~]|\x1b[()][0-9A-Za-z]|\x1b[=>]|\x1b\][^\x07]*\x07")
WAIT_S = 60.0


class Terminal:
    def __init__(self, argv: list[str], env: dict[str, str]) -> None:
        self.pid, self.fd = pty.fork()
        if self.pid == 0:  # child
            os.execvpe(argv[0], argv, env)
        fcntl.ioctl(self.fd, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))
        self._buffer = bytearray()
        self._lock = threading.Lock()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        while True:
            try:
                chunk = os.read(self.fd, 65536)
            except OSError:
                return
            if not chunk:
                return
            with self._lock:
                self._buffer.extend(chunk)

    def text(self) -> str:
        with self._lock:
            return ANSI.sub(b"", bytes(self._buffer)).decode("utf-8", "replace")

    def wait_for(self, needle: str, after: int = 0) -> int:
        deadline = time.monotonic() + WAIT_S
        while time.monotonic() < deadline:
            position = self.text().find(needle, after)
            if position >= 0:
                return position
            time.sleep(0.05)
        raise AssertionError(f"{needle!r} never appeared; screen text tail: {self.text()[-800:]!r}")

    def send(self, keys: str) -> None:
        os.write(self.fd, keys.encode())

    def kill(self) -> None:
        os.kill(self.pid, signal.SIGKILL)
        os.waitpid(self.pid, 0)
        os.close(self.fd)


@pytest.mark.slow
def test_sigkill_right_after_a_rating_loses_nothing(tmp_path: Path) -> None:
    deck = tmp_path / "deck"
    deck.mkdir()
    (deck / "d.yaml").write_text(qa_deck_yaml("d", 4), encoding="utf-8")
    home = tmp_path / "home"
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREP_")}
    env.update(
        PREP_HOME=str(home),
        PREP_CONTENT=str(deck),
        PREP_NO_BUILTIN="1",
        TERM="xterm-256color",
        COLUMNS="100",
        LINES="30",
    )
    terminal = Terminal([sys.executable, "-m", "prep"], env)
    try:
        terminal.wait_for("press s to start")
        terminal.send("s")
        mark = terminal.wait_for("Question 1 of d")
        for number in (2, 3):
            terminal.send(" ")
            mark = terminal.wait_for("Answer", mark)
            terminal.send("3")
            # The next card is shown only after the rating was committed.
            mark = terminal.wait_for(f"Question {number} of d", mark)
    finally:
        terminal.kill()

    with sqlite3.connect(home / "prep.db") as db:
        (count,) = db.execute("SELECT count(*) FROM reviews").fetchone()
        keys = [row[0] for row in db.execute("SELECT card_key FROM card_states ORDER BY card_key")]
    assert count == 2
    assert keys == ["d/card-1", "d/card-2"]
