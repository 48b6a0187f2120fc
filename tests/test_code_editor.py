"""The kata editor, driven by keys: Python's indentation and the keys editors share."""

from __future__ import annotations

from typing import ClassVar

import pytest
from textual import events
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets.text_area import Location, Selection

from prep.tui.widgets.code_editor import PythonEditor, code_before_comment, indent_after


class EditorApp(App[None]):
    """One editor, with the cursor put where a test wants it.

    Enter is also bound here, as the exercise screens bind it to accept a rating: the
    editor must take Enter while editable and leave it to the screen while read-only.
    """

    BINDINGS: ClassVar[list[BindingType]] = [Binding("enter", "accept", "Accept")]

    def __init__(self, text: str, cursor: Location, read_only: bool = False) -> None:
        super().__init__()
        self.text = text
        self.cursor = cursor
        self.read_only = read_only
        self.accepted = 0

    def compose(self) -> ComposeResult:
        yield PythonEditor(self.text, read_only=self.read_only)

    def on_mount(self) -> None:
        editor = self.query_one(PythonEditor)
        editor.move_cursor(self.cursor)
        editor.focus()

    def action_accept(self) -> None:
        self.accepted += 1


async def edit(text: str, cursor: Location, *keys: str, read_only: bool = False) -> PythonEditor:
    """The editor after pressing `keys` with the cursor at `cursor` in `text`."""
    app = EditorApp(text, cursor, read_only)
    async with app.run_test() as pilot:
        await pilot.pause()
        await pilot.press(*keys)
        await pilot.pause()
        return app.query_one(PythonEditor)


def lines(editor: PythonEditor) -> list[str]:
    return editor.text.split("\n")


# -- Enter ---------------------------------------------------------------------


async def test_enter_after_a_colon_indents_one_level() -> None:
    editor = await edit("def f():", (0, 8), "enter")
    assert lines(editor) == ["def f():", "    "]
    assert editor.cursor_location == (1, 4)


async def test_enter_keeps_the_indentation_of_the_line() -> None:
    editor = await edit("    x = 1", (0, 9), "enter")
    assert lines(editor) == ["    x = 1", "    "]
    assert editor.cursor_location == (1, 4)


async def test_enter_after_a_nested_colon_adds_to_the_indentation() -> None:
    editor = await edit("def f():\n    for x in xs:", (1, 16), "enter")
    assert editor.cursor_location == (2, 8)


@pytest.mark.parametrize(
    "statement", ["return", "return x", "pass", "break", "continue", "raise", "raise ValueError(x)"]
)
async def test_enter_after_a_statement_that_ends_the_block_dedents(statement: str) -> None:
    text = f"def f():\n    while True:\n        {statement}"
    editor = await edit(text, (2, 8 + len(statement)), "enter")
    assert editor.cursor_location == (3, 4)
    assert lines(editor)[3] == "    "


@pytest.mark.parametrize("statement", ["returned = 1", "passes()", "raised = True", "x = 1"])
async def test_enter_after_a_name_that_only_starts_like_one_keeps_the_indentation(
    statement: str,
) -> None:
    editor = await edit(f"    {statement}", (0, 4 + len(statement)), "enter")
    assert editor.cursor_location == (1, 4)


async def test_a_colon_before_a_trailing_comment_still_indents() -> None:
    line = "    if ready:  # both sides checked"
    editor = await edit(line, (0, len(line)), "enter")
    assert editor.cursor_location == (1, 8)


async def test_a_hash_inside_a_string_is_not_a_comment() -> None:
    # Cut at the `#`, this line would end with a colon.
    line = '    label = "a:#b"'
    editor = await edit(line, (0, len(line)), "enter")
    assert editor.cursor_location == (1, 4)


async def test_enter_mid_line_moves_the_rest_to_the_new_indentation() -> None:
    editor = await edit("    left right", (0, 8), "enter")
    assert lines(editor) == ["    left", "    right"]
    assert editor.cursor_location == (1, 4)


async def test_enter_mid_line_after_a_colon_indents_the_rest() -> None:
    editor = await edit("    if ready: go()", (0, 13), "enter")
    assert lines(editor) == ["    if ready:", "        go()"]
    assert editor.cursor_location == (1, 8)


async def test_enter_in_the_indentation_pushes_the_line_down_whole() -> None:
    editor = await edit("def f():\n    x = 1", (1, 0), "enter")
    assert lines(editor) == ["def f():", "", "    x = 1"]
    assert editor.cursor_location == (2, 0)


async def test_enter_replaces_the_selection() -> None:
    app = EditorApp("    a = 1; b = 2", (0, 9))
    async with app.run_test() as pilot:
        editor = app.query_one(PythonEditor)
        editor.selection = Selection((0, 9), (0, 11))
        await pilot.press("enter")
        await pilot.pause()
        assert lines(editor) == ["    a = 1", "    b = 2"]
        assert editor.cursor_location == (1, 4)
        assert app.accepted == 0


async def test_one_undo_takes_back_the_newline_and_its_indentation() -> None:
    editor = await edit("def f():", (0, 8), "enter", "ctrl+z")
    assert editor.text == "def f():"
    assert editor.cursor_location == (0, 8)


async def test_read_only_inserts_nothing_and_leaves_enter_to_the_screen() -> None:
    app = EditorApp("def f():", (0, 8), read_only=True)
    async with app.run_test() as pilot:
        await pilot.press("enter")
        await pilot.pause()
        assert app.query_one(PythonEditor).text == "def f():"
        assert app.accepted == 1


async def test_a_paste_goes_in_as_it_is() -> None:
    pasted = "if x:\n    y = 1\nz = 2"
    app = EditorApp("", (0, 0))
    async with app.run_test() as pilot:
        editor = app.query_one(PythonEditor)
        # As a terminal's paste arrives: at the app, which hands it to the focused widget.
        app.post_message(events.Paste(pasted))
        await pilot.pause()
        assert editor.text == pasted


# -- Backspace -----------------------------------------------------------------


async def test_backspace_in_the_indentation_goes_back_to_the_previous_stop() -> None:
    editor = await edit("      x", (0, 6), "backspace")
    assert editor.text == "    x"
    assert editor.cursor_location == (0, 4)


async def test_backspace_after_an_auto_indent_takes_the_whole_level() -> None:
    editor = await edit("def f():", (0, 8), "enter", "backspace")
    assert lines(editor) == ["def f():", ""]


async def test_backspace_after_code_deletes_one_character() -> None:
    editor = await edit("    ab", (0, 6), "backspace")
    assert editor.text == "    a"


async def test_backspace_in_read_only_deletes_nothing() -> None:
    editor = await edit("        x", (0, 8), "backspace", read_only=True)
    assert editor.text == "        x"


# -- Selecting and moving ----------------------------------------------------


async def test_ctrl_a_selects_all_and_typing_replaces_everything() -> None:
    app = EditorApp("def f():\n    return 1\n", (1, 4))
    async with app.run_test() as pilot:
        editor = app.query_one(PythonEditor)
        await pilot.press("ctrl+a")
        assert editor.selection == Selection((0, 0), (2, 0))
        await pilot.press("x")
        await pilot.pause()
        assert editor.text == "x"


async def test_ctrl_home_and_ctrl_end_go_to_the_ends_of_the_document() -> None:
    app = EditorApp("a\n  bb\nccc", (1, 1))
    async with app.run_test() as pilot:
        editor = app.query_one(PythonEditor)
        await pilot.press("ctrl+end")
        assert editor.cursor_location == (2, 3)
        await pilot.press("ctrl+home")
        assert editor.cursor_location == (0, 0)


async def test_ctrl_shift_end_selects_to_the_end_of_the_document() -> None:
    app = EditorApp("a\n  bb\nccc", (1, 1))
    async with app.run_test() as pilot:
        editor = app.query_one(PythonEditor)
        await pilot.press("ctrl+shift+end")
        assert editor.selection == Selection((1, 1), (2, 3))
        await pilot.press("ctrl+shift+home")
        assert editor.selection == Selection((1, 1), (0, 0))


async def test_home_toggles_between_the_code_and_column_zero() -> None:
    app = EditorApp("    x = 1\ny", (0, 9))
    async with app.run_test() as pilot:
        editor = app.query_one(PythonEditor)
        await pilot.press("home")
        assert editor.cursor_location == (0, 4)
        await pilot.press("home")
        assert editor.cursor_location == (0, 0)
        await pilot.press("home")
        assert editor.cursor_location == (0, 4)


async def test_end_goes_to_the_end_of_the_line() -> None:
    app = EditorApp("    x = 1\ny", (0, 0))
    async with app.run_test() as pilot:
        editor = app.query_one(PythonEditor)
        await pilot.press("end")
        assert editor.cursor_location == (0, 9)


# -- The rules without the widget --------------------------------------------


def test_code_before_comment_keeps_strings_whole() -> None:
    assert code_before_comment("x = 1  # one") == "x = 1  "
    assert code_before_comment("s = '#' # hash") == "s = '#' "
    assert code_before_comment(r's = "\"#" # quote') == r's = "\"#" '
    assert code_before_comment("# only a comment:") == ""


def test_indent_after_counts_tabs_as_indent_stops() -> None:
    assert indent_after("\tif x:", 4) == " " * 8
    assert indent_after("  return", 4) == ""
    assert indent_after("", 4) == ""
