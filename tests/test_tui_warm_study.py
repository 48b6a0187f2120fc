"""`s` on Today takes the study session Today prepared in the background, unless the
history, the settings or the decks changed since it was read."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC

from textual.pilot import Pilot

from prep.scheduling.memory import Rating
from prep.store import Store
from prep.study.session import StudySession
from prep.tui.app import PrepApp
from prep.tui.context import PrepContext
from prep.tui.screens.study import StudyScreen
from prep.tui.screens.today import TodayScreen
from tests.conftest import FakeClock
from tests.helpers import press, settle, wait_for


async def _warm_today(app: PrepApp, pilot: Pilot[None]) -> TodayScreen:
    today = app.screen
    assert isinstance(today, TodayScreen)
    await wait_for(pilot, lambda: today._warm is not None)
    await settle(pilot)
    return today


async def _study(app: PrepApp, pilot: Pilot[None]) -> StudyScreen:
    """`s`, then the first card on screen."""
    await press(pilot, "s")
    await wait_for(pilot, lambda: _first_card_shown(app) is not None)
    assert isinstance(app.screen, StudyScreen)
    return app.screen


def _first_card_shown(app: PrepApp) -> str | None:
    screen = app.screen
    if not isinstance(screen, StudyScreen) or screen.prompt is None:
        return None
    return screen.prompt.card.key


async def test_s_shows_the_first_card_of_the_session_prepared_on_today(
    context: PrepContext,
) -> None:
    app = PrepApp(context)
    async with app.run_test(size=(120, 40)) as pilot:
        today = await _warm_today(app, pilot)
        warm = today._warm
        assert warm is not None
        screen = await _study(app, pilot)
        assert screen.session is warm.session
        assert today._warm is None  # taken: Today prepares another when it is back


async def test_a_rating_written_elsewhere_after_today_prepared_is_read_again(
    context: PrepContext, clock: FakeClock
) -> None:
    app = PrepApp(context)
    async with app.run_test(size=(120, 40)) as pilot:
        await _warm_today(app, pilot)
        # Another window (its own connection to the same file) studies the first card.
        assert context.locations is not None
        other = Store.open(context.locations.database)
        try:
            elsewhere = StudySession(
                context.library, other, context.settings, UTC, clock, lambda: "other-1"
            )
            first = elsewhere.next_prompt()
            assert first is not None
            elsewhere.answer(first, Rating.Easy)
        finally:
            other.close()
        await _study(app, pilot)
        # The prepared session had that card still new: it read the history again.
        assert _first_card_shown(app) != first.card.key


async def test_settings_changed_since_today_prepared_make_a_session_of_their_own(
    context: PrepContext,
) -> None:
    app = PrepApp(context)
    async with app.run_test(size=(120, 40)) as pilot:
        today = await _warm_today(app, pilot)
        warm = today._warm
        assert warm is not None
        context.settings = replace(context.settings, new_per_day=3)
        screen = await _study(app, pilot)
        assert screen.session is not warm.session
        assert screen.session.settings.new_per_day == 3
