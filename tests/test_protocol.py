"""The messages between prep, its worker and the child, each way: what one side
writes the other reads back unchanged, and anything out of shape is refused."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from prep.grading.attempts import attempt_from_report, predict_attempt
from prep.grading.protocol import (
    MALFORMED,
    CaseInput,
    CaseRecord,
    ErrorInfo,
    KataJob,
    LoadRecord,
    ProtocolError,
    ReplyStatus,
    ScriptJob,
    ScriptRecord,
    WorkerReply,
    parse_job,
    parse_results,
)
from prep.grading.verdict import (
    CaseStatus,
    CaseVerdict,
    GradeReport,
    normalise_output,
    outputs_match,
)

AT = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)


def wire(data: dict[str, Any]) -> str:
    return json.dumps(data)


def test_jobs_survive_the_wire() -> None:
    kata = KataJob(
        source="def f(): ...",
        cases=(CaseInput(call="f()"), CaseInput(code="result = f()")),
        preamble="import math",
        timeout_s=2.5,
        memory_mb=128,
    )
    assert parse_job(wire(kata.to_wire())) == kata
    assert parse_job(wire(kata.to_wire()).encode()) == kata
    script = ScriptJob("print(1)", 4.0, 64)
    assert parse_job(wire(script.to_wire())) == script
    assert kata.to_wire()["cases"] == [{"call": "f()"}, {"code": "result = f()"}]


@pytest.mark.parametrize(
    "line",
    [
        "not json",
        "[1, 2]",
        wire({"kind": "exec", "source": ""}),
        wire({"kind": "kata", "source": "", "cases": "f()"}),
        wire({"kind": "kata", "source": "", "cases": [{}]}),
        wire({"kind": "kata", "source": "", "cases": [3]}),
        wire({"kind": "kata", "source": 3, "cases": []}),
        wire({"kind": "script", "source": "", "timeout_s": "5"}),
        wire({"kind": "script", "source": "", "timeout_s": True}),
        wire({"kind": "kata", "source": "", "cases": [], "preamble": None}),
    ],
)
def test_a_job_out_of_shape_is_refused(line: str) -> None:
    with pytest.raises(ProtocolError):
        parse_job(line)


def test_job_defaults_are_the_documented_limits() -> None:
    job = parse_job(wire({"kind": "kata", "source": "x = 1", "cases": []}))
    assert isinstance(job, KataJob)
    assert (job.timeout_s, job.memory_mb, job.preamble) == (5.0, 256, "")


@pytest.mark.parametrize(
    "reply",
    [
        WorkerReply(ReplyStatus.COMPLETED, "r", "out", "err", True, None, 0, 12.5),
        WorkerReply(ReplyStatus.TIMEOUT, exit_signal="SIGKILL", duration_ms=5000.0),
        WorkerReply(ReplyStatus.OUTPUT_LIMIT, stdout="x" * 10),
        WorkerReply(ReplyStatus.RESULT_LIMIT, exit_code=3),
    ],
)
def test_replies_survive_the_wire(reply: WorkerReply) -> None:
    assert WorkerReply.from_wire(json.loads(wire(reply.to_wire()))) == reply


@pytest.mark.parametrize(
    "data",
    [
        [],
        {"status": "completed", "exit": []},
        {"status": "completed", "stdout": 3},
        {"status": "completed", "duration_ms": "fast"},
        {"status": "timeout", "results": None},
    ],
)
def test_a_reply_out_of_shape_is_refused(data: Any) -> None:
    with pytest.raises(ProtocolError):
        WorkerReply.from_wire(data)


def test_a_reply_ignores_exit_details_of_the_wrong_type() -> None:
    reply = WorkerReply.from_wire({"status": "completed", "exit": {"signal": 9, "code": True}})
    assert reply.exit_signal is None and reply.exit_code is None


@pytest.mark.parametrize(
    ("reply", "problem"),
    [
        (WorkerReply(ReplyStatus.COMPLETED), ""),
        (WorkerReply(ReplyStatus.COMPLETED, exit_code=1), ""),
        (WorkerReply(ReplyStatus.OUTPUT_LIMIT), "output limit exceeded (more than 1 MiB printed)"),
        (WorkerReply(ReplyStatus.RESULT_LIMIT), "results too large"),
        (
            WorkerReply(ReplyStatus.WORKER_DIED),
            "the grading process was killed (by the submission?)",
        ),
        (WorkerReply(ReplyStatus.COMPLETED, exit_signal="SIGXCPU"), "CPU time limit exceeded"),
        (
            WorkerReply(ReplyStatus.TIMEOUT, exit_signal="SIGSEGV"),
            "the program was killed (SIGSEGV)",
        ),
    ],
)
def test_what_ended_a_run_is_said_plainly(reply: WorkerReply, problem: str) -> None:
    assert reply.problem() == problem


def test_the_childs_records_are_read_back_as_sent() -> None:
    error = ErrorInfo("KeyError", ("KeyError", "LookupError", "Exception"), "'k'")
    lines: list[LoadRecord | CaseRecord] = [
        LoadRecord("ok"),
        CaseRecord(0, value=[1, {"$t": "tuple", "v": [2]}], has_value=True),
        CaseRecord(1, error=error),
        CaseRecord(2, memory=True),
    ]
    channel = parse_results("\n".join(wire(r.to_wire()) for r in lines), 3)
    assert channel.problem == "" and channel.load == LoadRecord("ok")
    assert channel.cases == {0: lines[1], 1: lines[2], 2: lines[3]}
    assert channel.cases[1].error is not None and channel.cases[1].error.is_a("LookupError")
    assert not error.is_a("ValueError") and error.describe() == "KeyError: 'k'"
    assert ErrorInfo("E", ("E",), "").describe() == "E"


def test_load_and_script_records_carry_their_errors() -> None:
    error = ErrorInfo("SyntaxError", ("SyntaxError", "Exception"), "bad")
    channel = parse_results(wire(LoadRecord("error", error).to_wire()), 1)
    assert channel.load == LoadRecord("error", error) and channel.cases == {}
    script = parse_results(wire(ScriptRecord("error", error).to_wire()), 0)
    assert script.script == ScriptRecord("error", error)
    assert parse_results(wire(ScriptRecord("memory").to_wire()), 0).script == ScriptRecord("memory")
    two = "\n".join([wire(ScriptRecord("ok").to_wire())] * 2)
    assert parse_results(two, 0).problem == MALFORMED
    assert parse_results(wire({"import": "maybe"}), 0).problem == MALFORMED


# -- what is kept of a run ------------------------------------------------------------


def report(which: str, statuses: list[CaseStatus], problem: str = "") -> GradeReport:
    cases = tuple(CaseVerdict(f"t{i}", status, "") for i, status in enumerate(statuses))
    return GradeReport(which, cases, "out", "err", 12.6, problem)  # type: ignore[arg-type]


def test_a_submission_is_kept_with_its_verdict_and_time() -> None:
    graded = report("tests", [CaseStatus.PASS, CaseStatus.FAIL], "slow")
    attempt = attempt_from_report("d/k", "code", graded, AT, "install", timedelta(seconds=90))
    assert (attempt.card_key, attempt.kind, attempt.code, attempt.passed) == (
        "d/k", "submit", "code", False,
    )  # fmt: skip
    assert attempt.summary == {
        "passed": 1,
        "total": 2,
        "statuses": ["pass", "fail"],
        "problem": "slow",
        "elapsed_ms": 90_000,
    }
    assert attempt.duration_ms == 13 and attempt.submitted_at == AT
    assert attempt.installation_id == "install"
    examples = attempt_from_report("d/k", "c", report("examples", [CaseStatus.PASS]), AT, "i")
    assert examples.kind == "examples" and examples.passed and "elapsed_ms" not in examples.summary
    assert attempt.id != examples.id


def test_a_prediction_is_kept_with_what_the_program_printed() -> None:
    attempt = predict_attempt("d/p", "guess", "x" * 5000, False, AT, "install", 7.4)
    assert (attempt.kind, attempt.code, attempt.passed, attempt.duration_ms) == (
        "predict", "guess", False, 7,
    )  # fmt: skip
    assert attempt.summary == {"actual": "x" * 4000}
    assert (attempt.card_key, attempt.submitted_at, attempt.installation_id) == (
        "d/p", AT, "install",
    )  # fmt: skip
    other = predict_attempt("d/p", "guess", "", True, AT, "install", 0.0)
    assert len(attempt.id) == 36 and other.id != attempt.id and other.passed


@pytest.mark.parametrize(
    ("expected", "actual", "same"),
    [
        ("a\nb\n", "a\nb", True),
        ("a  \nb\t\n\n\n", "a\nb", True),
        ("a\r\nb\r\n", "a\nb\n", True),
        ("a\nb", " a\nb", False),
        ("a\n\nb", "a\nb", False),
        ("1", "1.0", False),
    ],
)
def test_predictions_ignore_trailing_whitespace_only(
    expected: str, actual: str, same: bool
) -> None:
    assert outputs_match(expected, actual) is same
    assert normalise_output("x \n\n") == "x"
