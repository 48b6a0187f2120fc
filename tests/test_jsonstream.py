"""A JSON object read a member at a time gives what ``json.loads`` gives: the same
values, and for a text that is not JSON, the same error at the same place in the
whole document, however the text falls into chunks."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from prep.transfer import jsonstream
from prep.transfer.jsonstream import NotAnObjectError, NotUtf8Error, TooLargeError, object_members

WALKED = ("a", "b")


def read(raw: bytes, chunk: int, limit: int = 1 << 20) -> dict[str, Any]:
    """The document as object_members gives it, walked arrays made lists."""
    original = jsonstream.CHUNK
    jsonstream.CHUNK = chunk
    try:
        members = object_members(io.BytesIO(raw), limit, WALKED)
        return {
            name: list(value) if isinstance(value, Iterator) else value for name, value in members
        }
    finally:
        jsonstream.CHUNK = original


def outcome(read_it: Any) -> tuple[str, Any]:
    try:
        return ("value", read_it())
    except NotAnObjectError:
        return ("error", "not an object")
    except (ValueError, RecursionError) as error:
        return ("error", f"{type(error).__name__}: {error}")


def expected(text: str) -> tuple[str, Any]:
    def loads() -> Any:
        value = json.loads(text)
        if not isinstance(value, dict):
            raise NotAnObjectError
        return value

    return outcome(loads)


CASES = [
    "{}",
    ' { "a" : [ 1 , 2 ,3 ] , "c": {"x": [1]}, "b": [] }\n',
    '{"b": "x\\u00e9y", "a": [1.5e10, -0.0, null, true, "\\ud83d\\ude00"]}',
    '{"a": [' + ",".join(str(n) for n in range(500)) + "]}",
    '{"a": ["' + "x" * 3000 + '"], "z": 12345678901234567890123}',
    '{"a": [{"k": [1, {"z": "\\n"}]}], "a2": [1]}',
    '{"a": [1, 2',
    '{"a": [1 2]}',
    '{"a": 1,}',
    '{"a": [1,]}',
    '{"a": [1]} x',
    '{"a" 1}',
    '{\n"a": [\n1,\n{"q": tru}]}',
    "{1: 2}",
    '{"a": [1]}}',
    '{"a": "unterminated}',
    '{\n  "c": [1,\n   2,\n   oops]}',
    "[1]",
    "5",
    "",
    "  \n ",
    "\ufeff{}",
    " \ufeff{}",
    "[" * 5000 + "]" * 5000,
    '{"a": ' + "[" * 5000 + "]" * 5000 + "}",
]


@pytest.mark.parametrize("text", CASES)
@pytest.mark.parametrize("chunk", [1, 2, 3, 7, 64, 1 << 20])
def test_a_document_reads_as_json_loads_reads_it(text: str, chunk: int) -> None:
    assert outcome(lambda: read(text.encode(), chunk)) == expected(text)


JSON_TEXT = st.text(alphabet='{}[],:" \n1.e-a\\tru\u00e9', max_size=24)


@settings(max_examples=400, deadline=None)
@given(text=JSON_TEXT, chunk=st.sampled_from([1, 2, 5, 1 << 20]))
def test_any_text_reads_as_json_loads_reads_it(text: str, chunk: int) -> None:
    assert outcome(lambda: read(text.encode(), chunk)) == expected(text)


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=6),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=4), inner),
    max_leaves=12,
)


@settings(max_examples=200, deadline=None)
@given(
    document=st.dictionaries(st.sampled_from(["a", "b", "c", "d"]), JSON_VALUES),
    indent=st.sampled_from([None, 0, 1, 2]),
    chunk=st.sampled_from([1, 3, 1 << 20]),
)
def test_any_object_reads_back_as_written(
    document: dict[str, Any], indent: int | None, chunk: int
) -> None:
    assert read(json.dumps(document, indent=indent).encode(), chunk) == document


def test_an_array_member_comes_an_item_at_a_time_and_what_is_left_unread_is_passed() -> None:
    raw = b'{"a": [1, 2, 3], "b": [4, 5], "c": [6]}'
    members = object_members(io.BytesIO(raw), 1 << 20, WALKED)
    name, items = next(members)
    assert (name, next(items)) == ("a", 1)  # the rest of "a" is never asked for
    name, items = next(members)
    assert (name, list(items)) == ("b", [4, 5])
    assert next(members) == ("c", [6])  # not walked: whole
    assert next(members, None) is None


@pytest.mark.parametrize("chunk", [1, 2, 3, 1 << 20])
def test_a_text_that_is_not_utf8_names_its_byte_in_the_whole_file(chunk: int) -> None:
    raw = b'{"a": ["caf\xc3\xa9", "\xe9t\xc3\xa9"]}'
    with pytest.raises(NotUtf8Error) as raised:
        read(raw, chunk)
    assert raised.value.byte == raw.index(b"\xe9t")
    with pytest.raises(UnicodeDecodeError) as decoding:
        raw.decode("utf-8")
    assert raised.value.byte == decoding.value.start


def test_a_file_larger_than_the_limit_is_refused_before_or_while_it_is_read() -> None:
    raw = b'{"a": [' + b"1, " * 100 + b"1]}"
    with pytest.raises(TooLargeError):
        read(raw, 16, limit=200)
    assert read(raw, 16, limit=len(raw))["a"] == [1] * 101

    class Pipe(io.RawIOBase):  # no size to ask for: counted as it is read
        def __init__(self) -> None:
            self.data = io.BytesIO(raw)

        def readable(self) -> bool:
            return True

        def readinto(self, buffer: Any) -> int:
            return self.data.readinto(buffer)

        def fileno(self) -> int:
            raise OSError("a pipe")

    with pytest.raises(TooLargeError):
        list(object_members(io.BufferedReader(Pipe()), 200, ()))
