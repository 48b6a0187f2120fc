"""Fresh hidden cases at every submission: the seed, the reference's run that
draws them, and its reply read into cases whose expected values stay here.

The reference runs in a worker of its own (``Grader``); the learner's run is
sent the arguments alone, as ``CaseInput.args``.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

from prep.content.models import Case, KataCard, RandomCases
from prep.grading.compare import show
from prep.grading.protocol import (
    MALFORMED,
    CaseInput,
    GenerateJob,
    ReplyStatus,
    WorkerReply,
    parse_generated,
)
from prep.grading.values import DecodeError, Opaque, SetValue, decode

SEED_LIMIT = 2**31  # short enough to read out and type back after --seed


def draw_seed() -> int:
    return secrets.randbelow(SEED_LIMIT)


def generate_job(kata: KataCard, seed: int) -> GenerateJob:
    block = _block(kata)
    return GenerateJob(
        source=kata.solution,
        generator=block.generate,
        call=block.call,
        code=block.code,
        seed=seed,
        count=block.count,
        size=block.size,
        sizes=block.sizes or (),
        preamble=kata.preamble or "",
        timeout_s=kata.limits.timeout_s,
        memory_mb=kata.limits.memory_mb,
    )


def _block(kata: KataCard) -> RandomCases:
    if kata.random is None:
        raise ValueError(f"kata '{kata.id}' has no random cases")
    return kata.random


@dataclass(frozen=True)
class RandomDraw:
    """One submission's random cases: what the learner's run is sent, and what it must give."""

    seed: int
    cases: tuple[Case, ...] = ()  # the expectations, kept in the parent
    inputs: tuple[CaseInput, ...] = ()  # what the learner's run receives
    shown: tuple[str, ...] = ()  # each case's arguments, shortened, for the learner to read
    growth_inputs: tuple[dict[str, Any], ...] = ()  # encoded arguments at each growth size
    reference_seconds: tuple[float | None, ...] = ()
    problem: str = ""  # the reference's run failed: no random cases this time
    growth_problem: str = ""


def _holds_opaque(value: Any) -> bool:
    if isinstance(value, Opaque):
        return True
    if isinstance(value, list):
        return any(_holds_opaque(item) for item in value)
    if isinstance(value, SetValue):
        return any(_holds_opaque(item) for item in value.items)
    if isinstance(value, dict):
        return any(_holds_opaque(k) or _holds_opaque(v) for k, v in value.items())
    return False


def shown_arguments(args: dict[str, Any]) -> str:
    """'nums=[3, -5, 8], k=2', each value shortened."""
    parts = []
    for name, wire in args.items():
        try:
            parts.append(f"{name}={show(decode(wire))}")
        except DecodeError:
            parts.append(f"{name}=?")
    return ", ".join(parts)


def read_draw(kata: KataCard, seed: int, reply: WorkerReply) -> RandomDraw:
    """The reference's reply as cases; any case it could not give makes ``problem``."""
    block = _block(kata)
    sizes = block.sizes or ()
    channel = parse_generated(reply.results, block.count, len(sizes))
    if channel.problem:
        return RandomDraw(seed, problem=f"the reference's run sent a {MALFORMED}")
    load = channel.load
    if load is None or load.outcome != "ok":
        why = load.error.describe() if load is not None and load.error else reply.problem()
        return RandomDraw(seed, problem=f"the reference's run did not load ({why or 'no result'})")
    cases, inputs, shown = [], [], []
    for index in range(block.count):
        record = channel.cases.get(index)
        name = f"random {index + 1}"
        if record is None:
            timed_out = reply.status is ReplyStatus.TIMEOUT
            why = reply.problem() or ("time limit exceeded" if timed_out else "")
            return RandomDraw(
                seed, problem=f"the reference gave no result for {name} ({why or 'it stopped'})"
            )
        if record.problem or record.outcome is None:
            return RandomDraw(seed, problem=f"{name}: {record.problem}")
        outcome = record.outcome
        common: dict[str, Any] = {"name": name, "call": block.call, "code": block.code}
        if outcome.memory:
            return RandomDraw(seed, problem=f"{name}: the reference ran out of memory")
        if outcome.error is not None:
            case = Case(**common, expect_error=outcome.error.type)
        else:
            try:
                expected = decode(outcome.value)
            except DecodeError as exc:
                return RandomDraw(
                    seed, problem=f"{name}: the reference's result is malformed ({exc})"
                )
            if _holds_opaque(expected):
                return RandomDraw(
                    seed,
                    problem=f"{name}: the reference's result is not plain data ({show(expected)})",
                )
            case = Case(**common, expect=expected, compare=block.compare, tolerance=block.tolerance)
        cases.append(case)
        inputs.append(CaseInput(call=block.call, code=block.code, args=record.args))
        shown.append(shown_arguments(record.args))
    growth_inputs: list[dict[str, Any]] = []
    seconds: list[float | None] = []
    growth_problem = ""
    for index, size in enumerate(sizes):
        timing = channel.timings.get(index)
        if timing is None or timing.problem:
            growth_problem = (
                timing.problem if timing else f"the reference was not timed at n = {size}"
            )
            break
        growth_inputs.append(timing.args)
        seconds.append(timing.cpu_s)
    return RandomDraw(
        seed,
        tuple(cases),
        tuple(inputs),
        tuple(shown),
        tuple(growth_inputs),
        tuple(seconds),
        growth_problem=growth_problem,
    )
