"""Parsed deck files kept between runs, so that a warm start parses nothing.

Each deck file's parse (cards, or the errors found) is pickled under the
home's cache folder, keyed by the file's resolved path, each card's model
pickled on its own (``DeckFile.packed``): reading an entry imports no pydantic,
and a card's model is unpickled only when it is needed. An entry is used only
while the file's size and modification time, prep's version, the running
Python and the content code itself are what they were when it was written;
anything else — a changed file, a new release, a damaged entry — parses the
file again and writes a new entry. The cache is an optimisation only: a
failure to read or write it is never an error.

The cache folder is inside the home, which graded code cannot see, so no
submission can plant an entry.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from prep import __version__

if TYPE_CHECKING:
    from prep.content.entries import DeckFile

FORMAT = 2


def _code_stamp() -> tuple[Any, ...]:
    """The content package's own files: a change to the loader or the models outdates every entry."""
    package = Path(__file__).parent
    stamp = []
    for source in sorted(package.glob("*.py")):
        stat = source.stat()
        stat_key = (source.name, stat.st_size, stat.st_mtime_ns)
        stamp.append(stat_key)
    return tuple(stamp)


def _file_stamp(path: Path) -> tuple[Any, ...]:
    stat = path.stat()
    return (stat.st_size, stat.st_mtime_ns)


class DeckCache:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._stamp = (FORMAT, __version__, sys.version_info[:3], _code_stamp())

    def _entry(self, path: Path) -> Path:
        name = hashlib.sha256(str(path.resolve()).encode("utf-8", "surrogatepass")).hexdigest()
        return self.folder / f"{name[:32]}.pickle"

    def load(self, path: Path) -> DeckFile:
        """The file's parse: from the cache when it is current, else parsed (and kept)."""
        from prep.content.entries import load_deck

        try:
            stamp = (self._stamp, _file_stamp(path))
        except OSError:
            return load_deck(path)  # the loader says what is wrong with the file
        cached = self._read(path, stamp)
        if cached is not None:
            return cached
        result = load_deck(path)
        try:
            # The file may have changed while it was read: keep the entry only if it did not.
            if _file_stamp(path) == stamp[1]:
                self._write(path, stamp, result)
        except OSError:
            pass
        return result

    def _read(self, path: Path, stamp: tuple[Any, ...]) -> DeckFile | None:
        from prep.content.entries import DeckFile

        try:
            with self._entry(path).open("rb") as handle:
                if pickle.load(handle) != stamp:
                    return None
                result = pickle.load(handle)
        except Exception:  # missing, damaged or from another version: parse again
            return None
        return result if isinstance(result, DeckFile) else None

    def _write(self, path: Path, stamp: tuple[Any, ...], result: DeckFile) -> None:
        self.folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        handle, temporary = tempfile.mkstemp(dir=self.folder, suffix=".tmp")
        try:
            with os.fdopen(handle, "wb") as out:
                pickle.dump(stamp, out, protocol=pickle.HIGHEST_PROTOCOL)
                pickle.dump(result.packed(), out, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(temporary, self._entry(path))
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
