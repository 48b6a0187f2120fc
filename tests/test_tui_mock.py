"""Pilot tests of a mock interview, from `m` on Today to the report and Progress, with
the real sandbox and a clock the tests move."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import DataTable, Input, Markdown, Static, TextArea

from prep.cli.factory import make_context
from prep.content import load_library
from prep.grading.grader import Grader
from prep.paths import Locations
from prep.scheduling.memory import Rating
from prep.settings import Settings
from prep.study.mock import Ending, Result, past_interviews
from prep.tui.app import PrepApp
from prep.tui.context import PrepContext
from prep.tui.screens.confirm import ConfirmScreen
from prep.tui.screens.exercise import RatingPanel
from prep.tui.screens.kata import KataScreen
from prep.tui.screens.mock import MockScreen
from prep.tui.screens.predict import PredictScreen
from prep.tui.screens.progress import ProgressScreen
from prep.tui.screens.today import TodayScreen
from tests.conftest import FakeClock, counting_ids
from tests.helpers import press, settle, wait_for

DECK = """\
deck: iv
title: Interview
cards:
  - id: heap-q
    type: qa
    tags: [heaps]
    question: What does a heap give in O(1)?
    answer: Its smallest item.
    hint: Look at the root.
  - id: graph-q
    type: qa
    tags: [graphs]
    question: What does BFS find in an unweighted graph?
    answer: Shortest paths.
  - id: sum-p
    type: predict
    tags: [python]
    code: print(sum(range(4)))
    expect_output: '6'
  - id: double
    type: kata
    tags: [arithmetic]
    difficulty: easy
    title: Double it
    prompt: Write `double(x)` returning `2 * x`.
    starter: |
      def double(x):
          ...
    tests:
      - name: two
        call: double(2)
        expect: 4
    solution: |
      def double(x):
          return 2 * x
    hints:
      - Multiply.
"""

GOOD = "def double(x):\n    return 2 * x\n"


@pytest.fixture(scope="module")
def grader() -> Iterator[Grader]:
    shared = Grader(size=1)
    shared.warm_up()
    yield shared
    shared.close()


@pytest.fixture
def mock_clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def mock_context(tmp_path: Path, grader: Grader, mock_clock: FakeClock) -> Iterator[PrepContext]:
    decks = tmp_path / "decks"
    decks.mkdir()
    (decks / "iv.yaml").write_text(DECK, encoding="utf-8")
    locations = Locations(tmp_path / "home", (decks,), include_builtin=False, home_is_explicit=True)
    context = make_context(
        locations,
        settings=Settings(mock_minutes=30, mock_katas=1, mock_questions=3),
        library=load_library([decks]),
        clock=mock_clock,
        tz=UTC,
        new_id=counting_ids(),
        grader_factory=lambda: grader,
    )
    yield context
    context.store.close()


async def start_interview(app: PrepApp, pilot: Pilot[None]) -> MockScreen:
    await settle(pilot)
    await press(pilot, "m")
    screen = app.screen
    assert isinstance(screen, MockScreen)
    await wait_for(pilot, lambda: screen.plan is not None)
    intro = screen.query_one("#mock-plan", Markdown).source
    assert "Mock interview: 30 minutes" in intro
    assert "3 questions (Q&A and predict cards) and 1 kata" in intro
    await press(pilot, "enter")
    await wait_for(pilot, lambda: screen.prompt is not None and not screen.busy)
    return screen


def header(app: PrepApp) -> str:
    return app.screen.sub_title or ""


async def answer_item(app: PrepApp, pilot: Pilot[None], mock: MockScreen) -> None:
    """Answer whatever item is on screen, right (the kata with its hint)."""
    interview = mock.interview
    assert interview is not None
    answered = len(interview.results)
    screen = app.screen
    if isinstance(screen, KataScreen):
        await wait_for(pilot, lambda: screen.loaded)
        await pilot.press("ctrl+t")
        screen.query_one("#editor", TextArea).load_text(GOOD)
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: screen.attempt.finished)
        note = str(screen.query_one(RatingPanel).query_one("#proposal", Static).render())
        assert "Solved with 1 hint: Hard." in note
        await pilot.press("enter")
    elif isinstance(screen, PredictScreen):
        await wait_for(pilot, lambda: screen.loaded)
        screen.query_one("#prediction", TextArea).load_text("6\n")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: screen.attempt.finished)
        await pilot.press("enter")
    else:
        assert screen is mock
        await pilot.press("space", "3")
    await wait_for(pilot, lambda: len(interview.results) > answered and not mock.busy)
    await settle(pilot)


async def test_an_interview_from_today_to_the_report_and_progress(
    mock_context: PrepContext, mock_clock: FakeClock
) -> None:
    app = PrepApp(mock_context)
    async with app.run_test(size=(120, 40)) as pilot:
        mock = await start_interview(app, pilot)
        assert "1 of 4" in header(app) and "30:00 left" in header(app)
        mock_clock.advance(seconds=75)
        await wait_for(pilot, lambda: "28:45 left" in header(app))
        while mock.report is None:
            await answer_item(app, pilot, mock)
        report = mock.report
        assert report.ending is Ending.FINISHED
        assert report.passed == 4
        assert mock.query_one("#report-items", DataTable).row_count == 4
        title = str(mock.query_one("#report-title", Static).render())
        assert title.startswith("Finished: 4 of 4 items passed (100 %)")
        assert "no topic to review" in str(mock.query_one("#report-topics", Static).render())

        await press(pilot, "escape")
        assert isinstance(app.screen, TodayScreen)
        await press(pilot, "p")
        progress = app.screen
        assert isinstance(progress, ProgressScreen)
        await wait_for(
            pilot, lambda: progress.query_one("#mock-interviews", DataTable).row_count > 0
        )
        trend = str(progress.query_one("#mock-trend", Static).render())
        assert trend == "1 interview · scores, oldest first: █ · last 100 %"
        row = progress.query_one("#mock-interviews", DataTable).get_row_at(0)
        assert row == ["2026-03-10 12:00", "4/4 (100 %)", "1 of 30 min", "finished"]

    reviews = mock_context.store.reviews()
    assert len(reviews) == 4
    ratings = {review.card_key: review.rating for review in reviews}
    assert ratings == {
        "iv/heap-q": Rating.Good, "iv/graph-q": Rating.Good, "iv/sum-p": Rating.Good,
        "iv/double": Rating.Hard,
    }  # fmt: skip
    (kept,) = past_interviews(mock_context.store)
    assert kept == report
    assert [item.hints for item in kept.items if item.card_key == "iv/double"] == [1]


async def test_when_the_time_runs_out_the_rest_is_not_reached(
    mock_context: PrepContext, mock_clock: FakeClock
) -> None:
    app = PrepApp(mock_context)
    async with app.run_test(size=(120, 40)) as pilot:
        mock = await start_interview(app, pilot)
        await answer_item(app, pilot, mock)
        mock_clock.advance(minutes=31)
        await wait_for(pilot, lambda: mock.report is not None)
        report = mock.report
        assert report is not None
        assert report.ending is Ending.TIME_UP
        results = [item.result for item in report.items]
        assert results == [Result.PASSED, Result.TIMED_OUT, Result.NOT_REACHED, Result.NOT_REACHED]
        title = str(mock.query_one("#report-title", Static).render())
        assert title.startswith("Time ran out: 1 of 4 items passed (25 %) in 30 of 30 min")
    # The item timed out is reviewed (Again); those not reached are not.
    assert [review.rating for review in mock_context.store.reviews()] == [Rating.Good, Rating.Again]


async def test_escape_asks_and_an_abandoned_interview_is_kept(
    mock_context: PrepContext, mock_clock: FakeClock
) -> None:
    app = PrepApp(mock_context)
    async with app.run_test(size=(120, 40)) as pilot:
        mock = await start_interview(app, pilot)
        await answer_item(app, pilot, mock)
        await press(pilot, "escape")
        assert isinstance(app.screen, ConfirmScreen)
        await press(pilot, "escape")  # no: the interview goes on
        assert not isinstance(app.screen, ConfirmScreen) and mock.report is None
        await answer_item(app, pilot, mock)
        await answer_item(app, pilot, mock)
        # The kata: escape there asks too.
        kata = app.screen
        assert isinstance(kata, KataScreen)
        await wait_for(pilot, lambda: kata.loaded)
        await press(pilot, "escape")
        assert isinstance(app.screen, ConfirmScreen)
        await press(pilot, "y")
        await wait_for(pilot, lambda: mock.report is not None)
        report = mock.report
        assert report is not None and report.ending is Ending.ABANDONED
        assert [item.result for item in report.items][-1] is Result.NOT_REACHED
    assert len(mock_context.store.reviews()) == 3
    (kept,) = past_interviews(mock_context.store)
    assert kept.ending is Ending.ABANDONED


async def test_the_settings_screen_shapes_the_next_interview(mock_context: PrepContext) -> None:
    app = PrepApp(mock_context)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await press(pilot, "comma")
        minutes = app.screen.query_one("#setting-mock_minutes", Input)
        assert minutes.value == "30"
        minutes.value = "20"
        app.screen.query_one("#setting-mock_questions", Input).value = "2"
        await press(pilot, "ctrl+s", "escape", "m")
        mock = app.screen
        assert isinstance(mock, MockScreen)
        await wait_for(pilot, lambda: mock.plan is not None)
        intro = mock.query_one("#mock-plan", Markdown).source
        assert "Mock interview: 20 minutes" in intro
        assert "2 questions (Q&A and predict cards) and 1 kata" in intro
    assert mock_context.settings.mock_minutes == 20
