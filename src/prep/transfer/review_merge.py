"""Adding reviews from elsewhere (a CSV, an Anki collection) to the log.

A review whose id the log already has is skipped, so importing the same history
twice adds nothing; each touched card's whole history, old and new, is replayed,
so that its state and each review's ``stage_before`` are what they would have been.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from prep.scheduling.memory import MemoryModel
from prep.scheduling.replay import Review, replay_with_stages
from prep.store.repository import Store


@dataclass(frozen=True)
class MergedReviews:
    imported: int
    already_present: int
    cards: int


def merge_reviews(incoming: Sequence[Review], store: Store, model: MemoryModel) -> MergedReviews:
    keys = {review.card_key for review in incoming}
    existing = [review for review in store.reviews() if review.card_key in keys]
    known_ids = {review.id for review in existing}
    # A review given twice is one review: the log keeps it once, and so does the replay.
    fresh = list({review.id: review for review in incoming if review.id not in known_ids}.values())
    fresh_ids = {review.id for review in fresh}
    states, annotated = replay_with_stages([*existing, *fresh], model)
    imported = store.add_reviews(review for review in annotated if review.id in fresh_ids)
    store.write_states(states[key] for key in keys if key in states)
    return MergedReviews(
        imported=imported, already_present=len(incoming) - imported, cards=len(keys)
    )
