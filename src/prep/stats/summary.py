"""The Today summary: what is due, what is new, and the streak."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, tzinfo

from prep.content.library import Library
from prep.scheduling.days import day_start, study_day
from prep.scheduling.memory import CardState, Stage
from prep.settings import Settings
from prep.stats.activity import Activity, stored_activity
from prep.store.history import History
from prep.study.session import build_queue, studyable_cards


@dataclass(frozen=True)
class DeckCounts:
    slug: str
    title: str
    cards: int
    seen: int
    due_now: int
    new_available: int
    in_review: int  # graduated from learning and not lapsed since
    # Ratings since each card was last reset, from the card states (Anki's browser counts
    # the same): counting the log per card would read every review of a long history.
    reviews: int


@dataclass(frozen=True)
class TodaySummary:
    cards_total: int
    cards_seen: int
    reviews_total: int
    reviewed_today: int
    due_now: int
    new_available: int
    streak_days: int
    streak_longest: int
    next_due: datetime | None
    decks: tuple[DeckCounts, ...]

    def to_dict(self) -> dict[str, object]:
        return {
            "cards_total": self.cards_total,
            "cards_seen": self.cards_seen,
            "reviews_total": self.reviews_total,
            "reviewed_today": self.reviewed_today,
            "due_now": self.due_now,
            "new_available": self.new_available,
            "streak_days": self.streak_days,
            "streak_longest": self.streak_longest,
            "next_due": self.next_due.isoformat() if self.next_due else None,
            "by_deck": {
                deck.slug: {
                    "title": deck.title,
                    "cards": deck.cards,
                    "seen": deck.seen,
                    "due_now": deck.due_now,
                    "new_available": deck.new_available,
                    "in_review": deck.in_review,
                    "reviews": deck.reviews,
                }
                for deck in self.decks
            },
        }


def today_summary(
    library: Library,
    store: History,
    settings: Settings,
    now: datetime,
    tz: tzinfo,
    activity: Activity | None = None,
) -> TodaySummary:
    """``activity``: the ratings per day up to the same moment, when already counted
    (from any first day: the total and the streaks are the same)."""
    rollover = settings.rollover_hour
    today = study_day(now, tz, rollover)
    today_start = day_start(today, tz, rollover)
    states = store.card_states()
    queue = build_queue(studyable_cards(library), store, settings, now, tz, states)
    if activity is None:
        activity = stored_activity(store, now, tz, rollover)
    due_keys = {card.key for card in queue.due}
    new_keys = {card.key for card in queue.new}
    history_only = sorted(key for key in states if key not in library.cards)
    decks = tuple(
        DeckCounts(
            slug=deck.slug,
            title=deck.title,
            cards=len(deck.card_keys),
            seen=sum(
                1 for key in deck.card_keys if key in states and states[key].stage is not Stage.NEW
            ),
            due_now=sum(1 for key in deck.card_keys if key in due_keys),
            new_available=sum(1 for key in deck.card_keys if key in new_keys),
            in_review=_in_review(states, deck.card_keys),
            reviews=_ratings(states, deck.card_keys),
        )
        for deck in library.decks
    )
    if history_only:
        # Cards known only from history (imported, or removed from content) count
        # as one more deck; they cannot be studied without their text.
        decks += (
            DeckCounts(
                "imported", "Imported history", len(history_only), len(history_only), 0, 0,
                _in_review(states, history_only), _ratings(states, history_only),
            ),
        )  # fmt: skip
    return TodaySummary(
        cards_total=len(library.cards) + len(history_only),
        cards_seen=len(states),
        reviews_total=activity.total,
        reviewed_today=store.count_reviews_since(today_start),
        due_now=len(queue.due),
        new_available=len(queue.new),
        streak_days=activity.streak_current,
        streak_longest=activity.streak_longest,
        next_due=queue.next_due,
        decks=decks,
    )


def _in_review(states: Mapping[str, CardState], keys: Iterable[str]) -> int:
    return sum(1 for key in keys if key in states and states[key].stage is Stage.REVIEW)


def _ratings(states: Mapping[str, CardState], keys: Iterable[str]) -> int:
    return sum(states[key].reps for key in keys if key in states)
