"""Rules of the scheduler pinned exactly: when prep offers a refit and what the
fit reports (README, ``prep optimize``), which reviews become training items
(each later-day review of a card, its history cut at every reset), the fuzz
(FSRS's own ranges, drawn from a generator seeded by the review id), the
learner's settings reaching the memory model, and the review log replayed
with each review's stage before it."""

from __future__ import annotations

import csv
import random
import time
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta, tzinfo
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from fsrs import Card, Scheduler, State
from fsrs_rs_python import FSRS, evaluate_with_time_series_splits

from prep.content import StudyCard, load_library
from prep.scheduling.days import day_start, next_day_start, require_utc, study_day
from prep.scheduling.fitting import (
    MIN_REVIEWS,
    FitReport,
    NotEnoughReviewsError,
    fit_parameters,
    review_histories,
    reviews_worth_a_refit,
    training_items,
)
from prep.scheduling.marks import CardMarks
from prep.scheduling.memory import (
    DEFAULT_PARAMETERS,
    CardState,
    MemoryModel,
    Rating,
    SchedulerConfig,
    Stage,
    memory_model,
)
from prep.scheduling.queue import DaySoFar, QueueCounts, QueueSettings, StudyQueue
from prep.scheduling.replay import Review, ReviewKind, replay, replay_with_stages
from prep.settings import Settings

SAMPLE = Path(__file__).resolve().parent / "data" / "review-log-sample.csv"
NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
TODAY = DaySoFar(NOW.date())  # nothing introduced yet
TOKYO = ZoneInfo("Asia/Tokyo")  # UTC+9: 04:00 local is 19:00 UTC the day before


def entry(
    n: int,
    key: str,
    rating: int | None,
    at: datetime,
    kind: ReviewKind = ReviewKind.REVIEW,
) -> Review:
    return Review(f"r{n}", key, None if rating is None else Rating(rating), at, 1000, "test", kind)


def reset(n: int, key: str, at: datetime) -> Review:
    return entry(n, key, None, at, ReviewKind.RESET)


# -- when a refit is offered ------------------------------------------------------


@pytest.mark.parametrize(
    ("total", "fitted", "every", "offered"),
    [
        (400, 0, 400, 400),  # enough reviews in all, and enough new ones
        (399, 0, 50, 0),  # one review short of the 400 a fit needs
        (1400, 400, 1000, 1000),  # exactly refit_every new reviews since the last fit
        (1399, 400, 1000, 0),  # one new review short
        (2500, 400, 1000, 2100),  # the offer says how many arrived, not refit_every
        (450, 0, 50, 450),
    ],
)
def test_a_refit_is_offered_after_refit_every_new_reviews_and_400_in_all(
    total: int, fitted: int, every: int, offered: int
) -> None:
    assert reviews_worth_a_refit(total, fitted, every) == offered


def test_too_few_reviews_say_how_many_more_a_fit_needs() -> None:
    error = NotEnoughReviewsError(150, 400)
    assert str(error) == (
        "150 reviews so far: fitting needs at least 400 (250 more) "
        "to beat the default parameters reliably"
    )
    assert (error.reviews, error.needed) == (150, 400)


def test_a_fit_report_as_json_names_every_figure_and_the_split() -> None:
    report = FitReport(
        reviews=1234,
        items=567,
        log_loss_default=0.5,
        log_loss_fitted=0.25,
        rmse_bins_default=0.125,
        rmse_bins_fitted=0.0625,
        parameters=(1.5, 2.5),
        cv_log_loss=0.375,
        cv_rmse_bins=0.1875,
        seconds=1.25,
    )
    assert report.to_dict() == {
        "reviews": 1234,
        "items": 567,
        "log_loss_default": 0.5,
        "log_loss_fitted": 0.25,
        "rmse_bins_default": 0.125,
        "rmse_bins_fitted": 0.0625,
        "parameters": [1.5, 2.5],
        "split": (
            "in-sample: every review in the log; "
            "time_series_cv: fitted on earlier reviews, scored on later ones"
        ),
        "time_series_cv": {"log_loss": 0.375, "rmse_bins": 0.1875},
        "seconds": 1.25,
    }


# -- training items ---------------------------------------------------------------


def test_a_card_history_is_rating_study_days_since_the_previous_review_and_time() -> None:
    day = datetime(2026, 3, 2, 5, 0, tzinfo=UTC)  # 05:00 UTC: just after the 04:00 rollover
    log = [
        entry(3, "d/a", 1, day + timedelta(days=2)),  # out of order: sorted by time
        entry(1, "d/a", 3, day),
        entry(2, "d/a", 3, day + timedelta(hours=22, minutes=59)),  # 03:59 next day: same day
        entry(4, "d/a", 4, day + timedelta(days=2, hours=23)),  # 04:00 two days on: next day
        entry(5, "d/b", 2, day + timedelta(hours=1)),
    ]
    histories = review_histories(log, UTC, 4)
    t = day.timestamp()
    assert histories == [
        [
            (3, 0, t),
            (3, 0, t + 22 * 3600 + 59 * 60),
            (1, 2, t + 2 * 86400),
            (4, 1, t + 2 * 86400 + 23 * 3600),
        ],
        [(2, 0, t + 3600)],
    ]


def test_study_days_in_a_history_follow_the_learner_time_zone_and_rollover() -> None:
    # 18:59 and 19:00 UTC are 03:59 and 04:00 in Tokyo: a new study day there.
    before = datetime(2026, 3, 2, 18, 59, tzinfo=UTC)
    log = [entry(1, "d/a", 3, before), entry(2, "d/a", 3, before + timedelta(minutes=1))]
    gaps = [[gap for _, gap, _ in history] for history in review_histories(log, TOKYO, 4)]
    assert gaps == [[0, 1]]
    assert [[g for _, g, _ in h] for h in review_histories(log, UTC, 4)] == [[0, 0]]
    assert [[g for _, g, _ in h] for h in review_histories(log, UTC, 19)] == [[0, 1]]


def test_a_reset_cuts_a_card_history_into_stretches_that_each_start_afresh() -> None:
    day = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
    log = [
        reset(0, "d/a", day - timedelta(days=1)),  # nothing before it: no empty stretch
        entry(1, "d/a", 3, day),
        entry(2, "d/a", 3, day + timedelta(days=3)),
        reset(3, "d/a", day + timedelta(days=4)),
        reset(4, "d/a", day + timedelta(days=5)),  # a second reset in a row adds nothing
        entry(5, "d/a", 1, day + timedelta(days=6)),
        entry(6, "d/a", 3, day + timedelta(days=8)),
        reset(7, "d/a", day + timedelta(days=9)),  # the last entry: nothing after it
    ]
    t = day.timestamp()
    assert review_histories(log, UTC, 4) == [
        [(3, 0, t), (3, 3, t + 3 * 86400)],
        [(1, 0, t + 6 * 86400), (3, 2, t + 8 * 86400)],
    ]


def _shape(items: list[Any]) -> list[str]:
    return [repr(item) for item in items]


def _item(*reviews: tuple[int, int]) -> str:
    inner = ", ".join(f"FSRSReview {{ rating: {r}, delta_t: {d} }}" for r, d in reviews)
    return f"FSRSItem {{ reviews: [{inner}] }}"


def test_each_later_day_review_is_one_item_holding_the_history_up_to_it() -> None:
    histories = [
        [(3, 0, 100.0), (3, 0, 110.0), (1, 2, 300.0), (3, 1, 500.0), (4, 0, 510.0)],
        [(2, 0, 50.0), (3, 1, 200.0), (3, 4, 400.0)],
    ]
    # Same-day steps (gap 0) are not items; items come in the order their last review happened.
    assert _shape(training_items(histories)) == [
        _item((2, 0), (3, 1)),
        _item((3, 0), (3, 0), (1, 2)),
        _item((2, 0), (3, 1), (3, 4)),
        _item((3, 0), (3, 0), (1, 2), (3, 1)),
    ]


def test_a_card_seen_on_only_one_day_gives_no_item() -> None:
    assert training_items([[(3, 0, 1.0), (3, 0, 2.0)], [(1, 0, 3.0)]]) == []


# -- fitting the sample history ---------------------------------------------------


def sample_reviews(count: int) -> list[Review]:
    with SAMPLE.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))[:count]
    return [
        Review(
            f"sample-{n}",
            f"imported/{row['card_id']}",
            Rating(int(row["review_rating"])),
            datetime.fromisoformat(row["review_time"]),
            int(row["review_duration"]),
            "sample",
        )
        for n, row in enumerate(rows)
    ]


def later_day_reviews(reviews: list[Review], tz: tzinfo, rollover_hour: int) -> int:
    """Counted straight from the rule: a review after its card's first, on a later study day."""
    last_day: dict[str, date] = {}
    count = 0
    for review in sorted(reviews, key=lambda r: r.reviewed_at):
        if review.kind is ReviewKind.RESET:
            last_day.pop(review.card_key, None)
            continue
        day = study_day(review.reviewed_at, tz, rollover_hour)
        if review.card_key in last_day and day > last_day[review.card_key]:
            count += 1
        last_day[review.card_key] = day
    return count


@pytest.fixture(scope="module")
def sample_log() -> list[Review]:
    """The first 2,000 reviews of the sample, plus resets of two cards (not reviews)."""
    reviews = sample_reviews(2000)
    keys = sorted({r.card_key for r in reviews})[:2]
    last = max(r.reviewed_at for r in reviews)
    return reviews + [reset(9000 + n, key, last + timedelta(days=1)) for n, key in enumerate(keys)]


def timed_fit(reviews: list[Review], tz: tzinfo, rollover_hour: int, **kwargs: int) -> FitReport:
    """A fit whose reported time is in seconds, to the millisecond, and no longer than the call."""
    started = time.perf_counter()
    report = fit_parameters(reviews, tz, rollover_hour, **kwargs)
    elapsed = time.perf_counter() - started
    assert 0 <= report.seconds <= elapsed + 0.0005
    assert report.seconds == round(report.seconds, 3)
    return report


@pytest.fixture(scope="module")
def sample_fit(sample_log: list[Review]) -> FitReport:
    return timed_fit(sample_log, TOKYO, 4)


def test_a_fit_reports_reviews_items_and_figures_of_the_default_and_fitted_parameters(
    sample_log: list[Review], sample_fit: FitReport
) -> None:
    # (One test for the one fit of the sample: every rule of the report is checked here.)
    # Reviews counted are reviews, not resets; one item per review on a later study day
    # than its card's previous one, in the learner's own zone: read in UTC, other items.
    assert sample_fit.reviews == 2000
    assert sample_fit.items == later_day_reviews(sample_log, TOKYO, 4)
    assert later_day_reviews(sample_log, UTC, 4) != sample_fit.items
    # The figures are those of the default and fitted parameters on those same items.
    items = training_items(review_histories(sample_log, TOKYO, 4))
    default = FSRS(list(DEFAULT_PARAMETERS))
    before = default.evaluate(items)
    fitted = tuple(float(p) for p in default.compute_parameters(items))
    after = FSRS(list(fitted)).evaluate(items)
    cv = evaluate_with_time_series_splits(items)
    assert sample_fit.parameters == pytest.approx(fitted, rel=1e-4)
    assert len(sample_fit.parameters) == 21
    assert pytest.approx(
        (
            sample_fit.log_loss_default,
            sample_fit.log_loss_fitted,
            sample_fit.rmse_bins_default,
            sample_fit.rmse_bins_fitted,
            sample_fit.cv_log_loss,
            sample_fit.cv_rmse_bins,
        ),
        rel=1e-5,
    ) == (
        float(before.log_loss),
        float(after.log_loss),
        float(before.rmse_bins),
        float(after.rmse_bins),
        float(cv.log_loss),
        float(cv.rmse_bins),
    )
    assert sample_fit.log_loss_fitted < sample_fit.log_loss_default
    assert sample_fit.rmse_bins_fitted < sample_fit.rmse_bins_default
    # Fitting 2,000 reviews takes tens of milliseconds: a time of 0 would be wrong.
    assert sample_fit.seconds >= 0.001


def test_a_fit_needs_at_least_400_reviews_resets_not_counted(sample_log: list[Review]) -> None:
    assert MIN_REVIEWS == 400
    reviews = [r for r in sample_log if r.kind is ReviewKind.REVIEW]
    resets = [r for r in sample_log if r.kind is ReviewKind.RESET]
    short = reviews[:399] + resets
    with pytest.raises(NotEnoughReviewsError) as raised:
        fit_parameters(short, UTC, 4)
    assert (raised.value.reviews, raised.value.needed) == (399, 400)
    assert timed_fit(reviews[:400], UTC, 4).reviews == 400


def test_a_lower_minimum_is_the_threshold_when_given() -> None:
    day = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
    reviews = [entry(n, f"d/{n}", 3, day) for n in range(15)]
    reviews += [entry(20 + n, f"d/{n}", 1 + n % 4, day + timedelta(days=3)) for n in range(15)]
    with pytest.raises(NotEnoughReviewsError) as raised:
        fit_parameters(reviews, UTC, 4, min_reviews=31)
    assert (raised.value.reviews, raised.value.needed) == (30, 31)
    assert timed_fit(reviews, UTC, 4, min_reviews=30).reviews == 30


def test_reviews_all_on_one_day_cannot_be_fitted() -> None:
    day = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
    log = [entry(n, f"d/{n % 50}", 3, day + timedelta(seconds=n)) for n in range(400)]
    with pytest.raises(NotEnoughReviewsError) as raised:
        fit_parameters(log, UTC, 4)
    assert (raised.value.reviews, raised.value.needed) == (0, 400)


def test_too_few_items_for_the_time_series_splits_leave_the_cv_figures_empty() -> None:
    day = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
    log = [entry(n, f"d/{n}", 3, day) for n in range(3)]
    log += [entry(10 + n, f"d/{n}", 3, day + timedelta(days=2)) for n in range(3)]
    report = timed_fit(log, UTC, 4, min_reviews=6)
    assert (report.reviews, report.items) == (6, 3)
    assert (report.cv_log_loss, report.cv_rmse_bins) == (None, None)
    assert len(report.parameters) == 21


# -- the memory model -------------------------------------------------------------


def py_fsrs_fuzz(interval_days: int, review_id: str, maximum: int) -> int:
    """What FSRS's own fuzz gives, its generator seeded by the review id."""
    scheduler = Scheduler(maximum_interval=maximum)
    state = random.getstate()
    try:
        random.seed(review_id)
        return scheduler._get_fuzzed_interval(interval=timedelta(days=interval_days)).days
    finally:
        random.setstate(state)


def review_state(stability: float, difficulty: float = 5.0) -> CardState:
    return CardState("d/c", Stage.REVIEW, None, stability, difficulty, NOW, NOW, 3, 0)


# Stabilities whose Good a day after the last review is 3, 4, 5, 7, 8, 15, 20 and 21 days,
# then longer: each of FSRS's fuzz ranges, its edges, and intervals where a rounding tips.
@pytest.mark.parametrize(
    "stability", [0.25, 0.6, 1.25, 3.15, 4.2, 11.55, 16.65, 17.7, 25.0, 120.0, 3000.0]
)
def test_the_fuzz_is_fsrs_own_drawn_from_the_review_id(stability: float) -> None:
    state = review_state(stability)
    at = NOW + timedelta(days=1)
    plain = MemoryModel(SchedulerConfig(fuzz=False)).review(state, Rating.Good, at, "x")
    interval = (plain.due - at).days
    fuzzed = MemoryModel()
    dues = set()
    for n in range(40):
        review_id = f"review-{n}"
        due = fuzzed.review(state, Rating.Good, at, review_id).due
        assert due - at == timedelta(days=py_fsrs_fuzz(interval, review_id, 36500)), review_id
        dues.add(due)
    assert len(dues) > 1


@pytest.mark.parametrize(("stability", "elapsed", "days"), [(0.3, 0.5, 1), (0.2, 1.0, 2)])
def test_intervals_under_three_days_are_not_fuzzed(
    stability: float, elapsed: float, days: int
) -> None:
    state = review_state(stability)
    at = NOW + timedelta(days=elapsed)
    plain = MemoryModel(SchedulerConfig(fuzz=False)).review(state, Rating.Good, at, "x")
    assert plain.due - at == timedelta(days=days)
    dues = {MemoryModel().review(state, Rating.Good, at, f"id-{n}").due for n in range(20)}
    assert dues == {plain.due}


def test_the_fuzz_never_passes_the_maximum_interval() -> None:
    state = review_state(200.0)
    at = NOW + timedelta(days=200)
    capped = MemoryModel(SchedulerConfig(maximum_interval_days=30))
    for n in range(40):
        review_id = f"review-{n}"
        due = capped.review(state, Rating.Easy, at, review_id).due
        assert due - at == timedelta(days=py_fsrs_fuzz(30, review_id, 30))
        assert due - at <= timedelta(days=30)
    unfuzzed = MemoryModel(SchedulerConfig(maximum_interval_days=30, fuzz=False))
    assert unfuzzed.review(state, Rating.Easy, at, "x").due - at == timedelta(days=30)


def test_learning_and_relearning_steps_are_the_configured_ones() -> None:
    config = SchedulerConfig(
        learning_steps=(timedelta(minutes=3), timedelta(minutes=30)),
        relearning_steps=(timedelta(minutes=25),),
    )
    model = MemoryModel(config)
    new = CardState.new("d/c", NOW)
    preview = model.preview(new, NOW, "a")
    assert (preview[Rating.Again], preview[Rating.Good]) == (
        timedelta(minutes=3),
        timedelta(minutes=30),
    )
    lapsed = model.review(review_state(10.0), Rating.Again, NOW + timedelta(days=10), "b")
    assert (lapsed.stage, lapsed.due) == (
        Stage.RELEARNING,
        NOW + timedelta(days=10, minutes=25),
    )


def without_fuzz(config: SchedulerConfig) -> SchedulerConfig:
    return replace(config, fuzz=False)


def fsrs_interval(parameters: tuple[float, ...], retention: float, state: CardState) -> int:
    scheduler = Scheduler(parameters=parameters, desired_retention=retention, enable_fuzzing=False)
    card = Card(
        card_id=0,
        state=State.Review,
        step=None,
        stability=state.stability,
        difficulty=state.difficulty,
        due=state.due,
        last_review=state.last_review,
    )
    at = NOW + timedelta(days=10)
    after, _ = scheduler.review_card(card, Rating.Good, at)
    return (after.due - at).days


# Parameters fitted to the first 2,000 reviews of the sample, rounded: unlike the defaults.
FITTED = (
    0.1248, 0.5596, 1.588, 3.861, 6.419, 0.7218, 2.973, 0.096, 1.903, 0.2438, 0.8353,
    1.537, 0.0487, 0.3252, 1.71, 0.6014, 1.873, 0.4889, 0.1438, 0.1335, 0.26,
)  # fmt: skip


def test_the_learner_model_uses_their_retention_and_fitted_parameters() -> None:
    state = review_state(10.0)
    at = NOW + timedelta(days=10)
    model = memory_model(Settings(desired_retention=0.8), FITTED)
    plain = MemoryModel(without_fuzz(model.config))
    assert (plain.review(state, Rating.Good, at, "x").due - at).days == fsrs_interval(
        FITTED, 0.8, state
    )
    assert fsrs_interval(FITTED, 0.8, state) != fsrs_interval(DEFAULT_PARAMETERS, 0.8, state)
    assert fsrs_interval(FITTED, 0.8, state) != fsrs_interval(FITTED, 0.9, state)


def test_the_learner_model_without_a_fit_uses_the_default_parameters() -> None:
    state = review_state(10.0)
    at = NOW + timedelta(days=10)
    model = memory_model(Settings(), None)
    assert model.config.parameters == tuple(DEFAULT_PARAMETERS)
    plain = MemoryModel(without_fuzz(model.config))
    assert (plain.review(state, Rating.Good, at, "x").due - at).days == fsrs_interval(
        tuple(DEFAULT_PARAMETERS), 0.9, state
    )


def test_the_learner_model_keeps_to_their_maximum_interval() -> None:
    state = review_state(100.0)
    at = NOW + timedelta(days=100)
    model = memory_model(Settings(maximum_interval_days=20), None)
    dues = {model.review(state, Rating.Easy, at, f"id-{n}").due - at for n in range(30)}
    assert max(dues) == timedelta(days=20)
    assert dues <= {timedelta(days=d) for d in range(17, 21)}
    assert model.config.fuzz


@pytest.mark.parametrize(
    ("stage", "step", "state"),
    [
        (Stage.LEARNING, 1, State.Learning),
        (Stage.REVIEW, None, State.Review),
        (Stage.RELEARNING, 0, State.Relearning),
    ],
)
def test_a_card_state_is_handed_to_fsrs_as_it_is(
    stage: Stage, step: int | None, state: State
) -> None:
    ours = CardState("d/c", stage, step, 4.5, 6.25, NOW, NOW - timedelta(days=2), 7, 1)
    card = ours.to_fsrs()
    assert (
        card.state,
        card.step,
        card.stability,
        card.difficulty,
        card.due,
        card.last_review,
    ) == (state, step, 4.5, 6.25, NOW, NOW - timedelta(days=2))


def test_a_new_card_is_handed_to_fsrs_as_learning_at_its_first_step() -> None:
    card = CardState.new("d/c", NOW).to_fsrs()
    assert (card.state, card.step, card.stability, card.difficulty, card.due) == (
        State.Learning,
        0,
        None,
        None,
        NOW,
    )
    assert card.last_review is None


def test_a_new_card_has_no_retrievability_and_a_reviewed_one_follows_the_curve() -> None:
    model = MemoryModel()
    assert model.retrievability(CardState.new("d/c", NOW), NOW) == 0.0
    state = review_state(10.0)
    assert model.retrievability(state, NOW + timedelta(days=10)) == pytest.approx(0.9, abs=1e-6)


def test_each_review_counts_a_rep_and_only_a_lapse_from_review_counts_a_lapse() -> None:
    model = MemoryModel()
    learning = model.review(CardState.new("d/c", NOW), Rating.Again, NOW, "a")
    assert (learning.stage, learning.reps, learning.lapses) == (Stage.LEARNING, 1, 0)
    relearning = model.review(review_state(10.0), Rating.Again, NOW + timedelta(days=10), "b")
    assert (relearning.reps, relearning.lapses) == (4, 1)
    again = model.review(relearning, Rating.Again, NOW + timedelta(days=10, minutes=10), "c")
    assert (again.stage, again.reps, again.lapses) == (Stage.RELEARNING, 5, 1)
    assert again.last_review == NOW + timedelta(days=10, minutes=10)


# -- replaying the log ------------------------------------------------------------


def test_replay_fills_in_each_review_stage_before_it_and_keeps_resets_as_they_are() -> None:
    day = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
    log = [
        entry(1, "d/a", 3, day),
        entry(2, "d/a", 3, day + timedelta(minutes=10)),
        entry(3, "d/b", 1, day + timedelta(minutes=11)),
        reset(4, "d/a", day + timedelta(days=1)),
        entry(5, "d/a", 4, day + timedelta(days=1, minutes=1)),
    ]
    states, annotated = replay_with_stages(log, MemoryModel())
    assert [(r.id, r.stage_before) for r in annotated] == [
        ("r1", Stage.NEW),
        ("r2", Stage.LEARNING),
        ("r3", Stage.NEW),
        ("r4", None),
        ("r5", Stage.NEW),
    ]
    assert annotated[3] == log[3]
    assert sorted(states) == ["d/a", "d/b"]
    assert (states["d/a"].stage, states["d/a"].reps) == (Stage.REVIEW, 1)
    assert states == replay(log, MemoryModel())


def test_replay_takes_the_log_in_time_order_and_same_moment_entries_in_log_order() -> None:
    day = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
    log = [
        entry(3, "d/a", 3, day + timedelta(minutes=10)),
        entry(1, "d/a", 1, day),
        reset(2, "d/a", day + timedelta(minutes=10)),  # logged after r3, at the same moment
    ]
    states, annotated = replay_with_stages(log, MemoryModel())
    assert [r.id for r in annotated] == ["r1", "r3", "r2"]
    assert states == {}
    states, _ = replay_with_stages(list(reversed(log)), MemoryModel())
    assert list(states) == ["d/a"]
    assert states["d/a"].reps == 1  # the reset came first, then r3 started the card afresh


def test_a_reset_of_a_card_never_reviewed_changes_nothing() -> None:
    day = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
    states, annotated = replay_with_stages([reset(1, "d/a", day)], MemoryModel())
    assert states == {}
    assert annotated == [reset(1, "d/a", day)]


# -- study days, marks and the queue ----------------------------------------------


def test_only_utc_times_are_accepted() -> None:
    assert require_utc(NOW) is NOW
    for moment in (datetime(2026, 3, 10, 12, 0), NOW.astimezone(TOKYO)):
        with pytest.raises(ValueError) as raised:
            require_utc(moment)
        assert str(raised.value) == "time must be timezone-aware UTC"


def test_the_next_study_day_starts_at_the_learner_rollover_in_their_zone() -> None:
    # 20:30 UTC on 9 March is 05:30 on 10 March in Tokyo: with a 06:00 rollover still the
    # study day of 9 March, which ends at 06:00 Tokyo time on 10 March (21:00 UTC on 9 March).
    assert next_day_start(datetime(2026, 3, 9, 20, 30, tzinfo=UTC), TOKYO, 6) == datetime(
        2026, 3, 9, 21, 0, tzinfo=UTC
    )
    assert next_day_start(datetime(2026, 3, 9, 21, 0, tzinfo=UTC), TOKYO, 6) == datetime(
        2026, 3, 10, 21, 0, tzinfo=UTC
    )
    assert day_start(date(2026, 3, 10), TOKYO, 6) == datetime(2026, 3, 9, 21, 0, tzinfo=UTC)


def test_a_burial_ends_at_its_moment_and_a_suspension_never() -> None:
    buried = CardMarks(buried_until=NOW)
    assert buried.blocks(NOW - timedelta(milliseconds=1))
    assert not buried.blocks(NOW)
    assert CardMarks(suspended=True, buried_until=NOW).blocks(NOW + timedelta(days=999))
    assert not CardMarks().blocks(NOW)


def queue_cards(tmp_path: Path) -> list[StudyCard]:
    from tests.conftest import qa_deck_yaml

    (tmp_path / "a.yaml").write_text(qa_deck_yaml("a", 4), encoding="utf-8")
    return list(load_library([tmp_path]).cards.values())


def test_a_blocked_card_is_left_out_and_the_cards_after_it_stay(tmp_path: Path) -> None:
    cards = queue_cards(tmp_path)
    queue = StudyQueue.build(cards, {}, NOW, TODAY, QueueSettings(), frozenset({"a/card-1"}))
    assert [c.key for c in queue.new] == ["a/card-2", "a/card-3", "a/card-4"]


def test_a_learning_card_due_within_twenty_minutes_is_shown_ahead(tmp_path: Path) -> None:
    cards = queue_cards(tmp_path)

    def learning(key: str, due: datetime, stage: Stage = Stage.LEARNING) -> CardState:
        return CardState(key, stage, 0, 1.0, 5.0, due, NOW - timedelta(minutes=5), 1, 0)

    states = {
        "a/card-1": learning("a/card-1", NOW + timedelta(minutes=20)),
        "a/card-2": learning("a/card-2", NOW + timedelta(minutes=20, milliseconds=1)),
        "a/card-3": learning("a/card-3", NOW + timedelta(minutes=3), Stage.RELEARNING),
        "a/card-4": learning("a/card-4", NOW + timedelta(minutes=1), Stage.REVIEW),
    }
    queue = StudyQueue.build(cards, states, NOW, TODAY, QueueSettings())
    assert [c.key for c in queue.learning_soon] == ["a/card-3", "a/card-1"]
    assert queue.counts() == QueueCounts(0, 0, 2, NOW + timedelta(minutes=1))
