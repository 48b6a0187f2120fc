"""Proving a deck's code is honest: every kata's solution passes, every wrong
solution is caught by a hidden test, every predict card prints what it says.
A kata's random cases are drawn with the fixed seeds ``CHECK_SEEDS``: the
reference must run cleanly on them, and a wrong solution that passes every
fixed test must fail one of them.

Runs in parallel over a small pool of warm workers.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from prep.content.errors import ContentError
from prep.content.library import StudyCard
from prep.content.models import KataCard, PredictCard
from prep.content.pyversion import running_python
from prep.grading.grader import Grader
from prep.grading.verdict import (
    GradeReport,
    RandomOutcome,
    Which,
    normalise_output,
    outputs_match,
)
from prep.wording import plural

CHECK_SEEDS = (1, 2, 3)


@dataclass(frozen=True)
class Check:
    card: StudyCard
    label: str
    run: Callable[[Grader], list[str]]


def _failures(report: GradeReport) -> list[str]:
    if report.problem and not report.cases:
        return [report.problem]
    return [
        f"{case.name}: {case.detail or case.message}" for case in report.cases if not case.passed
    ] or ([report.problem] if report.problem and not report.passed else [])


def _random_failures(outcome: RandomOutcome | None) -> list[str]:
    if outcome is None:
        return []
    seed = f"seed {outcome.seed}"
    if outcome.problem:
        return [f"random cases ({seed}): {outcome.problem}"]
    return [
        f"{case.name} ({seed}, {shown}): {case.detail or case.message}"
        for case, shown in zip(outcome.cases, outcome.inputs, strict=False)
        if not case.passed
    ]


def _solution_check(kata: KataCard) -> Callable[[Grader], list[str]]:
    def run(grader: Grader) -> list[str]:
        problems = []
        sets: tuple[Which, ...] = ("examples", "tests") if kata.examples else ("tests",)
        for which in sets:
            report = grader.grade(kata, kata.solution, which, seed=CHECK_SEEDS[0], growth=False)
            problems += [f"solution fails {which[:-1]} {failure}" for failure in _failures(report)]
            problems += [f"solution fails {failure}" for failure in _random_failures(report.random)]
        sizes = kata.random.sizes if kata.random is not None else None
        for seed in CHECK_SEEDS[1:] if kata.random is not None else ():
            # The fixed tests ran above: the other seeds need the random cases alone.
            draw = grader.draw_random(kata, seed)
            outcome = grader.judge_random(kata, kata.solution, draw)
            problems += [f"solution fails {failure}" for failure in _random_failures(outcome)]
            if sizes and draw.growth_problem and not draw.problem:
                problems.append(f"random sizes (seed {seed}): {draw.growth_problem}")
        return problems

    return run


def _wrong_solution_check(kata: KataCard, index: int) -> Callable[[Grader], list[str]]:
    wrong = kata.wrong_solutions[index]

    def run(grader: Grader) -> list[str]:
        report = grader.grade(kata, wrong.code, "tests", seed=CHECK_SEEDS[0], growth=False)
        if not report.passed:
            return []
        random = report.random
        for seed in CHECK_SEEDS[1:] if random is not None and not random.problem else ():
            outcome = grader.judge_random(kata, wrong.code, grader.draw_random(kata, seed))
            if not outcome.passed:
                return []
        if random is not None and random.problem:
            # The solution's check says why the random cases did not run.
            cases = "every hidden test (the random cases did not run)"
        elif random is not None:
            cases = "every hidden test and random case"
        else:
            cases = "every hidden test"
        return [f"wrong solution '{wrong.name}' passes {cases}: the tests miss this mistake"]

    return run


def _first_difference(expected: str, actual: str) -> str:
    want = normalise_output(expected).split("\n")
    got = normalise_output(actual).split("\n")
    for number, (a, b) in enumerate(zip(want, got, strict=False), start=1):
        if a != b:
            return f"line {number}: expected {a!r}, got {b!r}"
    if len(want) != len(got):
        return f"expected {plural(len(want), 'line')}, got {len(got)}"
    return "outputs differ"


def _predict_check(card: PredictCard) -> Callable[[Grader], list[str]]:
    def run(grader: Grader) -> list[str]:
        result = grader.run_snippet(card)
        if result.problem and "raised" not in result.problem:
            return [f"snippet did not run: {result.problem}"]
        if not outputs_match(card.expect_output, result.stdout):
            return [
                f"expect_output is wrong: {_first_difference(card.expect_output, result.stdout)}"
            ]
        return []

    return run


def plan_checks(cards: Iterable[StudyCard]) -> list[Check]:
    checks: list[Check] = []
    version = running_python()
    for study_card in cards:
        card = study_card.card
        if not card.applies_to(version):
            continue
        if isinstance(card, KataCard):
            checks.append(Check(study_card, "solution", _solution_check(card)))
            for index in range(len(card.wrong_solutions)):
                checks.append(
                    Check(study_card, f"wrong solution {index}", _wrong_solution_check(card, index))
                )
        elif isinstance(card, PredictCard):
            checks.append(Check(study_card, "snippet", _predict_check(card)))
    return checks


def run_checks(
    checks: list[Check],
    grader: Grader,
    jobs: int,
    progress: Callable[[int, int], None] | None = None,
) -> list[ContentError]:
    errors: list[ContentError] = []
    done = 0

    def one(check: Check) -> list[ContentError]:
        kind = check.card.card.type
        return [
            ContentError(
                check.card.path, check.card.line, f"{kind} '{check.card.card.id}': {problem}"
            )
            for problem in check.run(grader)
        ]

    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        for found in pool.map(one, checks):
            errors.extend(found)
            done += 1
            if progress is not None:
                progress(done, len(checks))
    return errors
