"""Pilot tests of the keyboard and of 80×24: the help screen, the command palette, the
settings' prompts, study's keys, predict's line diff and the narrow layouts."""

from __future__ import annotations

from datetime import UTC
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import DataTable, Input, Static

from prep.cli.factory import make_context
from prep.content import load_library
from prep.paths import Locations
from prep.scheduling.memory import Rating
from prep.settings import Settings, load_settings
from prep.store import Store
from prep.tui.app import PrepApp
from prep.tui.context import PrepContext
from prep.tui.screens.help import KeysHelp
from prep.tui.screens.kata import KataScreen
from prep.tui.screens.progress import ProgressScreen
from prep.tui.screens.settings import SettingsScreen, UnsavedChanges
from prep.tui.screens.study import StudyScreen
from prep.tui.screens.today import TodayScreen
from prep.tui.widgets.heatmap import Heatmap, weeks_that_fit
from tests.conftest import FakeClock, counting_ids, qa_deck_yaml, typed_deck_yaml
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


def typed_context(tmp_path: Path, store: Store, clock: FakeClock, kinds: str) -> PrepContext:
    decks = tmp_path / f"typed-{kinds}"
    decks.mkdir()
    (decks / "typed.yaml").write_text(typed_deck_yaml("typed", kinds), encoding="utf-8")
    return make_context(
        Locations(tmp_path / "home", (decks,), include_builtin=False, home_is_explicit=True),
        store=store, library=load_library([decks]), clock=clock, tz=UTC, new_id=counting_ids(),
    )  # fmt: skip


# -- ? and the command palette ---------------------------------------------------------


async def open_help(app: PrepApp, pilot: Pilot[None], key: str = "question_mark") -> KeysHelp:
    await press(pilot, key)
    await wait_for(pilot, lambda: isinstance(app.screen, KeysHelp))
    screen = app.screen
    assert isinstance(screen, KeysHelp)
    return screen


def described(help_screen: KeysHelp) -> dict[str, str]:
    return {line.description: line.key for line in help_screen.keys}


async def test_help_lists_the_keys_of_each_screen(context: PrepContext) -> None:
    app = PrepApp(context)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        keys = described(await open_help(app, pilot))
        # The footer's keys, and those it leaves out for want of room.
        assert keys["Study"] == "s" and keys["Quit"] == "q / ^q" and keys["Progress"] == "p"
        await press(pilot, "escape")
        assert isinstance(app.screen, TodayScreen)

        await press(pilot, "p")
        await wait_for(pilot, lambda: isinstance(app.screen, ProgressScreen))
        keys = described(await open_help(app, pilot))
        assert keys["Refresh"] == "r" and keys["Back"] == "esc"
        await press(pilot, "escape", "escape")

        await press(pilot, "comma")
        await wait_for(pilot, lambda: isinstance(app.screen, SettingsScreen))
        keys = described(await open_help(app, pilot, "f1"))  # ? is typed into the field
        assert keys["Save"] == "^s"
        await press(pilot, "escape", "escape")

        await open_study(app, pilot)
        help_screen = await open_help(app, pilot)
        keys = described(help_screen)
        assert "Show answer" in keys and "Again" in keys
        # Ratings do nothing before the answer shows: listed, but dim.
        assert not next(k for k in help_screen.keys if k.description == "Again").available


async def test_the_command_palette_lists_every_action(context: PrepContext) -> None:
    app = PrepApp(context)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        titles = [command.title for command in app.get_system_commands(app.screen)]
        for title in (
            "Study",
            "Practice katas",
            "Custom study",
            "Mock interview",
            "Progress",
            "Browse",
            "Settings",
            "Export to Anki",
        ):
            assert title in titles
        assert titles.count("Keys") == 1

        progress = next(c for c in app.get_system_commands(app.screen) if c.title == "Progress")
        progress.callback()
        await wait_for(pilot, lambda: isinstance(app.screen, ProgressScreen))
        await settle(pilot)
        await press(pilot, "escape")

        # With a card open, nothing starts a second session over it.
        await open_study(app, pilot)
        titles = [command.title for command in app.get_system_commands(app.screen)]
        assert "Study" not in titles and "Progress" not in titles
        assert "Export to Anki" in titles and "Keys" in titles


async def test_refit_is_offered_in_the_palette_only_when_worth_it(context: PrepContext) -> None:
    app = PrepApp(context)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        titles = [command.title for command in app.get_system_commands(app.screen)]
        assert "Refit" not in titles  # no reviews yet
        today = app.screen
        assert isinstance(today, TodayScreen)
        today.reviews_since_fit = 1
        titles = [command.title for command in app.get_system_commands(app.screen)]
        assert "Refit" in titles


async def test_export_from_the_palette_writes_an_anki_package_in_the_home(
    context: PrepContext, store: Store
) -> None:
    assert context.locations is not None
    app = PrepApp(context)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        export = next(c for c in app.get_system_commands(app.screen) if c.title == "Export to Anki")
        export.callback()
        await settle(pilot)
    written = context.locations.home / "prep-anki-2026-03-10.apkg"
    assert written.stat().st_size > 0
    messages = [n.message for n in app._notifications]
    assert any(m.startswith("Wrote 5 cards and 0 reviews to") for m in messages)


# -- 80×24 and wider -------------------------------------------------------------------


@pytest.mark.parametrize(("size", "narrow"), [((80, 24), True), ((120, 40), False)])
async def test_the_kata_panes_stack_below_100_columns(
    tmp_path: Path, store: Store, clock: FakeClock, size: tuple[int, int], narrow: bool
) -> None:
    app = PrepApp(typed_context(tmp_path, store, clock, "k"))
    async with app.run_test(size=size) as pilot:
        await press(pilot, "s")
        await wait_for(pilot, lambda: isinstance(app.screen, KataScreen) and app.screen.loaded)
        screen = app.screen
        assert screen.has_class("narrow") is narrow
        prompt = screen.query_one("#kata-left")
        # Stacked, the problem is as wide as the screen; side by side, half of it.
        assert prompt.size.width >= (size[0] - 2 if narrow else size[0] // 2 - 2)
        # In the editor ? is a character: f1 lists the keys, the footer's and the others.
        keys = described(await open_help(app, pilot, "f1"))
        assert keys["Earlier code"] == "^l" and keys["Run the hidden tests"] == "^s"


LONG_TITLE = "Graph search — BFS, DFS, topological order, union-find " * 3


def long_title_context(tmp_path: Path, store: Store, clock: FakeClock) -> PrepContext:
    decks = tmp_path / "long"
    decks.mkdir()
    (decks / "long.yaml").write_text(qa_deck_yaml("long", 2, title=LONG_TITLE), encoding="utf-8")
    return make_context(
        Locations(tmp_path / "home", (decks,), include_builtin=False, home_is_explicit=True),
        store=store, library=load_library([decks]), clock=clock, tz=UTC, new_id=counting_ids(),
    )  # fmt: skip


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_today_cuts_deck_titles_and_never_the_counts(
    tmp_path: Path, store: Store, clock: FakeClock, size: tuple[int, int]
) -> None:
    app = PrepApp(long_title_context(tmp_path, store, clock))
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        table = app.screen.query_one("#decks", DataTable)
        title, *counts = table.get_row_at(0)
        assert counts == [2, 0, 0, 2]
        assert str(title).endswith("…") and len(str(title)) < len(LONG_TITLE)
        # Every column fits: nothing to scroll sideways.
        assert table.virtual_size.width <= table.scrollable_content_region.width


@pytest.mark.parametrize("width", [80, 120])
async def test_the_heatmap_shows_the_weeks_that_fit(context: PrepContext, width: int) -> None:
    app = PrepApp(context)
    async with app.run_test(size=(width, 40)) as pilot:
        await press(pilot, "p")
        await wait_for(pilot, lambda: isinstance(app.screen, ProgressScreen))
        await settle(pilot)
        heatmap = app.screen.query_one(Heatmap)
        lines = str(heatmap.render()).split("\n")
        assert len(lines) == 9  # months, seven weekdays, the key: nothing wrapped
        assert max(len(line.rstrip()) for line in lines) <= heatmap.content_size.width
        assert heatmap.weeks_shown == min(53, weeks_that_fit(heatmap.content_size.width))


@pytest.mark.parametrize("width", [80, 120])
async def test_progress_tables_cut_names_and_never_the_numbers(
    tmp_path: Path, store: Store, clock: FakeClock, width: int
) -> None:
    app = PrepApp(long_title_context(tmp_path, store, clock))
    async with app.run_test(size=(width, 40)) as pilot:
        await press(pilot, "p")
        await wait_for(pilot, lambda: isinstance(app.screen, ProgressScreen))
        await settle(pilot)
        table = app.screen.query_one("#mastery-decks", DataTable)
        name, mastered, cards, bar = table.get_row_at(0)
        assert str(name).endswith("…") and (mastered, cards) == (0, 2) and "0 %" in str(bar)
        assert table.virtual_size.width <= table.scrollable_content_region.width


async def test_custom_study_and_the_browse_footer_fit_80_by_24(context: PrepContext) -> None:
    from textual.widgets import Footer

    from prep.tui.screens.browser import BrowserScreen
    from prep.tui.screens.custom_study import CustomStudyScreen

    app = PrepApp(context)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press(pilot, "c")
        assert isinstance(app.screen, CustomStudyScreen)
        box = app.screen.query_one("#custom-study")
        assert box.region.y >= 0 and box.region.bottom <= 24
        assert box.max_scroll_y == 0  # every row shows: nothing to scroll to
        await press(pilot, "escape")
        await press(pilot, "b")
        assert isinstance(app.screen, BrowserScreen)
        footer = app.screen.query_one(Footer)
        keys = [key for key in footer.query("FooterKey") if key.region.width]
        palette = [key for key in keys if key.has_class("-command-palette")]
        shown = [key for key in keys if key not in palette]
        # The last key (help) is drawn whole, left of the palette's corner.
        assert palette and shown and shown[-1].region.right <= palette[0].region.x
        assert "Help" in str(shown[-1].render())
