"""The kata editor: Textual's code editor with Python's indentation and the usual keys.

Textual's `TextArea` already gives line numbers, tab to the next indent stop, undo,
smart `home` (first non-blank, then column 0), `end`, and a `select_all` action (on f7).
This adds what it lacks for writing Python: Enter that indents, backspace back to the
previous indent stop, ctrl+a for select all, and ctrl+home / ctrl+end.
"""

from __future__ import annotations

import re
from typing import ClassVar

from textual import events
from textual.binding import Binding, BindingType
from textual.widgets import TextArea

# After these the block is over: the next line goes back one level.
BLOCK_ENDING = re.compile(r"(return|pass|break|continue|raise)\b")


def code_before_comment(line: str) -> str:
    """The line without its trailing `# comment`; a `#` inside a string literal stays."""
    quote: str | None = None
    escaped = False
    for index, char in enumerate(line):
        if quote is not None:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == quote:
                quote = None
        elif char in "'\"":
            quote = char
        elif char == "#":
            return line[:index]
    return line


def previous_indent_stop(column: int, indent_width: int) -> int:
    return max(0, (column - 1) // indent_width * indent_width)


def indent_after(line_head: str, indent_width: int) -> str:
    """The indentation of a new line started after `line_head` (the text before the cursor).

    The same as the line's, one level more after a `:`, one level less after a statement
    that ends a block. Always spaces: the editor indents with spaces.
    """
    stripped = line_head.lstrip(" \t")
    columns = len(line_head[: len(line_head) - len(stripped)].expandtabs(indent_width))
    statement = code_before_comment(stripped).rstrip()
    if statement.endswith(":"):
        columns += indent_width
    elif BLOCK_ENDING.match(statement):
        columns = previous_indent_stop(columns, indent_width)
    return " " * columns


class PythonEditor(TextArea):
    """`TextArea.code_editor(text, language="python")` that indents as you type Python."""

    BINDINGS: ClassVar[list[BindingType]] = [
        # TextArea binds ctrl+a to line start (as in a shell); here it selects all, as
        # in every editor in a browser, which is what someone solving a kata expects.
        # `home` still goes to the line start.
        Binding("ctrl+a", "select_all", "Select all", show=False),
        Binding("ctrl+home", "cursor_document_start", "Document start", show=False),
        Binding("ctrl+end", "cursor_document_end", "Document end", show=False),
        Binding("ctrl+shift+home", "cursor_document_start(True)", "Select to start", show=False),
        Binding("ctrl+shift+end", "cursor_document_end(True)", "Select to end", show=False),
    ]

    def __init__(
        self,
        text: str = "",
        *,
        theme: str = "monokai",
        read_only: bool = False,
        show_line_numbers: bool = True,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
        disabled: bool = False,
    ) -> None:
        # What `TextArea.code_editor` passes, with the language fixed: the indentation
        # rules below are Python's.
        super().__init__(
            text,
            language="python",
            theme=theme,
            soft_wrap=False,
            tab_behavior="indent",
            read_only=read_only,
            show_line_numbers=show_line_numbers,
            name=name,
            id=id,
            classes=classes,
            disabled=disabled,
        )

    async def _on_key(self, event: events.Key) -> None:
        # Textual calls TextArea's own `_on_key` after this one unless the default is
        # prevented: every key but Enter is left to it. When read-only, Enter is left
        # alone too, so it bubbles up to the screen (which accepts the proposed rating).
        if event.key != "enter" or self.read_only:
            return
        event.stop()
        event.prevent_default()
        self._restart_blink()  # what TextArea does on every key it handles
        top, bottom = sorted(self.selection)
        row, column = top
        line_head = self.document[row][:column]
        if line_head.strip():
            # The text moved to the new line starts at the new indentation, not after it.
            moved = self.document[bottom[0]][bottom[1] :]
            bottom = (bottom[0], bottom[1] + len(moved) - len(moved.lstrip(" \t")))
        # One edit, so one ctrl+z takes back the newline and its indentation together.
        self.replace(
            "\n" + indent_after(line_head, self.indent_width),
            top,
            bottom,
            maintain_selection_offset=False,
        )

    def action_delete_left(self) -> None:
        selection = self.selection
        row, column = selection.end
        line_head = self.document[row][:column]
        if self.read_only or not selection.is_empty or not line_head or line_head.strip(" "):
            super().action_delete_left()
            return
        # In the indentation, one backspace takes back one level, as Tab put it there.
        stop = previous_indent_stop(column, self.indent_width)
        self.delete((row, stop), (row, column), maintain_selection_offset=False)

    def action_cursor_document_start(self, select: bool = False) -> None:
        if not self._has_cursor:
            self.scroll_home()
            return
        self.move_cursor((0, 0), select=select)

    def action_cursor_document_end(self, select: bool = False) -> None:
        if not self._has_cursor:
            self.scroll_end()
            return
        self.move_cursor(self.document.end, select=select)
