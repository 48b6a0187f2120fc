"""The numbers of the Progress screen and ``prep stats``, from the store's counts and columns.

Days are study days (rolling over at the learner's hour, in their zone): a
review at 1 a.m. counts for the day before, as in Anki.
"""

from __future__ import annotations

import statistics
from bisect import bisect_right
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo
from typing import Any

from prep.clock import from_ms, to_ms
from prep.content.library import Library
from prep.scheduling.days import day_start
from prep.scheduling.mastery import MASTERY_RETRIEVABILITY as MASTERY_RETRIEVABILITY
from prep.scheduling.mastery import Mastery as Mastery  # named here too: Progress shows it
from prep.scheduling.mastery import mastery_by_topic
from prep.scheduling.memory import CardState, Rating, Stage, memory_model
from prep.settings import Settings
from prep.stats.activity import Activity, day_starts, stored_activity
from prep.store.history import History

HEATMAP_DAYS = 365
FORECAST_DAYS = 30
PERIODS = {"today": 1, "week": 7, "month": 30, "year": 365, "all time": None}


@dataclass(frozen=True)
class Retention:
    passed: int
    total: int

    @property
    def rate(self) -> float | None:
        return self.passed / self.total if self.total else None


@dataclass(frozen=True)
class KataStats:
    katas_tried: int
    submissions: int
    pass_rate: float | None
    first_try_rate: float | None
    median_seconds_to_solve: float | None


@dataclass(frozen=True)
class HardCard:
    key: str
    lapses: int
    difficulty: float
    text: str


@dataclass(frozen=True)
class Progress:
    today: date
    days: tuple[date, ...]
    reviews_per_day: tuple[int, ...]
    reviews_total: int
    streak_current: int
    streak_longest: int
    retention: dict[str, Retention]
    forecast: tuple[int, ...]
    states: dict[str, int]
    mastery_by_deck: tuple[Mastery, ...]
    mastery_by_tag: tuple[Mastery, ...]
    katas: KataStats
    hardest: tuple[HardCard, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "retention": {
                name: {"passed": r.passed, "total": r.total, "rate": r.rate}
                for name, r in self.retention.items()
            },
            "streak_longest": self.streak_longest,
            "forecast": list(self.forecast),
            "states": self.states,
            "mastery_by_deck": {
                m.name: {"mastered": m.mastered, "total": m.total} for m in self.mastery_by_deck
            },
            "katas": {
                "katas_tried": self.katas.katas_tried,
                "submissions": self.katas.submissions,
                "pass_rate": self.katas.pass_rate,
                "first_try_rate": self.katas.first_try_rate,
                "median_seconds_to_solve": self.katas.median_seconds_to_solve,
            },
        }


def state_from_columns(
    row: tuple[str, int, float | None, float | None, int, int | None, int, int],
) -> CardState:
    key, stage, stability, difficulty, due_ms, last_ms, reps, lapses = row
    return CardState(
        key, Stage(stage), None, stability, difficulty, from_ms(due_ms),
        from_ms(last_ms) if last_ms is not None else None, reps, lapses,
    )  # fmt: skip


def progress_activity(store: History, now: datetime, tz: tzinfo, rollover: int) -> Activity:
    """The ratings per day Progress shows: its heatmap's year at least."""
    return stored_activity(store, now, tz, rollover, days_at_least=HEATMAP_DAYS)


def compute_progress(
    library: Library,
    store: History,
    settings: Settings,
    now: datetime,
    tz: tzinfo,
    activity: Activity | None = None,
) -> Progress:
    """``activity``: ``progress_activity`` of the same moment, when it is already counted."""
    rollover = settings.rollover_hour
    model = memory_model(settings, store.fitted_parameters())

    # -- reviews per day, streaks, retention -----------------------------------
    if activity is None:
        activity = progress_activity(store, now, tz, rollover)
    today, current, longest = activity.today, activity.streak_current, activity.streak_longest
    heat = activity.per_day[-HEATMAP_DAYS:]
    heat_days = tuple(today - timedelta(days=HEATMAP_DAYS - 1 - n) for n in range(HEATMAP_DAYS))
    retention = period_retention(store, activity.first_day, today, tz, rollover)

    # -- states, forecast, mastery, hardest -------------------------------------
    states = store.state_columns()
    marks = store.marks()
    suspended = {key for key, mark in marks.items() if mark.suspended}
    content_keys = set(library.cards)
    stage_counts = {"new": 0, "learning": 0, "review": 0, "relearning": 0, "suspended": 0}
    seen_content = set()
    due_ms: list[int] = []
    retr: dict[str, float] = {}
    for row in states:
        key, stage = row[0], Stage(row[1])
        retr[key] = model.retrievability(state_from_columns(row), now)
        if key in content_keys:
            seen_content.add(key)
        if key in suspended:
            stage_counts["suspended"] += 1
            continue
        if stage is Stage.NEW:
            continue
        stage_counts[stage.name.lower()] += 1
        due_ms.append(row[4])
    stage_counts["new"] = len(content_keys - seen_content - suspended)
    # A card suspended before it was ever studied has no state, and is still suspended.
    stage_counts["suspended"] += len((suspended & content_keys) - seen_content)

    # The study day each card is due on (an overdue card is due today), for the days ahead.
    starts = day_starts(today, today + timedelta(days=FORECAST_DAYS), tz, rollover)
    forecast = [0] * FORECAST_DAYS
    for at in due_ms:
        day = max(bisect_right(starts, at) - 1, 0)
        if day < FORECAST_DAYS:
            forecast[day] += 1

    by_deck = []
    for deck in library.decks:
        mastered = sum(1 for key in deck.card_keys if retr.get(key, 0.0) >= MASTERY_RETRIEVABILITY)
        by_deck.append(Mastery(deck.title, mastered, len(deck.card_keys)))
    history_only = [key for key in retr if key not in content_keys]
    if history_only:
        mastered = sum(1 for key in history_only if retr[key] >= MASTERY_RETRIEVABILITY)
        by_deck.append(Mastery("Imported history", mastered, len(history_only)))
    by_tag = sorted(
        mastery_by_topic(((key, card.tags) for key, card in library.cards.items()), retr),
        key=lambda m: (-m.total, m.name),
    )

    hardest_rows = sorted(
        (row for row in states if row[7] > 0), key=lambda row: (-row[7], -(row[3] or 0))
    )[:10]
    hardest = tuple(
        HardCard(
            row[0],
            row[7],
            float(row[3] or 0),
            library.cards[row[0]].prompt_text if row[0] in library.cards else "(not in content)",
        )
        for row in hardest_rows
    )
    return Progress(
        today=today,
        days=heat_days,
        reviews_per_day=tuple(int(n) for n in heat),
        reviews_total=activity.total,
        streak_current=current,
        streak_longest=longest,
        retention=retention,
        forecast=tuple(int(n) for n in forecast),
        states=stage_counts,
        mastery_by_deck=tuple(by_deck),
        mastery_by_tag=tuple(by_tag),
        katas=kata_stats(store),
        hardest=hardest,
    )


def period_retention(
    store: History, first_day: date, today: date, tz: tzinfo, rollover: int
) -> dict[str, Retention]:
    """True retention: the share of reviews of mature cards (in review when rated)
    passed with Hard or better, over each period ending today."""
    # The periods nest, so the store counts the disjoint spans between their starts
    # once, oldest first; each period adds up the spans from its start to today.
    starts = {
        name: day_start(today - timedelta(days=span - 1), tz, rollover)
        if span is not None
        else day_start(first_day, tz, rollover)
        for name, span in PERIODS.items()
    }
    edges = sorted({to_ms(at) for at in starts.values()})
    end = to_ms(day_start(today + timedelta(days=1), tz, rollover))
    spans = store.rating_outcomes([*edges, end], Stage.REVIEW, Rating.Hard)
    retention = {}
    for name, at in starts.items():
        since = spans[edges.index(to_ms(at)) :]
        retention[name] = Retention(sum(p for _, p in since), sum(t for t, _ in since))
    return retention


def kata_stats(store: History) -> KataStats:
    submissions = store.submission_outcomes()
    if not submissions:
        return KataStats(0, 0, None, None, None)
    first_by_card: dict[str, bool] = {}
    for key, passed, _ in submissions:
        first_by_card.setdefault(key, passed)
    solve_times = [
        round(elapsed) / 1000
        for _, passed, elapsed in submissions
        if passed and elapsed is not None
    ]
    return KataStats(
        katas_tried=len(first_by_card),
        submissions=len(submissions),
        pass_rate=sum(passed for _, passed, _ in submissions) / len(submissions),
        first_try_rate=sum(first_by_card.values()) / len(first_by_card),
        median_seconds_to_solve=statistics.median(solve_times) if solve_times else None,
    )
