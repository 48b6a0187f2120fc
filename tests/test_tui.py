from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Button, DataTable, Markdown, Static

from prep.content import load_library
from prep.grading.grader import Grader
from prep.grading.sandbox import Isolation, IsolationMode
from prep.scheduling.memory import Rating
from prep.tui.app import PrepApp
from prep.tui.context import PrepContext
from prep.tui.screens.study import StudyScreen
from prep.tui.screens.today import TodayScreen
from prep.tui.widgets.rating_bar import RatingBar
from prep.tui.widgets.stat_tile import StatTile
from tests.helpers import press, settle, wait_for


def tile(app: PrepApp, name: str) -> str:
    value = app.screen.query_one(f"#tile-{name} .value", Static)
    return str(value.render())


def markdown_source(widget: Markdown) -> str:
    return widget.source


async def test_today_shows_counts_and_decks(context: PrepContext) -> None:
    app = PrepApp(context)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, TodayScreen)
        assert tile(app, "new") == "5"
        assert tile(app, "due") == "0"
        table = app.screen.query_one("#decks", DataTable)
        assert table.row_count == 2
        assert [str(cell) for cell in table.get_row("alpha")] == ["Alpha", "3", "0", "0", "3"]


async def test_study_reveal_rate_undo_and_done(context: PrepContext) -> None:
    app = PrepApp(context)
    async with app.run_test(size=(100, 30)) as pilot:
        await press(pilot, "s")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, StudyScreen)
        assert screen.prompt is not None
        first_key = screen.prompt.card.key
        assert "Question 1 of alpha" in markdown_source(screen.query_one("#question", Markdown))
        assert screen.query_one("#answer").has_class("hidden")
        assert screen.query_one(RatingBar).has_class("hidden")

        await press(pilot, "3")  # rating before reveal does nothing
        assert context.store.count_reviews() == 0

        await press(pilot, "space")
        assert not screen.query_one("#answer").has_class("hidden")
        assert not screen.query_one(RatingBar).has_class("hidden")
        good_label = str(screen.query_one("#rate-good", Button).label)
        assert good_label.endswith("10m")

        await press(pilot, "3")
        await settle(pilot)
        assert context.store.count_reviews() == 1
        assert screen.prompt is not None and screen.prompt.card.key != first_key
        assert screen.query_one("#answer").has_class("hidden")

        await press(pilot, "u")
        await settle(pilot)
        assert context.store.count_reviews() == 0
        assert screen.prompt is not None and screen.prompt.card.key == first_key

        for _ in range(5):
            await press(pilot, "space", "4")
        await settle(pilot)
        assert context.store.count_reviews() == 5
        assert screen.prompt is None
        assert not screen.query_one("#done").has_class("hidden")
        detail = str(screen.query_one("#done-detail", Static).render())
        assert "You reviewed 5 cards" in detail and "Next review:" in detail

        await press(pilot, "escape")
        await settle(pilot)
        assert isinstance(app.screen, TodayScreen)
        assert tile(app, "today") == "5"
        assert tile(app, "new") == "0"


async def test_clicking_a_rating_button_rates(context: PrepContext) -> None:
    app = PrepApp(context)
    async with app.run_test(size=(100, 30)) as pilot:
        await press(pilot, "s", "space")
        await pilot.click("#rate-again")
        await settle(pilot)
        (review,) = context.store.reviews()
        assert review.rating == Rating.Again


async def test_hint_and_explanation_keys(context: PrepContext) -> None:
    app = PrepApp(context)
    async with app.run_test(size=(100, 30)) as pilot:
        await press(pilot, "s")
        screen = app.screen
        assert screen.query_one("#hint").has_class("hidden")
        await press(pilot, "h")
        assert not screen.query_one("#hint").has_class("hidden")
        assert "Think about 1" in str(screen.query_one("#hint", Static).render())


async def test_the_explanation_shows_on_e_only_after_the_answer(
    context: PrepContext, tmp_path: Path
) -> None:
    decks = tmp_path / "explained"
    decks.mkdir()
    (decks / "why.yaml").write_text(
        "deck: why\ntitle: Why\ncards:\n"
        "  - id: one\n    type: qa\n    question: Q?\n    answer: A.\n"
        "    explanation: Because of the chain rule.\n"
        "  - id: two\n    type: qa\n    question: Q2?\n    answer: A2.\n",
        encoding="utf-8",
    )
    context.library = load_library([decks])
    app = PrepApp(context)
    async with app.run_test(size=(100, 30)) as pilot:
        await press(pilot, "s")
        screen = app.screen
        explanation = screen.query_one("#explanation", Markdown)
        await press(pilot, "e")  # before the answer: nothing
        assert explanation.has_class("hidden")
        await press(pilot, "space", "e")
        assert not explanation.has_class("hidden")
        assert "Because of the chain rule." in explanation.source
        await press(pilot, "3", "space", "e")  # the next card has none to show
        assert explanation.has_class("hidden")


@pytest.mark.parametrize(
    ("mode", "warned"),
    [(IsolationMode.PLAIN, True), (IsolationMode.LANDLOCK, False), (IsolationMode.BWRAP, False)],
)
async def test_today_warns_for_as_long_as_there_is_no_real_sandbox(
    context: PrepContext, mode: IsolationMode, warned: bool
) -> None:
    isolation = Isolation(mode, "user namespaces are refused here")
    context.grader_factory = lambda: Grader(isolation=isolation)
    app = PrepApp(context)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        panel = app.screen.query_one("#sandbox-warning", Static)
        assert panel.has_class("hidden") is not warned
        text = str(panel.render())
        if warned:
            assert text.startswith("⚠ No real sandbox here: code you run in katas")
            assert "(user namespaces are refused here)" in text
            await press(pilot, "p", "escape")  # it stays after coming back
            await settle(pilot)
            assert not app.screen.query_one("#sandbox-warning", Static).has_class("hidden")


async def test_today_says_plainly_when_prep_sandbox_names_no_mode(
    context: PrepContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PREP_SANDBOX", "bogus")
    started: list[Grader] = []

    def grader() -> Grader:
        started.append(Grader(isolation=Isolation(IsolationMode.BWRAP, "works")))
        return started[-1]

    context.grader_factory = grader
    app = PrepApp(context)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        panel = app.screen.query_one("#sandbox-warning", Static)
        assert not panel.has_class("hidden")
        assert str(panel.render()).startswith(
            "⚠ PREP_SANDBOX='bogus' is not a sandbox mode (one of: auto, bwrap, "
        )
        assert started == []  # no grader is started with a mode it cannot have


async def test_ctrl_p_opens_the_command_palette_and_escape_closes_it(
    context: PrepContext,
) -> None:
    from textual.command import CommandPalette

    app = PrepApp(context)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await press(pilot, "ctrl+p")
        assert isinstance(app.screen, CommandPalette)
        await press(pilot, "escape")
        assert isinstance(app.screen, TodayScreen)


async def test_ctrl_q_quits_from_any_screen(context: PrepContext) -> None:
    app = PrepApp(context)
    async with app.run_test() as pilot:
        await press(pilot, "s", "space", "ctrl+q")
    assert app.return_code == 0
    assert context.store.count_reviews() == 0


async def test_today_lists_files_that_failed(context: PrepContext) -> None:
    from dataclasses import replace
    from pathlib import Path

    from prep.content.errors import ContentError

    broken = replace(
        context.library, errors=(ContentError(Path("decks/bad.yaml"), 3, "tab character"),)
    )
    context.library = broken
    app = PrepApp(context)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        panel = app.screen.query_one("#content-errors", Static)
        assert panel.display
        assert "decks/bad.yaml:3: tab character" in str(panel.render())


async def test_quit_key(context: PrepContext) -> None:
    app = PrepApp(context)
    async with app.run_test() as pilot:
        await press(pilot, "q")
    assert app.return_code == 0


def test_stat_tile_keeps_value_before_mount() -> None:
    tile_widget = StatTile("x", "1")
    tile_widget.set_value("7")
    assert tile_widget._value == "7"


async def test_decks_load_in_a_worker_after_the_first_screen(context: PrepContext) -> None:
    import threading

    from prep.content import Library

    loaded = context.library
    release = threading.Event()

    def slow_loader() -> Library:
        release.wait(30)
        return loaded

    context.library = Library()
    context.library_loader = slow_loader
    app = PrepApp(context)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()  # the loader is held back: only the first screen is up
        assert isinstance(app.screen, TodayScreen)
        assert "Loading decks" in str(app.screen.query_one("#today-message", Static).render())
        await pilot.press("s")  # nothing to study yet
        assert isinstance(app.screen, TodayScreen)
        release.set()
        await settle(pilot)
        assert tile(app, "new") == "5"
        await press(pilot, "s")
        await settle(pilot)
        assert isinstance(app.screen, StudyScreen)


async def test_a_failing_deck_loader_shows_an_error_on_today(context: PrepContext) -> None:
    from prep.content import Library

    def broken_loader() -> Library:
        raise OSError("the deck folder is on a disk that went away")

    context.library = Library()
    context.library_loader = broken_loader
    app = PrepApp(context)
    notices: list[str] = []
    app.notify = lambda message, **_: notices.append(str(message))  # type: ignore[method-assign]
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        message = str(app.screen.query_one("#today-message", Static).render())
        assert "Loading decks" not in message
        assert "could not be read" in message and "disk that went away" in message
        assert any("Loading the decks failed" in notice for notice in notices)
        await press(pilot, "b")  # the app is still usable
        assert not isinstance(app.screen, TodayScreen)


async def test_no_screen_touches_the_database_on_the_ui_thread(
    context: PrepContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Drive every screen; every call into the store must come from a worker thread."""
    from prep.store import Store

    on_ui_thread: list[str] = []
    for name in dir(Store):
        method = getattr(Store, name)
        if name.startswith("_") or not callable(method) or name in ("open", "close"):
            continue

        def spy(*args: object, _name: str = name, _method: Any = method, **kwargs: object) -> Any:
            if threading.current_thread() is threading.main_thread():
                on_ui_thread.append(_name)
            return _method(*args, **kwargs)

        monkeypatch.setattr(Store, name, spy)
    app = PrepApp(context)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await press(pilot, "s", "space", "3", "space", "1", "u", "escape")
        await press(pilot, "b", "x", "z", "escape")
        await press(pilot, "p", "escape")
        await press(pilot, "comma", "ctrl+s", "escape")
    assert on_ui_thread == [], sorted(set(on_ui_thread))
    assert context.store.count_reviews() == 1  # two ratings, one of them undone


async def test_a_rating_that_cannot_be_written_keeps_the_card_and_a_retry_saves_it(
    context: PrepContext,
) -> None:
    """As on a full disk: SQLite refuses the write. Here every connection is made read-only
    (a real SQLite refusal, with no mock), then writable again."""
    from sqlalchemy import event

    engine = context.store.engine
    refusing = True

    @event.listens_for(engine, "connect")
    def _read_only(connection: Any, _record: Any) -> None:
        connection.execute(f"PRAGMA query_only = {'ON' if refusing else 'OFF'}")

    engine.dispose()
    app = PrepApp(context)
    async with app.run_test(size=(100, 30)) as pilot:
        await press(pilot, "s", "space")
        screen = app.screen
        assert isinstance(screen, StudyScreen) and screen.prompt is not None
        shown = screen.prompt.card.key
        await press(pilot, "3")
        await settle(pilot)
        failures = [n.message for n in app._notifications if n.severity == "error"]
        assert failures == ["Saving the rating failed: attempt to write a readonly database"]
        assert screen.prompt is not None and screen.prompt.card.key == shown
        assert context.store.count_reviews() == 0
        refusing = False
        engine.dispose()
        await press(pilot, "3")  # the same card, rated again once writing works
        await settle(pilot)
        assert [r.card_key for r in context.store.reviews()] == [shown]
        assert screen.prompt is not None and screen.prompt.card.key != shown


def opening_with(context: PrepContext, opener: Any) -> PrepContext:
    """The fixture's context, but the history opened by ``opener`` (on first use)."""
    from prep.cli.factory import make_context

    made = make_context(
        context.locations or pytest.fail("the fixture has locations"),
        library=context.library,
        settings=context.settings,
        clock=context.clock,
        tz=context.tz,
    )
    made.store_opener = opener
    return made


async def test_the_history_opens_in_a_worker_after_the_first_screen(
    context: PrepContext, tmp_path: Path
) -> None:

    release = threading.Event()
    opened = context.store

    def slow_opener() -> Any:
        release.wait(30)
        return opened

    late = opening_with(context, slow_opener)
    app = PrepApp(late)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, TodayScreen)  # drawn while the history is still opening
        assert not late.store_is_open
        release.set()
        await settle(pilot)
        assert late.store_is_open
        assert tile(app, "new") == "5"


@pytest.mark.parametrize("readable_before", [True, False], ids=["read-first", "unreadable"])
async def test_a_history_that_cannot_be_opened_ends_the_app_with_one_line(
    context: PrepContext, readable_before: bool
) -> None:
    """Whether the store fails after Today's first numbers were read in plain SQL, or
    before them (the history could not be read that way either)."""
    from prep.cli.errors import UserFacingError

    def damaged() -> Any:
        raise UserFacingError("cannot open the database: file is not a database")

    broken = opening_with(context, damaged)
    if not readable_before:
        broken.history_opener = lambda: None
    app = PrepApp(broken)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: app.return_code is not None)
    assert app.return_code == 1
