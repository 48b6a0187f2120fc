"""A learner's history written into an Anki collection: each card's scheduling
and one ``revlog`` row per review, so that Anki (and its FSRS) carries on where
prep stands.

genanki writes notes and new cards only; these rows are added to the
collection it wrote, before the package is zipped. Card and note ids are
derived from the card's key, and revlog ids from the review's time, so that
importing a later export into the same Anki profile updates the same cards and
skips the reviews it already has (Anki keys both on their ids).
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from prep.clock import to_ms
from prep.scheduling.memory import CardState, MemoryModel, Stage, memory_model
from prep.scheduling.replay import ReplayStep, Review, ReviewKind, replay_steps

if TYPE_CHECKING:
    from prep.settings import Settings
    from prep.store.history import History

# Anki's card.type, card.queue and revlog.type codes (anki/consts.py).
_CARD_TYPE = {Stage.NEW: 0, Stage.LEARNING: 1, Stage.REVIEW: 2, Stage.RELEARNING: 3}
QUEUE_SUSPENDED, QUEUE_NEW, QUEUE_LEARNING, QUEUE_REVIEW = -1, 0, 1, 2
REVLOG_LEARN, REVLOG_REVIEW, REVLOG_RELEARN, REVLOG_MANUAL = 0, 1, 2, 4
_REVLOG_TYPE = {
    Stage.NEW: REVLOG_LEARN,
    Stage.LEARNING: REVLOG_LEARN,
    Stage.REVIEW: REVLOG_REVIEW,
    Stage.RELEARNING: REVLOG_RELEARN,
}
# The ease factor (per mille) Anki gives a card that graduates; SM-2 starts from it
# should the learner turn FSRS off in Anki.
DEFAULT_FACTOR = 2500
SECONDS_PER_DAY = 86_400
# Anki reads a card's or note's id as its creation time in ms: derived ids lie in
# 2001-2018, in the past and never in 1970, and clear of ids Anki makes from today's clock.
_ID_BASE = 1_000_000_000_000
_ID_SPAN = 1 << 39


@dataclass(frozen=True)
class StudyHistory:
    """What the export writes beside the notes: the log, the states it led to,
    and the cards the learner suspended."""

    reviews: Sequence[Review]
    states: Mapping[str, CardState]
    suspended: frozenset[str]
    model: MemoryModel


def study_history(history: History, settings: Settings) -> StudyHistory:
    """What an export writes beside the notes, read from the learner's history."""
    return StudyHistory(
        reviews=history.reviews(),
        states=history.card_states(),
        suspended=frozenset(key for key, mark in history.marks().items() if mark.suspended),
        model=memory_model(settings, history.fitted_parameters()),
    )


@dataclass(frozen=True)
class CardScheduling:
    """One card's scheduling columns, as Anki's ``cards`` table holds them."""

    type: int
    queue: int
    due: int
    ivl: int
    factor: int
    reps: int
    lapses: int
    left: int
    data: str


@dataclass(frozen=True)
class RevlogRow:
    """One row of Anki's ``revlog``: ivl and lastIvl are days, or negative seconds
    while the card is (re)learning; ease is the rating, 0 for a manual reset."""

    id: int
    cid: int
    usn: int
    ease: int
    ivl: int
    last_ivl: int
    factor: int
    time: int
    type: int


def stable_anki_id(text: str) -> int:
    """An id the same on every export, from the card's key."""
    digest = int(hashlib.sha256(text.encode()).hexdigest()[:16], 16)
    return _ID_BASE + digest % _ID_SPAN


def interval(state: CardState | None) -> int:
    """Anki's interval of a state: whole days for a card in review, minus the
    seconds to its next step while (re)learning, 0 for a new card."""
    if state is None or state.stage is Stage.NEW or state.last_review is None:
        return 0
    gap = state.due - state.last_review
    if state.stage is Stage.REVIEW:
        return max(1, round(gap.total_seconds() / SECONDS_PER_DAY))
    return -max(1, round(gap.total_seconds()))


def _steps_left(state: CardState, model: MemoryModel) -> int:
    steps = (
        model.config.learning_steps
        if state.stage is Stage.LEARNING
        else model.config.relearning_steps
    )
    return max(1, len(steps) - (state.step or 0))


def card_scheduling(
    state: CardState | None, suspended: bool, model: MemoryModel, collection_created: int
) -> CardScheduling | None:
    """The columns of a studied card; ``None`` for a card still new (genanki's own
    values stand). ``collection_created`` is the collection's ``crt`` in seconds:
    Anki counts a review card's due date in days from it."""
    if state is None or state.stage is Stage.NEW:
        return None
    due_s = int(state.due.timestamp())
    if state.stage is Stage.REVIEW:
        queue, due, left = QUEUE_REVIEW, (due_s - collection_created) // SECONDS_PER_DAY, 0
    else:
        # Learning steps are minutes long: a due time in seconds, as Anki keeps one.
        queue, due, left = QUEUE_LEARNING, due_s, _steps_left(state, model)
    memory: dict[str, float | int] = {}
    if state.stability is not None and state.difficulty is not None:
        # The keys Anki's FSRS keeps a card's memory state under (cards.data).
        memory = {"s": round(state.stability, 4), "d": round(state.difficulty, 3)}
    if state.last_review is not None:
        memory["lrt"] = int(state.last_review.timestamp())
    return CardScheduling(
        type=_CARD_TYPE[state.stage],
        queue=QUEUE_SUSPENDED if suspended else queue,
        due=due,
        ivl=max(0, interval(state)),
        factor=DEFAULT_FACTOR,
        reps=state.reps,
        lapses=state.lapses,
        left=left,
        data=json.dumps(memory, separators=(",", ":")) if memory else "",
    )


def revlog_rows(steps: Iterable[ReplayStep], card_ids: Mapping[str, int]) -> list[RevlogRow]:
    """One row per replayed entry of a card in ``card_ids``, in time order. Two
    reviews in one millisecond cannot share a revlog id: the later moves on by 1 ms."""
    rows: list[RevlogRow] = []
    taken: set[int] = set()
    for step in steps:
        review = step.review
        card_id = card_ids.get(review.card_key)
        if card_id is None:
            continue
        row_id = to_ms(review.reviewed_at)
        while row_id in taken:
            row_id += 1
        taken.add(row_id)
        reset = review.kind is ReviewKind.RESET or review.rating is None or step.after is None
        kind = REVLOG_MANUAL if reset else _REVLOG_TYPE[step.before.stage]
        rows.append(
            RevlogRow(
                id=row_id,
                cid=card_id,
                usn=-1,
                ease=0 if reset or review.rating is None else int(review.rating),
                ivl=0 if reset else interval(step.after),
                last_ivl=interval(step.before),
                factor=DEFAULT_FACTOR if kind in (REVLOG_REVIEW, REVLOG_RELEARN) else 0,
                time=review.duration_ms or 0,
                type=kind,
            )
        )
    return rows


def stabilise_ids(collection: sqlite3.Connection) -> dict[str, int]:
    """Give every note and card of the collection (a note's first field is the card's
    key) the ids derived from its key; returns each key's card id."""
    notes = collection.execute("SELECT id, flds FROM notes ORDER BY id").fetchall()
    keys = {note_id: str(fields).split("\x1f", 1)[0] for note_id, fields in notes}
    card_ids = _unique_ids({key: stable_anki_id(f"prep-card:{key}") for key in keys.values()})
    note_ids = _unique_ids({key: stable_anki_id(f"prep-note:{key}") for key in keys.values()})
    for old_note_id, key in keys.items():
        collection.execute(
            "UPDATE cards SET id = ?, nid = ? WHERE nid = ?",
            (card_ids[key], note_ids[key], old_note_id),
        )
        collection.execute("UPDATE notes SET id = ? WHERE id = ?", (note_ids[key], old_note_id))
    return card_ids


def write_history(
    collection: sqlite3.Connection,
    card_ids: Mapping[str, int],
    history: StudyHistory,
    now: datetime,
) -> int:
    """Schedule each card of ``card_ids`` as prep has it and add the revlog of
    those cards; returns the revlog rows written."""
    created, config = collection.execute("SELECT crt, conf FROM col").fetchone()
    # genanki's collection names no scheduler, which Anki reads as its first one, whose
    # learning cards had three buttons: it would raise every learning rating by one.
    collection.execute(
        "UPDATE col SET conf = ?", (json.dumps({**json.loads(config), "schedVer": 2}),)
    )
    modified = int(now.timestamp())
    for key, card_id in card_ids.items():
        scheduling = card_scheduling(
            history.states.get(key), key in history.suspended, history.model, int(created)
        )
        if scheduling is None:
            continue
        collection.execute(
            "UPDATE cards SET type = ?, queue = ?, due = ?, ivl = ?, factor = ?, reps = ?,"
            " lapses = ?, left = ?, data = ?, mod = ? WHERE id = ?",
            (
                scheduling.type,
                scheduling.queue,
                scheduling.due,
                scheduling.ivl,
                scheduling.factor,
                scheduling.reps,
                scheduling.lapses,
                scheduling.left,
                scheduling.data,
                modified,
                card_id,
            ),
        )
    exported = [review for review in history.reviews if review.card_key in card_ids]
    rows = revlog_rows(replay_steps(exported, history.model), card_ids)
    collection.executemany(
        "INSERT INTO revlog (id, cid, usn, ease, ivl, lastIvl, factor, time, type)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [(r.id, r.cid, r.usn, r.ease, r.ivl, r.last_ivl, r.factor, r.time, r.type) for r in rows],
    )
    return len(rows)


def _unique_ids(wanted: Mapping[str, int]) -> dict[str, int]:
    """The wanted ids, a rare clash settled the same way every time (in key order)."""
    given: dict[str, int] = {}
    taken: set[int] = set()
    for key in sorted(wanted):
        value = wanted[key]
        while value in taken:
            value += 1
        taken.add(value)
        given[key] = value
    return given
