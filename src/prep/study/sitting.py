"""One review of a kata or predict card, rebuilt from what the store keeps.

A learner may open a card, submit, leave, come back, undo a rating: the
review is the same until a rating ends it. So what the rating rule needs —
when the card was first shown, failed submissions, hints, a give-up — is not
kept in the screen but logged as events beside the graded runs (the
attempts table) and read back whenever the card is opened. That is what
makes the proposed rating hard to inflate: leaving and coming back restarts
nothing, and a later look at the same card knows the answer was seen.

A review's events are those after the card's last entry in the review log
(a rating or a reset). Practice — a kata opened from the problem list when it
is neither due nor new — is a sitting of its own: its runs are marked, and a
later review does not inherit them.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo
from typing import TYPE_CHECKING

from prep.content.kinds import CardType
from prep.content.library import StudyCard
from prep.grading.attempts import PRACTICE, Attempt
from prep.scheduling.days import study_day
from prep.study.attempt import SEEN_AFTER_GIVING_UP, SEEN_BEFORE_UNDO, CardAttempt

if TYPE_CHECKING:
    from prep.store.repository import Store

# Event kinds, beside the graded runs' "submit", "examples" and "predict".
OPENED = "open"
HINT = "hint"
GAVE_UP = "give-up"
UNDONE = "undone"
DIAGNOSIS = "diagnosis"  # a known mistake's diagnosis opened: counted as a hint
EVENT_KINDS = frozenset({OPENED, HINT, GAVE_UP, UNDONE, DIAGNOSIS})
# The summary key of a diagnosis event: which wrong solution it named.
MISTAKE = "mistake"


def event(
    card_key: str,
    kind: str,
    at: datetime,
    installation_id: str,
    practice: bool = False,
    mistake: str = "",
) -> Attempt:
    """An event of a sitting, kept with the attempts (it has no code and no result)."""
    assert kind in EVENT_KINDS
    return Attempt(
        id=str(uuid.uuid4()),
        card_key=card_key,
        kind=kind,
        submitted_at=at,
        code="",
        passed=False,
        summary={
            **({PRACTICE: True} if practice else {}),
            **({MISTAKE: mistake} if mistake else {}),
        },
        duration_ms=0,
        installation_id=installation_id,
    )


def is_practice(attempt: Attempt) -> bool:
    return bool(attempt.summary.get(PRACTICE))


def _answer_given(attempt: Attempt, kata: bool) -> bool:
    """A give-up, or a wrong prediction (its diff shows the answer)."""
    if attempt.kind == GAVE_UP:
        return True
    return not kata and attempt.kind == "predict" and not attempt.passed


@dataclass(frozen=True)
class Sitting:
    """Where this review of the card stands, and what to put back on screen."""

    attempt: CardAttempt
    practice: bool
    draft: str | None  # typed in this review (or this practice) and not yet rated
    last_code: str | None  # the code of this review's last graded run, once it is over
    submissions: tuple[Attempt, ...]  # every submission of the card, newest first


def new_attempt(card: StudyCard, opened_at: datetime) -> CardAttempt:
    from prep.content.models import KataCard  # the card's model: pydantic, once a card opens

    if isinstance(card.card, KataCard):
        return CardAttempt.for_kata(card.card.difficulty, opened_at)
    return CardAttempt.for_predict(opened_at)


def rebuild(
    card: StudyCard,
    history: Sequence[Attempt],
    review_started: datetime | None,
    now: datetime,
    tz: tzinfo,
    rollover_hour: int,
) -> CardAttempt:
    """This review's attempt from the card's events and runs (oldest first).

    ``review_started`` is the card's last entry in the review log (None when
    it has none). Pure: time and history are parameters.
    """
    kata = card.type is CardType.KATA
    events = _this_review(history, review_started)
    opened = next((item.submitted_at for item in events if item.kind == OPENED), now)
    attempt = new_attempt(card, opened)
    for item in events:
        if item.kind == HINT:
            attempt.hint()
        elif item.kind == DIAGNOSIS:
            attempt.read_diagnosis(str(item.summary.get(MISTAKE, "")))
        elif item.kind == GAVE_UP:
            attempt.give_up()
        elif item.kind == ("submit" if kata else "predict"):
            attempt.submitted(item.passed, item.submitted_at)
            if not kata and not item.passed:
                attempt.give_up()  # the diff showed the answer: no second try
    today = study_day(now, tz, rollover_hour)
    if any(item.kind == UNDONE for item in events):
        attempt.answer_seen = SEEN_BEFORE_UNDO
    elif any(
        _answer_given(item, kata) and study_day(item.submitted_at, tz, rollover_hour) == today
        for item in history
    ):
        # A relearning step brings the card back within minutes: a later day's review
        # is the first that may earn better than Hard.
        attempt.answer_seen = SEEN_AFTER_GIVING_UP
    return attempt


def open_sitting(
    store: Store,
    card: StudyCard,
    now: datetime,
    tz: tzinfo,
    rollover_hour: int,
    practice: bool = False,
) -> Sitting:
    """Read the card's review so far, logging its first opening (call off the UI thread)."""
    history = store.attempts(card.key)
    log = store.reviews(card.key)
    review_started = log[-1].reviewed_at if log else None
    if practice:
        # Not rated, so nothing to inflate: each practice opening starts afresh.
        attempt = new_attempt(card, now)
        first_opening = True
    else:
        attempt = rebuild(card, history, review_started, now, tz, rollover_hour)
        first_opening = all(item.kind != OPENED for item in _this_review(history, review_started))
    if first_opening:
        store.record_attempt(event(card.key, OPENED, now, store.installation_id, practice))
    draft = None
    saved = store.saved_draft(card.key)
    if saved is not None and not attempt.finished:
        text, updated = saved
        # A review opens on the starter: only what was typed in this review comes back
        # (in practice, what was typed since the last review).
        if updated >= attempt.opened_at or (practice and _after(updated, review_started)):
            draft = text
    runs = [item for item in history if item.kind in ("submit", "predict")]
    this_review = _this_review(runs, review_started)
    return Sitting(
        attempt=attempt,
        practice=practice,
        draft=draft,
        last_code=this_review[-1].code if this_review and attempt.finished else None,
        submissions=tuple(reversed(runs)),
    )


def _after(moment: datetime, start: datetime | None) -> bool:
    return start is None or moment > start


def _this_review(history: Sequence[Attempt], review_started: datetime | None) -> list[Attempt]:
    """The entries of the review under way: after the card's last log entry, not practice."""
    return [
        item
        for item in history
        if _after(item.submitted_at, review_started) and not is_practice(item)
    ]


def since_practice_opened(history: Sequence[Attempt], now: datetime) -> timedelta | None:
    """Time since the card was last opened for practice (``prep start``), if it was."""
    opened = [item.submitted_at for item in history if item.kind == OPENED and is_practice(item)]
    return now - opened[-1] if opened and opened[-1] <= now else None


def log_event(
    store: Store,
    card_key: str,
    kind: str,
    at: datetime,
    practice: bool = False,
    mistake: str = "",
) -> None:
    """Keep a hint, a diagnosis opened, a give-up or an undo (call off the UI thread)."""
    store.record_attempt(event(card_key, kind, at, store.installation_id, practice, mistake))
