"""Pilot tests of the keyboard and of 80×24: the help screen, the command palette, the
settings' prompts, study's keys, predict's line diff and the narrow layouts."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input, Static

from prep.settings import Settings, load_settings
from prep.tui.app import PrepApp
from prep.tui.context import PrepContext
from prep.tui.screens.settings import SettingsScreen, UnsavedChanges
from prep.tui.screens.today import TodayScreen
from tests.helpers import press, settle, wait_for


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
