"""Studying a chosen part of the library: a deck, a tag, a type, a combination, and
reviewing ahead — and the daily limit on new cards staying one for the whole day."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from prep.content import Library, load_library
from prep.content.kinds import CardType
from prep.scheduling.memory import CardState, Rating, Stage
from prep.settings import Settings
from prep.store import Store
from prep.study.scope import StudyScope, scope_problem
from prep.study.session import StudySession
from tests.conftest import FakeClock, typed_deck_yaml


def session_for(
    library: Library,
    store: Store,
    clock: FakeClock,
    scope: StudyScope,
    settings: Settings | None = None,
) -> StudySession:
    return StudySession(library, store, settings or Settings(), UTC, clock, scope=scope)


def review_state(key: str, due: datetime) -> CardState:
    return CardState(key, Stage.REVIEW, None, 5.0, 5.0, due, due - timedelta(days=5), 3, 0)


def served_keys(session: StudySession) -> list[str]:
    """Every card the session serves, each rated Easy, until it has nothing left."""
    keys = []
    while (prompt := session.next_prompt()) is not None:
        keys.append(prompt.card.key)
        session.answer(prompt, Rating.Easy)
    return keys


@pytest.fixture
def mixed_library(tmp_path: Path) -> Library:
    folder = tmp_path / "mixed"
    folder.mkdir()
    heaps = typed_deck_yaml("heaps", "qqpkk", {1: "heaps", 4: "heaps"})
    (folder / "heaps.yaml").write_text(heaps, encoding="utf-8")
    (folder / "trees.yaml").write_text(typed_deck_yaml("trees", "qpk", {3: "heaps"}), "utf-8")
    library = load_library([folder])
    assert not library.errors
    return library


def test_a_deck_scope_serves_only_that_decks_due_and_new_cards(
    library: Library, store: Store, clock: FakeClock
) -> None:
    store.write_states(
        [
            review_state("alpha/card-1", clock.now - timedelta(days=1)),
            review_state("beta/card-1", clock.now - timedelta(days=1)),
        ]
    )
    session = session_for(library, store, clock, StudyScope(deck="beta"))
    counts = session.counts()
    assert (counts.due_now, counts.new_available) == (1, 1)
    assert served_keys(session) == ["beta/card-1", "beta/card-2"]
    everything = session_for(library, store, clock, StudyScope())
    assert served_keys(everything) == ["alpha/card-1", "alpha/card-2", "alpha/card-3"]


def test_a_tag_a_type_and_both_together(
    mixed_library: Library, store: Store, clock: FakeClock
) -> None:
    def keys(scope: StudyScope) -> list[str]:
        return [card.key for card in session_for(mixed_library, store, clock, scope).queue().new]

    assert keys(StudyScope(tag="heaps")) == ["heaps/q1", "trees/k3", "heaps/k4"]
    assert sorted(keys(StudyScope(card_type=CardType.KATA))) == [
        "heaps/k4",
        "heaps/k5",
        "trees/k3",
    ]
    assert sorted(keys(StudyScope(tag="heaps", card_type=CardType.KATA))) == [
        "heaps/k4",
        "trees/k3",
    ]
    assert keys(StudyScope(deck="trees", card_type=CardType.KATA)) == ["trees/k3"]


def test_a_scoped_session_spends_the_days_one_new_card_limit(
    library: Library, store: Store, clock: FakeClock
) -> None:
    limit = Settings(new_per_day=3)
    served_keys(session_for(library, store, clock, StudyScope(deck="alpha"), limit))
    assert store.count_first_reviews_since(clock.now - timedelta(hours=1)) == 3
    assert session_for(library, store, clock, StudyScope(), limit).counts().new_available == 0


@pytest.mark.parametrize(("ahead", "served"), [(3, True), (2, True), (1, False), (0, False)])
def test_review_ahead_serves_a_card_due_within_that_many_days(
    library: Library, store: Store, clock: FakeClock, ahead: int, served: bool
) -> None:
    store.write_states([review_state("alpha/card-1", clock.now + timedelta(days=2))])
    session = session_for(library, store, clock, StudyScope(ahead_days=ahead))
    due = [card.key for card in session.queue().due]
    assert due == (["alpha/card-1"] if served else [])


def test_a_review_ahead_is_a_normal_review_now_and_brings_no_new_card(
    library: Library, store: Store, clock: FakeClock
) -> None:
    store.write_states([review_state("alpha/card-1", clock.now + timedelta(days=2))])
    session = session_for(library, store, clock, StudyScope(ahead_days=3))
    assert session.counts().new_available == 0
    prompt = session.next_prompt()
    assert prompt is not None and prompt.card.key == "alpha/card-1"
    answer = session.answer(prompt, Rating.Good)
    assert answer.review.reviewed_at == clock.now
    assert answer.after.due > clock.now + timedelta(days=2)
    assert session.next_prompt() is None


def test_a_scope_describes_itself_for_the_header(library: Library) -> None:
    assert StudyScope().describe(library) == "all decks"
    assert StudyScope(deck="alpha").describe(library) == "deck: Alpha"
    assert StudyScope(card_type=CardType.KATA, tag="heaps").describe(library) == (
        "katas tagged heaps"
    )
    assert StudyScope(tag="heaps").describe(library) == "cards tagged heaps"
    assert StudyScope(deck="beta", card_type=CardType.PREDICT, ahead_days=1).describe(library) == (
        "deck: Beta · predict cards · reviews due within 1 day"
    )
    assert StudyScope(ahead_days=3).describe(library) == "reviews due within 3 days"


def test_a_scope_naming_what_does_not_exist_says_so(mixed_library: Library) -> None:
    assert scope_problem(StudyScope(deck="heaps", tag="heaps"), mixed_library) == ""
    assert scope_problem(StudyScope(deck="heap"), mixed_library) == (
        "there is no deck 'heap' (did you mean 'heaps'?)"
    )
    assert scope_problem(StudyScope(tag="heapz"), mixed_library) == (
        "no card is tagged 'heapz' (did you mean 'heaps'?)"
    )
    assert scope_problem(StudyScope(ahead_days=400), mixed_library) == (
        "review ahead takes 0 to 365 days, not 400"
    )
