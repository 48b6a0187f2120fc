"""Random cases: fresh hidden inputs at every submission, expected values from the
reference in a run of its own, the same cases again from the same seed, and the growth
measure beside the reference's."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from prep.content import KataCard, load_library
from prep.content.library import Library
from prep.content.models import RandomCases
from prep.content.rules import random_block_problems
from prep.grading.generate import case_seed
from prep.grading.grader import Grader
from prep.grading.growth import GrowthMeasure, growth_exponent
from prep.grading.protocol import ReplyStatus, WorkerReply
from prep.grading.random_cases import read_draw
from prep.grading.values import encode, rebuild
from prep.grading.verdict import CaseStatus, CaseVerdict, GradeReport, RandomOutcome
from prep.grading.verify import plan_checks, run_checks
from prep.tui.widgets.grade_results import report_markdown
from tests.helpers import run_prep

DECK = """\
deck: rnd
title: Random cases
cards:
  - id: top-k
    type: kata
    title: Top K
    prompt: "`top_k(nums, k)`: the k largest, descending; ValueError for a negative k."
    tests:
      - call: top_k([3, 1, 4, 1, 5], 2)
        expect: [5, 4]
      - call: top_k([], 0)
        expect: []
      - call: top_k([7, 7, 1], 3)
        expect: [7, 7, 1]
    solution: |
      import heapq
      def top_k(nums, k):
          if k < 0:
              raise ValueError("k must not be negative")
          return heapq.nlargest(k, nums)
    wrong_solutions:
      - name: ascending
        code: |
          def top_k(nums, k):
              return sorted(nums)[-k:] if k else []
      - name: no-error-for-negative-k
        code: |
          def top_k(nums, k):
              return sorted(nums, reverse=True)[:max(k, 0)]
    random:
      count: 20
      size: 30
      generate: |
        def generate(rng, np_rng, size):
            n = rng.randint(0, size)
            nums = [rng.randint(-1000, 1000) for _ in range(n)]
            return {"nums": nums, "k": rng.randint(-1, n)}
      call: top_k(nums, k)
  - id: best-gain
    type: kata
    title: Best gain
    prompt: "`best_gain(prices)`: the largest prices[j] - prices[i] with i < j, or 0."
    tests:
      - call: best_gain([7, 1, 5, 3, 6, 4])
        expect: 5
      - call: best_gain([])
        expect: 0
    solution: |
      def best_gain(prices):
          best, low = 0, None
          for price in prices:
              if low is None or price < low:
                  low = price
              elif price - low > best:
                  best = price - low
          return best
    limits: {timeout_s: 60, memory_mb: 256}
    random:
      count: 5
      size: 30
      generate: |
        def generate(rng, np_rng, size):
            return {"prices": np_rng.integers(0, 10**6, size).tolist()}
      call: best_gain(prices)
      sizes: [500, 1000, 2000, 4000]
"""

TOP_K = "rnd/top-k"
BEST_GAIN = "rnd/best-gain"
# Knows the fixed tests' answers by heart, and nothing else.
MEMORISED = """\
ANSWERS = {((3, 1, 4, 1, 5), 2): [5, 4], ((), 0): [], ((7, 7, 1), 3): [7, 7, 1]}
def top_k(nums, k):
    return ANSWERS.get((tuple(nums), k), [])
"""
QUADRATIC_GAIN = """\
def best_gain(prices):
    best = 0
    for i in range(len(prices)):
        for j in range(i + 1, len(prices)):
            if prices[j] - prices[i] > best:
                best = prices[j] - prices[i]
    return best
"""


@pytest.fixture(scope="module")
def decks(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("random-decks")
    (folder / "rnd.yaml").write_text(DECK, encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def library(decks: Path) -> Library:
    loaded = load_library([decks])
    assert not loaded.errors, loaded.errors
    return loaded


def kata(library: Library, key: str) -> KataCard:
    card = library.cards[key].card
    assert isinstance(card, KataCard)
    return card


@pytest.fixture(scope="module")
def grader() -> Iterator[Grader]:
    grader = Grader(size=1)
    yield grader
    grader.close()


# -- the content field ------------------------------------------------------------------

GENERATE = "def generate(rng, np_rng, size):\n    return {'x': size}\n"


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"call": "f(x)", "code": "result = f(x)"}, "exactly one of 'call' or 'code'"),
        ({}, "exactly one of 'call' or 'code'"),
        ({"call": "f(x)", "sizes": [10, 20]}, "at least 3 sizes"),
        ({"call": "f(x)", "sizes": [10, 30, 20]}, "must increase"),
        ({"call": "f(x)", "count": 0}, "greater than or equal to 1"),
        ({"call": "f(x)", "count": 201}, "less than or equal to 200"),
        ({"call": "f(x)", "generate": "def generate(:"}, "generate is not valid Python"),
        ({"code": "f(x)"}, "must assign 'result'"),
        ({"call": "f(x)", "tolerance": 0.1, "compare": "exact"}, "only applies with"),
        ({"call": "f(x)", "seed": 3}, "Extra inputs are not permitted"),
    ],
)
def test_a_random_block_is_checked_when_it_loads(fields: dict[str, object], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        RandomCases.model_validate({"generate": GENERATE, **fields})


def test_a_random_block_has_its_defaults() -> None:
    block = RandomCases.model_validate({"generate": GENERATE, "call": "f(x)", "tolerance": 0.5})
    assert (block.count, block.size, block.sizes) == (20, 20, None)
    assert block.compare.value == "close"  # a tolerance alone means close, as for a case


@pytest.mark.parametrize(
    ("generate", "problem"),
    [
        ("def make(rng, np_rng, size):\n    return {}\n", "must define a function 'generate"),
        ("def generate(rng):\n    return {}\n", "must take (rng, np_rng, size)"),
        ("generate = lambda rng, np_rng, size: {}\n", "must define a function 'generate"),
    ],
)
def test_check_refuses_a_generator_that_defines_no_generate(
    tmp_path: Path, generate: str, problem: str
) -> None:
    text = DECK.replace(
        DECK[DECK.index("        def generate") : DECK.index("      call: top_k")],
        "".join(f"        {line}\n" for line in generate.splitlines()),
    )
    (tmp_path / "rnd.yaml").write_text(text, encoding="utf-8")
    library = load_library([tmp_path])
    found = [p.message for card in library.cards.values() for p in random_block_problems(card)]
    assert len(found) == 1 and problem in found[0]


def test_the_shipped_generators_all_define_generate() -> None:
    from prep.paths import builtin_deck_dir

    shipped = load_library([builtin_deck_dir()])
    assert [p for card in shipped.cards.values() for p in random_block_problems(card)] == []


# -- pure parts -------------------------------------------------------------------------


def test_inputs_are_rebuilt_as_they_were_generated() -> None:
    import numpy as np

    values = [(1, (2, 3)), {"a": [1.5, None]}, {4, 5}, frozenset({6}), b"x", 2**70, 1 + 2j]
    for value in values:
        assert rebuild(encode(value)) == value
        assert type(rebuild(encode(value))) is type(value)
    array = np.arange(6, dtype=np.int32).reshape(2, 3)
    again = rebuild(encode(array))
    assert again.dtype == array.dtype and again.shape == (2, 3) and (again == array).all()
    assert type(rebuild(encode(np.float32(1.5)))) is np.float32


def test_case_seeds_are_fixed_by_the_submission_seed_and_the_index() -> None:
    assert case_seed(1234, 0) == case_seed(1234, 0)
    seeds = {case_seed(1234, index) for index in range(200)}
    assert len(seeds) == 200
    assert case_seed(1234, 0) != case_seed(1235, 0)
    assert case_seed(1234, 0) != case_seed(1234, 0, "size")


def test_the_growth_exponent_is_the_slope_on_log_log() -> None:
    sizes = [1000, 2000, 4000, 8000]
    assert growth_exponent(sizes, [n**2 * 1e-9 for n in sizes]) == pytest.approx(2.0)
    assert growth_exponent(sizes, [n * 1e-7 for n in sizes]) == pytest.approx(1.0)
    assert growth_exponent(sizes, [1e-3, None, None, None]) is None
    measure = GrowthMeasure((1000, 2000, 4000), (1e-3, 4e-3, None), (1e-4, 2e-4, 4e-4), "late")
    assert measure.describe() == (
        "yours grows like n^2.0, the reference like n^1.0 (not measured at n = 4000: late)"
    )


def test_the_results_name_the_seed_and_the_first_failing_input() -> None:
    verdicts = (
        CaseVerdict("random 1", CaseStatus.PASS, ""),
        CaseVerdict("random 2", CaseStatus.FAIL, "wrong answer", got="[1]"),
    )
    outcome = RandomOutcome(1234567, verdicts, ("nums=[3], k=1", "nums=[1, 2], k=1"))
    report = GradeReport(
        "tests", (CaseVerdict("test 1", CaseStatus.PASS, ""),), "", "", 12.0, random=outcome
    )
    assert not report.passed
    assert outcome.summary() == "random cases: 1 of 2 passed (seed 1234567)"
    shown = report_markdown(report, [], reveal=False)
    assert "random cases: 1 of 2 passed (seed 1234567)" in shown
    assert "nums=[1, 2], k=1" in shown and "`[1]`" in shown


# -- grading ----------------------------------------------------------------------------


@pytest.mark.slow
def test_the_same_seed_draws_the_same_inputs_and_expected_values(
    library: Library, grader: Grader
) -> None:
    card = kata(library, TOP_K)
    first, again = grader.draw_random(card, 99), grader.draw_random(card, 99)
    assert not first.problem
    assert first.inputs == again.inputs and first.cases == again.cases
    assert len(first.cases) == 20
    other = grader.draw_random(card, 100)
    assert other.inputs != first.inputs
    # The reference's error for a negative k is the expected outcome, as expect_error.
    draws = [grader.draw_random(card, seed) for seed in range(5)]
    errors = {case.expect_error for draw in draws for case in draw.cases}
    assert "ValueError" in errors


@pytest.mark.slow
def test_memorising_the_fixed_tests_fails_the_random_ones(library: Library, grader: Grader) -> None:
    card = kata(library, TOP_K)
    report = grader.grade(card, MEMORISED, seed=7)
    assert all(case.passed for case in report.cases)
    assert report.random is not None and not report.random.passed
    assert not report.passed
    assert report.random.seed == 7
    assert report.random.failing_text().startswith("first failing: random ")
    # A case drawn for this submission alone shows what was expected of it.
    assert "expected" in report.random.failing_text()
    honest = grader.grade(card, card.solution, seed=7)
    assert honest.passed and honest.random is not None
    assert honest.random.summary() == "random cases: 20 of 20 passed (seed 7)"


@pytest.mark.slow
def test_each_submission_draws_a_fresh_seed(library: Library, grader: Grader) -> None:
    card = kata(library, TOP_K)
    seeds = {grader.grade(card, card.solution).random.seed for _ in range(3)}  # type: ignore[union-attr]
    assert len(seeds) == 3


def grade_with_seed(
    decks: Path, tmp_path: Path, path: Path, *extra: str
) -> subprocess.CompletedProcess[str]:
    return run_prep(
        "--no-builtin", "--content", str(decks), "grade", "--seed", "4242", "--no-record",
        *extra, TOP_K, str(path), PREP_HOME=str(tmp_path / "home"),
    )  # fmt: skip


@pytest.mark.slow
def test_prep_grade_seed_repeats_a_failing_run(decks: Path, tmp_path: Path) -> None:
    path = tmp_path / "memorised.py"
    path.write_text(MEMORISED, encoding="utf-8")
    runs = [grade_with_seed(decks, tmp_path, path) for _ in range(2)]
    assert runs[0].returncode == 1
    lines = runs[0].stdout.splitlines()
    summary = next(line for line in lines if line.startswith("random cases:"))
    assert summary.endswith("passed (seed 4242)") and "20 of 20" not in summary
    failing = next(line for line in lines if "first failing:" in line)
    assert "nums=" in failing and "k=" in failing
    assert any("--seed 4242" in line for line in lines)
    assert [line for line in runs[1].stdout.splitlines() if "random" in line] == [
        line for line in lines if "random" in line
    ]
    as_json = grade_with_seed(decks, tmp_path, path, "--json")
    verdict = json.loads(as_json.stdout)
    assert verdict["random"]["seed"] == 4242 and verdict["random"]["total"] == 20
    assert verdict["random"]["passed"] < 20


@pytest.mark.slow
def test_check_needs_the_random_cases_to_catch_a_wrong_solution(
    library: Library, grader: Grader
) -> None:
    top_k = library.cards[TOP_K]
    card = kata(library, TOP_K)
    # 'no-error-for-negative-k' passes every fixed test: only the random cases catch it.
    lenient = card.wrong_solutions[1].code
    assert all(case.passed for case in grader.grade(card, lenient, seed=1).cases)
    assert run_checks(plan_checks([top_k]), grader, jobs=1) == []


@pytest.mark.slow
def test_check_reports_a_wrong_solution_the_random_cases_miss_and_a_broken_generator(
    decks: Path, tmp_path: Path, grader: Grader
) -> None:
    text = DECK.replace(
        "return sorted(nums, reverse=True)[:max(k, 0)]",
        "return sorted(nums, reverse=True)[:k] if k >= 0 else int('not a number')",
    )
    (tmp_path / "rnd.yaml").write_text(text, encoding="utf-8")
    library = load_library([tmp_path])
    errors = run_checks(plan_checks([library.cards[TOP_K]]), grader, jobs=1)
    assert [error.message for error in errors] == [
        "kata 'top-k': wrong solution 'no-error-for-negative-k' passes every hidden test "
        "and random case: the tests miss this mistake"
    ]
    broken = DECK.replace('return {"nums": nums', 'return {"nums": object(), "n": nums')
    (tmp_path / "rnd.yaml").write_text(broken, encoding="utf-8")
    library = load_library([tmp_path])
    errors = run_checks(plan_checks([library.cards[TOP_K]]), grader, jobs=1)
    messages = sorted(error.message for error in errors)
    assert messages[0].startswith(
        "kata 'top-k': solution fails random cases (seed 1): random 1: generate failed: "
        "EncodingError: cannot rebuild a value tagged 'object'"
    ), messages
    assert any("(the random cases did not run)" in message for message in messages)


@pytest.mark.slow
def test_a_slow_answer_grows_faster_than_the_reference(library: Library, grader: Grader) -> None:
    card = kata(library, BEST_GAIN)
    report = grader.grade(card, QUADRATIC_GAIN, seed=3)
    assert report.passed, report
    growth = report.growth
    assert growth is not None and growth.problem == "", growth
    yours, reference = growth.yours_exponent, growth.reference_exponent
    assert yours is not None and reference is not None
    assert 1.5 <= yours <= 2.8, growth
    assert 0.5 <= reference <= 1.5, growth
    assert growth.describe().startswith("yours grows like n^")


# -- the kata screen --------------------------------------------------------------------


@pytest.mark.slow
async def test_the_kata_screen_shows_the_random_cases_and_a_failing_input(
    decks: Path, tmp_path: Path, grader: Grader
) -> None:
    from datetime import UTC

    from textual.widgets import Markdown, TextArea

    from prep.cli.factory import make_context
    from prep.paths import Locations
    from prep.settings import Settings
    from prep.tui.app import PrepApp
    from prep.tui.screens.kata import KataScreen
    from tests.conftest import FakeClock, counting_ids
    from tests.helpers import wait_for

    locations = Locations(tmp_path / "home", (decks,), include_builtin=False, home_is_explicit=True)
    context = make_context(
        locations,
        settings=Settings(),
        library=load_library([decks]),
        clock=FakeClock(),
        tz=UTC,
        new_id=counting_ids(),
        grader_factory=lambda: grader,
    )
    try:
        app = PrepApp(context)
        async with app.run_test(size=(140, 45)) as pilot:
            await pilot.press("s")
            await wait_for(pilot, lambda: isinstance(app.screen, KataScreen) and app.screen.loaded)
            screen = app.screen
            assert isinstance(screen, KataScreen) and screen.kata.id == "top-k"
            screen.query_one("#editor", TextArea).load_text(MEMORISED)
            await pilot.press("ctrl+s")
            results = screen.query_one("#results", Markdown)
            await wait_for(pilot, lambda: not screen.running and "random cases:" in results.source)
            assert "random cases: " in results.source and " of 20 passed (seed " in results.source
            assert "first failing: random " in results.source and "nums=" in results.source
            assert screen.attempt.failed_submissions == 1
    finally:
        context.store.close()


# -- the reference's channel ------------------------------------------------------------


def _reply(*records: dict[str, object]) -> WorkerReply:
    lines = "".join(json.dumps(record) + "\n" for record in records)
    return WorkerReply(ReplyStatus.COMPLETED, results=lines)


def test_the_reference_channel_becomes_cases_whose_expected_values_stay_here(
    library: Library,
) -> None:
    card = kata(library, TOP_K).model_copy(
        update={"random": kata(library, TOP_K).random.model_copy(update={"count": 2})}  # type: ignore[union-attr]
    )
    draw = read_draw(
        card,
        8,
        _reply(
            {"import": "ok"},
            {"g": 0, "args": {"nums": [3, 1], "k": 1}, "value": [3]},
            {"g": 1, "args": {"nums": [], "k": -1}, "error": {"type": "ValueError",
             "mro": ["ValueError", "Exception"], "message": "k"}},
        ),
    )  # fmt: skip
    assert not draw.problem
    assert [case.expect for case in draw.cases] == [[3], None]
    assert draw.cases[1].expect_error == "ValueError"
    assert draw.shown == ("nums=[3, 1], k=1", "nums=[], k=-1")
    # The learner's run is sent the arguments, never what they must give.
    assert [case.to_wire() for case in draw.inputs] == [
        {"call": "top_k(nums, k)", "args": {"nums": [3, 1], "k": 1}},
        {"call": "top_k(nums, k)", "args": {"nums": [], "k": -1}},
    ]


@pytest.mark.parametrize(
    "records",
    [
        [{"g": 0, "args": {}, "value": 1}],  # before the load record
        [{"import": "ok"}, {"g": 0, "args": {}, "value": 1}, {"g": 0, "args": {}, "value": 1}],
        [{"import": "ok"}, {"g": 25, "args": {}, "value": 1}],
        [{"import": "ok"}, {"g": 0, "args": {"not a name": 1}, "value": 1}],
        [{"import": "ok"}, {"g": 0, "args": {}}],
    ],
)
def test_a_reference_channel_out_of_shape_gives_no_cases(
    library: Library, records: list[dict[str, object]]
) -> None:
    draw = read_draw(kata(library, TOP_K), 8, _reply(*records))
    assert draw.cases == () and "malformed" in draw.problem


@pytest.mark.slow
def test_a_draw_prepared_ahead_serves_the_next_submission(library: Library) -> None:
    card = kata(library, TOP_K)
    grader = Grader(size=1)
    try:
        prepared = grader.prepare_random(card)
        assert prepared is not None
        seed = prepared.result().seed
        first = grader.grade(card, card.solution)
        assert first.passed and first.random is not None and first.random.seed == seed
        # A seed asked for is drawn as asked, whatever was prepared.
        assert grader.grade(card, card.solution, seed=5).random.seed == 5  # type: ignore[union-attr]
        # Grading prepared the next draw: a fresh seed again.
        second = grader.grade(card, card.solution)
        assert second.random is not None and second.random.seed != seed
        assert grader.prepare_random(kata(library, BEST_GAIN)) is not None
    finally:
        grader.close()  # with a draw still in flight


def test_a_generate_job_travels_whole_and_a_forged_one_is_refused(library: Library) -> None:
    from prep.grading.protocol import GenerateJob, KataJob, ProtocolError, parse_job
    from prep.grading.random_cases import generate_job

    job = generate_job(kata(library, BEST_GAIN), 77)
    assert parse_job(json.dumps(job.to_wire())) == job
    assert job.sizes == (500, 1000, 2000, 4000) and job.seed == 77
    for forged in ({"seed": "77"}, {"sizes": [1, "2"]}, {"call": None, "code": None}):
        with pytest.raises(ProtocolError):
            parse_job(json.dumps(job.to_wire() | forged))
    measured = KataJob("", (), measure=True)
    assert parse_job(json.dumps(measured.to_wire())) == measured
    assert isinstance(parse_job(json.dumps(job.to_wire())), GenerateJob)


@pytest.mark.slow
def test_a_reference_result_that_is_not_plain_data_is_the_decks_fault(
    tmp_path: Path, grader: Grader
) -> None:
    text = DECK.replace("return heapq.nlargest(k, nums)", "return [object()] if nums else []")
    (tmp_path / "rnd.yaml").write_text(text, encoding="utf-8")
    card = kata(load_library([tmp_path]), TOP_K)
    draws = [grader.draw_random(card, seed) for seed in (1, 2, 3)]
    assert any("the reference's result is not plain data" in draw.problem for draw in draws)
    assert all(draw.cases == () for draw in draws if draw.problem)


def test_an_attempts_counts_take_its_random_cases_in() -> None:
    from datetime import UTC, datetime

    from prep.grading.attempts import Attempt

    def attempt(summary: dict[str, Any]) -> Attempt:
        at = datetime(2026, 3, 1, tzinfo=UTC)
        return Attempt("a", "d/k", "submit", at, "", False, summary, 10, "i")

    with_random = attempt(
        {"passed": 10, "total": 10, "random": {"seed": 7, "passed": 18, "total": 20}}
    )
    assert (with_random.tests_passed, with_random.tests_total) == (28, 30)
    fixed_only = attempt({"passed": 9, "total": 10})
    assert (fixed_only.tests_passed, fixed_only.tests_total) == (9, 10)
    damaged = attempt({"passed": 9, "total": 10, "random": "lost"})
    assert (damaged.tests_passed, damaged.tests_total) == (9, 10)
