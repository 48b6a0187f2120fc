"""Choosing what to study from Today: `enter` on a deck, the custom-study dialog
(`c`), and the new-card order on the Settings screen."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from textual.widgets import DataTable, Input, Select, Static

from prep.content import load_library
from prep.content.kinds import CardType
from prep.scheduling.memory import CardState, Stage
from prep.settings import NewOrder, load_settings
from prep.study.scope import StudyScope
from prep.tui.app import PrepApp
from prep.tui.context import PrepContext
from prep.tui.screens.custom_study import CustomStudyScreen
from prep.tui.screens.settings import SettingsScreen
from prep.tui.screens.study import StudyScreen
from prep.tui.screens.today import TodayScreen
from tests.conftest import typed_deck_yaml
from tests.helpers import press, settle, wait_for


def text(app: PrepApp, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


async def test_enter_on_a_deck_row_studies_that_deck_alone(context: PrepContext) -> None:
    app = PrepApp(context)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        table = app.screen.query_one("#decks", DataTable)
        assert table.has_focus
        await press(pilot, "down", "enter")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, StudyScreen)
        assert screen.session.scope == StudyScope(deck="beta")
        assert text(app, "#study-status") == "deck: Beta · due 0   new 2"
        await press(pilot, "space", "4", "space", "4")
        await settle(pilot)
        assert [review.card_key for review in context.store.reviews()] == [
            "beta/card-1",
            "beta/card-2",
        ]
        assert screen.prompt is None
        assert text(app, "#done-title") == "Done with deck: Beta"
        assert "Nothing more to study in deck: Beta for now" in text(app, "#done-detail")
        await press(pilot, "escape")
        await settle(pilot)
        assert isinstance(app.screen, TodayScreen)
        assert [str(cell) for cell in table.get_row("alpha")][-1] == "3"  # alpha still waits


async def test_the_custom_study_dialog_studies_the_cards_it_names(
    context: PrepContext, tmp_path: Path
) -> None:
    folder = tmp_path / "tagged"
    folder.mkdir()
    heaps = typed_deck_yaml("heaps", "qqqp", {1: "heaps", 3: "heaps", 4: "heaps"})
    (folder / "heaps.yaml").write_text(heaps, encoding="utf-8")
    (folder / "trees.yaml").write_text(typed_deck_yaml("trees", "qq", {2: "heaps"}), "utf-8")
    context.library = load_library([folder])
    app = PrepApp(context)
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        await press(pilot, "c")
        assert isinstance(app.screen, CustomStudyScreen)
        await press(pilot, "escape")  # cancelled: back on Today, nothing opened
        assert isinstance(app.screen, TodayScreen)

        await press(pilot, "c")
        dialog = app.screen
        assert isinstance(dialog, CustomStudyScreen)
        dialog.query_one("#scope-type", Select).value = CardType.QA.value
        dialog.query_one("#scope-tag", Input).focus()
        await press(pilot, *"heap")
        assert text(app, "#scope-summary") == "no card is tagged 'heap' (did you mean 'heaps'?)"
        await press(pilot, "enter")  # refused: the dialog stays
        assert isinstance(app.screen, CustomStudyScreen)
        await press(pilot, "s")
        assert text(app, "#scope-summary") == "3 cards: Q&A cards tagged heaps"
        await press(pilot, "enter")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, StudyScreen)
        assert screen.session.scope == StudyScope(tag="heaps", card_type=CardType.QA)
        assert text(app, "#study-status") == "Q&A cards tagged heaps · due 0   new 3"
        await press(pilot, "space", "4", "space", "4", "space", "4")
        await settle(pilot)
        assert sorted(review.card_key for review in context.store.reviews()) == [
            "heaps/q1",
            "heaps/q3",
            "trees/q2",
        ]
        assert text(app, "#done-title") == "Done with Q&A cards tagged heaps"


async def test_review_ahead_from_the_dialog_serves_a_card_due_in_two_days(
    context: PrepContext,
) -> None:
    now = context.clock()
    due = now + timedelta(days=2)
    context.store.write_states(
        [CardState("alpha/card-2", Stage.REVIEW, None, 5.0, 5.0, due, now, 3, 0)]
    )
    app = PrepApp(context)
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        await press(pilot, "c")
        dialog = app.screen
        assert isinstance(dialog, CustomStudyScreen)
        dialog.query_one("#scope-deck", Select).value = "alpha"
        ahead = dialog.query_one("#scope-ahead", Input)
        ahead.value = ""
        ahead.focus()
        await press(pilot, "3", "enter")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, StudyScreen)
        assert (
            text(app, "#study-status") == "deck: Alpha · reviews due within 3 days · due 1   new 0"
        )
        assert screen.prompt is not None and screen.prompt.card.key == "alpha/card-2"


async def test_the_settings_screen_shows_and_saves_the_new_card_order(
    context: PrepContext, tmp_path: Path
) -> None:
    context.settings_path = tmp_path / "settings.toml"
    app = PrepApp(context)
    async with app.run_test(size=(120, 60)) as pilot:
        await press(pilot, "comma")
        await wait_for(pilot, lambda: isinstance(app.screen, SettingsScreen))
        screen = app.screen
        order = screen.query_one("#setting-new_order", Select)
        assert order.value == "mixed"
        assert screen.query_one("#setting-min_new_katas", Input).value == "1"
        assert screen.query_one("#setting-min_new_predict", Input).value == "2"
        order.value = "random"
        screen.query_one("#setting-min_new_katas", Input).value = "3"
        await press(pilot, "ctrl+s")
        await settle(pilot)
        assert context.settings.new_order is NewOrder.RANDOM
        assert context.settings.min_new_katas == 3
        saved, problems = load_settings(context.settings_path)
        assert problems == [] and saved == context.settings
