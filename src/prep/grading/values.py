"""The typed wire encoding of results, and its decoding.

The process that runs a submission *encodes* each result (``encode``); the
trusted parent *decodes* it (``decode``) and compares. JSON with tags, never
pickle: a result can describe a value, never make the parent run code.

Encoding looks only at exact types (``type(x) is str``), so an object that
overrides ``__eq__`` or subclasses ``str`` arrives as an opaque object that
equals nothing the parent expects.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any

TAG = "$t"
MAX_DEPTH = 64
MAX_ITEMS = 1_000_000
REPR_LIMIT = 200
MAX_BIGINT_HEX_DIGITS = 100_000  # 400,000 bits


class EncodingError(Exception):
    pass


# -- child side -------------------------------------------------------------------


def _float(value: float) -> Any:
    if math.isnan(value):
        return {TAG: "float", "v": "nan"}
    if math.isinf(value):
        return {TAG: "float", "v": "inf" if value > 0 else "-inf"}
    return value


def _safe_repr(value: object) -> str:
    try:
        text = repr(value)
    except BaseException:  # a hostile __repr__ must not break encoding
        text = f"<{type(value).__name__} object>"
    return text[:REPR_LIMIT]


def encode(value: Any, depth: int = 0, budget: list[int] | None = None) -> Any:
    """A JSON-ready description of ``value``."""
    if budget is None:
        budget = [MAX_ITEMS]
    budget[0] -= 1
    if budget[0] < 0:
        raise EncodingError("result is too large to report")
    if depth > MAX_DEPTH:
        raise EncodingError("result is nested too deeply")
    kind = type(value)
    if value is None or kind is bool or kind is str:
        return value
    if kind is int:
        # Outside 64 bits, hexadecimal: decimal conversion of a huge int is refused
        # past 4,300 digits (CVE-2020-10735), and readers of the JSON may stop at 64.
        if -(2**63) <= value < 2**63:
            return value
        digits = format(value, "x")
        if len(digits) > MAX_BIGINT_HEX_DIGITS:
            raise EncodingError("result is too large to report")
        return {TAG: "bigint", "hex": digits}
    if kind is float:
        return _float(value)
    if kind is list:
        return [encode(item, depth + 1, budget) for item in value]
    if kind is tuple:
        return {TAG: "tuple", "v": [encode(item, depth + 1, budget) for item in value]}
    if kind is dict:
        pairs = [
            [encode(k, depth + 1, budget), encode(v, depth + 1, budget)] for k, v in value.items()
        ]
        return {TAG: "dict", "v": pairs}
    if kind is set or kind is frozenset:
        items = [encode(item, depth + 1, budget) for item in value]
        return {TAG: "set", "v": items, **({"frozen": True} if kind is frozenset else {})}
    if kind is complex:
        return {TAG: "complex", "re": _float(value.real), "im": _float(value.imag)}
    if kind is bytes:
        return {TAG: "bytes", "v": value.hex()}
    numpy_value = _encode_numpy(value, depth, budget)
    if numpy_value is not None:
        return numpy_value
    return {
        TAG: "object",
        "type": f"{kind.__module__}.{kind.__qualname__}",
        "repr": _safe_repr(value),
    }


def _encode_numpy(value: Any, depth: int, budget: list[int]) -> Any:
    import sys

    np = sys.modules.get("numpy")
    if np is None:
        return None
    kind = type(value)
    if kind is np.ndarray:
        if value.dtype.kind not in "biufc":
            return {
                TAG: "object",
                "type": f"numpy.ndarray[{value.dtype}]",
                "repr": _safe_repr(value),
            }
        budget[0] -= int(value.size)
        if budget[0] < 0:
            raise EncodingError("result is too large to report")
        return {
            TAG: "ndarray",
            "dtype": str(value.dtype),
            "shape": list(value.shape),
            "v": encode(value.tolist(), depth + 1, [MAX_ITEMS]),
        }
    if isinstance(value, np.generic) and kind.__module__ == "numpy":
        item = value.item()
        return {TAG: "npscalar", "dtype": str(value.dtype), "v": encode(item, depth + 1, budget)}
    return None


def rebuild(data: Any, depth: int = 0) -> Any:
    """The value ``encode`` described, as it was: the inputs of a random case, rebuilt
    in the run that takes them (tuples stay tuples, arrays arrays). An object that
    only travelled as its repr cannot be rebuilt: ``EncodingError``."""
    if depth > MAX_DEPTH + 2:
        raise EncodingError("nested too deeply")
    if data is None or isinstance(data, bool | int | str | float):
        return data
    if isinstance(data, list):
        return [rebuild(item, depth + 1) for item in data]
    if not isinstance(data, dict):
        raise EncodingError("malformed value")
    tag = data.get(TAG)
    items = data.get("v")
    if tag == "tuple" and isinstance(items, list):
        return tuple(rebuild(item, depth + 1) for item in items)
    if tag == "set" and isinstance(items, list):
        members = [rebuild(item, depth + 1) for item in items]
        return frozenset(members) if data.get("frozen") else set(members)
    if tag == "dict" and isinstance(items, list):
        return {rebuild(k, depth + 1): rebuild(v, depth + 1) for k, v in items}
    if tag in ("float", "bigint", "complex", "bytes"):
        try:
            return decode(data)
        except DecodeError as exc:
            raise EncodingError(str(exc)) from exc
    if tag in ("ndarray", "npscalar"):
        import numpy as np

        value = rebuild(items, depth + 1)
        dtype = np.dtype(str(data.get("dtype")))
        if tag == "npscalar":
            return dtype.type(value)
        return np.array(value, dtype=dtype).reshape([int(n) for n in data.get("shape", [])])
    raise EncodingError(f"cannot rebuild a value tagged {tag!r}: inputs must be plain data")


# -- parent side ------------------------------------------------------------------


@dataclass(frozen=True)
class Opaque:
    """A value the parent will not interpret (custom objects, str subclasses...)."""

    type_name: str
    text: str

    def __repr__(self) -> str:
        return f"<{self.type_name}: {self.text}>"


@dataclass(frozen=True)
class SetValue:
    items: tuple[Any, ...]

    def __repr__(self) -> str:
        return "{" + ", ".join(repr(item) for item in self.items) + "}" if self.items else "set()"


@dataclass(frozen=True)
class Decoded:
    """A decoded result: the plain value, and whether it came from numpy or a tuple."""

    value: Any
    origin: str = ""


class DecodeError(Exception):
    pass


_HEX_INTEGER = re.compile(r"-?[0-9a-f]+")


def decode(data: Any, depth: int = 0) -> Any:
    """Plain Python values: tuples and arrays become lists, numpy scalars
    Python scalars, sets a ``SetValue``; unknown objects an ``Opaque``."""
    if depth > MAX_DEPTH + 2:
        raise DecodeError("nested too deeply")
    if data is None or isinstance(data, bool | int | str):
        return data
    if isinstance(data, float):
        return data
    if isinstance(data, list):
        return [decode(item, depth + 1) for item in data]
    if not isinstance(data, dict) or not isinstance(data.get(TAG), str):
        raise DecodeError("malformed value")
    tag = data[TAG]
    if tag == "float":
        special = {"nan": math.nan, "inf": math.inf, "-inf": -math.inf}
        if data.get("v") not in special:
            raise DecodeError("malformed float")
        return special[data["v"]]
    if tag == "bigint":
        text = data.get("hex")
        if (
            not isinstance(text, str)
            or len(text) > MAX_BIGINT_HEX_DIGITS
            or not _HEX_INTEGER.fullmatch(text)
        ):
            raise DecodeError("malformed integer")
        return int(text, 16)
    if tag in ("tuple", "set"):
        items = data.get("v")
        if not isinstance(items, list):
            raise DecodeError(f"malformed {tag}")
        decoded = [decode(item, depth + 1) for item in items]
        return decoded if tag == "tuple" else SetValue(tuple(decoded))
    if tag == "dict":
        pairs = data.get("v")
        if not isinstance(pairs, list) or not all(
            isinstance(p, list) and len(p) == 2 for p in pairs
        ):
            raise DecodeError("malformed dict")
        result: dict[Any, Any] = {}
        for key, value in pairs:
            decoded_key = decode(key, depth + 1)
            try:
                hash(decoded_key)
            except TypeError:
                decoded_key = Opaque("unhashable key", repr(decoded_key)[:REPR_LIMIT])
            result[decoded_key] = decode(value, depth + 1)
        return result
    if tag == "complex":
        real, imag = decode(data.get("re"), depth + 1), decode(data.get("im"), depth + 1)
        if not all(
            isinstance(part, int | float) and not isinstance(part, bool) for part in (real, imag)
        ):
            raise DecodeError("malformed complex number")
        return complex(real, imag)
    if tag == "bytes":
        try:
            return bytes.fromhex(str(data.get("v")))
        except ValueError as exc:
            raise DecodeError("malformed bytes") from exc
    if tag in ("ndarray", "npscalar"):
        return decode(data.get("v"), depth + 1)
    if tag == "object":
        return Opaque(
            str(data.get("type", "object"))[:REPR_LIMIT], str(data.get("repr", ""))[:REPR_LIMIT]
        )
    raise DecodeError(f"unknown tag {tag!r}")
