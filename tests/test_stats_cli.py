"""`prep stats`: labelled sections, the week ahead under day names, times on the
learner's clock to the minute, a table of the decks; and --json keeps its keys."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from prep.cli.commands import run_stats
from prep.grading.attempts import Attempt
from prep.paths import Locations
from prep.scheduling.memory import CardState, Rating, Stage
from prep.scheduling.replay import Review
from prep.stats.report import local_minute, table, under_labels
from prep.store import Store
from tests.conftest import PINNED_NOW

NOW = PINNED_NOW  # Tuesday 10 March 2026, 12:00 UTC
NEW_YORK = ZoneInfo("America/New_York")  # on summer time since 8 March: UTC-4


def studied(store: Store) -> None:
    """Two cards of Alpha reviewed: one in review (due in two days), one relearning."""
    store.add_reviews(
        Review(f"r{n}", key, Rating(rating), NOW - timedelta(days=days), 1000, "test",
               stage_before=Stage.REVIEW)
        for n, (key, rating, days) in enumerate(
            [("alpha/card-1", 3, 3), ("alpha/card-1", 3, 1), ("alpha/card-2", 1, 1)]
        )
    )  # fmt: skip
    store.write_states(
        [
            CardState("alpha/card-1", Stage.REVIEW, None, 12.0, 5.0,
                      NOW + timedelta(days=2, minutes=3, seconds=7, milliseconds=250),
                      NOW - timedelta(days=1), reps=2),
            CardState("alpha/card-2", Stage.RELEARNING, 0, 1.0, 7.0, NOW - timedelta(hours=1),
                      NOW - timedelta(days=1), reps=1, lapses=1),
        ]
    )  # fmt: skip


def stats_text(locations: Locations) -> str:
    out = io.StringIO()
    assert run_stats(locations, False, out, now=NOW, tz=NEW_YORK) == 0
    return out.getvalue()


EXPECTED = """\
Today (Tue 2026-03-10)
  due now         1
  new available   3
  reviewed today  0
  next due        2026-03-12 08:03

In all
  cards    5 (2 seen)
  reviews  3
  streak   1 day (longest 1)

Retention (reviews of cards in review, passed with Hard or better)
  today  week  month  year  all time
      -   67%    67%   67%       67%

Due in the next 7 days
  today  Wed  Thu  Fri  Sat  Sun  Mon
      1    0    1    0    0    0    0

Cards by stage
  new  learning  review  relearning  suspended
    3         0       1           1          0

Decks
  deck   cards  seen  in review  due now  new today  reviews
  Alpha      3     2          1        1          1        3
  Beta       2     0          0        0          2        0

Katas
  tried           1 kata, 1 submission
  pass rate       100%
  first-try rate  100%
  median solve    1.5 min
"""


def test_stats_prints_labelled_sections_and_a_table_of_the_decks(
    locations: Locations, store: Store
) -> None:
    studied(store)
    store.record_attempt(
        Attempt("a1", "alpha/k", "submit", NOW - timedelta(hours=2), "x = 1", True,
                {"elapsed_ms": 90_000}, 10, "test")
    )  # fmt: skip
    # The next card is due 08:03:07.250 New York time: shown to the minute, in that zone.
    assert stats_text(locations) == EXPECTED


def test_stats_on_a_new_home_counts_in_words_and_lists_every_deck(locations: Locations) -> None:
    text = stats_text(locations)
    assert "  streak   0 days (longest 0)" in text
    assert "  next due        -" in text
    assert "  Alpha      3     0          0        0          3        0" in text
    assert text.endswith("Katas\n  none tried yet\n")
    assert "due, next 7 days" not in text


def test_stats_json_keeps_its_keys_and_adds_per_deck_counts(
    locations: Locations, store: Store
) -> None:
    studied(store)
    out = io.StringIO()
    assert run_stats(locations, True, out, now=NOW, tz=NEW_YORK) == 0
    data = json.loads(out.getvalue())
    assert list(data) == [
        "cards_total", "cards_seen", "reviews_total", "reviewed_today", "due_now",
        "new_available", "streak_days", "streak_longest", "next_due", "by_deck", "retention",
        "forecast", "states", "mastery_by_deck", "katas", "retention_counts",
    ]  # fmt: skip
    assert data["next_due"] == "2026-03-12T12:03:07.250000+00:00"  # data stays exact, in UTC
    assert data["by_deck"] == {
        "alpha": {
            "title": "Alpha", "cards": 3, "seen": 2, "due_now": 1, "new_available": 1,
            "in_review": 1, "reviews": 3,
        },
        "beta": {
            "title": "Beta", "cards": 2, "seen": 0, "due_now": 0, "new_available": 2,
            "in_review": 0, "reviews": 0,
        },
    }  # fmt: skip
    assert len(data["forecast"]) == 30 and data["forecast"][:3] == [1, 0, 1]


def test_local_minute_is_the_learners_clock_without_seconds() -> None:
    moment = datetime(2026, 12, 1, 19, 3, 59, 123456, tzinfo=UTC)
    assert local_minute(moment, NEW_YORK) == "2026-12-01 14:03"
    assert local_minute(moment, UTC) == "2026-12-01 19:03"


def test_tables_line_numbers_up_under_their_labels() -> None:
    assert under_labels(["today", "Wed"], ["1,205", "0"]) == ["  today  Wed", "  1,205    0"]
    assert table(["deck", "cards"], [["A long title", "3"], ["B", "1,200"]]) == [
        "  deck          cards",
        "  A long title      3",
        "  B             1,200",
    ]
