"""Pilot tests of the Progress, Browser and Settings screens on a real database."""

from __future__ import annotations

from datetime import UTC, timedelta
from pathlib import Path

from textual.widgets import DataTable, Input, Static

from prep.scheduling.memory import Rating
from prep.settings import Settings, load_settings
from prep.study.session import StudySession
from prep.tui.app import PrepApp
from prep.tui.context import PrepContext
from prep.tui.screens.browser import BrowserScreen
from prep.tui.screens.confirm import ConfirmScreen
from prep.tui.screens.progress import ProgressScreen
from prep.tui.screens.settings import SettingsScreen
from prep.tui.screens.today import TodayScreen
from tests.conftest import FakeClock
from tests.helpers import press, settle, wait_for


def study_some(context: PrepContext, clock: FakeClock) -> None:
    session = StudySession(
        context.library, context.store, context.settings, UTC, clock, context.new_id
    )
    for rating in (Rating.Good, Rating.Easy, Rating.Again, Rating.Easy):
        prompt = session.next_prompt()
        assert prompt is not None
        session.answer(prompt, rating)
        clock.advance(minutes=2)


async def test_progress_screen_shows_every_section(context: PrepContext, clock: FakeClock) -> None:
    study_some(context, clock)
    app = PrepApp(context)
    async with app.run_test(size=(140, 60)) as pilot:
        await press(pilot, "p")
        await wait_for(
            pilot,
            lambda: isinstance(app.screen, ProgressScreen) and app.screen.progress is not None,
        )
        screen = app.screen
        assert isinstance(screen, ProgressScreen)
        titles = [str(label.render()) for label in screen.query(".section-title")]
        assert titles == ["Reviews", "Retention", "Forecast", "Mastery", "Katas", "Mock interviews"]
        assert screen.progress is not None
        assert screen.progress.reviews_per_day[-1] == 4
        assert screen.progress.streak_current == 1
        retention = screen.query_one("#retention", DataTable)
        assert retention.row_count == 5
        assert "4 reviews in all" in str(screen.query_one("#streaks", Static).render()).replace(
            ",", ""
        )
        await press(pilot, "escape")
        assert isinstance(app.screen, TodayScreen)


async def test_browser_filters_previews_and_suspends(
    context: PrepContext, clock: FakeClock
) -> None:
    study_some(context, clock)
    clock.advance(days=10)
    app = PrepApp(context)
    async with app.run_test(size=(140, 45)) as pilot:
        await press(pilot, "b")
        await wait_for(pilot, lambda: isinstance(app.screen, BrowserScreen))
        screen = app.screen
        assert isinstance(screen, BrowserScreen)
        assert len(screen.shown) == 5
        await press(pilot, "slash")
        search = screen.query_one("#search", Input)
        assert search.has_focus
        search.value = "is:due"
        await press(pilot, "enter")
        assert screen.query_one("#cards", DataTable).has_focus
        assert 0 < len(screen.shown) < 5
        assert all(row.state is not None for row in screen.shown)

        async def run_search(text: str) -> None:
            search.value = text
            screen.apply_search()
            await settle(pilot)

        await run_search("dek:alpha")
        status = str(screen.query_one("#search-status", Static).render())
        assert "did you mean 'deck'" in status

        await run_search("deck:alpha is:new")
        assert [row.key for row in screen.shown] == ["alpha/card-3"]
        assert "Question 3 of alpha" in screen.query_one("#preview-card").source  # type: ignore[attr-defined]

        await press(pilot, "x")
        assert context.store.marks()["alpha/card-3"].suspended
        await run_search("is:suspended")
        assert [row.key for row in screen.shown] == ["alpha/card-3"]
        await press(pilot, "x")
        assert not context.store.marks()["alpha/card-3"].suspended


async def test_browser_reset_asks_first(context: PrepContext, clock: FakeClock) -> None:
    study_some(context, clock)
    app = PrepApp(context)
    async with app.run_test(size=(140, 45)) as pilot:
        await press(pilot, "b")
        await wait_for(pilot, lambda: isinstance(app.screen, BrowserScreen))
        screen = app.screen
        assert isinstance(screen, BrowserScreen)
        screen.query_one("#search", Input).value = "-is:new"
        screen.apply_search()
        key = screen.current_key()
        assert key is not None and context.store.card_state(key) is not None
        await press(pilot, "R")
        assert isinstance(app.screen, ConfirmScreen)
        await press(pilot, "escape")
        assert context.store.card_state(key) is not None
        await press(pilot, "R", "y")
        await settle(pilot)
        assert context.store.card_state(key) is None
        assert context.store.reviews(key)[-1].kind.value == "reset"
        assert key not in [row.key for row in screen.shown]  # new again: no longer matches -is:new


async def test_settings_validate_and_save(context: PrepContext, tmp_path: Path) -> None:
    context.settings_path = tmp_path / "settings.toml"
    app = PrepApp(context)
    async with app.run_test(size=(120, 50)) as pilot:
        await press(pilot, "comma")
        await wait_for(pilot, lambda: isinstance(app.screen, SettingsScreen))
        screen = app.screen
        screen.query_one("#setting-desired_retention", Input).value = "1.5"
        screen.query_one("#setting-new_per_day", Input).value = "5"
        await press(pilot, "ctrl+s")
        error = str(screen.query_one("#error-desired_retention", Static).render())
        assert "between 0.7 and 0.99" in error
        assert not context.settings_path.exists()
        assert context.settings == Settings()

        screen.query_one("#setting-desired_retention", Input).value = "0.85"
        await press(pilot, "ctrl+s")
        assert context.settings.desired_retention == 0.85
        assert context.settings.new_per_day == 5
        saved, problems = load_settings(context.settings_path)
        assert saved == context.settings and problems == []
        await press(pilot, "escape")
        await settle(pilot)
        assert isinstance(app.screen, TodayScreen)
        assert str(app.screen.query_one("#tile-new .value", Static).render()) == "5"


def test_settings_file_problems_are_reported(tmp_path: Path) -> None:
    path = tmp_path / "settings.toml"
    path.write_text(
        "desired_retention = 2\nnew_per_dya = 3\nleech_threshold = 5\n", encoding="utf-8"
    )
    settings, problems = load_settings(path)
    assert settings.leech_threshold == 5 and settings.desired_retention == 0.9
    assert any("desired_retention must be between 0.7 and 0.99, not 2" in p for p in problems)
    assert any("unknown setting 'new_per_dya' (did you mean 'new_per_day'?)" in p for p in problems)
    path.write_text("this is = = not toml", encoding="utf-8")
    assert load_settings(path)[0] == Settings()
    assert "not valid TOML" in load_settings(path)[1][0]


async def test_refit_offer_appears_and_runs(context: PrepContext, clock: FakeClock) -> None:
    from prep.transfer.reviews_csv import import_review_csv

    sample = Path(__file__).resolve().parent / "data" / "review-log-sample.csv"
    from prep.scheduling.memory import MemoryModel

    import_review_csv(sample, context.store, MemoryModel())
    clock.advance(days=1)
    app = PrepApp(context)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        offer = app.screen.query_one("#refit-offer", Static)
        assert not offer.has_class("hidden")
        assert "12580 reviews since" in str(offer.render())
        await press(pilot, "o")
        await wait_for(pilot, lambda: context.store.fitted_parameters() is not None, timeout=120)
        await wait_for(pilot, lambda: offer.has_class("hidden"))
    record = context.store.fit_record()
    assert record is not None and record["log_loss_fitted"] < record["log_loss_default"]
    assert timedelta(0) <= timedelta(seconds=record["seconds"])
