"""Comparing a decoded result with a case's expectation, in the trusted parent.

``exact`` is type-strict: ``True`` is not ``1``, ``2.0`` is not ``2``, and a
decoded ``Opaque`` (a str subclass, an object with a clever ``__eq__``)
equals nothing.
"""

from __future__ import annotations

import json
import math
from typing import Any

from prep.content.models import Compare
from prep.grading.values import Opaque, SetValue

DEFAULT_TOLERANCE = 1e-6
SHOW_LIMIT = 160


def show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= SHOW_LIMIT else text[: SHOW_LIMIT - 1] + "…"


def _plain_expected(value: Any) -> Any:
    """YAML gives lists, dicts and scalars already; tuples never appear."""
    return value


def exact_equal(expected: Any, actual: Any) -> bool:
    if isinstance(actual, Opaque):
        return False
    if type(expected) is not type(actual):
        return False
    if isinstance(expected, float):
        return expected == actual or (math.isnan(expected) and math.isnan(actual))
    if isinstance(expected, list):
        return len(expected) == len(actual) and all(
            exact_equal(e, a) for e, a in zip(expected, actual, strict=True)
        )
    if isinstance(expected, dict):
        if len(expected) != len(actual):
            return False
        for key, value in expected.items():
            match = next((k for k in actual if exact_equal(key, k)), _MISSING)
            if match is _MISSING or not exact_equal(value, actual[match]):
                return False
        return True
    if isinstance(expected, SetValue):
        return _as_set(expected.items) == _as_set(actual.items)
    return bool(expected == actual)


_MISSING = object()


def close_equal(expected: Any, actual: Any, tolerance: float) -> bool:
    if isinstance(actual, Opaque):
        return False
    numeric = (int, float)
    if isinstance(expected, numeric) and not isinstance(expected, bool):
        if not isinstance(actual, numeric) or isinstance(actual, bool):
            return False
        if math.isnan(expected) or math.isnan(actual):
            return math.isnan(expected) and math.isnan(actual)
        if math.isinf(expected) or math.isinf(actual):
            return expected == actual
        return abs(float(expected) - float(actual)) <= tolerance
    if isinstance(expected, list):
        return (
            isinstance(actual, list)
            and len(expected) == len(actual)
            and all(close_equal(e, a, tolerance) for e, a in zip(expected, actual, strict=True))
        )
    if isinstance(expected, dict):
        return (
            isinstance(actual, dict)
            and set(expected) == set(actual)
            and all(close_equal(v, actual[k], tolerance) for k, v in expected.items())
        )
    return exact_equal(expected, actual)


def _canonical(value: Any) -> str:
    """A key that is equal exactly when values are exactly equal (types included)."""

    def tagged(item: Any) -> Any:
        if isinstance(item, bool):
            return ["bool", item]
        if isinstance(item, int):
            return ["int", str(item)]
        if isinstance(item, float):
            return ["float", "nan" if math.isnan(item) else repr(item)]
        if isinstance(item, str):
            return ["str", item]
        if item is None:
            return ["none"]
        if isinstance(item, list):
            return ["list", [tagged(x) for x in item]]
        if isinstance(item, dict):
            return ["dict", sorted(json.dumps([tagged(k), tagged(v)]) for k, v in item.items())]
        if isinstance(item, SetValue):
            return ["set", sorted(json.dumps(tagged(x)) for x in item.items)]
        return ["other", type(item).__name__, repr(item)]

    return json.dumps(tagged(value), sort_keys=True)


def _as_set(items: Any) -> set[str]:
    return {_canonical(item) for item in items}


def compare(expected: Any, actual: Any, mode: Compare, tolerance: float | None) -> tuple[bool, str]:
    """(passed, why-not). ``why-not`` is empty on a pass."""
    expected = _plain_expected(expected)
    if mode is Compare.EXACT:
        ok = exact_equal(expected, actual)
    elif mode is Compare.CLOSE:
        ok = close_equal(expected, actual, DEFAULT_TOLERANCE if tolerance is None else tolerance)
    elif mode is Compare.UNORDERED:
        if not isinstance(actual, list):
            return False, f"expected a list (any order), got {show(actual)}"
        ok = isinstance(expected, list) and sorted(map(_canonical, expected)) == sorted(
            map(_canonical, actual)
        )
    else:  # Compare.SET
        items = actual.items if isinstance(actual, SetValue) else actual
        if not isinstance(items, list | tuple):
            return False, f"expected a collection, got {show(actual)}"
        ok = isinstance(expected, list) and _as_set(expected) == _as_set(items)
    if ok:
        return True, ""
    return False, f"expected {show(expected)}, got {show(actual)}"
