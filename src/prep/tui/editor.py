"""The learner's own editor: which one, and how to open a file at a line in it."""

from __future__ import annotations

import shlex
from collections.abc import Mapping
from pathlib import Path

# Editors that take ``+LINE`` before the file, as vi does.
PLUS_LINE = frozenset(
    {"vi", "vim", "nvim", "view", "gvim", "mvim", "nano", "pico", "emacs", "emacsclient",
     "micro", "kak", "joe", "jed", "mg", "ne", "mcedit"}
)  # fmt: skip
GOTO_FLAG = frozenset({"code", "code-insiders", "codium"})  # --goto FILE:LINE
COLON_LINE = frozenset({"subl", "hx", "helix", "zed"})  # FILE:LINE


def chosen_editor(environ: Mapping[str, str]) -> str | None:
    """``$VISUAL``, else ``$EDITOR``, as a shell would pick; None when neither is set."""
    return environ.get("VISUAL") or environ.get("EDITOR") or None


def command_at_line(editor: str, path: Path, line: int) -> list[str]:
    """The command that opens ``path`` at ``line`` in ``editor`` (a command line, as
    ``$EDITOR`` holds it); an editor not known to take a line just opens the file."""
    words = shlex.split(editor)
    name = Path(words[0]).name if words else ""
    if name in PLUS_LINE:
        return [*words, f"+{line}", str(path)]
    if name in GOTO_FLAG:
        return [*words, "--goto", f"{path}:{line}"]
    if name in COLON_LINE:
        return [*words, f"{path}:{line}"]
    return [*words, str(path)]
