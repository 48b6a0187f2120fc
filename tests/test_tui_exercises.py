"""Pilot tests of the kata and predict screens, with the real sandbox."""

from __future__ import annotations

import contextlib
import os
import signal
from collections.abc import Iterator
from datetime import UTC
from pathlib import Path
from typing import Any, TypeVar

import pytest
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import Input, Markdown, Static, TextArea

from prep.cli.factory import make_context
from prep.content import load_library
from prep.grading.attempts import Attempt
from prep.grading.grader import Grader
from prep.paths import Locations
from prep.scheduling.memory import Rating
from prep.settings import Settings
from prep.study.sitting import DIAGNOSIS, EVENT_KINDS
from prep.tui.app import PrepApp
from prep.tui.context import PrepContext
from prep.tui.screens.kata import KataScreen
from prep.tui.screens.predict import PredictScreen
from prep.tui.screens.study import StudyScreen
from prep.tui.widgets.grade_results import GradeResults
from tests.conftest import FakeClock, counting_ids
from tests.helpers import settle, wait_for

DECK = """\
deck: ex
title: Exercises
cards:
  - id: double
    type: kata
    title: Double it
    prompt: Write `double(x)` returning `2 * x`.
    starter: |
      def double(x):
          ...
    examples:
      - name: two
        call: double(2)
        expect: 4
    tests:
      - name: zero
        call: double(0)
        expect: 0
      - name: negative
        call: double(-3)
        expect: -6
      - name: float
        call: double(1.5)
        expect: 3.0
    solution: |
      def double(x):
          return 2 * x
    wrong_solutions:
      - name: square
        code: "def double(x): return x * x"
      - name: plus-two
        mistake: adds two instead of doubling
        code: "def double(x): return x + 2"
      - name: int-cast
        code: "def double(x): return int(2 * x)"
    hints:
      - Multiply.
      - By two.
    explanation: Doubling is multiplication by two.
  - id: late
    type: predict
    code: |
      fs = [lambda: i for i in range(3)]
      print([f() for f in fs])
    expect_output: |
      [2, 2, 2]
    hint: A closure looks its variable up when it is called.
    explanation: |
      Late binding: each lambda looks `i` up when it is called, not when it is made.

      By the time the list comprehension calls them, the loop is over and `i` is 2.

      Bind the value at definition time (`lambda i=i: i`) to keep each one.

      Or build each function in a factory call, so that each gets its own scope.
"""

GOOD = "def double(x):\n    return 2 * x\n"
WRONG = "def double(x):\n    return x + 2\n"


@pytest.fixture(scope="module")
def grader() -> Iterator[Grader]:
    # The isolation the app itself would choose here (bwrap where it works).
    shared = Grader(size=1)
    shared.warm_up()
    yield shared
    shared.close()


@pytest.fixture
def exercise_context(tmp_path: Path, grader: Grader) -> Iterator[PrepContext]:
    decks = tmp_path / "decks"
    decks.mkdir()
    (decks / "ex.yaml").write_text(DECK, encoding="utf-8")
    locations = Locations(tmp_path / "home", (decks,), include_builtin=False, home_is_explicit=True)
    context = make_context(
        locations,
        settings=Settings(),
        library=load_library([decks]),
        clock=FakeClock(),
        tz=UTC,
        new_id=counting_ids(),
        grader_factory=lambda: grader,
    )
    yield context
    context.store.close()


def set_code(screen: KataScreen, code: str) -> None:
    screen.query_one("#editor", TextArea).load_text(code)


async def open_kata(app: PrepApp, pilot: Pilot[None]) -> KataScreen:
    """Start studying: the deck's kata comes first."""
    await pilot.press("s")
    await wait_for(pilot, lambda: isinstance(app.screen, KataScreen) and app.screen.loaded)
    screen = app.screen
    assert isinstance(screen, KataScreen)
    return screen


async def open_predict_card(app: PrepApp, pilot: Pilot[None]) -> PredictScreen:
    """The deck's kata comes first: give it up to reach the predict card."""
    await open_kata(app, pilot)
    await pilot.press("ctrl+g", "enter")
    await wait_for(pilot, lambda: isinstance(app.screen, PredictScreen) and app.screen.loaded)
    screen = app.screen
    assert isinstance(screen, PredictScreen)
    return screen


S = TypeVar("S", bound=Screen[Any])


def current(app: PrepApp, kind: type[S]) -> S:
    """The screen on top, which must be a ``kind``."""
    screen = app.screen
    assert isinstance(screen, kind)
    return screen


def runs(context: PrepContext, key: str) -> list[Attempt]:
    """The card's graded runs, without the sitting's events (opened, hints, give-ups)."""
    return [a for a in context.store.attempts(key) if a.kind not in EVENT_KINDS]


def results_text(screen: KataScreen) -> str:
    return screen.query_one(GradeResults).source


async def test_kata_fail_then_pass_proposes_hard_and_records(exercise_context: PrepContext) -> None:
    app = PrepApp(exercise_context)
    async with app.run_test(size=(140, 45)) as pilot:
        screen = await open_kata(app, pilot)
        assert "def double(x)" in screen.query_one("#editor", TextArea).text

        set_code(screen, WRONG)
        await pilot.press("ctrl+r")
        await wait_for(pilot, lambda: not screen.running and "Examples" in results_text(screen))
        assert "1/1 example passed" in str(screen.query_one("#grade-status", Static).render())
        # An example shows its input, the learner's result and the expected one.
        assert "double(2)" in results_text(screen) and "expected: `4`" in results_text(screen)

        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: not screen.running and "Hidden tests" in results_text(screen))
        assert screen.attempt.failed_submissions == 1
        assert not screen.attempt.finished
        # Hidden tests show a name and a short message, never the input or the expected
        # value, until the kata is over; the first failing one is named.
        assert "expected" not in results_text(screen)
        assert "double(0)" not in results_text(screen)
        assert "first failing: zero (wrong answer)" in results_text(screen)
        # The results have the focus, so the keyboard scrolls them.
        assert app.focused is screen.query_one("#kata-feedback")

        set_code(screen, GOOD)
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: screen.attempt.finished)
        assert screen.attempt.proposal(exercise_context.clock()) is Rating.Hard
        assert not screen.query_one("#rating-panel").has_class("hidden")
        assert "Hidden tests" in screen.query_one("#kata-after", Markdown).source

        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, PredictScreen))

    kinds = [(a.kind, a.passed) for a in runs(exercise_context, "ex/double")]
    assert kinds == [("examples", True), ("submit", False), ("submit", True)]
    (review,) = exercise_context.store.reviews("ex/double")
    assert review.rating is Rating.Hard
    assert exercise_context.store.draft("ex/double") == GOOD


async def test_kata_first_try_fast_is_easy_and_override_with_a_key(
    exercise_context: PrepContext,
) -> None:
    app = PrepApp(exercise_context)
    async with app.run_test(size=(140, 45)) as pilot:
        screen = await open_kata(app, pilot)
        set_code(screen, GOOD)
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: screen.attempt.finished)
        assert screen.attempt.proposal(exercise_context.clock()) is Rating.Easy
        await pilot.press("3")
        await wait_for(pilot, lambda: not isinstance(app.screen, KataScreen))
    (review,) = exercise_context.store.reviews("ex/double")
    assert review.rating is Rating.Good


async def test_kata_hint_and_give_up(exercise_context: PrepContext) -> None:
    app = PrepApp(exercise_context)
    async with app.run_test(size=(140, 45)) as pilot:
        screen = await open_kata(app, pilot)
        await pilot.press("ctrl+t")
        assert "Multiply" in screen.query_one("#kata-hints", Markdown).source
        assert screen.attempt.hints_used == 1
        await pilot.press("ctrl+g")
        assert screen.attempt.gave_up
        assert "Reference solution" in screen.query_one("#kata-after", Markdown).source
        assert screen.query_one("#editor", TextArea).read_only
        await pilot.press("enter")
        await wait_for(pilot, lambda: not isinstance(app.screen, KataScreen))
    (review,) = exercise_context.store.reviews("ex/double")
    assert review.rating is Rating.Again


async def test_a_failed_submission_like_a_known_mistake_offers_it_as_a_hint(
    exercise_context: PrepContext,
) -> None:
    app = PrepApp(exercise_context)
    async with app.run_test(size=(140, 45)) as pilot:
        screen = await open_kata(app, pilot)
        assert screen.check_action("diagnosis", ()) is False  # nothing to offer yet
        set_code(screen, WRONG)
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: screen.diagnosis is not None)
        status = str(screen.query_one("#grade-status", Static).render())
        assert "ctrl+f: this looks like a known mistake (counts as a hint)" in status
        assert screen.check_action("diagnosis", ()) is True  # in the footer now
        assert screen.attempt.hints_used == 0
        panel = screen.query_one("#kata-diagnosis", Markdown)
        assert panel.has_class("hidden")

        await pilot.press("ctrl+f")
        await wait_for(pilot, lambda: not panel.has_class("hidden"))
        assert "This looks like a known mistake: adds two instead of doubling" in panel.source
        assert "double(0)" not in panel.source  # the mistake only, never a hidden input
        assert screen.attempt.hints_used == 1
        await pilot.press("ctrl+f")  # read again: the same hint
        assert screen.attempt.hints_used == 1
        await settle(pilot)
        kinds = [a.kind for a in exercise_context.store.attempts("ex/double")]
        assert kinds.count(DIAGNOSIS) == 1

        set_code(screen, GOOD)
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: screen.attempt.finished)
        assert screen.diagnosis is None
        assert screen.attempt.proposal(exercise_context.clock()) is Rating.Hard
        explained = screen.attempt.explain(exercise_context.clock())
        assert explained == "Solved after 1 failed submission and 1 hint: Hard."


async def test_escape_leaves_a_kata_unrated_and_keeps_the_draft(
    exercise_context: PrepContext,
) -> None:
    app = PrepApp(exercise_context)
    async with app.run_test(size=(140, 45)) as pilot:
        screen = await open_kata(app, pilot)
        set_code(screen, "def double(x):\n    return 'draft'\n")
        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, (KataScreen, StudyScreen)))
    assert exercise_context.store.count_reviews() == 0
    assert exercise_context.store.draft("ex/double") == "def double(x):\n    return 'draft'\n"


async def test_escape_cancels_a_running_grade(exercise_context: PrepContext) -> None:
    app = PrepApp(exercise_context)
    async with app.run_test(size=(140, 45)) as pilot:
        screen = await open_kata(app, pilot)
        set_code(screen, "import time\ndef double(x):\n    time.sleep(60)\n")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: screen.running)
        await pilot.press("escape")
        assert not screen.running
        assert isinstance(app.screen, KataScreen)
        assert "Cancelled" in str(screen.query_one("#grade-status", Static).render())
        # The sandbox is usable again straight away.
        set_code(screen, GOOD)
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: screen.attempt.finished, timeout=60)


async def test_predict_right_and_wrong(exercise_context: PrepContext) -> None:
    app = PrepApp(exercise_context)
    async with app.run_test(size=(140, 45)) as pilot:
        screen = await open_predict_card(app, pilot)
        screen.query_one("#prediction", TextArea).load_text("[0, 1, 2]\n")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: screen.correct is not None)
        assert screen.correct is False
        result = str(screen.query_one("#predict-result", Static).render())
        assert "-[2, 2, 2]" in result and "+[0, 1, 2]" in result
        assert screen.attempt.proposal(exercise_context.clock()) is Rating.Again
        await pilot.press("enter")
        await wait_for(pilot, lambda: not isinstance(app.screen, PredictScreen))
    (review,) = exercise_context.store.reviews("ex/late")
    assert review.rating is Rating.Again
    (attempt,) = runs(exercise_context, "ex/late")
    assert (
        attempt.kind == "predict"
        and not attempt.passed
        and attempt.summary["actual"] == "[2, 2, 2]\n"
    )


async def test_predict_trailing_whitespace_is_ignored(exercise_context: PrepContext) -> None:
    app = PrepApp(exercise_context)
    async with app.run_test(size=(140, 45)) as pilot:
        screen = await open_predict_card(app, pilot)
        screen.query_one("#prediction", TextArea).load_text("[2, 2, 2]   \n\n")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: screen.correct is not None)
        assert screen.correct is True
        assert screen.attempt.proposal(exercise_context.clock()) is Rating.Easy


async def test_predict_hint_shows_once_and_a_right_answer_after_it_is_hard(
    exercise_context: PrepContext,
) -> None:
    app = PrepApp(exercise_context)
    async with app.run_test(size=(140, 45)) as pilot:
        screen = await open_predict_card(app, pilot)
        hint = screen.query_one("#predict-hint", Static)
        assert hint.has_class("hidden")
        await pilot.press("ctrl+t")
        assert not hint.has_class("hidden")
        assert str(hint.render()) == "Hint: A closure looks its variable up when it is called."
        assert screen.attempt.hints_used == 1
        await pilot.press("ctrl+t")  # once only
        assert screen.attempt.hints_used == 1
        screen.query_one("#prediction", TextArea).load_text("[2, 2, 2]\n")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: screen.correct is not None)
        assert screen.correct is True
        assert screen.attempt.proposal(exercise_context.clock()) is Rating.Hard


def grading_workers() -> list[int]:
    """Pids of this test process's grading workers (children running prep.grading.worker)."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/cmdline", "rb") as handle:
                command = handle.read().split(b"\0")
            with open(f"/proc/{entry}/stat") as handle:
                parent = int(handle.read().rsplit(")", 1)[1].split()[1])
        except OSError:
            continue
        if b"prep.grading.worker" in command and parent == os.getpid():
            found.append(int(entry))
    return found


async def test_a_grading_worker_that_dies_is_reported_and_the_screen_stays_usable(
    exercise_context: PrepContext,
) -> None:
    app = PrepApp(exercise_context)
    async with app.run_test(size=(140, 45)) as pilot:
        screen = await open_kata(app, pilot)
        set_code(screen, "import time\ndef double(x):\n    time.sleep(60)\n")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: screen.running and bool(grading_workers()))
        for pid in grading_workers():
            os.kill(pid, signal.SIGKILL)
        await wait_for(pilot, lambda: not screen.running)
        status = str(screen.query_one("#grade-status", Static).render())
        assert "killed" in status
        assert not screen.attempt.finished and screen.attempt.failed_submissions == 1
        # A fresh worker grades the next submission.
        set_code(screen, GOOD)
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: screen.attempt.finished, timeout=60)
        assert screen.attempt.solved_at is not None


async def test_a_grader_that_cannot_start_is_reported_and_the_screen_stays_usable(
    exercise_context: PrepContext,
) -> None:
    def no_grader() -> Grader:
        raise RuntimeError("PREP_SANDBOX=bwrap but bubblewrap (bwrap) is not installed")

    exercise_context.grader_factory = no_grader
    app = PrepApp(exercise_context)
    notices: list[str] = []
    app.notify = lambda message, **_: notices.append(str(message))  # type: ignore[method-assign]
    async with app.run_test(size=(140, 45)) as pilot:
        screen = await open_kata(app, pilot)
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: not screen.running and bool(notices))
        assert any("bubblewrap (bwrap) is not installed" in notice for notice in notices)
        status = str(screen.query_one("#grade-status", Static).render())
        assert "could not run" in status and "bwrap" in status
        await pilot.press("ctrl+g")  # the screen still answers: give up, then rate
        await wait_for(pilot, lambda: screen.attempt.finished)
        await pilot.press("enter")
        await wait_for(pilot, lambda: not isinstance(app.screen, KataScreen))


async def test_kata_first_try_but_slow_is_good(exercise_context: PrepContext) -> None:
    clock = exercise_context.clock
    assert isinstance(clock, FakeClock)
    app = PrepApp(exercise_context)
    async with app.run_test(size=(140, 45)) as pilot:
        screen = await open_kata(app, pilot)
        clock.advance(minutes=6)  # a medium kata: over half of its 10-minute budget
        set_code(screen, GOOD)
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: screen.attempt.finished)
        assert screen.attempt.proposal(clock()) is Rating.Good
        assert "Good" in str(screen.query_one("#proposal", Static).render())
        await pilot.press("enter")
        await wait_for(pilot, lambda: not isinstance(app.screen, KataScreen))
    (review,) = exercise_context.store.reviews("ex/double")
    assert review.rating is Rating.Good


async def test_ctrl_e_without_an_editor_says_how_to_set_one(
    exercise_context: PrepContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.delenv("EDITOR", raising=False)
    app = PrepApp(exercise_context)
    async with app.run_test(size=(140, 45)) as pilot:
        screen = await open_kata(app, pilot)
        before = screen.query_one("#editor", TextArea).text
        await pilot.press("ctrl+e")
        await wait_for(pilot, lambda: bool(app._notifications))
        (note,) = app._notifications
        assert note.message == "Set $EDITOR (or $VISUAL) to edit in your own editor."
        assert screen.query_one("#editor", TextArea).text == before


async def test_ctrl_e_hands_the_code_to_the_editor_and_keeps_what_it_saved(
    exercise_context: PrepContext, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """$VISUAL wins over $EDITOR; the edited file comes back into the editor and the draft."""
    editor = tmp_path / "fake-editor"
    seen = tmp_path / "seen.py"
    editor.write_text(
        "#!/bin/sh\n"
        f'cp "$1" {seen}\n'
        f'printf "%s" "$1" > {seen}.path\n'
        "printf 'def double(x):\\n    return x + x\\n' > \"$1\"\n",
        encoding="utf-8",
    )
    editor.chmod(0o755)
    monkeypatch.setenv("VISUAL", str(editor))
    monkeypatch.setenv("EDITOR", "/nonexistent/editor")
    # Pilot's headless terminal cannot be handed over; the app would suspend a real one.
    monkeypatch.setattr(PrepApp, "suspend", lambda self: contextlib.nullcontext())
    app = PrepApp(exercise_context)
    async with app.run_test(size=(140, 45)) as pilot:
        screen = await open_kata(app, pilot)
        set_code(screen, "def double(x):\n    pass\n")
        await pilot.press("ctrl+e")
        await wait_for(pilot, lambda: "x + x" in screen.query_one("#editor", TextArea).text)
        assert seen.read_text(encoding="utf-8") == "def double(x):\n    pass\n"
        await wait_for(
            pilot,
            lambda: (
                exercise_context.store.draft("ex/double") == "def double(x):\n    return x + x\n"
            ),
        )
        handed = Path((tmp_path / "seen.py.path").read_text(encoding="utf-8"))
        assert handed.suffix == ".py"
        assert not handed.exists()  # the temporary file is removed afterwards


async def test_ctrl_e_with_an_editor_that_cannot_run_says_so(
    exercise_context: PrepContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.setenv("EDITOR", "/nonexistent/editor --wait")
    monkeypatch.setattr(PrepApp, "suspend", lambda self: contextlib.nullcontext())
    app = PrepApp(exercise_context)
    async with app.run_test(size=(140, 45)) as pilot:
        screen = await open_kata(app, pilot)
        set_code(screen, GOOD)
        await pilot.press("ctrl+e")
        await wait_for(pilot, lambda: bool(app._notifications))
        (note,) = app._notifications
        assert note.message.startswith("Could not run '/nonexistent/editor --wait': ")
        assert note.severity == "error"
        assert screen.query_one("#editor", TextArea).text == GOOD


async def test_code_pasted_in_the_same_moment_as_submit_is_what_is_graded(
    exercise_context: PrepContext,
) -> None:
    """The paste is still in the editor's queue when the app's ctrl+s binding runs."""
    from textual import events

    app = PrepApp(exercise_context)
    async with app.run_test(size=(140, 45)) as pilot:
        screen = await open_kata(app, pilot)
        editor = screen.query_one("#editor", TextArea)
        editor.load_text("")
        editor.post_message(events.Paste(GOOD))
        screen.action_submit()  # before the editor has handled the paste
        await wait_for(pilot, lambda: screen.attempt.finished, timeout=60)
    (attempt,) = runs(exercise_context, "ex/double")
    assert (attempt.code, attempt.passed) == (GOOD, True)


async def test_a_prediction_pasted_in_the_same_moment_as_check_is_what_is_compared(
    exercise_context: PrepContext,
) -> None:
    from textual import events

    app = PrepApp(exercise_context)
    async with app.run_test(size=(140, 45)) as pilot:
        screen = await open_predict_card(app, pilot)
        answer = screen.query_one("#prediction", TextArea)
        answer.post_message(events.Paste("[2, 2, 2]\n"))
        screen.action_check()
        await wait_for(pilot, lambda: screen.correct is not None)
        assert screen.correct is True


async def test_ctrl_u_on_a_kata_undoes_the_last_rating_and_its_rerun_is_capped(
    exercise_context: PrepContext,
) -> None:
    clock = exercise_context.clock
    assert isinstance(clock, FakeClock)
    app = PrepApp(exercise_context)
    async with app.run_test(size=(140, 45)) as pilot:
        screen = await open_kata(app, pilot)
        assert screen.check_action("undo_rating", ()) is False  # nothing rated yet
        set_code(screen, GOOD)
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: screen.attempt.finished)
        clock.advance(seconds=5)
        await pilot.press("enter")  # Easy
        await wait_for(pilot, lambda: isinstance(app.screen, PredictScreen) and app.screen.loaded)
        assert exercise_context.store.count_reviews() == 1
        await pilot.press("ctrl+u")  # from the predict card: undo the kata's rating
        await wait_for(
            pilot,
            lambda: (
                isinstance(app.screen, KataScreen)
                and app.screen.loaded
                and app.screen.attempt.finished
            ),
        )
        assert exercise_context.store.count_reviews() == 0
        again = app.screen
        assert isinstance(again, KataScreen)
        # Its answer was seen: the same card is proposed no better than Hard.
        assert again.attempt.proposal(clock()) is Rating.Hard
        assert "no better than Hard" in str(again.query_one("#proposal", Static).render())
        assert again.query_one("#editor", TextArea).text == GOOD
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, PredictScreen))
    (review,) = exercise_context.store.reviews("ex/double")
    assert review.rating is Rating.Hard


async def test_leaving_a_kata_and_coming_back_keeps_its_failures_and_its_clock(
    exercise_context: PrepContext,
) -> None:
    clock = exercise_context.clock
    assert isinstance(clock, FakeClock)
    app = PrepApp(exercise_context)
    async with app.run_test(size=(140, 45)) as pilot:
        screen = await open_kata(app, pilot)
        set_code(screen, WRONG)
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: screen.attempt.failed_submissions == 1)
        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, (KataScreen, StudyScreen)))
        clock.advance(minutes=20)
        screen = await open_kata(app, pilot)
        assert screen.attempt.failed_submissions == 1
        assert screen.query_one("#editor", TextArea).text == WRONG  # this review's draft
        assert "20:00 of 10:00" in str(screen.sub_title)  # the clock did not restart
        set_code(screen, GOOD)
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: screen.attempt.finished)
        assert screen.attempt.proposal(clock()) is Rating.Hard
        assert "solved in 20:00" in str(screen.sub_title)
    (solved,) = [a for a in runs(exercise_context, "ex/double") if a.passed]
    assert solved.summary["elapsed_ms"] == 20 * 60 * 1000  # the time to solve is kept


async def test_a_later_review_opens_on_the_starter(exercise_context: PrepContext) -> None:
    clock = exercise_context.clock
    assert isinstance(clock, FakeClock)
    app = PrepApp(exercise_context)
    async with app.run_test(size=(140, 45)) as pilot:
        screen = await open_kata(app, pilot)
        set_code(screen, GOOD)
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: screen.attempt.finished)
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, PredictScreen))
        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, (PredictScreen, StudyScreen)))
        clock.advance(days=30)
        screen = await open_kata(app, pilot)
        assert screen.query_one("#editor", TextArea).text == screen.kata.starter
        assert not screen.attempt.finished
        # Earlier code is one key away, read-only.
        await pilot.press("ctrl+l")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "EarlierCode")
        await pilot.press("down")
        shown = app.screen.query_one("#earlier-code", TextArea)
        assert shown.read_only and shown.text == GOOD
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is screen)
        assert screen.query_one("#editor", TextArea).text == screen.kata.starter


async def test_reset_to_starter_from_earlier_code_and_ctrl_z_brings_the_code_back(
    exercise_context: PrepContext,
) -> None:
    app = PrepApp(exercise_context)
    async with app.run_test(size=(140, 45)) as pilot:
        screen = await open_kata(app, pilot)
        editor = screen.query_one("#editor", TextArea)
        editor.insert("# mine\n", (0, 0))
        await pilot.press("ctrl+l")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "EarlierCode")
        await pilot.press("r")
        await wait_for(pilot, lambda: editor.text == screen.kata.starter)
        await pilot.press("ctrl+z")
        assert editor.text.startswith("# mine\n")


async def test_edits_made_just_before_quitting_are_kept(exercise_context: PrepContext) -> None:
    app = PrepApp(exercise_context)
    async with app.run_test(size=(140, 45)) as pilot:
        screen = await open_kata(app, pilot)
        screen.query_one("#editor", TextArea).insert("# last words\n", (0, 0))
        await pilot.press("ctrl+q")  # well inside the draft timer's pause
    assert (exercise_context.store.draft("ex/double") or "").startswith("# last words\n")


async def test_a_prediction_is_kept_as_a_draft(exercise_context: PrepContext) -> None:
    app = PrepApp(exercise_context)
    async with app.run_test(size=(140, 45)) as pilot:
        await open_predict_card(app, pilot)
        await pilot.press("[", "2")
        await pilot.press("escape")
        await wait_for(pilot, lambda: exercise_context.store.draft("ex/late") == "[2")
        await wait_for(pilot, lambda: not isinstance(app.screen, (PredictScreen, StudyScreen)))
        await pilot.press("s")  # the kata was rated: the predict card comes first now
        await wait_for(pilot, lambda: isinstance(app.screen, PredictScreen) and app.screen.loaded)
        assert app.screen.query_one("#prediction", TextArea).text == "[2"


async def test_a_wrong_prediction_shows_its_result_with_the_focus_there(
    exercise_context: PrepContext,
) -> None:
    app = PrepApp(exercise_context)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_predict_card(app, pilot)
        screen.query_one("#prediction", TextArea).load_text("[0, 1, 2]\n")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: screen.correct is not None)
        body = screen.query_one("#predict-body")
        assert app.focused is body
        result = screen.query_one("#predict-result")
        # At 80×24 the code and the answer fill the screen: the result is scrolled into view.
        await wait_for(pilot, lambda: body.scroll_offset.y > 0)
        await pilot.pause()
        assert body.region.y <= result.region.y and result.region.bottom <= body.region.bottom


async def test_a_call_of_ones_own_runs_on_the_code_and_on_the_reference(
    exercise_context: PrepContext,
) -> None:
    app = PrepApp(exercise_context)
    async with app.run_test(size=(140, 45)) as pilot:
        screen = await open_kata(app, pilot)
        set_code(screen, WRONG)
        await pilot.press("ctrl+n")
        own = screen.query_one("#own-input", Input)
        assert app.focused is own
        await pilot.press(*"double(5)", "enter")
        panel = screen.query_one("#own-result", Markdown)
        await wait_for(pilot, lambda: not screen.running and "Your call" in panel.source)
        assert "yours: `7`" in panel.source and "reference: `10`" in panel.source
        assert "not what the reference gives" in panel.source
        # The result is brought into view (and focused) once drawn: only then type again.
        await wait_for(pilot, lambda: app.focused is screen.query_one("#kata-feedback"))
        await pilot.press("ctrl+n")
        own.value = "double(("  # not an expression
        before = panel.source  # the first call's result: wait for it to be replaced
        await pilot.press("enter")
        await wait_for(pilot, lambda: not screen.running and panel.source != before)
        assert "yours:" not in panel.source
        # Trying a call is not a submission.
        assert screen.attempt.failed_submissions == 0


async def test_practice_lists_the_katas_and_a_solved_one_shows_as_solved(
    exercise_context: PrepContext,
) -> None:
    from textual.widgets import DataTable, Select

    from prep.tui.screens.practice import PracticeScreen

    clock = exercise_context.clock
    assert isinstance(clock, FakeClock)
    app = PrepApp(exercise_context)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("k")
        await wait_for(
            pilot, lambda: isinstance(app.screen, PracticeScreen) and bool(app.screen.rows)
        )
        practice = current(app, PracticeScreen)
        table = practice.query_one("#katas", DataTable)
        assert [row.key for row in practice.shown] == ["ex/double"]
        practice.query_one("#filter-status", Select).value = "solved"
        await wait_for(pilot, lambda: not practice.shown)
        practice.query_one("#filter-status", Select).value = "any"
        await wait_for(pilot, lambda: len(practice.shown) == 1)
        # A new kata opens as a review, and is rated.
        table.focus()
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, KataScreen) and app.screen.loaded)
        review = current(app, KataScreen)
        assert not review.practice
        set_code(review, GOOD)
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: review.attempt.finished)
        await pilot.press("enter")
        await wait_for(
            pilot,
            lambda: (
                app.screen is practice
                and bool(practice.rows)
                and practice.rows[0].status.value == "solved"
            ),
        )
        assert exercise_context.store.count_reviews() == 1
        row = practice.rows[0]
        assert row.best_time_ms is not None and row.last_submission is not None
        # Neither due nor new now: it opens as practice, and its schedule stays.
        state = exercise_context.store.card_state("ex/double")
        clock.advance(minutes=1)
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, KataScreen) and app.screen.loaded)
        kata = current(app, KataScreen)
        assert kata.practice
        assert "practice" in str(kata.sub_title)
        assert kata.query_one("#editor", TextArea).text == kata.kata.starter
        await pilot.press("ctrl+g")
        await wait_for(pilot, lambda: kata.attempt.finished)
        assert "schedule is unchanged" in str(kata.query_one("#proposal", Static).render())
        assert kata.check_action("rate", (3,)) is False
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.screen is practice)
    assert exercise_context.store.count_reviews() == 1
    assert exercise_context.store.card_state("ex/double") == state


async def test_enter_on_a_kata_in_the_browser_opens_it(exercise_context: PrepContext) -> None:
    from textual.widgets import DataTable

    from prep.tui.screens.browser import BrowserScreen

    app = PrepApp(exercise_context)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("b")
        await wait_for(pilot, lambda: isinstance(app.screen, BrowserScreen) and app.screen.loaded)
        browser = current(app, BrowserScreen)
        table = browser.query_one("#cards", DataTable)
        keys = [row.key for row in browser.shown]
        table.move_cursor(row=keys.index("ex/late"))
        await pilot.press("enter")  # a predict card: the browser says where to study it
        await wait_for(pilot, lambda: bool(app._notifications))
        assert app.screen is browser
        table.move_cursor(row=keys.index("ex/double"))
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, KataScreen) and app.screen.loaded)
        kata = current(app, KataScreen)
        assert not kata.practice  # new: a review
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is browser)
