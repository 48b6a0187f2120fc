"""Fitting FSRS parameters to the learner's own review log.

Uses fsrs-rs-python (the Rust optimizer Anki ships), so no torch. Each
review after a card's first, on a later day, becomes one training item: the
card's history up to that review. Reported figures:

- ``log_loss_*`` and ``rmse_bins_*`` of the default and the fitted
  parameters, both on every item of the learner's log ("in-sample": the
  same reviews the fit saw);
- ``time_series_cv``: the fitted model's log loss and RMSE(bins) when each
  fold is fitted on earlier reviews only and scored on later ones — the
  honest out-of-sample figure.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import tzinfo
from typing import Any

from prep.scheduling.days import study_day
from prep.scheduling.memory import DEFAULT_PARAMETERS
from prep.scheduling.replay import Review, ReviewKind
from prep.wording import plural

MIN_REVIEWS = 400
SPLIT = "in-sample: every review in the log; time_series_cv: fitted on earlier reviews, scored on later ones"


def reviews_worth_a_refit(total_reviews: int, fitted_reviews: int, refit_every: int) -> int:
    """How many reviews arrived since the last fit, when that is enough to
    offer fitting again (``refit_every`` new ones, and enough in all); else 0."""
    new = total_reviews - fitted_reviews
    return new if total_reviews >= MIN_REVIEWS and new >= refit_every else 0


class NotEnoughReviewsError(Exception):
    def __init__(self, reviews: int, needed: int) -> None:
        super().__init__(
            f"{plural(reviews, 'review')} so far: fitting needs at least {needed} "
            f"({needed - reviews} more) to beat the default parameters reliably"
        )
        self.reviews = reviews
        self.needed = needed


@dataclass(frozen=True)
class FitReport:
    reviews: int
    items: int
    log_loss_default: float
    log_loss_fitted: float
    rmse_bins_default: float
    rmse_bins_fitted: float
    parameters: tuple[float, ...]
    cv_log_loss: float | None
    cv_rmse_bins: float | None
    seconds: float

    def to_dict(self) -> dict[str, Any]:
        return {
            "reviews": self.reviews,
            "items": self.items,
            "log_loss_default": self.log_loss_default,
            "log_loss_fitted": self.log_loss_fitted,
            "rmse_bins_default": self.rmse_bins_default,
            "rmse_bins_fitted": self.rmse_bins_fitted,
            "parameters": list(self.parameters),
            "split": SPLIT,
            "time_series_cv": {"log_loss": self.cv_log_loss, "rmse_bins": self.cv_rmse_bins},
            "seconds": self.seconds,
        }


def review_histories(
    reviews: Iterable[Review], tz: tzinfo, rollover_hour: int
) -> list[list[tuple[int, int, float]]]:
    """Per card (and per stretch between resets): (rating, days since previous, time)."""
    by_card: dict[str, list[Review]] = defaultdict(list)
    for review in reviews:
        by_card[review.card_key].append(review)
    histories: list[list[tuple[int, int, float]]] = []
    for card_reviews in by_card.values():
        card_reviews.sort(key=lambda r: r.reviewed_at)
        current: list[tuple[int, int, float]] = []
        previous_day = None
        for review in card_reviews:
            if review.kind is ReviewKind.RESET or review.rating is None:
                if current:
                    histories.append(current)
                current, previous_day = [], None
                continue
            day = study_day(review.reviewed_at, tz, rollover_hour)
            gap = 0 if previous_day is None else (day - previous_day).days
            current.append((int(review.rating), gap, review.reviewed_at.timestamp()))
            previous_day = day
        if current:
            histories.append(current)
    return histories


def training_items(histories: list[list[tuple[int, int, float]]]) -> list[Any]:
    """FSRS items in the order their last review happened (for time-series splits)."""
    from fsrs_rs_python import FSRSItem, FSRSReview

    stamped: list[tuple[float, Any]] = []
    for history in histories:
        for end in range(1, len(history)):
            if history[end][1] <= 0:
                continue  # same-day steps are not predictions FSRS is scored on
            reviews = [FSRSReview(rating, gap) for rating, gap, _ in history[: end + 1]]
            stamped.append((history[end][2], FSRSItem(reviews)))
    stamped.sort(key=lambda pair: pair[0])
    return [item for _, item in stamped]


def fit_parameters(
    reviews: list[Review], tz: tzinfo, rollover_hour: int, min_reviews: int = MIN_REVIEWS
) -> FitReport:
    from fsrs_rs_python import FSRS, evaluate_with_time_series_splits

    started = time.perf_counter()
    counted = [r for r in reviews if r.kind is ReviewKind.REVIEW]
    if len(counted) < min_reviews:
        raise NotEnoughReviewsError(len(counted), min_reviews)
    items = training_items(review_histories(reviews, tz, rollover_hour))
    if not items:
        raise NotEnoughReviewsError(0, min_reviews)
    default = FSRS(list(DEFAULT_PARAMETERS))
    before = default.evaluate(items)
    fitted = tuple(float(p) for p in default.compute_parameters(items))
    after = FSRS(list(fitted)).evaluate(items)
    cv_log_loss: float | None = None
    cv_rmse: float | None = None
    try:
        cv = evaluate_with_time_series_splits(items)
        cv_log_loss, cv_rmse = float(cv.log_loss), float(cv.rmse_bins)
    except (ValueError, RuntimeError):  # too few items for the splits
        pass
    return FitReport(
        reviews=len(counted),
        items=len(items),
        log_loss_default=float(before.log_loss),
        log_loss_fitted=float(after.log_loss),
        rmse_bins_default=float(before.rmse_bins),
        rmse_bins_fitted=float(after.rmse_bins),
        parameters=fitted,
        cv_log_loss=cv_log_loss,
        cv_rmse_bins=cv_rmse,
        seconds=round(time.perf_counter() - started, 3),
    )
