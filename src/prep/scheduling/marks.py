"""What the learner decided about a card beside its memory state — suspended,
buried until the next study day, tagged leech — and the leech rule."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from prep.scheduling.memory import CardState, Stage


@dataclass(frozen=True)
class CardMarks:
    suspended: bool = False
    buried_until: datetime | None = None
    leech: bool = False

    def blocks(self, now: datetime) -> bool:
        """Whether the card stays out of the queue at ``now``."""
        return self.suspended or (self.buried_until is not None and self.buried_until > now)


def is_new_leech(after: CardState, marks: CardMarks | None, threshold: int) -> bool:
    """Anki's rule: the lapse that reaches the threshold tags the card leech and suspends it."""
    return (
        after.lapses >= threshold
        and not (marks is not None and marks.leech)
        and after.stage is Stage.RELEARNING
    )
