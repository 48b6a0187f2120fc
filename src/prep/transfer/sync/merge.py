"""The merge of what installations know, pure: commutative, associative and
idempotent, so that every machine comes to the same history whatever order the
files arrive in, and however often.

Reviews and kata attempts are sets, merged by id; a review taken back (undone) stays taken back
wherever it went. Marks, settings and fitted parameters are values stamped with
the time they changed, merged key by key: the latest change wins, and two changes
stamped alike are told apart by their values, the same way everywhere.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import reduce
from typing import Any, TypeVar

from prep.grading.attempts import Attempt
from prep.scheduling.replay import Review


@dataclass(frozen=True)
class Stamped:
    """A value (JSON: numbers, strings, lists, objects) and when it changed (ms since
    the epoch; 0 when nobody knows)."""

    value: Any
    changed_ms: int

    def order(self) -> tuple[int, str]:
        # The value, written canonically, breaks a tie of times: any total order
        # that every machine computes alike would do.
        return self.changed_ms, json.dumps(self.value, sort_keys=True, separators=(",", ":"))


def latest(first: Stamped, second: Stamped) -> Stamped:
    return first if first.order() >= second.order() else second


Value = TypeVar("Value", Review, Attempt, Stamped)


def _merge_keys(
    first: Mapping[str, Value], second: Mapping[str, Value], pick: Callable[[Value, Value], Value]
) -> dict[str, Value]:
    """Every key of either side; a key on both sides takes ``pick`` of its two values."""
    merged = dict(first)
    for key, value in second.items():
        mine = merged.get(key)
        merged[key] = value if mine is None else pick(mine, value)
    return merged


def merge_latest(first: Mapping[str, Stamped], second: Mapping[str, Stamped]) -> dict[str, Stamped]:
    return _merge_keys(first, second, latest)


def _one_entry(first: Value, second: Value) -> Value:
    # One id is one review (or attempt): the same entry wherever it comes from. Should
    # two copies ever differ (a file edited by hand), each machine keeps the same one.
    return first if first == second else min(first, second, key=repr)


@dataclass(frozen=True)
class Replica:
    """What one installation knows: its review log with the ids taken back, its kata
    attempts, and its stamped marks (by card), settings (by name) and fitted parameters."""

    reviews: Mapping[str, Review] = field(default_factory=dict)
    undone: frozenset[str] = frozenset()
    marks: Mapping[str, Stamped] = field(default_factory=dict)
    settings: Mapping[str, Stamped] = field(default_factory=dict)
    parameters: Stamped | None = None
    attempts: Mapping[str, Attempt] = field(default_factory=dict)

    def live_reviews(self) -> list[Review]:
        """The log as it stands: every review less those taken back."""
        return [review for key, review in self.reviews.items() if key not in self.undone]


def merge(first: Replica, second: Replica) -> Replica:
    parameters = first.parameters
    if second.parameters is not None:
        parameters = (
            second.parameters if parameters is None else latest(parameters, second.parameters)
        )
    return Replica(
        reviews=_merge_keys(first.reviews, second.reviews, _one_entry),
        undone=first.undone | second.undone,
        marks=merge_latest(first.marks, second.marks),
        settings=merge_latest(first.settings, second.settings),
        parameters=parameters,
        attempts=_merge_keys(first.attempts, second.attempts, _one_entry),
    )


def merge_all(replicas: Iterable[Replica]) -> Replica:
    return reduce(merge, replicas, Replica())
