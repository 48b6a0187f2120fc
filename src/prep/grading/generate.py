"""Child side: draw a kata's random cases and run the reference solution on them.

Runs in a disposable child of a worker that never runs a learner's code, so
the expected values it sends never pass through a process the learner's code
is forked from. Each case's arguments are encoded before the reference sees
them, and the reference works on a copy rebuilt from that encoding: the very
values the learner's run will rebuild.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Callable
from typing import Any

from prep.grading.protocol import (
    CaseRecord,
    ErrorInfo,
    GeneratedRecord,
    GenerateJob,
    LoadRecord,
    TimingRecord,
)
from prep.grading.runner import (
    MESSAGE_LIMIT,
    cpu_seconds,
    describe_error,
    evaluate,
    fresh_namespace,
    load_code,
    rebuild_args,
    send_record,
)
from prep.grading.values import encode

Generator = Callable[[random.Random, Any, int], Any]


def case_seed(seed: int, index: int, stream: str = "case") -> int:
    """The seed of one case, derived from the submission's seed: the same on every
    machine and Python (no ``hash``), and unrelated between neighbouring cases."""
    digest = hashlib.sha256(f"{stream}:{seed}:{index}".encode()).digest()
    return int.from_bytes(digest[:8], "big")


def draw(generate: Generator, seed: int, size: int) -> dict[str, Any]:
    """The encoded arguments ``generate`` gives for this seed and size."""
    rng = random.Random(seed)
    try:
        import numpy as np

        np_rng: Any = np.random.default_rng(seed)
    except ImportError:
        np_rng = None
    args = generate(rng, np_rng, size)
    if not isinstance(args, dict) or not all(
        isinstance(name, str) and name.isidentifier() for name in args
    ):
        raise TypeError("generate must return a dict of argument names to values")
    return {name: encode(value) for name, value in args.items()}


def _problem(what: str, exc: BaseException) -> str:
    return f"{what}: {describe_error(exc).describe()}"[:MESSAGE_LIMIT]


def _load_generator(fd: int, source: str) -> Generator | None:
    namespace = fresh_namespace("generator")
    try:
        exec(compile(source, "<generate>", "exec", dont_inherit=True), namespace)
    except BaseException as exc:
        send_record(fd, LoadRecord("error", describe_error(exc)))
        return None
    generate = namespace.get("generate")
    if not callable(generate):
        missing = ErrorInfo("NameError", ("NameError",), "random.generate defines no 'generate'")
        send_record(fd, LoadRecord("error", missing))
        return None
    return generate  # type: ignore[no-any-return]


def _reference_outcome(
    namespace: dict[str, Any], job: GenerateJob, args: dict[str, Any], index: int
) -> CaseRecord:
    try:
        value = evaluate(namespace, job.call, job.code, args, f"<case {index}>")
        return CaseRecord(0, value=encode(value), has_value=True)
    except MemoryError:
        return CaseRecord(0, memory=True)
    except BaseException as exc:
        return CaseRecord(0, error=describe_error(exc))


def run_reference(fd: int, job: GenerateJob) -> None:
    namespace = load_code(fd, job.preamble, job.source)
    if namespace is None:
        return
    generate = _load_generator(fd, job.generator)
    if generate is None:
        return
    send_record(fd, LoadRecord("ok"))
    for index in range(job.count):
        try:
            wire = draw(generate, case_seed(job.seed, index), job.size)
            # The learner's run will rebuild the arguments: they must survive the trip.
            args = rebuild_args(wire)
        except BaseException as exc:
            send_record(fd, GeneratedRecord(index, problem=_problem("generate failed", exc)))
            continue
        outcome = _reference_outcome(namespace, job, args, index)
        send_record(fd, GeneratedRecord(index, wire, outcome))
    for index, size in enumerate(job.sizes):
        try:
            wire = draw(generate, case_seed(job.seed, index, "size"), size)
            rebuild_args(wire)
        except BaseException as exc:
            send_record(
                fd, TimingRecord(index, problem=_problem(f"generate failed at size {size}", exc))
            )
            continue
        try:
            seconds = cpu_seconds(namespace, job.call, job.code, wire)
        except BaseException as exc:
            problem = _problem(f"the reference failed at size {size}", exc)
            send_record(fd, TimingRecord(index, problem=problem))
            continue
        send_record(fd, TimingRecord(index, wire, seconds))
