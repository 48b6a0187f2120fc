"""The whole verdict, field by field: each case's name, status, message and detail, and
the run's problem, for every way a run can end. The learner reads these words, so the
words are pinned, not only the statuses."""

from __future__ import annotations

import json
from typing import Any

import pytest

from prep.content.models import Case, Compare
from prep.grading.protocol import MALFORMED, CaseRecord, ErrorInfo, ReplyStatus, WorkerReply
from prep.grading.verdict import (
    MESSAGE_SHOWN,
    CaseStatus,
    CaseVerdict,
    build_verdicts,
    case_name,
    judge_case,
    snippet_problem,
)

CASES = (
    Case(name="zero", call="f(0)", expect=0),
    Case(call="f(1)", expect=10),
    Case(call="f(2)", expect=20),
)
LOAD_OK = {"import": "ok"}
VALUE_ERROR = {"type": "ValueError", "mro": ["ValueError", "Exception"], "message": "bad x"}


def channel(*records: dict[str, Any]) -> str:
    return "\n".join(json.dumps(record) for record in records)


def run(
    results: str, status: ReplyStatus = ReplyStatus.COMPLETED, **reply: Any
) -> tuple[list[tuple[str, CaseStatus, str, str]], str]:
    verdicts, problem = build_verdicts(
        CASES, "tests", WorkerReply(status, results=results, **reply)
    )
    return [(v.name, v.status, v.message, v.detail) for v in verdicts], problem


def test_cases_are_named_by_their_name_or_their_place_in_their_set() -> None:
    assert case_name(CASES[0], 0, "tests") == "zero"
    assert case_name(CASES[1], 1, "tests") == "test 2"
    assert case_name(CASES[1], 1, "examples") == "example 2"
    verdicts, _ = build_verdicts(CASES, "examples", WorkerReply(ReplyStatus.COMPLETED))
    assert [v.name for v in verdicts] == ["zero", "example 2", "example 3"]


def test_a_full_run_is_judged_case_by_case_with_what_was_expected() -> None:
    results = channel(
        LOAD_OK, {"i": 0, "value": 0}, {"i": 1, "value": 11}, {"i": 2, "error": VALUE_ERROR}
    )
    assert run(results) == (
        [
            ("zero", CaseStatus.PASS, "", ""),
            ("test 2", CaseStatus.FAIL, "wrong answer", "expected 10, got 11"),
            ("test 3", CaseStatus.ERROR, "raised ValueError: bad x", "raised ValueError: bad x"),
        ],
        "",
    )


def test_a_malformed_channel_makes_every_case_an_error_naming_it() -> None:
    results = channel(LOAD_OK, {"i": 0, "value": 0}, {"i": 0, "value": 0})
    assert run(results) == (
        [(n, CaseStatus.ERROR, MALFORMED, "") for n in ("zero", "test 2", "test 3")],
        MALFORMED,
    )
    # The channel's problem comes first even when the run also ended badly.
    assert run(results, exit_signal="SIGKILL")[1] == MALFORMED


def test_code_that_fails_to_load_runs_no_case() -> None:
    results = channel({"import": "error", "error": VALUE_ERROR})
    not_run = "not run: the code failed to load"
    assert run(results) == (
        [(n, CaseStatus.ERROR, not_run, "") for n in ("zero", "test 2", "test 3")],
        "the code failed to load: ValueError: bad x",
    )
    long = {**VALUE_ERROR, "message": "x" * 1000}
    _, problem = run(channel({"import": "error", "error": long}))
    assert len(problem) == MESSAGE_SHOWN
    assert problem.startswith("the code failed to load: ValueError: xxx")


def test_memory_or_time_spent_loading_is_said_as_such() -> None:
    memory = "memory limit exceeded while loading the code"
    assert run(channel({"import": "memory"})) == (
        [(n, CaseStatus.MEMORY, memory, "") for n in ("zero", "test 2", "test 3")],
        "",
    )
    timeout = "time limit exceeded while loading the code"
    assert run("", ReplyStatus.TIMEOUT) == (
        [(n, CaseStatus.TIMEOUT, timeout, "") for n in ("zero", "test 2", "test 3")],
        "",
    )


def test_a_run_that_never_loaded_says_why() -> None:
    killed = "the program was killed (SIGSEGV)"
    assert run("", exit_signal="SIGSEGV") == (
        [(n, CaseStatus.ERROR, killed, "") for n in ("zero", "test 2", "test 3")],
        killed,
    )
    assert run("") == (
        [(n, CaseStatus.ERROR, "the code did not load", "") for n in ("zero", "test 2", "test 3")],
        "",
    )


def test_after_a_timeout_the_first_missing_case_is_the_slow_one() -> None:
    results = channel(LOAD_OK, {"i": 0, "value": 0})
    assert run(results, ReplyStatus.TIMEOUT) == (
        [
            ("zero", CaseStatus.PASS, "", ""),
            ("test 2", CaseStatus.TIMEOUT, "time limit exceeded", ""),
            ("test 3", CaseStatus.TIMEOUT, "not run (time limit reached)", ""),
        ],
        "",
    )


def test_cases_missing_after_a_crash_carry_the_crash() -> None:
    results = channel(LOAD_OK, {"i": 0, "value": 0})
    assert run(results, ReplyStatus.OUTPUT_LIMIT) == (
        [
            ("zero", CaseStatus.PASS, "", ""),
            ("test 2", CaseStatus.ERROR, "output limit exceeded (more than 1 MiB printed)", ""),
            ("test 3", CaseStatus.ERROR, "output limit exceeded (more than 1 MiB printed)", ""),
        ],
        "output limit exceeded (more than 1 MiB printed)",
    )
    stopped = "no result (the program stopped before this case)"
    assert run(results)[0][1:] == [
        ("test 2", CaseStatus.ERROR, stopped, ""),
        ("test 3", CaseStatus.ERROR, stopped, ""),
    ]


@pytest.mark.parametrize(
    ("case", "record", "verdict"),
    [
        (
            Case(call="f()", expect=1),
            CaseRecord(0, memory=True),
            (CaseStatus.MEMORY, "memory limit exceeded", ""),
        ),
        (
            Case(call="f()", expect_error="LookupError"),
            CaseRecord(0, error=ErrorInfo("ValueError", ("ValueError", "Exception"), "v")),
            (CaseStatus.FAIL, "raised ValueError", "expected LookupError, raised ValueError: v"),
        ),
        (
            Case(call="f()", expect_error="LookupError"),
            CaseRecord(0, value=[1, 2], has_value=True),
            (
                CaseStatus.FAIL,
                "expected LookupError to be raised",
                "expected LookupError, returned [1, 2]",
            ),
        ),
        (
            Case(call="f()", expect=1),
            CaseRecord(0, value={"$t": "nope"}, has_value=True),
            (CaseStatus.ERROR, "malformed result (unknown tag 'nope')", ""),
        ),
        (
            Case(call="f()", expect=[1.0, 2.0], compare=Compare.CLOSE, tolerance=0.01),
            CaseRecord(0, value=[1.001, 2.009], has_value=True),
            (CaseStatus.PASS, "", ""),
        ),
        (
            Case(call="f()", expect=1),
            CaseRecord(0, error=ErrorInfo("RuntimeError", ("RuntimeError",), "y" * 1000)),
            (
                CaseStatus.ERROR,
                ("raised RuntimeError: " + "y" * 1000)[:MESSAGE_SHOWN],
                "raised RuntimeError: " + "y" * 1000,
            ),
        ),
    ],
)
def test_one_case_is_judged_by_what_it_expects(
    case: Case, record: CaseRecord, verdict: tuple[CaseStatus, str, str]
) -> None:
    assert judge_case(case, record) == verdict


def test_a_returned_value_shown_against_an_expected_error_is_cut_short() -> None:
    case = Case(call="f()", expect_error="KeyError")
    _, _, detail = judge_case(case, CaseRecord(0, value="z" * 500, has_value=True))
    assert detail == "expected KeyError, returned '" + "z" * 199


def test_a_verdict_passes_only_on_pass() -> None:
    assert CaseVerdict("a", CaseStatus.PASS, "").passed
    assert not any(
        CaseVerdict("a", status, "").passed
        for status in CaseStatus
        if status is not CaseStatus.PASS
    )


def script(*records: dict[str, Any]) -> str:
    return channel(*records)


@pytest.mark.parametrize(
    ("reply", "problem"),
    [
        (WorkerReply(ReplyStatus.COMPLETED, results=script({"script": "ok"})), ""),
        (WorkerReply(ReplyStatus.TIMEOUT, results=script({"script": "ok"})), "time limit exceeded"),
        (
            WorkerReply(ReplyStatus.WORKER_DIED),
            "the grading process was killed (by the submission?)",
        ),
        (
            WorkerReply(ReplyStatus.COMPLETED, results=script({"script": "memory"})),
            "memory limit exceeded",
        ),
        (
            WorkerReply(
                ReplyStatus.COMPLETED, results=script({"script": "error", "error": VALUE_ERROR})
            ),
            "raised ValueError: bad x",
        ),
        (WorkerReply(ReplyStatus.COMPLETED, results=""), "the program did not finish"),
        (WorkerReply(ReplyStatus.COMPLETED, results="junk"), MALFORMED),
        (
            WorkerReply(ReplyStatus.OUTPUT_LIMIT, results=""),
            "output limit exceeded (more than 1 MiB printed)",
        ),
        (
            WorkerReply(
                ReplyStatus.COMPLETED, results=script({"script": "ok"}), exit_signal="SIGXCPU"
            ),
            "CPU time limit exceeded",
        ),
    ],
)
def test_what_stopped_a_snippet_is_said_in_words(reply: WorkerReply, problem: str) -> None:
    assert snippet_problem(reply) == problem
