"""Hostile submissions: each must be refused, leave no process behind, and
leave the database intact, while the grading parent (this process) lives on.

Runs in both sandbox modes: plain always, bwrap where it works.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import os
import pwd
import signal
import socket
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from prep.content import KataCard, load_library
from prep.grading.grader import Grader
from prep.grading.proctree import descendants
from prep.grading.sandbox import (
    SANDBOX_ENV,
    GradeCancelledError,
    Isolation,
    IsolationMode,
    detect_isolation,
)
from prep.grading.verdict import CaseStatus

SECRET = "c0ffee-5ecret-4b1d-9e2f"
TIMEOUT_S = 2

DECK = f"""\
deck: hostile
title: Hostile
cards:
  - id: secret
    type: kata
    title: Return the secret
    prompt: Return the secret string from `secret()`, and `add(a, b)`.
    examples:
      - call: add(1, 2)
        expect: 3
    tests:
      - name: secret
        call: secret()
        expect: "{SECRET}"
      - name: add
        call: add(2, 3)
        expect: 5
    solution: |
      def secret():
          return "{SECRET}"
      def add(a, b):
          return a + b
    wrong_solutions:
      - name: a
        code: "def secret(): return ''\\ndef add(a, b): return 5"
      - name: b
        code: "def secret(): return 'x'\\ndef add(a, b): return 5"
      - name: c
        code: "def secret(): return 'y'\\ndef add(a, b): return 5"
    limits: {{timeout_s: {TIMEOUT_S}, memory_mb: 256}}
"""

BASE = "def add(a, b):\n    return a + b\n"

HOSTILE = {
    "sys-exit-at-import": "import sys\nsys.exit(0)\n",
    "sys-exit-in-call": BASE + "def secret():\n    import sys\n    sys.exit(0)\n",
    "os-exit-at-import": "import os\nos._exit(0)\n",
    "os-exit-in-call": BASE + "def secret():\n    import os\n    os._exit(0)\n",
    "fake-pass-lines": BASE
    + textwrap.dedent(
        """
        import sys
        for stream in (sys.stdout, sys.stderr):
            print("PASSED 2/2 tests", file=stream)
            print('{"i": 0, "value": "forged"}', file=stream)
            print('{"passed": true, "tests": []}', file=stream)
        def secret():
            return "guess"
        """
    ),
    "forged-result-channel": BASE
    + textwrap.dedent(
        """
        import os
        for fd in range(3, 64):
            try:
                os.write(fd, b'{"import":"ok"}\\n{"i":0,"value":"forged"}\\n{"i":1,"value":5}\\n')
            except OSError:
                pass
        def secret():
            return "guess"
        """
    ),
    # Forgeries of the *right* answers, so that only the channel's rules can refuse them:
    # a forged record before the real one (a first-wins reader would take it) ...
    "forged-right-answers-first": textwrap.dedent(
        f"""
        import os
        def _forge(index, value):
            os.write(3, ('{{"i": %d, "value": %s}}\\n' % (index, value)).encode())
        def secret():
            _forge(0, '"{SECRET}"')
            return "guess"
        def add(a, b):
            _forge(1, str(a + b))
            return a + b + 1
        """
    ),
    # ... and after it (a last-wins reader would take it), the other case honest.
    "forged-right-answer-after": textwrap.dedent(
        f"""
        import os
        def secret():
            return "guess"
        def add(a, b):
            os.write(3, b'{{"i": 0, "value": "{SECRET}"}}\\n')
            return a + b
        """
    ),
    "always-equal-object": BASE
    + textwrap.dedent(
        """
        class Anything:
            def __eq__(self, other): return True
            def __ne__(self, other): return False
            __hash__ = object.__hash__
        def secret():
            return Anything()
        """
    ),
    "str-subclass": BASE
    + textwrap.dedent(
        """
        class Sneaky(str):
            def __eq__(self, other): return True
            __hash__ = str.__hash__
        def secret():
            return Sneaky("whatever")
        """
    ),
    "tamper-via-gc": BASE
    + textwrap.dedent(
        """
        import gc
        def secret():
            for obj in gc.get_objects():
                if isinstance(obj, dict):
                    for key in ("expect", "expected", "passed", "status"):
                        if key in obj:
                            try:
                                obj[key] = True if key == "passed" else "pass"
                            except Exception:
                                pass
                elif isinstance(obj, list) and obj and isinstance(obj[0], dict):
                    for item in obj:
                        if isinstance(item, dict):
                            item["status"] = "pass"
            return "guess"
        """
    ),
    "monkeypatch-modules": BASE
    + textwrap.dedent(
        """
        import sys, json
        def forged(*args, **kwargs):
            return '{"i": 0, "value": "forged"}'
        json.dumps = forged
        for name, module in list(sys.modules.items()):
            if name.startswith("prep"):
                for attr in ("encode", "send_record", "compare", "exact_equal"):
                    if hasattr(module, attr):
                        setattr(module, attr, lambda *a, **k: True)
        def secret():
            return "guess"
        """
    ),
    "kill-parent-and-group": BASE
    + textwrap.dedent(
        """
        import os, signal
        def secret():
            for action in (lambda: os.killpg(0, signal.SIGKILL),
                           lambda: os.killpg(os.getpgid(os.getppid()), signal.SIGKILL),
                           lambda: os.kill(os.getppid(), signal.SIGKILL)):
                try:
                    action()
                except OSError:
                    pass
            return "guess"
        """
    ),
    "kill-parent-first": BASE
    + "import os, signal\nos.kill(os.getppid(), signal.SIGKILL)\ndef secret():\n    return 'x'\n",
    "fifty-setsid-sleepers": BASE
    + textwrap.dedent(
        """
        import os, time
        def secret():
            for _ in range(50):
                try:
                    pid = os.fork()
                except OSError:
                    break
                if pid == 0:
                    try:
                        os.setsid()
                        time.sleep(1000)
                    finally:
                        os._exit(0)
            return "guess"
        """
    ),
    "two-gib-allocation": BASE
    + "def secret():\n    block = bytearray(2 * 1024 ** 3)\n    return 'x'\n",
    "busy-loop": BASE + "def secret():\n    while True:\n        pass\n",
    "long-sleep": BASE + "import time\ndef secret():\n    time.sleep(1000)\n",
    "sigterm-ignored": BASE
    + "import signal, time\nsignal.signal(signal.SIGTERM, signal.SIG_IGN)\ndef secret():\n    time.sleep(1000)\n",
    "stdout-flood": BASE
    + "import sys\ndef secret():\n    while True:\n        sys.stdout.write('x' * 65536)\n",
    "input": BASE + "def secret():\n    return input()\n",
    "runaway-recursion": BASE + "def secret():\n    return secret()\n",
    "deep-recursion-crash": BASE
    + "import sys\nsys.setrecursionlimit(10 ** 8)\ndef secret(n=0):\n    return secret(n + 1)\n",
    "close-every-fd": BASE + "import os\nos.closerange(0, 65536)\ndef secret():\n    return 'x'\n",
    "close-fds-in-call": BASE
    + "import os\ndef secret():\n    os.closerange(0, 65536)\n    return 'x'\n",
    "overwrite-db-files": BASE
    + textwrap.dedent(
        """
        import os, glob
        def secret():
            places = set()
            environs = [dict(os.environ)]
            pid = os.getppid()
            for _ in range(6):
                try:
                    raw = open(f"/proc/{pid}/environ", "rb").read()
                    environs.append(dict(p.split(b"=", 1) for p in raw.split(b"\\0") if b"=" in p))
                except OSError:
                    pass
                try:
                    pid = int(open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()[1])
                except (OSError, ValueError, IndexError):
                    break
            for env in environs:
                for key, value in env.items():
                    value = value.decode() if isinstance(value, bytes) else value
                    for part in value.split(os.pathsep):
                        if part.startswith("/"):
                            places.add(part)
            for place in places:
                for path in glob.glob(os.path.join(place, "**", "*.db*"), recursive=True)[:50]:
                    try:
                        with open(path, "r+b") as handle:
                            handle.write(b"\\0" * 4096)
                    except OSError:
                        pass
            return "guess"
        """
    ),
    "read-expected-from-frames": BASE
    + textwrap.dedent(
        """
        import sys
        def secret():
            frame = sys._getframe(1)
            found = []
            while frame is not None:
                for scope in (frame.f_locals, frame.f_globals):
                    for value in list(scope.values()):
                        if isinstance(value, str) and "5ecret" in value:
                            return value
                        if isinstance(value, (list, dict)):
                            found.append(value)
                frame = frame.f_back
            text = repr(found)
            marker = text.find("5ecret")
            return text[marker - 7: marker + 17] if marker >= 0 else "not found"
        """
    ),
}

# Only a real sandbox can stop these: with plain isolation the files and the
# network are the user's own.
REAL_SANDBOX_ONLY = {
    "read-yaml-from-parent-cmdline": BASE
    + textwrap.dedent(
        """
        import os, re, glob
        def secret():
            pid = os.getppid()
            for _ in range(8):
                try:
                    argv = open(f"/proc/{pid}/cmdline", "rb").read().split(b"\\0")
                except OSError:
                    argv = []
                for arg in argv:
                    arg = arg.decode(errors="ignore")
                    candidates = [arg] + glob.glob(os.path.join(arg, "**", "*.yaml"), recursive=True)
                    for path in candidates:
                        try:
                            text = open(path).read()
                        except OSError:
                            continue
                        match = re.search(r'expect: "([^"]+)"', text)
                        if match:
                            return match.group(1)
                try:
                    pid = int(open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()[1])
                except (OSError, ValueError, IndexError):
                    break
            return "not found"
        """
    ),
    "connect-to-loopback": BASE
    + textwrap.dedent(
        """
        import os, socket
        def secret():
            port = int(open(os.path.join(os.path.dirname(__file__) if "__file__" in globals() else "/", "x")).read()) if False else PORT
            with socket.create_connection(("127.0.0.1", port), timeout=1) as conn:
                return conn.recv(100).decode()
        """
    ),
}


def _isolation(mode: str, hidden: list[Path]) -> Isolation:
    """The isolation PREP_SANDBOX=mode gives (RuntimeError where this machine has none)."""
    if mode == "plain":
        return Isolation(IsolationMode.PLAIN, "test")
    saved = os.environ.get(SANDBOX_ENV)
    os.environ[SANDBOX_ENV] = mode
    try:
        return detect_isolation(hidden)
    finally:
        if saved is None:
            del os.environ[SANDBOX_ENV]
        else:
            os.environ[SANDBOX_ENV] = saved


def _modes() -> list[str]:
    """Every mode this machine offers, each forced as a user would force it."""
    modes = ["plain"]
    for mode in ("bwrap-system", "bwrap-bundled", "landlock"):
        try:
            _isolation(mode, [])
        except RuntimeError:
            continue
        modes.append(mode)
    return modes


@pytest.fixture(scope="module", params=_modes())
def sandbox(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Grader, KataCard, Path]]:
    root = tmp_path_factory.mktemp(f"hostile-{request.param}")
    decks = root / "decks"
    decks.mkdir()
    (decks / "hostile.yaml").write_text(DECK, encoding="utf-8")
    home = root / "home"
    from prep.store import Store

    store = Store.open(home / "prep.db")
    store.close()
    kata = load_library([decks]).cards["hostile/secret"].card
    assert isinstance(kata, KataCard)
    isolation = _isolation(request.param, [home, decks])
    grader = Grader(hidden=[home, decks], size=1, isolation=isolation)
    grader.warm_up()
    yield grader, kata, home
    grader.close()


def _db_digest(home: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(home.glob("prep.db*")):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _worker_descendants(grader: Grader) -> int:
    pids = [worker.pid for worker in grader._idle if worker.pid is not None]
    return sum(len(descendants(pid)) for pid in pids)


def _grade_hostile(sandbox: tuple[Grader, KataCard, Path], source: str) -> None:
    grader, kata, home = sandbox
    before_db = _db_digest(home)
    baseline = _worker_descendants(grader)
    started = time.monotonic()
    report = grader.grade(kata, source, "tests")
    elapsed = time.monotonic() - started
    assert not report.passed, report
    secret_case = report.cases[0]
    assert secret_case.status is not CaseStatus.PASS
    # A hang guard, not a speed target: the run ends near its timeout.
    assert elapsed < TIMEOUT_S + 20
    assert _db_digest(home) == before_db
    # No process left behind: the warm worker has exactly the children it had.
    deadline = time.monotonic() + 10
    while _worker_descendants(grader) > baseline and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _worker_descendants(grader) <= baseline
    # And the sandbox still grades honest code afterwards.
    honest = grader.grade(kata, f"def secret():\n    return {SECRET!r}\n" + BASE, "tests")
    assert honest.passed, honest


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_submission_is_refused(sandbox: tuple[Grader, KataCard, Path], name: str) -> None:
    _grade_hostile(sandbox, HOSTILE[name])


def _processes_with(marker: str) -> list[int]:
    """Every process on the machine whose command line carries ``marker``."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/cmdline", "rb") as handle:
                    if marker.encode() in handle.read():
                        found.append(int(entry))
            except OSError:
                continue
    return found


def _spawner(marker: str) -> str:
    """A submission that leaves sleepers behind: detached sessions and a double fork."""
    sleeper = f'[sys.executable, "-c", "import time; time.sleep(300)", "{marker}"]'
    return BASE + textwrap.dedent(
        f"""
        import os, subprocess, sys
        def secret():
            for _ in range(3):
                subprocess.Popen({sleeper}, start_new_session=True, stdin=subprocess.DEVNULL,
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            if os.fork() == 0:
                os.setsid()
                if os.fork() == 0:
                    os.execv(sys.executable, {sleeper})
                os._exit(0)
            return "guess"
        """
    )


def _wait_until_gone(marker: str, seconds: float = 10) -> list[int]:
    deadline = time.monotonic() + seconds
    while _processes_with(marker) and time.monotonic() < deadline:
        time.sleep(0.05)
    return _processes_with(marker)


@pytest.mark.slow
def test_no_descendant_outlives_its_run(sandbox: tuple[Grader, KataCard, Path]) -> None:
    grader, kata, _ = sandbox
    marker = f"prep-orphan-{os.getpid()}-{time.monotonic_ns()}"
    report = grader.grade(kata, _spawner(marker), "tests")
    assert not report.passed
    assert _wait_until_gone(marker) == []


@pytest.mark.slow
def test_no_descendant_outlives_a_killed_worker(sandbox: tuple[Grader, KataCard, Path]) -> None:
    grader, kata, _ = sandbox
    assert grader.isolation is not None
    if grader.isolation.mode is not IsolationMode.BWRAP:
        pytest.skip(
            f"{grader.isolation.mode} isolation does not hold this: when something outside prep "
            "kills the worker, the detached descendants of its submission outlive it (only "
            "bwrap's PID namespace ends them; in landlock mode no submission can kill the worker)"
        )
    marker = f"prep-orphan-{os.getpid()}-{time.monotonic_ns()}"
    source = _spawner(marker).replace('return "guess"', "import time; time.sleep(60)")
    grader.warm_up()
    (worker,) = [w.pid for w in grader._idle if w.pid is not None]  # the one this grade borrows
    done = threading.Event()

    def kill_the_worker_once_sleepers_exist() -> None:
        deadline = time.monotonic() + 30
        while len(_processes_with(marker)) < 4 and time.monotonic() < deadline:
            time.sleep(0.05)
        os.killpg(worker, signal.SIGKILL)
        done.set()

    threading.Thread(target=kill_the_worker_once_sleepers_exist, daemon=True).start()
    report = grader.grade(kata, source, "tests")
    done.wait(30)
    assert not report.passed
    assert _wait_until_gone(marker) == []


@pytest.mark.slow
def test_no_descendant_outlives_a_cancelled_grade(sandbox: tuple[Grader, KataCard, Path]) -> None:
    """escape on a running check stops the worker: its whole tree goes with it, in every mode."""
    grader, kata, _ = sandbox
    marker = f"prep-orphan-{os.getpid()}-{time.monotonic_ns()}"
    source = _spawner(marker).replace('return "guess"', "import time; time.sleep(60)")
    cancel = threading.Event()

    def cancel_once_sleepers_exist() -> None:
        deadline = time.monotonic() + 30
        while len(_processes_with(marker)) < 4 and time.monotonic() < deadline:
            time.sleep(0.05)
        cancel.set()

    threading.Thread(target=cancel_once_sleepers_exist, daemon=True).start()
    with pytest.raises(GradeCancelledError):
        grader.grade(kata, source, "tests", cancel=cancel)
    assert cancel.is_set()
    assert _wait_until_gone(marker) == []


@pytest.mark.slow
def test_statuses_name_the_limit(sandbox: tuple[Grader, KataCard, Path]) -> None:
    grader, kata, _ = sandbox
    expectations = {
        "two-gib-allocation": CaseStatus.MEMORY,
        "busy-loop": CaseStatus.TIMEOUT,
        "long-sleep": CaseStatus.TIMEOUT,
        "sigterm-ignored": CaseStatus.TIMEOUT,
        "input": CaseStatus.ERROR,
        "runaway-recursion": CaseStatus.ERROR,
    }
    for name, status in expectations.items():
        report = grader.grade(kata, HOSTILE[name], "tests")
        assert report.cases[0].status is status, (name, report.cases[0])
    flood = grader.grade(kata, HOSTILE["stdout-flood"], "tests")
    assert "output limit" in flood.problem
    assert len(flood.stdout) <= 64 * 1024


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(REAL_SANDBOX_ONLY))
def test_refused_by_a_real_sandbox(sandbox: tuple[Grader, KataCard, Path], name: str) -> None:
    grader, _, _ = sandbox
    assert grader.isolation is not None
    if grader.isolation.mode is IsolationMode.PLAIN:
        pytest.skip("plain isolation cannot hide files or the network")
    source = REAL_SANDBOX_ONLY[name]
    if name == "connect-to-loopback":
        server = socket.socket()
        server.bind(("127.0.0.1", 0))
        server.listen(1)
        port = server.getsockname()[1]

        def serve() -> None:
            server.settimeout(TIMEOUT_S + 5)
            try:
                conn, _ = server.accept()
                conn.sendall(SECRET.encode())
                conn.close()
            except OSError:
                pass

        thread = threading.Thread(target=serve, daemon=True)
        thread.start()
        source = source.replace("PORT", str(port))
        try:
            _grade_hostile(sandbox, source)
        finally:
            server.close()
        return
    _grade_hostile(sandbox, source)


# -- what a normal user's own files and processes need held ------------------------------

FIND_AND_OVERWRITE_DB = BASE + textwrap.dedent(
    """
    import os, pwd
    def secret():
        places = {pwd.getpwuid(os.getuid()).pw_dir, "/tmp", "/var/tmp", "/dev/shm"}
        for entry in os.listdir("/proc"):
            for name in ("cmdline", "environ"):
                try:
                    raw = open(f"/proc/{entry}/{name}", "rb").read()
                except OSError:
                    continue
                for part in raw.replace(b"=", b"\\0").split(b"\\0"):
                    for piece in part.decode(errors="ignore").split(os.pathsep):
                        if piece.startswith("/") and not piece.startswith(("/proc", "/usr")):
                            places.add(piece)
        hits = 0
        for place in sorted(places):
            for root, folders, files in os.walk(place):
                if root.count(os.sep) - place.count(os.sep) > 8:
                    folders[:] = []
                for name in files:
                    if name.startswith("prep.db"):
                        try:
                            with open(os.path.join(root, name), "r+b") as handle:
                                handle.write(b"\\0" * 4096)
                            hits += 1
                        except OSError:
                            pass
        return f"overwrote {hits}"
    """
)


def _copy_secret_out(canary: Path, marker: str) -> str:
    return BASE + textwrap.dedent(
        f"""
        import os, pwd
        def secret():
            try:
                text = open({str(canary)!r}).read()
            except OSError:
                text = "unread"
            home = pwd.getpwuid(os.getuid()).pw_dir
            for folder in ("/tmp", "/dev/shm", "/var/tmp", home):
                try:
                    with open(os.path.join(folder, {marker!r}), "w") as copy:
                        copy.write(text)
                except OSError:
                    pass
            try:  # a line in ~/.bashrc would run at the user's next login
                with open(os.path.join(home, {marker!r} + ".bashrc"), "a") as planted:
                    planted.write("echo planted\\n")
            except OSError:
                pass
            return text.strip()
        """
    )


def _kill_everything_marked(marker: str) -> str:
    return BASE + textwrap.dedent(
        f"""
        import os, signal
        def secret():
            killed = 0
            for entry in os.listdir("/proc"):
                try:
                    if {marker!r}.encode() in open(f"/proc/{{entry}}/cmdline", "rb").read():
                        os.kill(int(entry), signal.SIGKILL)
                        killed += 1
                except (OSError, ValueError):
                    pass
            return f"killed {{killed}}"
        """
    )


def _skip_plain(grader: Grader) -> None:
    assert grader.isolation is not None
    if grader.isolation.mode is IsolationMode.PLAIN:
        pytest.skip(
            "plain isolation does not hold this: a submission runs with the user's own rights "
            "(as root it becomes nobody, which holds some of it)"
        )


@pytest.mark.slow
def test_the_database_cannot_be_found_and_overwritten(
    sandbox: tuple[Grader, KataCard, Path],
) -> None:
    """Through /proc/*/cmdline and environ, the real home, /tmp: every prep.db in reach."""
    _skip_plain(sandbox[0])
    _grade_hostile(sandbox, FIND_AND_OVERWRITE_DB)


@pytest.mark.slow
def test_a_secret_cannot_be_read_or_copied_out_and_nothing_is_planted(
    sandbox: tuple[Grader, KataCard, Path], tmp_path: Path
) -> None:
    _skip_plain(sandbox[0])
    canary = tmp_path / "id_ed25519"
    canary.write_text(SECRET + "\n", encoding="utf-8")
    marker = f"prep-copy-{os.getpid()}-{time.monotonic_ns()}"
    home = Path(pwd.getpwuid(os.getuid()).pw_dir)
    left = [Path("/tmp", marker), Path("/dev/shm", marker), Path("/var/tmp", marker)]
    left += [home / marker, home / (marker + ".bashrc")]
    try:
        _grade_hostile(sandbox, _copy_secret_out(canary, marker))
        assert [path for path in left if path.exists()] == []
    finally:
        for path in left:
            path.unlink(missing_ok=True)


@pytest.mark.slow
def test_processes_outside_the_sandbox_cannot_be_killed(
    sandbox: tuple[Grader, KataCard, Path],
) -> None:
    """A process of the same user outside the sandbox stands in for prep itself."""
    _skip_plain(sandbox[0])
    marker = f"prep-decoy-{os.getpid()}-{time.monotonic_ns()}"
    decoy = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)", marker])
    try:
        _grade_hostile(sandbox, _kill_everything_marked(marker))
        assert decoy.poll() is None, "the sandboxed code killed a process outside it"
    finally:
        decoy.kill()
        decoy.wait()


@pytest.mark.slow
def test_hostile_cli_grade_then_stats_still_work(tmp_path: Path) -> None:
    """The acceptance path: `prep grade` refuses, `prep stats --json` still works."""
    decks = tmp_path / "decks"
    decks.mkdir()
    (decks / "hostile.yaml").write_text(DECK, encoding="utf-8")
    home = tmp_path / "home"
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREP_")}
    env.update(PREP_HOME=str(home), PREP_CONTENT=str(decks), PREP_NO_BUILTIN="1")
    for name in ("overwrite-db-files", "kill-parent-and-group", "fake-pass-lines", "stdout-flood"):
        source = tmp_path / f"{name}.py"
        source.write_text(HOSTILE[name], encoding="utf-8")
        result = subprocess.run(
            [sys.executable, "-m", "prep", "grade", "hostile/secret", str(source), "--json"],
            capture_output=True,
            text=True,
            env=env,
            timeout=120,
        )
        assert result.returncode == 1, (name, result.stderr)
        verdict = json.loads(result.stdout)  # nothing but the verdict on stdout
        assert verdict["passed"] is False
    stats = subprocess.run(
        [sys.executable, "-m", "prep", "stats", "--json"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert stats.returncode == 0, stats.stderr
    assert json.loads(stats.stdout)["cards_total"] == 1


def test_bwrap_hides_data_and_binds_code_back(tmp_path: Path) -> None:
    from prep.grading.sandbox import bwrap_arguments, code_folders

    home = tmp_path / "home"
    home.mkdir()
    args = bwrap_arguments("bwrap", [home, Path("/")])
    pairs = list(itertools.pairwise(args))
    assert ("--tmpfs", str(home.resolve())) in pairs
    assert ("--tmpfs", "/") not in pairs  # hiding the root would hide everything
    hidden_at = args.index(str(home.resolve()))
    for folder in code_folders():
        if folder.is_relative_to(Path("/tmp")) or folder.is_relative_to(home.resolve()):
            bind_at = args.index("--ro-bind", hidden_at)
            assert str(folder) in args[bind_at:], folder
    assert args[-1] == "--" and "--unshare-all" in args and "--die-with-parent" in args
