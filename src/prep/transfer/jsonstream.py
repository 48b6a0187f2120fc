"""One large JSON object, read a member at a time.

A backup of a million reviews is a 300 MB file: ``json.load`` of it holds the
text and every parsed entry at once, well over a gigabyte. Here the text is
decoded as it is read, and an array member can be walked item by item, each
parsed when it is reached and gone once used. The parsing itself is the
standard library's: each value goes to ``json.JSONDecoder.raw_decode``.

Errors read as ``json``'s do, positioned in the whole document (line, column,
character); a document nested too deeply raises ``RecursionError`` as ``json``
does.
"""

from __future__ import annotations

import codecs
import json
import os
import re
from collections.abc import Collection, Iterator
from json.scanner import make_scanner
from typing import IO, Any

CHUNK = 1 << 20
_SPACES = " \t\n\r"
_SPACE = re.compile(r"[ \t\n\r]*")
_BETWEEN = re.compile(r"[ \t\n\r]*,[ \t\n\r]*")
_AFTER = frozenset(_SPACES + ",:]}")
# The standard library's scanner, as JSONDecoder makes it (raw_decode without its wrapper).
_scan = make_scanner(json.JSONDecoder())  # type: ignore[arg-type]  # typeshed asks for a scanner


class TooLargeError(ValueError):
    def __init__(self, limit: int) -> None:
        super().__init__(f"larger than {limit // (1024 * 1024)} MiB")
        self.limit = limit


class NotUtf8Error(ValueError):
    def __init__(self, byte: int) -> None:
        super().__init__(f"not UTF-8 text (byte {byte})")
        self.byte = byte


class NotAnObjectError(ValueError):
    """The document is JSON, but not an object."""


class _Text:
    """The document's text, decoded as it is read. ``buffer[at:]`` is what is not
    parsed yet; what comes before it is dropped on the next read, keeping count of
    its characters and lines so that errors still name their place."""

    def __init__(self, handle: IO[bytes], limit: int) -> None:
        self._handle = handle
        self._limit = limit
        self._decoder = codecs.getincrementaldecoder("utf-8")()
        self._bytes = 0
        self.ended = False
        self.buffer = ""
        self.at = 0
        self._dropped = 0  # characters before buffer[0]
        self._lines = 0  # newlines before buffer[0]
        self._column_base = 0  # the document index where the line of buffer[0] begins
        try:
            size = os.fstat(handle.fileno()).st_size
        except (AttributeError, OSError, ValueError):
            size = 0  # a pipe, or a stream without a file: counted as it is read
        if size > limit:
            raise TooLargeError(limit)

    def more(self) -> bool:
        """Read on; False at the end. Reads at least as much as is pending, so that a
        value longer than a chunk costs a few reads, not one per chunk."""
        if self.ended:
            return False
        raw = self._handle.read(max(CHUNK, len(self.buffer) - self.at))
        pending = len(self._decoder.getstate()[0])
        self._bytes += len(raw)
        if self._bytes > self._limit:
            raise TooLargeError(self._limit)
        try:
            text = self._decoder.decode(raw, final=not raw)
        except UnicodeDecodeError as exc:
            raise NotUtf8Error(self._bytes - len(raw) - pending + exc.start) from None
        done = self.buffer[: self.at]
        newline = done.rfind("\n")
        if newline >= 0:
            self._lines += done.count("\n")
            self._column_base = self._dropped + newline + 1
        self._dropped += self.at
        self.buffer = self.buffer[self.at :] + text
        self.at = 0
        self.ended = not raw
        return True

    def peek(self) -> str:
        """The next character that is not white space ('' at the end), not consumed."""
        while True:
            self.at = _SPACE.match(self.buffer, self.at).end()  # type: ignore[union-attr]
            if self.at < len(self.buffer):
                return self.buffer[self.at]
            if not self.more():
                return ""

    def value(self) -> Any:
        """The JSON value that starts here, read on as far as it goes."""
        if self.at >= len(self.buffer) or self.buffer[self.at] in _SPACES:
            self.peek()
        while True:
            try:
                value, end = _scan(self.buffer, self.at)
            except StopIteration as nothing:  # how the scanner says "Expecting value"
                if self.more():
                    continue
                raise self.error("Expecting value", nothing.value) from None
            except json.JSONDecodeError as error:
                if self.more():  # perhaps only cut short by the end of the chunk
                    continue
                raise self.error(error.msg, error.pos) from None
            # A value is whole once something that cannot go on with it follows: a
            # number cut at the end of the chunk ("1." of "1.5") parses, but short.
            if (end == len(self.buffer) or self.buffer[end] not in _AFTER) and self.more():
                continue
            self.at = end
            return value

    def expect(self, char: str, what: str) -> None:
        if self.peek() != char:
            raise self.error(f"Expecting {what}", self.at)
        self.at += 1

    def error(self, message: str, at: int) -> json.JSONDecodeError:
        """``message`` at ``buffer[at]``, with its place in the whole document."""
        newline = self.buffer.rfind("\n", 0, at)
        line = self._lines + self.buffer.count("\n", 0, at) + 1
        position = self._dropped + at
        column = at - newline if newline >= 0 else position - self._column_base + 1
        # JSONDecodeError works its place out of the text it is given, which here is
        # only the part still in the buffer: its place is set by hand.
        error = json.JSONDecodeError(message, "", 0)
        error.pos, error.lineno, error.colno = position, line, column
        error.args = (f"{message}: line {line} column {column} (char {position})",)
        return error

    def rest(self) -> None:
        """Only white space may follow the document."""
        if self.peek():
            raise self.error("Extra data", self.at)


def object_members(
    handle: IO[bytes], limit: int, walked: Collection[str] = ()
) -> Iterator[tuple[str, Any]]:
    """The members of the JSON object in ``handle`` (at most ``limit`` bytes), in the
    order of the file. An array member named in ``walked`` comes as an iterator over
    its items, parsed as they are reached; the next member is read only once it is
    used up. Every other value comes whole.

    A document that is not an object is refused at once (``NotAnObjectError``, or
    the error of the JSON it is not); anything wrong later comes as it is reached."""
    text = _Text(handle, limit)
    while not text.buffer and text.more():
        pass
    if text.buffer.startswith("\ufeff"):  # as json.loads, which refuses it
        raise text.error("Unexpected UTF-8 BOM (decode using utf-8-sig)", 0)
    if text.peek() != "{":
        # Not an object: read whole, for the error json would give, if any.
        while text.more():
            pass
        text.value()
        text.rest()
        raise NotAnObjectError("not a JSON object")
    return _members(text, walked)


def _members(text: _Text, walked: Collection[str]) -> Iterator[tuple[str, Any]]:
    text.at += 1  # the "{"
    if text.peek() == "}":
        text.at += 1
    else:
        while True:
            if text.peek() != '"':
                raise text.error("Expecting property name enclosed in double quotes", text.at)
            name = text.value()
            text.expect(":", "':' delimiter")
            if name in walked and text.peek() == "[":
                items = _items(text)
                yield name, items
                for _ in items:  # what the reader left unread
                    pass
            else:
                yield name, text.value()
            following = text.peek()
            text.at += 1
            if following == "}":
                break
            if following != ",":
                raise text.error("Expecting ',' delimiter", text.at - 1)
    text.rest()


def _items(text: _Text) -> Iterator[Any]:
    text.at += 1  # the "["
    if text.peek() == "]":
        text.at += 1
        return
    while True:
        yield text.value()
        # Most often a comma, and the next item already in the buffer: one step.
        between = _BETWEEN.match(text.buffer, text.at)
        if between is not None and between.end() < len(text.buffer):
            text.at = between.end()
            continue
        following = text.peek()
        text.at += 1
        if following == "]":
            return
        if following != ",":
            raise text.error("Expecting ',' delimiter", text.at - 1)
