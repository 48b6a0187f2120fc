"""Finding deck files: folders expanded into their YAML files, without reading them."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from prep.content.errors import ContentError

YAML_SUFFIXES = (".yaml", ".yml")


def find_deck_files(paths: Iterable[Path]) -> tuple[list[Path], list[ContentError]]:
    """Expand folders into their YAML files (sorted, hidden entries skipped)."""
    files: list[Path] = []
    errors: list[ContentError] = []
    for path in paths:
        if path.is_dir():
            found: list[Path] = []
            _walk(path, found, errors)
            files.extend(sorted(found))
        elif path.is_file():
            files.append(path)
        else:
            errors.append(ContentError(path, 1, "no such file or folder"))
    return files, errors


def _walk(root: Path, files: list[Path], errors: list[ContentError]) -> None:
    """Every YAML file under ``root``, following symbolic links once: a folder reached a
    second time (a link that loops) and a folder that cannot be read are reported."""
    visited: set[tuple[int, int]] = set()

    def visit(folder: Path) -> None:
        try:
            info = folder.stat()
            entries = sorted(os.scandir(folder), key=lambda entry: entry.name)
        except OSError as exc:
            errors.append(ContentError(folder, 1, f"folder not read: {exc.strerror or exc}"))
            return
        if (info.st_dev, info.st_ino) in visited:
            errors.append(
                ContentError(
                    folder, 1, "folder skipped: a symbolic link leads back to a folder already read"
                )
            )
            return
        visited.add((info.st_dev, info.st_ino))
        for entry in entries:
            if entry.name.startswith("."):
                continue
            path = Path(entry.path)
            if entry.is_dir():
                visit(path)
            elif path.suffix in YAML_SUFFIXES:
                if entry.is_file():
                    files.append(path)
                elif entry.is_symlink():
                    errors.append(ContentError(path, 1, "broken symbolic link"))

    visit(root)


def edit_refusal(path: Path, shipped: Path) -> str | None:
    """Why the learner should not edit the deck file ``path`` in place, if they should
    not: it is in the ``shipped`` deck (an upgrade replaces it), or it is read-only."""
    try:
        inside_shipped = path.resolve().is_relative_to(shipped.resolve())
    except OSError:
        inside_shipped = False
    if inside_shipped:
        return (
            f"{path.name} is in the shipped deck, which an upgrade replaces: copy it into "
            "a deck folder of your own (--content DIR) to change it"
        )
    if not os.access(path, os.W_OK):
        return f"{path} is read-only"
    return None
