"""The grader's parent-side rules, each pinned so that breaking it fails a test:
type-strict comparison, the unordered and set modes, the wire codec, and a
result channel that refuses repeated, out-of-range or out-of-order records."""

from __future__ import annotations

import json
import math
from typing import Any

import pytest

from prep.content.models import Case, Compare
from prep.grading.compare import compare, exact_equal, show
from prep.grading.protocol import (
    MALFORMED,
    ReplyStatus,
    WorkerReply,
    parse_results,
)
from prep.grading.values import DecodeError, Opaque, SetValue, decode, encode
from prep.grading.verdict import CaseStatus, build_verdicts


def passes(
    expected: Any, actual: Any, mode: Compare = Compare.EXACT, tol: float | None = None
) -> bool:
    return compare(expected, actual, mode, tol)[0]


# -- exact is type-strict -----------------------------------------------------------


@pytest.mark.parametrize(
    ("expected", "actual"),
    [
        (1, True),
        (True, 1),
        (0, False),
        (2, 2.0),
        (2.0, 2),
        ("1", 1),
        ([1, 2], [1, 2.0]),
        ([True], [1]),
        ({"a": 1}, {"a": True}),
        ({1: "x"}, {True: "x"}),
        (None, 0),
        ([1, 2], [2, 1]),
    ],
)
def test_exact_refuses_values_equal_only_across_types(expected: Any, actual: Any) -> None:
    assert not passes(expected, actual)


@pytest.mark.parametrize(
    ("expected", "actual"),
    [(1, 1), (True, True), (2.5, 2.5), ([1, [2, "a"]], [1, [2, "a"]]), ({"k": [1]}, {"k": [1]})],
)
def test_exact_accepts_equal_values_of_the_same_type(expected: Any, actual: Any) -> None:
    assert passes(expected, actual)


def test_exact_nan_equals_nan_and_opaque_equals_nothing() -> None:
    assert passes(math.nan, math.nan)
    assert not passes("whatever", Opaque("Sneaky", "'whatever'"))
    assert not passes("x", Opaque("str", "x"), Compare.UNORDERED)


# -- unordered, set, close ----------------------------------------------------------


def test_unordered_ignores_order_but_keeps_multiplicity_and_types() -> None:
    assert passes([1, 2, 2, 3], [3, 2, 1, 2], Compare.UNORDERED)
    assert not passes([1, 2, 2, 3], [3, 2, 1, 3], Compare.UNORDERED)
    assert not passes([1, 2, 2], [1, 2], Compare.UNORDERED)
    assert not passes([1, 2], [True, 2], Compare.UNORDERED)
    assert not passes([1, 2], SetValue((1, 2)), Compare.UNORDERED)  # a set is not a list
    ok, why = compare([1], "1", Compare.UNORDERED, None)
    assert not ok and "expected a list" in why


def test_set_ignores_order_and_duplicates_but_keeps_types() -> None:
    assert passes([1, 2, 3], SetValue((3, 1, 2)), Compare.SET)
    assert passes([1, 2, 3], [3, 3, 2, 1], Compare.SET)
    assert not passes([1, 2, 3], [1, 2], Compare.SET)
    assert not passes([1, 2], [1.0, 2.0], Compare.SET)
    assert not passes([[1, 2]], [[2, 1]], Compare.SET)  # inner lists keep their order
    ok, why = compare([1], 1, Compare.SET, None)
    assert not ok and "expected a collection" in why


def test_close_uses_the_tolerance_and_keeps_shapes() -> None:
    assert passes(1.0, 1.0 + 5e-7, Compare.CLOSE)
    assert not passes(1.0, 1.0 + 2e-6, Compare.CLOSE)  # the default tolerance is 1e-6
    assert passes([1.0, 2.0], [1.05, 1.95], Compare.CLOSE, 0.1)
    assert not passes([1.0, 2.0], [1.05, 1.8], Compare.CLOSE, 0.1)
    assert not passes([1.0, 2.0], [1.0], Compare.CLOSE, 0.1)
    assert not passes([[1.0], [2.0]], [1.0, 2.0], Compare.CLOSE, 0.1)
    assert not passes(1.0, True, Compare.CLOSE, 1.0)
    assert passes(math.inf, math.inf, Compare.CLOSE) and not passes(math.inf, 1e308, Compare.CLOSE)


@pytest.mark.parametrize(
    ("expected", "actual"),
    [
        ([1], [True]),
        ([True], [1]),
        ([0], [False]),
        ([1], [1.0]),
        (["1"], [1]),
        ([None], ["none"]),
        ([None], [[]]),
        ([[1, 2]], [[2, 1]]),
        ([{"a": 1}], [{"a": True}]),
        ([{"a": 1}], [{"b": 1}]),
        ([1.5], [1.25]),
        ([math.nan], [math.inf]),
        ([[]], [{}]),
        ([2**70], [2**70 + 1]),
    ],
)
def test_unordered_and_set_tell_every_type_and_value_apart(expected: Any, actual: Any) -> None:
    assert not passes(expected, actual, Compare.UNORDERED)
    assert not passes(expected, actual, Compare.SET)


@pytest.mark.parametrize(
    ("expected", "actual"),
    [
        ([1, True, 1.0, "1", None], [None, "1", 1.0, True, 1]),
        ([math.nan, 2.5], [2.5, math.nan]),
        ([{"b": [1], "a": 2}], [{"a": 2, "b": [1]}]),
        ([[1, [2, "x"]], []], [[], [1, [2, "x"]]]),
        ([2**70, -3], [-3, 2**70]),
    ],
)
def test_unordered_and_set_accept_the_same_items_in_any_order(expected: Any, actual: Any) -> None:
    assert passes(expected, actual, Compare.UNORDERED)
    assert passes(expected, actual, Compare.SET)
    assert passes(expected, SetValue(tuple(actual)), Compare.SET)


def test_sets_inside_results_compare_by_their_items() -> None:
    assert passes([SetValue((1, 2))], [SetValue((2, 1))], Compare.UNORDERED)
    assert not passes([SetValue((1, 2))], [SetValue((1, True))], Compare.UNORDERED)
    assert exact_equal(SetValue((1, 2)), SetValue((2, 1)))
    assert not exact_equal(SetValue((1, 2)), SetValue((1, 2.0)))
    assert not passes([Opaque("T", "1")], [Opaque("T", "2")], Compare.UNORDERED)


def test_close_compares_dicts_key_by_key_and_ints_as_numbers() -> None:
    assert passes({"a": 1.0, "b": [2.0]}, {"b": [2.05], "a": 0.95}, Compare.CLOSE, 0.1)
    assert not passes({"a": 1.0}, {"a": 1.2}, Compare.CLOSE, 0.1)
    assert not passes({"a": 1.0}, {"a": 1.0, "b": 1.0}, Compare.CLOSE, 0.1)
    assert not passes({"a": 1.0}, [1.0], Compare.CLOSE, 0.1)
    assert passes(3, 3.0000001, Compare.CLOSE)
    assert passes(0.5, 0.75, Compare.CLOSE, 0.25)  # exactly the tolerance away: inside
    assert not passes(0.5, 0.75, Compare.CLOSE, 0.2499999)
    assert not passes(True, 1, Compare.CLOSE, 1.0)
    assert not passes(1, "1", Compare.CLOSE, 1.0)
    assert passes(math.nan, math.nan, Compare.CLOSE) and not passes(math.nan, 1.0, Compare.CLOSE)
    assert not passes(1.0, math.nan, Compare.CLOSE, 1e9)
    assert not passes(-math.inf, math.inf, Compare.CLOSE, 1e9)
    assert not passes(1.0, Opaque("float", "1.0"), Compare.CLOSE, 1.0)
    assert passes("label", "label", Compare.CLOSE) and not passes("a", "b", Compare.CLOSE)


def test_a_failed_comparison_shows_both_values_cut_to_a_line() -> None:
    assert compare([1, 2], [2, 1], Compare.EXACT, None) == (False, "expected [1, 2], got [2, 1]")
    assert compare([1], 1, Compare.SET, None) == (False, "expected a collection, got 1")
    assert compare([1], "1", Compare.UNORDERED, None) == (
        False,
        "expected a list (any order), got '1'",
    )
    assert compare(1, 1, Compare.EXACT, None) == (True, "")
    long = list(range(100))
    _, why = compare(long, [], Compare.EXACT, None)
    assert why == f"expected {repr(long)[:159]}…, got []"
    assert show("x" * 158) == repr("x" * 158)  # 160 characters: shown whole
    assert show("x" * 159) == repr("x" * 159)[:159] + "…"


def test_exact_dicts_match_keys_type_strictly_and_values_exactly() -> None:
    assert passes({1: "a", "1": "b"}, {"1": "b", 1: "a"})
    assert not passes({1: "a"}, {1: "a", 2: "b"})
    assert not passes({1: "a", 2: "b"}, {1: "a"})
    assert not passes({1: "a"}, {1: "b"})
    assert not passes({1: "a"}, {2: "a"})
    assert not passes([1, 2], [1, 2, 3]) and not passes([1, 2, 3], [1, 2])
    assert not passes(1.0, 1.0000001)


# -- the wire codec ----------------------------------------------------------------


def round_trip(value: Any) -> Any:
    return decode(json.loads(json.dumps(encode(value), allow_nan=False)))


def test_big_ints_complex_bytes_and_specials_survive_the_wire() -> None:
    big = 2**200 + 7
    assert round_trip(big) == big and type(round_trip(big)) is int
    assert round_trip(-(2**63) - 1) == -(2**63) - 1
    assert round_trip(3 + 4j) == 3 + 4j
    assert round_trip(b"\x00\xffab") == b"\x00\xffab"
    assert math.isnan(round_trip(math.nan))
    assert round_trip(-math.inf) == -math.inf
    assert round_trip((1, (2, 3))) == [1, [2, 3]]
    assert round_trip({1, 2}) == SetValue((1, 2)) or set(round_trip({1, 2}).items) == {1, 2}
    assert round_trip({"a": (1,)}) == {"a": [1]}


def test_ints_beyond_64_bits_travel_as_hexadecimal_of_any_size() -> None:
    from prep.grading.values import MAX_BIGINT_HEX_DIGITS, EncodingError

    assert encode(2**63 - 1) == 2**63 - 1
    assert encode(-(2**63)) == -(2**63)
    assert encode(2**63) == {"$t": "bigint", "hex": "8" + "0" * 15}
    assert encode(-(2**63) - 1) == {"$t": "bigint", "hex": "-8" + "0" * 14 + "1"}
    # Far past the 4,300 decimal digits Python refuses to convert.
    huge = 10**5000 + 1
    assert round_trip(huge) == huge
    assert round_trip(-huge) == -huge
    assert round_trip(16 ** (MAX_BIGINT_HEX_DIGITS - 1)) == 16 ** (MAX_BIGINT_HEX_DIGITS - 1)
    with pytest.raises(EncodingError, match="too large"):
        encode(16**MAX_BIGINT_HEX_DIGITS)


@pytest.mark.parametrize(
    ("value", "wire"),
    [
        (None, None),
        (True, True),
        ("s", "s"),
        (1.5, 1.5),
        (math.inf, {"$t": "float", "v": "inf"}),
        (-math.inf, {"$t": "float", "v": "-inf"}),
        (math.nan, {"$t": "float", "v": "nan"}),
        ([1, "a"], [1, "a"]),
        ((1, 2), {"$t": "tuple", "v": [1, 2]}),
        ({"k": (1,)}, {"$t": "dict", "v": [["k", {"$t": "tuple", "v": [1]}]]}),
        ({3}, {"$t": "set", "v": [3]}),
        # Frozen, so that a random case's frozenset argument is rebuilt as one.
        (frozenset({4}), {"$t": "set", "v": [4], "frozen": True}),
        (3 + 4j, {"$t": "complex", "re": 3.0, "im": 4.0}),
        (complex(math.inf, -1), {"$t": "complex", "re": {"$t": "float", "v": "inf"}, "im": -1.0}),
        (b"\x00\xff", {"$t": "bytes", "v": "00ff"}),
    ],
)
def test_each_type_has_one_wire_form(value: Any, wire: Any) -> None:
    assert encode(value) == wire


def test_the_wire_never_carries_a_bare_non_finite_float() -> None:
    for value in (math.inf, -math.inf, math.nan, [math.nan], {"x": complex(math.nan, 0)}):
        json.dumps(encode(value), allow_nan=False)


def test_sets_and_unprintable_objects_are_shown_in_a_line() -> None:
    assert repr(SetValue((1, "a"))) == "{1, 'a'}"
    assert repr(SetValue(())) == "set()"
    assert compare([1], SetValue((2,)), Compare.EXACT, None) == (False, "expected [1], got {2}")

    class Loud:
        def __repr__(self) -> str:
            raise RuntimeError("no")

    class Long:
        def __repr__(self) -> str:
            return "y" * 1000

    assert encode(Loud())["repr"] == "<Loud object>"
    assert encode(Long())["repr"] == "y" * 200
    assert repr(Opaque("T", "text")) == "<T: text>"


def test_numpy_values_have_their_own_wire_forms() -> None:
    np = pytest.importorskip("numpy")
    from prep.grading.values import MAX_ITEMS, EncodingError

    assert encode(np.arange(4, dtype=np.int32).reshape(2, 2)) == {
        "$t": "ndarray", "dtype": "int32", "shape": [2, 2], "v": [[0, 1], [2, 3]],
    }  # fmt: skip
    assert encode(np.array([True, False])) == {
        "$t": "ndarray", "dtype": "bool", "shape": [2], "v": [True, False],
    }  # fmt: skip
    assert encode(np.array([1 + 2j])) == {
        "$t": "ndarray", "dtype": "complex128", "shape": [1],
        "v": [{"$t": "complex", "re": 1.0, "im": 2.0}],
    }  # fmt: skip
    assert encode(np.float32(1.5)) == {"$t": "npscalar", "dtype": "float32", "v": 1.5}
    assert encode(np.int64(7)) == {"$t": "npscalar", "dtype": "int64", "v": 7}
    assert encode(np.bool_(True)) == {"$t": "npscalar", "dtype": "bool", "v": True}
    texts = encode(np.array(["a", "b"]))
    assert texts == {
        "$t": "object",
        "type": "numpy.ndarray[<U1]",
        "repr": "array(['a', 'b'], dtype='<U1')",
    }
    assert round_trip(np.array(["a"])) == Opaque("numpy.ndarray[<U1]", "array(['a'], dtype='<U1')")
    # An array counts every element against the same budget as lists do.
    assert encode(np.zeros(MAX_ITEMS - 1, dtype=np.int8))["shape"] == [MAX_ITEMS - 1]
    with pytest.raises(EncodingError, match="too large"):
        encode(np.zeros(MAX_ITEMS, dtype=np.int8))
    with pytest.raises(EncodingError, match="too large"):
        encode([np.zeros(MAX_ITEMS // 2, dtype=np.int8), np.zeros(MAX_ITEMS // 2, dtype=np.int8)])


def test_numpy_values_arrive_as_plain_python() -> None:
    np = pytest.importorskip("numpy")
    assert round_trip(np.arange(4).reshape(2, 2)) == [[0, 1], [2, 3]]
    value = round_trip(np.float64(0.5))
    assert value == 0.5 and type(value) is float
    assert type(round_trip(np.int32(3))) is int


def test_custom_objects_and_str_subclasses_arrive_opaque() -> None:
    class Sneaky(str):
        def __eq__(self, other: object) -> bool:
            return True

        __hash__ = str.__hash__

    assert isinstance(round_trip(Sneaky("x")), Opaque)
    assert isinstance(round_trip(object()), Opaque)


@pytest.mark.parametrize(
    "data",
    [
        {"$t": "float", "v": "1.5"},
        {"$t": "bigint", "hex": 12},
        {"$t": "bigint", "v": "12"},
        {"$t": "bigint", "hex": "9" * 100_001},
        {"$t": "bigint", "hex": "12x"},
        {"$t": "bigint", "hex": "0x12"},
        {"$t": "bigint", "hex": "12\n"},
        {"$t": "tuple", "v": "ab"},
        {"$t": "dict", "v": [[1]]},
        {"$t": "complex", "re": "1", "im": 2},
        {"$t": "complex", "re": [1], "im": 2},
        {"$t": "bytes", "v": "zz"},
        {"$t": "nope"},
        {"no": "tag"},
        {"$t": 3},
    ],
)
def test_malformed_wire_values_are_decode_errors(data: Any) -> None:
    with pytest.raises(DecodeError):
        decode(data)


def test_wire_values_nested_too_deeply_are_refused() -> None:
    data: Any = 1
    for _ in range(200):
        data = [data]
    with pytest.raises(DecodeError):
        decode(data)


# -- the result channel ----------------------------------------------------------------

CASES = (
    Case(call="f(0)", expect=0),
    Case(call="f(1)", expect=10),
)


def channel(*records: dict[str, Any]) -> str:
    return "\n".join(json.dumps(record) for record in records)


def verdicts(results: str, status: ReplyStatus = ReplyStatus.COMPLETED) -> list[CaseStatus]:
    reply = WorkerReply(status, results=results)
    cases, _problem = build_verdicts(CASES, "tests", reply)
    return [case.status for case in cases]


LOAD_OK = {"import": "ok"}


def test_a_well_formed_channel_is_judged_case_by_case() -> None:
    assert verdicts(channel(LOAD_OK, {"i": 0, "value": 0}, {"i": 1, "value": 10})) == [
        CaseStatus.PASS,
        CaseStatus.PASS,
    ]
    assert verdicts(channel(LOAD_OK, {"i": 0, "value": 0}, {"i": 1, "value": 11})) == [
        CaseStatus.PASS,
        CaseStatus.FAIL,
    ]


@pytest.mark.parametrize(
    "records",
    [
        # A repeated index, whichever of the two is the forgery.
        [LOAD_OK, {"i": 0, "value": 0}, {"i": 0, "value": 0}, {"i": 1, "value": 10}],
        [LOAD_OK, {"i": 0, "value": 99}, {"i": 0, "value": 0}, {"i": 1, "value": 10}],
        [LOAD_OK, {"i": 0, "value": 0}, {"i": 1, "value": 99}, {"i": 1, "value": 10}],
        # Out of range, not an int, a bool posing as an int.
        [LOAD_OK, {"i": 0, "value": 0}, {"i": 1, "value": 10}, {"i": 2, "value": 0}],
        [LOAD_OK, {"i": -1, "value": 0}, {"i": 0, "value": 0}, {"i": 1, "value": 10}],
        [LOAD_OK, {"i": "0", "value": 0}, {"i": 1, "value": 10}],
        [LOAD_OK, {"i": True, "value": 10}, {"i": 0, "value": 0}],
        # A case before the load record, a second load record, a record of no known shape.
        [{"i": 0, "value": 0}, LOAD_OK, {"i": 1, "value": 10}],
        [LOAD_OK, LOAD_OK, {"i": 0, "value": 0}, {"i": 1, "value": 10}],
        [LOAD_OK, {"i": 0}, {"i": 1, "value": 10}],
        [LOAD_OK, {"i": 0, "error": {"type": "X", "mro": "X", "message": ""}}],
    ],
)
def test_a_malformed_channel_fails_every_case(records: list[dict[str, Any]]) -> None:
    assert parse_results(channel(*records), len(CASES)).problem == MALFORMED
    assert verdicts(channel(*records)) == [CaseStatus.ERROR, CaseStatus.ERROR]


def test_lines_that_are_not_json_objects_make_the_channel_malformed() -> None:
    for junk in ("not json", "[1, 2]", '"text"', "{"):
        results = channel(LOAD_OK, {"i": 0, "value": 0}) + "\n" + junk
        assert parse_results(results, 2).problem == MALFORMED


def test_a_missing_result_is_never_a_pass() -> None:
    assert verdicts(channel(LOAD_OK, {"i": 0, "value": 0})) == [CaseStatus.PASS, CaseStatus.ERROR]
    assert verdicts(channel(LOAD_OK, {"i": 0, "value": 0}), ReplyStatus.TIMEOUT) == [
        CaseStatus.PASS,
        CaseStatus.TIMEOUT,
    ]
    assert verdicts("") == [CaseStatus.ERROR, CaseStatus.ERROR]
    assert verdicts("", ReplyStatus.TIMEOUT) == [CaseStatus.TIMEOUT, CaseStatus.TIMEOUT]


def test_a_result_value_that_does_not_decode_is_an_error_not_a_crash() -> None:
    bad = {"i": 1, "value": {"$t": "complex", "re": "x", "im": 1}}
    assert verdicts(channel(LOAD_OK, {"i": 0, "value": 0}, bad)) == [
        CaseStatus.PASS,
        CaseStatus.ERROR,
    ]


def test_expected_errors_match_by_class_or_base_class() -> None:
    cases = (Case(call="f()", expect_error="LookupError"),)
    raised = {"type": "KeyError", "mro": ["KeyError", "LookupError", "Exception"], "message": "k"}
    reply = WorkerReply(ReplyStatus.COMPLETED, results=channel(LOAD_OK, {"i": 0, "error": raised}))
    assert build_verdicts(cases, "tests", reply)[0][0].status is CaseStatus.PASS
    other = {"type": "ValueError", "mro": ["ValueError", "Exception"], "message": ""}
    reply = WorkerReply(ReplyStatus.COMPLETED, results=channel(LOAD_OK, {"i": 0, "error": other}))
    assert build_verdicts(cases, "tests", reply)[0][0].status is CaseStatus.FAIL
    returned = WorkerReply(ReplyStatus.COMPLETED, results=channel(LOAD_OK, {"i": 0, "value": 1}))
    assert build_verdicts(cases, "tests", returned)[0][0].status is CaseStatus.FAIL


def test_a_worker_cannot_claim_it_died_or_invent_a_status() -> None:
    from prep.grading.protocol import ProtocolError

    for status in ("worker_died", "passed", None):
        with pytest.raises(ProtocolError):
            WorkerReply.from_wire({"status": status})


def test_code_is_compiled_without_the_runner_s_own_future_imports() -> None:
    """Annotations stay objects, as on real Python (dataclasses need them for ClassVar)."""
    from prep.content.models import KataCard, PredictCard
    from prep.grading.grader import Grader

    code = "def f(x: int): pass\nprint(f.__annotations__['x'] is int)\n"
    snippet = PredictCard(id="annotations", type="predict", code=code, expect_output="True\n")
    kata = KataCard.model_validate(
        {
            "id": "annotations-kata",
            "type": "kata",
            "title": "t",
            "prompt": "p",
            "examples": [{"call": "check()", "expect": True}],
            "tests": [{"call": "check()", "expect": True}],
            "solution": "def check() -> bool:\n    return check.__annotations__['return'] is bool\n",
            "wrong_solutions": [{"name": n, "code": "def check(): return False"} for n in "abc"],
        }
    )
    grader = Grader(size=1)
    try:
        assert grader.run_snippet(snippet).stdout.strip() == "True"
        assert grader.grade(kata, kata.solution, "tests").passed
    finally:
        grader.close()


def test_the_codec_bounds_depth_and_size_exactly() -> None:
    from prep.grading.values import MAX_DEPTH, MAX_ITEMS, EncodingError

    def nested(levels: int) -> Any:
        value: Any = 0
        for _ in range(levels):
            value = [value]
        return value

    assert round_trip(nested(MAX_DEPTH)) == nested(MAX_DEPTH)
    with pytest.raises(EncodingError, match="nested too deeply"):
        encode(nested(MAX_DEPTH + 1))
    assert len(encode(list(range(MAX_ITEMS - 1)))) == MAX_ITEMS - 1  # the list itself is one item
    with pytest.raises(EncodingError, match="too large"):
        encode(list(range(MAX_ITEMS)))
