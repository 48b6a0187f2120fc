"""Pilot tests of the keyboard and of 80×24: the help screen, the command palette, the
settings' prompts, study's keys, predict's line diff and the narrow layouts."""

from __future__ import annotations

from datetime import UTC
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, Static

from prep.cli.factory import make_context
from prep.content import load_library
from prep.paths import Locations
from prep.scheduling.memory import Rating
from prep.settings import Settings, load_settings
from prep.store import Store
from prep.tui.app import PrepApp
from prep.tui.context import PrepContext
from prep.tui.screens.settings import SettingsScreen, UnsavedChanges
from prep.tui.screens.study import StudyScreen
from prep.tui.screens.today import TodayScreen
from tests.conftest import FakeClock, counting_ids, typed_deck_yaml
from tests.helpers import press, settle, wait_for


async def open_study(app: PrepApp, pilot: Pilot[None]) -> StudyScreen:
    await press(pilot, "s")
    await wait_for(
        pilot, lambda: isinstance(app.screen, StudyScreen) and app.screen.prompt is not None
    )
    screen = app.screen
    assert isinstance(screen, StudyScreen)
    return screen


@pytest.mark.parametrize("key", ["space", "enter"])
async def test_space_or_enter_on_a_shown_answer_means_good(
    context: PrepContext, store: Store, key: str
) -> None:
    app = PrepApp(context)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_study(app, pilot)
        first = screen.prompt
        assert first is not None
        await press(pilot, key)
        assert screen.revealed  # the first press shows the answer, and rates nothing
        assert store.reviews(first.card.key) == []
        await press(pilot, key)
        (review,) = store.reviews(first.card.key)
        assert review.rating is Rating.Good
        assert screen.prompt is not None and screen.prompt is not first


async def test_h_on_a_card_without_a_hint_says_so(
    tmp_path: Path, store: Store, clock: FakeClock
) -> None:
    decks = tmp_path / "plain"
    decks.mkdir()
    (decks / "plain.yaml").write_text(typed_deck_yaml("plain", "qq"), encoding="utf-8")
    context = make_context(
        Locations(tmp_path / "home", (decks,), include_builtin=False, home_is_explicit=True),
        store=store, library=load_library([decks]), clock=clock, tz=UTC, new_id=counting_ids(),
    )  # fmt: skip
    app = PrepApp(context)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_study(app, pilot)
        await press(pilot, "h")
        assert [n.message for n in app._notifications] == ["No hint for this card"]
        assert screen.query_one("#hint").has_class("hidden")


async def test_the_study_counts_follow_the_clock(context: PrepContext, clock: FakeClock) -> None:
    app = PrepApp(context)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_study(app, pilot)

        def status() -> str:
            return str(screen.query_one("#study-status", Static).render())

        assert status() == "due 0   new 5"
        await press(pilot, "space", "1")  # Again: back in a minute, learning
        assert "learning 1" in status() and "due 0" in status()
        clock.advance(minutes=10)
        screen.refresh_counts()  # what the 15-second timer calls
        await settle(pilot)
        assert status().startswith("due 1")


async def test_settings_focus_the_first_field_and_ask_before_dropping_changes(
    context: PrepContext, tmp_path: Path
) -> None:
    context.settings_path = tmp_path / "settings.toml"
    app = PrepApp(context)
    async with app.run_test(size=(80, 24)) as pilot:
        await press(pilot, "comma")
        await wait_for(pilot, lambda: isinstance(app.screen, SettingsScreen))
        screen = app.screen
        first = screen.query_one("#setting-desired_retention", Input)
        assert first.has_focus
        assert "Saved to" not in str(screen.query_one("#settings-file", Static).render())

        first.value = "0.8"
        await press(pilot, "escape")
        assert isinstance(app.screen, UnsavedChanges)
        await press(pilot, "escape")  # keep editing
        assert app.screen is screen and first.value == "0.8"

        await press(pilot, "escape", "d")  # discard
        assert isinstance(app.screen, TodayScreen)
        assert context.settings == Settings() and not context.settings_path.exists()


async def test_settings_saved_on_the_way_out(context: PrepContext, tmp_path: Path) -> None:
    context.settings_path = tmp_path / "settings.toml"
    app = PrepApp(context)
    async with app.run_test(size=(80, 24)) as pilot:
        await press(pilot, "comma")
        await wait_for(pilot, lambda: isinstance(app.screen, SettingsScreen))
        app.screen.query_one("#setting-new_per_day", Input).value = "7"
        await press(pilot, "escape", "s")
        await settle(pilot)
        assert isinstance(app.screen, TodayScreen)
        assert context.settings.new_per_day == 7
        assert load_settings(context.settings_path)[0].new_per_day == 7


async def test_settings_errors_clear_when_fixed_and_ranges_read_plainly(
    context: PrepContext, tmp_path: Path
) -> None:
    context.settings_path = tmp_path / "settings.toml"
    app = PrepApp(context)
    async with app.run_test(size=(80, 24)) as pilot:
        await press(pilot, "comma")
        await wait_for(pilot, lambda: isinstance(app.screen, SettingsScreen))
        screen = app.screen
        refit = screen.query_one("#setting-refit_every", Input)
        refit.value = "10"
        await press(pilot, "ctrl+s")
        error = screen.query_one("#error-refit_every", Static)
        assert "between 50 and 1,000,000, not 10" in str(error.render())
        assert not error.has_class("hidden")
        ranges = [str(s.render()) for s in screen.query(".setting-range").results(Static)]
        assert "50–1,000,000" in ranges and not any("e+" in r for r in ranges)

        refit.value = "500"
        await pilot.pause()
        assert error.has_class("hidden")
        await press(pilot, "ctrl+s")
        await settle(pilot)
        assert "Saved to" in str(screen.query_one("#settings-file", Static).render())
        # At 80×24 every setting is on screen without scrolling.
        last = screen.query_one("#setting-min_new_predict")
        assert last.region.bottom <= app.size.height - 1
