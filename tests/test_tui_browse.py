"""Pilot tests of the browser's keys on a real store in a temporary home: columns that
fit 80×24, marks and the bulk actions, sorting, card info, the editor, an empty result."""

from __future__ import annotations

import contextlib
import os
import stat
import sys
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import DataTable, Input, Markdown, Static

from prep.content import load_library
from prep.content.files import edit_refusal
from prep.scheduling.memory import Rating
from prep.study.session import StudySession
from prep.study.sorting import SortColumn
from prep.tui.app import PrepApp
from prep.tui.context import PrepContext
from prep.tui.editor import chosen_editor, command_at_line
from prep.tui.screens.browser import BrowserScreen, ConfirmScreen
from prep.tui.screens.card_info import CardInfoScreen
from prep.tui.widgets.card_table import CardTable, fit_widths
from tests.conftest import FakeClock
from tests.helpers import press, settle, wait_for

SHIPPED_HEAPS = Path(__file__).parents[1] / "questions" / "algorithms" / "heaps-top-k.yaml"
ALL = ["alpha/card-1", "alpha/card-2", "alpha/card-3", "beta/card-1", "beta/card-2"]


def study(context: PrepContext, clock: FakeClock, ratings: list[Rating]) -> list[str]:
    session = StudySession(
        context.library, context.store, context.settings, UTC, clock, context.new_id
    )
    keys = []
    for rating in ratings:
        prompt = session.next_prompt()
        assert prompt is not None
        session.answer(prompt, rating)
        keys.append(prompt.card.key)
        clock.advance(minutes=2)
    return keys


@contextlib.asynccontextmanager
async def browsing(
    context: PrepContext, size: tuple[int, int] = (80, 24)
) -> AsyncIterator[tuple[Pilot[None], PrepApp, BrowserScreen]]:
    app = PrepApp(context)
    async with app.run_test(size=size) as pilot:
        await press(pilot, "b")
        await wait_for(pilot, lambda: isinstance(app.screen, BrowserScreen) and app.screen.loaded)
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, BrowserScreen)
        yield pilot, app, screen


def cell(table: CardTable, key: str, column: SortColumn) -> str:
    return str(table.get_cell(key, column.value)).strip()


def sorted_by(screen: BrowserScreen) -> SortColumn | None:
    return screen.sort.column


def shown(screen: BrowserScreen) -> list[str]:
    return [row.key for row in screen.shown]


@pytest.mark.parametrize("size", [(80, 24), (120, 40), (160, 40)])
async def test_every_column_fits_the_pane_and_the_title_is_what_gives_way(
    context: PrepContext, clock: FakeClock, size: tuple[int, int]
) -> None:
    study(context, clock, [Rating.Again, Rating.Good])
    async with browsing(context, size) as (pilot, _app, screen):
        table = screen.table
        widths = sum(column.get_render_width(table) for column in table.columns.values())
        assert widths <= table.scrollable_content_region.width
        headers = [str(column.label).strip() for column in table.columns.values()]
        assert headers == ["Title", "Deck", "Type", "State", "Due", "Ivl", "Lap", "Diff", "Flags"]
        seen = next(key for key in ALL if context.store.card_state(key) is not None)
        assert cell(table, seen, SortColumn.LAPSES) in ("0", "1")
        assert cell(table, seen, SortColumn.STATE) in ("learn", "review", "relearn")
        assert cell(table, "alpha/card-1", SortColumn.TITLE) == "Question 1 of alpha?"
        # A long title gives way, with an ellipsis; the numbers do not.
        long_title = context.library.cards["alpha/card-1"].prompt_text * 5
        screen.rows = [replace(row, title=long_title) for row in screen.rows]
        screen.apply_search()
        await settle(pilot)
        title = cell(table, "alpha/card-1", SortColumn.TITLE)
        assert title.endswith("…") and len(title) < len(long_title)
        assert cell(table, seen, SortColumn.LAPSES) in ("0", "1")


async def test_space_marks_and_moves_on_a_marks_all_and_the_bulk_actions_reach_the_marked(
    context: PrepContext, clock: FakeClock
) -> None:
    async with browsing(context) as (pilot, _app, screen):
        table = screen.table
        await press(pilot, "space", "down", "space")
        assert screen.marked == {"alpha/card-1", "alpha/card-3"}
        assert screen.current_key() == "beta/card-1"
        assert cell(table, "alpha/card-1", SortColumn.TITLE).startswith("●")
        assert not cell(table, "alpha/card-2", SortColumn.TITLE).startswith("●")
        assert "2 marked" in str(screen.query_one("#search-status", Static).render())

        await press(pilot, "x")  # suspends the marked cards, not the cursor's
        marks = context.store.marks()
        assert {key for key, m in marks.items() if m.suspended} == {"alpha/card-1", "alpha/card-3"}
        assert cell(table, "alpha/card-1", SortColumn.FLAGS) == "susp"
        await press(pilot, "z")
        marks = context.store.marks()
        assert {key for key, m in marks.items() if m.buried_until} == {
            "alpha/card-1",
            "alpha/card-3",
        }
        assert cell(table, "alpha/card-3", SortColumn.FLAGS) == "S,B"
        await press(pilot, "x", "z")  # all of them were: the toggles take the marks off
        assert not any(m.suspended or m.buried_until for m in context.store.marks().values())

        await press(pilot, "a")
        assert screen.marked == set(ALL)
        await press(pilot, "a")
        assert screen.marked == set()
        await press(pilot, "x")  # nothing marked: the cursor's card
        assert [key for key, m in context.store.marks().items() if m.suspended] == ["beta/card-1"]


async def test_reset_of_the_marked_cards_asks_in_a_box_that_fits(
    context: PrepContext, clock: FakeClock
) -> None:
    keys = study(context, clock, [Rating.Good, Rating.Easy, Rating.Good])
    async with browsing(context) as (pilot, app, screen):
        screen.marked = set(keys[:2])
        screen.table.set_marked(screen.marked)
        await press(pilot, "R")
        confirm = app.screen
        assert isinstance(confirm, ConfirmScreen)
        question = confirm.query_one("#confirm-question", Static)
        assert "Reset 2 cards?" in str(question.render())
        box = confirm.query_one("#confirm").region
        assert box.right <= 80 and box.bottom <= 24
        assert question.region.width >= len("Reset 2 cards?") and question.size.height >= 2
        await press(pilot, "escape")
        assert all(context.store.card_state(key) is not None for key in keys)
        await press(pilot, "R", "y")
        assert [context.store.card_state(key) for key in keys] == [
            None,
            None,
            context.store.card_state(keys[2]),
        ]
        assert context.store.card_state(keys[2]) is not None
        assert cell(screen.table, keys[0], SortColumn.STATE) == "new"


async def test_s_cycles_the_sort_column_and_shift_s_reverses_it(
    context: PrepContext, clock: FakeClock
) -> None:
    study(context, clock, [Rating.Again, Rating.Good])
    async with browsing(context) as (pilot, _app, screen):
        table = screen.table

        def header(column: SortColumn) -> str:
            return str(table.columns[column.value].label).strip()  # type: ignore[index]

        assert shown(screen) == ALL
        await press(pilot, "s")
        assert sorted_by(screen) is SortColumn.TITLE and header(SortColumn.TITLE) == "Title▲"
        await press(pilot, "s")
        assert sorted_by(screen) is SortColumn.DECK
        assert header(SortColumn.DECK) == "Deck▲" and header(SortColumn.TITLE) == "Title"
        await press(pilot, "S")
        assert header(SortColumn.DECK) == "Deck▼"
        assert shown(screen)[:2] == ["beta/card-1", "beta/card-2"]
        assert "sorted by deck ▼" in str(screen.query_one("#search-status", Static).render())
        for _ in range(3):  # type, state, due
            await press(pilot, "s")
        assert sorted_by(screen) is SortColumn.DUE
        seen = [key for key in ALL if context.store.card_state(key) is not None]
        assert set(shown(screen)[: len(seen)]) == set(seen)  # new cards, without a due date, last
        for _ in range(len(SortColumn) - 4):
            await press(pilot, "s")
        assert sorted_by(screen) is None and shown(screen) == list(reversed(ALL))


async def test_i_shows_the_cards_history_stability_and_retrievability(
    context: PrepContext, clock: FakeClock
) -> None:
    key = study(context, clock, [Rating.Good])[0]
    async with browsing(context) as (pilot, app, screen):
        screen.table.move_cursor(row=shown(screen).index(key))
        await press(pilot, "i")
        info = app.screen
        assert isinstance(info, CardInfoScreen)
        assert info.info.key == key
        text = str(info.query_one("#card-info-memory", Static).render())
        assert "Stability" in text and "Retrievability now" in text and "0 lapses" in text
        log = info.query_one("#card-info-log", DataTable)
        assert log.row_count == 1
        assert [str(value) for value in log.get_row_at(0)[:2]] == ["2026-03-10 12:00", "Good"]
        assert info.query_one("#card-info").region.right <= 80
        await press(pilot, "escape")
        assert app.screen is screen


async def test_an_empty_result_clears_the_preview(context: PrepContext) -> None:
    async with browsing(context) as (pilot, _app, screen):
        assert "Question 1 of alpha" in screen.query_one("#preview-card", Markdown).source
        screen.query_one("#search", Input).value = "nothing-like-this"
        screen.apply_search()
        await settle(pilot)
        assert screen.shown == []
        assert screen.query_one("#preview-card", Markdown).source == ""
        assert str(screen.query_one("#preview-memory", Static).render()) == "No cards match"
        assert screen.query_one("#preview-history", DataTable).row_count == 0


FAKE_EDITOR = """#!{python}
import sys
from pathlib import Path
Path({record!r}).write_text(" ".join(sys.argv[1:]), encoding="utf-8")
path = Path(sys.argv[-1])
path.write_text(path.read_text(encoding="utf-8").replace("Question 2 of alpha", "Edited question"), encoding="utf-8")
"""


@pytest.fixture
def fake_vi(tmp_path: Path) -> tuple[Path, Path]:
    """An editor named vi that records its arguments and edits a question."""
    folder = tmp_path / "bin"
    folder.mkdir()
    record = tmp_path / "editor-args"
    editor = folder / "vi"
    editor.write_text(
        FAKE_EDITOR.format(python=sys.executable, record=str(record)), encoding="utf-8"
    )
    editor.chmod(editor.stat().st_mode | stat.S_IXUSR)
    return editor, record


async def test_e_opens_the_deck_file_at_the_cards_line_then_reads_the_deck_again(
    context: PrepContext, fake_vi: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    editor, record = fake_vi
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.setenv("EDITOR", str(editor))
    card = context.library.cards["alpha/card-2"]
    async with browsing(context) as (pilot, app, screen):
        # The headless test terminal cannot be handed over: the editor runs beside it.
        monkeypatch.setattr(app, "suspend", contextlib.nullcontext)
        screen.table.move_cursor(row=1)
        await press(pilot, "e")
        await wait_for(
            pilot, lambda: "Edited question" in cell(screen.table, "alpha/card-2", SortColumn.TITLE)
        )
        lines = card.path.read_text(encoding="utf-8").splitlines()
        assert lines[card.line - 1].strip() == "- id: card-2"
        assert record.read_text(encoding="utf-8") == f"+{card.line} {card.path}"
        assert context.library.cards["alpha/card-2"].prompt_text == "Edited question?"
        assert screen.current_key() == "alpha/card-2"


async def test_e_says_why_it_cannot_edit(
    context: PrepContext, fake_vi: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    editor, record = fake_vi
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.delenv("EDITOR", raising=False)
    context.library = load_library([SHIPPED_HEAPS])
    async with browsing(context) as (pilot, app, _screen):
        await press(pilot, "e")
        assert any("Set $VISUAL or $EDITOR" in n.message for n in app._notifications)
        monkeypatch.setenv("EDITOR", str(editor))
        await press(pilot, "e")
        assert any("is in the shipped deck" in n.message for n in app._notifications)
        assert not record.exists()


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into any file")
def test_a_read_only_deck_file_is_not_for_editing(tmp_path: Path) -> None:
    deck = tmp_path / "mine.yaml"
    deck.write_text("deck: mine\n", encoding="utf-8")
    assert edit_refusal(deck, SHIPPED_HEAPS.parent) is None
    deck.chmod(stat.S_IRUSR)
    assert edit_refusal(deck, SHIPPED_HEAPS.parent) == f"{deck} is read-only"


@pytest.mark.parametrize(
    ("editor", "command"),
    [
        ("vim", ["vim", "+12", "/d/a.yaml"]),
        ("/usr/bin/nvim -u NONE", ["/usr/bin/nvim", "-u", "NONE", "+12", "/d/a.yaml"]),
        ("emacsclient -t", ["emacsclient", "-t", "+12", "/d/a.yaml"]),
        ("code --wait", ["code", "--wait", "--goto", "/d/a.yaml:12"]),
        ("hx", ["hx", "/d/a.yaml:12"]),
        ("ed", ["ed", "/d/a.yaml"]),
    ],
)
def test_the_editor_is_opened_at_the_cards_line_when_it_can_be(
    editor: str, command: list[str]
) -> None:
    assert command_at_line(editor, Path("/d/a.yaml"), 12) == command


def test_visual_comes_before_editor() -> None:
    assert chosen_editor({"VISUAL": "vim", "EDITOR": "nano"}) == "vim"
    assert chosen_editor({"EDITOR": "nano"}) == "nano"
    assert chosen_editor({"VISUAL": "", "EDITOR": ""}) is None


BREAKING_EDITOR = """#!{python}
import sys
from pathlib import Path
path, kept = Path(sys.argv[-1]), Path({kept!r})
Path({record!r}).open("a", encoding="utf-8").write(" ".join(sys.argv[1:]) + "\\n")
if kept.exists():
    path.write_text(kept.read_text(encoding="utf-8"), encoding="utf-8")
else:
    kept.write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    path.write_text(path.read_text(encoding="utf-8") + "  - id: [broken\\n", encoding="utf-8")
"""


async def test_an_edit_that_breaks_the_deck_is_reported_and_e_opens_it_again(
    context: PrepContext, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    record = tmp_path / "editor-args"
    editor = tmp_path / "vi"
    editor.write_text(
        BREAKING_EDITOR.format(
            python=sys.executable, kept=str(tmp_path / "kept"), record=str(record)
        ),
        encoding="utf-8",
    )
    editor.chmod(editor.stat().st_mode | stat.S_IXUSR)
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.setenv("EDITOR", str(editor))
    path = context.library.cards["beta/card-1"].path
    async with browsing(context) as (pilot, app, screen):
        monkeypatch.setattr(app, "suspend", contextlib.nullcontext)
        screen.table.move_cursor(row=shown(screen).index("beta/card-1"))
        await press(pilot, "e")
        await wait_for(pilot, lambda: "beta/card-1" not in shown(screen))
        assert any("has problems now" in n.message for n in app._notifications)
        assert screen.broken_file is not None and screen.broken_file[0] == path
        broken_line = screen.broken_file[1]
        await press(pilot, "e")  # wherever the cursor is: the broken file, at its problem
        await wait_for(pilot, lambda: "beta/card-1" in shown(screen))
        assert screen.broken_file is None
        assert record.read_text(encoding="utf-8").splitlines()[1] == f"+{broken_line} {path}"


def test_the_title_takes_the_room_the_other_columns_leave() -> None:
    at_80 = fit_widths(79, longest_deck=30)
    assert at_80[SortColumn.DECK] == 10 and sum(at_80.values()) + len(at_80) - 1 == 79
    assert fit_widths(79, longest_deck=4)[SortColumn.DECK] == 5  # room for "Deck▲"
    assert fit_widths(79, longest_deck=4)[SortColumn.TITLE] == at_80[SortColumn.TITLE] + 5
    wide = fit_widths(150, longest_deck=20)
    assert wide[SortColumn.DECK] == 20 and wide[SortColumn.TITLE] > 44
    assert fit_widths(40, longest_deck=20)[SortColumn.TITLE] == 12  # never narrower
