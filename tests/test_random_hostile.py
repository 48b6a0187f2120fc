"""Hostile submissions against random cases: memorising the fixed answers fails, and
the expected values are nowhere the learner's code can look — its memory, its
frames and modules, /proc/self, its environment, its files.

Runs in every sandbox mode this machine offers, as tests/test_hostile.py does.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from prep.content import KataCard, load_library
from prep.grading.grader import Grader
from tests.test_hostile import _isolation, _modes

# Only the reference knows it; an expected value is SECRET:x for the input x.
SECRET = "5e" * 10
LOW, HIGH = 1000, 1099

KATA = """\
  - id: {id}
    type: kata
    title: Mark
    prompt: "`mark(x)`: the mark of x."
    preamble: |
      {preamble}
    tests:
      - call: mark(1)
        expect: "{secret}:1"
    solution: |
      def mark(x):
          return "{secret}" + ":" + str(x)
    limits: {{timeout_s: 60, memory_mb: 1024}}
    random:
      count: 20
      size: 1
      generate: |
        def generate(rng, np_rng, size):
            return {{"x": rng.randint({low}, {high})}}
      call: mark(x)
"""
# The control: the learner's own process holds every answer (its preamble made them),
# so the same search finds them there. It proves the search would see a leak.
PLANTED = f"ANSWERS = [{SECRET!r} + ':' + str(x) for x in range({LOW}, {HIGH + 1})]"
DECK = (
    "deck: leak\ntitle: Leak\ncards:\n"
    + KATA.format(id="hidden", preamble="pass", secret=SECRET, low=LOW, high=HIGH)
    + KATA.format(id="planted", preamble=PLANTED, secret=SECRET, low=LOW, high=HIGH)
)

MEMORISED = f"def mark(x):\n    return {{1: {SECRET + ':1'!r}}}.get(x, '')\n"

# Looks for anything shaped like an answer (twenty hex digits, a colon, digits) everywhere
# it can reach, once, at import; then answers each case from what it found.
SEARCH = textwrap.dedent(
    r"""
    import gc, os, re, sys
    # Anchored on the colon, so that scanning all of memory takes seconds, not minutes.
    TAIL = re.compile(rb":(1[0-9]{3})(?![0-9])")
    HEX = re.compile(rb"[0-9a-f]{20}")
    FOUND = {}

    def note(blob):
        if isinstance(blob, str):
            blob = blob.encode("utf-8", "replace")
        if isinstance(blob, (bytes, bytearray)):
            for match in TAIL.finditer(blob):
                head = blob[max(0, match.start() - 20) : match.start()]
                if HEX.fullmatch(head):
                    FOUND.setdefault(int(match.group(1)), (head + match.group(0)).decode())

    def note_all(values):
        for value in list(values):
            note(value)
            if isinstance(value, (list, tuple, set, frozenset)):
                for item in list(value):
                    note(item)

    def search():
        for obj in gc.get_objects():
            if isinstance(obj, dict):
                note_all(obj.values())
            elif isinstance(obj, (list, tuple, set, frozenset)):
                note_all(obj)
        frame = sys._getframe()
        while frame is not None:
            note_all(frame.f_locals.values())
            note_all(frame.f_globals.values())
            frame = frame.f_back
        for module in list(sys.modules.values()):
            note_all(getattr(module, "__dict__", {}).values())
        note_all(os.environ.values())
        for name in ("environ", "cmdline", "maps", "status"):
            try:
                with open(f"/proc/self/{name}", "rb") as handle:
                    note(handle.read())
            except OSError:
                pass
        try:
            with open("/proc/self/maps") as maps:
                regions = maps.read().splitlines()  # read first: reading maps new buffers
            with open("/proc/self/mem", "rb", 0) as mem:
                for line in regions:
                    span, perms = line.split()[:2]
                    if "r" not in perms:
                        continue
                    start, end = (int(part, 16) for part in span.split("-"))
                    if end - start > 1 << 28:
                        continue  # a reservation, not data
                    for offset in range(start, end, 1 << 22):
                        try:
                            mem.seek(offset)
                            note(mem.read(min(end - offset, (1 << 22) + 64)))
                        except (OSError, ValueError, OverflowError):
                            break
        except OSError:
            pass
        # The run's own folders; a budget, as a shared /tmp may hold a great deal.
        budget = [500]
        for root in (os.getcwd(), "/tmp"):
            for folder, _, files in os.walk(root):
                for name in files:
                    budget[0] -= 1
                    if budget[0] < 0:
                        return
                    try:
                        with open(os.path.join(folder, name), "rb") as handle:
                            note(handle.read(1 << 20))
                    except OSError:
                        pass

    search()

    def mark(x):
        return FOUND.get(x, "")
    """
)


@pytest.fixture(scope="module", params=_modes())
def setup(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, list[Path], dict[str, KataCard]]]:
    root = tmp_path_factory.mktemp(f"random-hostile-{request.param}")
    decks = root / "decks"
    decks.mkdir()
    (decks / "leak.yaml").write_text(DECK, encoding="utf-8")
    library = load_library([decks])
    assert not library.errors, library.errors
    katas = {}
    for key in ("leak/hidden", "leak/planted"):
        card = library.cards[key].card
        assert isinstance(card, KataCard)
        katas[key] = card
    yield request.param, [root / "home", decks], katas


def _grader(setup: tuple[str, list[Path], dict[str, KataCard]]) -> Grader:
    """A grader of its own for each run: no worker has seen another test's answers."""
    mode, hidden, _ = setup
    return Grader(hidden=hidden, size=1, isolation=_isolation(mode, hidden))


@pytest.mark.slow
def test_memorised_fixed_answers_fail_the_random_cases(
    setup: tuple[str, list[Path], dict[str, KataCard]],
) -> None:
    grader = _grader(setup)
    try:
        report = grader.grade(setup[2]["leak/hidden"], MEMORISED, seed=11)
    finally:
        grader.close()
    assert [case.passed for case in report.cases] == [True]
    assert report.random is not None and report.random.passed_count == 0
    assert not report.passed


@pytest.mark.slow
def test_the_expected_values_are_nowhere_the_submission_can_look(
    setup: tuple[str, list[Path], dict[str, KataCard]],
) -> None:
    katas = setup[2]
    grader = _grader(setup)
    try:
        report = grader.grade(katas["leak/hidden"], SEARCH, seed=5)
    finally:
        grader.close()
    assert report.random is not None and not report.random.problem, report
    assert report.random.passed_count == 0, report.random
    # The fixed test's answer is not there either.
    assert not report.cases[0].passed
    # Where the answers are in its process, the same search finds every one.
    control = _grader(setup)
    try:
        found = control.grade(katas["leak/planted"], SEARCH, seed=5)
    finally:
        control.close()
    assert found.random is not None and found.random.passed, found.random
