"""The pure parts of sync: framing, the merge, and the order of merged logs."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from prep.grading.attempts import Attempt
from prep.scheduling.memory import MemoryModel, Rating
from prep.scheduling.replay import Review, merged_order, replay_merged
from prep.transfer.sync.framing import frame, frames, unframe
from prep.transfer.sync.merge import Replica, Stamped, merge, merge_all

T0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


def review(n: int, installation: str = "a", seq: int | None = None, minutes: int = 0) -> Review:
    return Review(
        id=f"r{n}",
        card_key=f"d/c{n % 3}",
        rating=Rating.Good,
        reviewed_at=T0 + timedelta(minutes=minutes),
        duration_ms=1000,
        installation_id=installation,
        seq=seq,
    )


# -- framing -----------------------------------------------------------------


def test_whole_records_read_back() -> None:
    data = frames([b"one", b"", b"three"])
    assert unframe(data).records == (b"one", b"", b"three")
    assert unframe(data).whole


def test_a_cut_record_is_told_from_a_whole_one() -> None:
    data = frames([b"one", b"two"])
    for cut in range(1, len(frame(b"two"))):
        read = unframe(data[:-cut])
        assert read.records == (b"one",)
        assert not read.whole


def test_a_changed_byte_fails_the_checksum() -> None:
    data = bytearray(frames([b"one", b"two"]))
    data[-1] ^= 0x01
    read = unframe(bytes(data))
    assert read.records == (b"one",)
    assert not read.whole


# -- the merge ---------------------------------------------------------------

# A few ids, each with a few possible contents: the same review arriving twice,
# and (rarely) two differing copies of one id, which must still merge alike everywhere.
reviews = st.builds(
    lambda n, minutes, installation: review(n, installation, seq=n, minutes=minutes),
    st.integers(0, 8),
    st.sampled_from([0, 0, 0, 5]),
    st.sampled_from(["a", "b"]),
)
# Kata attempts: a set by id like the log, with (rarely) two differing copies of one id.
attempts = st.builds(
    lambda n, passed: Attempt(
        id=f"t{n}",
        card_key=f"d/c{n % 3}",
        kind="submit",
        submitted_at=T0 + timedelta(minutes=n),
        code="pass",
        passed=passed,
        summary={},
        duration_ms=10,
        installation_id="a",
    ),
    st.integers(0, 5),
    st.sampled_from([True, True, True, False]),
)
stamped = st.builds(
    Stamped,
    st.one_of(st.integers(0, 2), st.sampled_from(["x", "y"]), st.booleans()),
    st.integers(0, 3),  # few times: ties are common
)
replicas = st.builds(
    Replica,
    reviews=st.lists(reviews, max_size=6).map(lambda found: {r.id: r for r in found}),
    undone=st.frozensets(st.sampled_from([f"r{n}" for n in range(9)]), max_size=2),
    marks=st.dictionaries(st.sampled_from(["d/c0", "d/c1", "d/c2"]), stamped, max_size=3),
    settings=st.dictionaries(st.sampled_from(["new_per_day", "new_order"]), stamped, max_size=2),
    parameters=st.one_of(st.none(), stamped),
    attempts=st.lists(attempts, max_size=4).map(lambda found: {a.id: a for a in found}),
)


@settings(max_examples=300)
@given(replicas, replicas)
def test_the_merge_is_commutative(a: Replica, b: Replica) -> None:
    assert merge(a, b) == merge(b, a)


@settings(max_examples=300)
@given(replicas, replicas, replicas)
def test_the_merge_is_associative(a: Replica, b: Replica, c: Replica) -> None:
    assert merge(merge(a, b), c) == merge(a, merge(b, c))


@settings(max_examples=200)
@given(replicas, replicas)
def test_the_merge_is_idempotent(a: Replica, b: Replica) -> None:
    assert merge(a, a) == a
    both = merge(a, b)
    assert merge(both, b) == both
    assert merge(both, a) == both


@settings(max_examples=100)
@given(st.lists(replicas, min_size=1, max_size=4), st.randoms())
def test_any_order_of_arrival_gives_one_history(found: list[Replica], rnd: random.Random) -> None:
    shuffled = list(found)
    rnd.shuffle(shuffled)
    first, second = merge_all(found), merge_all(shuffled)
    assert first == second
    assert merged_order(first.live_reviews()) == merged_order(second.live_reviews())


def test_the_latest_change_wins_and_a_tie_goes_the_same_way_everywhere() -> None:
    older, newer = Stamped(True, 10), Stamped(False, 20)
    assert merge(Replica(marks={"k": older}), Replica(marks={"k": newer})).marks["k"] == newer
    x, y = Stamped("x", 5), Stamped("y", 5)
    assert merge(Replica(settings={"s": x}), Replica(settings={"s": y})).settings["s"] == y
    assert merge(Replica(settings={"s": y}), Replica(settings={"s": x})).settings["s"] == y


def test_an_undone_review_stays_undone_after_any_merge() -> None:
    kept = Replica(reviews={"r1": review(1, seq=1)})
    taken_back = Replica(undone=frozenset({"r1"}))
    assert merge(kept, taken_back).live_reviews() == []
    assert merge(merge(kept, taken_back), kept).live_reviews() == []


# -- the order of merged logs --------------------------------------------------


def test_a_clock_set_back_cannot_reorder_an_installations_own_reviews() -> None:
    # The machine's clock went back an hour between its first and second review.
    first = review(1, "a", seq=1, minutes=60)
    second = review(4, "a", seq=2, minutes=0)  # the same card (c1), later in truth
    other = review(2, "b", seq=1, minutes=30)
    assert merged_order([second, other, first]) == [other, first, second]
    model = MemoryModel()
    # Replayed in the order they were made: the first rating is the card's first.
    states = replay_merged([second, first], model)
    assert states["d/c1"].reps == 2
    assert states["d/c1"].last_review == second.reviewed_at


def test_reviews_without_a_number_fall_in_by_time() -> None:
    imported = review(3, "imported", seq=None, minutes=10)
    mine = [review(1, "a", seq=1, minutes=0), review(2, "a", seq=2, minutes=20)]
    assert merged_order([*mine, imported]) == [mine[0], imported, mine[1]]
