"""The order of a day's new cards (the setting ``new_order``): mixed keeps slots for
katas and predict cards spread through the day, counted against what the day has
already introduced; deck is decks in turn; random is a shuffle fixed for the day.
And whatever the order, the queue rebuilt after each card is the rest of the day's."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from prep.content import StudyCard, load_library
from prep.content.kinds import CardType
from prep.scheduling.memory import CardState, Stage
from prep.scheduling.queue import (
    DaySoFar,
    QueueSettings,
    StudyQueue,
    interleave_by_deck,
    order_new_cards,
    spread,
)
from prep.settings import NewOrder, Settings, load_settings, save_settings, settings_from_mapping
from tests.conftest import typed_deck_yaml

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
DAY = NOW.date()
KINDS = {"q": CardType.QA, "p": CardType.PREDICT, "k": CardType.KATA}


def library_cards(folder: Path, decks: dict[str, str]) -> list[StudyCard]:
    for slug, kinds in decks.items():
        (folder / f"{slug}.yaml").write_text(typed_deck_yaml(slug, kinds), encoding="utf-8")
    library = load_library([folder])
    assert not library.errors
    return list(library.cards.values())


# Deck a lists its predict cards and katas last, as the shipped decks do.
DECKS = {"a": "q" * 10 + "ppkk", "b": "q" * 10}


@pytest.fixture
def cards(tmp_path: Path) -> list[StudyCard]:
    return library_cards(tmp_path, DECKS)


def introduced(key: str) -> CardState:
    """A card first studied today, back tomorrow."""
    return CardState(key, Stage.REVIEW, None, 1.0, 5.0, NOW + timedelta(days=1), NOW, 1, 0)


def new_keys(
    cards: list[StudyCard], rules: QueueSettings, today: DaySoFar, seen: tuple[str, ...] = ()
) -> list[str]:
    states = {key: introduced(key) for key in seen}
    return [card.key for card in StudyQueue.build(cards, states, NOW, today, rules).new]


def test_spread_puts_each_position_in_the_middle_of_its_share() -> None:
    assert spread(3, 20) == [3, 10, 16]
    assert spread(1, 20) == [10]
    assert spread(3, 10) == [1, 5, 8]
    assert spread(2, 2) == [0, 1]
    assert spread(0, 20) == []


def test_mixed_keeps_a_kata_and_two_predict_cards_spread_through_the_day(
    cards: list[StudyCard],
) -> None:
    # Slots for kata, predict, predict at 1, 5 and 8 of the day's 10.
    assert new_keys(cards, QueueSettings(new_per_day=10), DaySoFar(DAY)) == [
        "a/q1", "a/k13", "b/q1", "a/q2", "b/q2", "a/p11", "a/q3", "b/q3", "a/p12", "a/q4",
    ]  # fmt: skip


def test_deck_order_is_decks_in_turn_as_before(cards: list[StudyCard]) -> None:
    rules = QueueSettings(new_per_day=10, new_order=NewOrder.DECK)
    expected = [card.key for card in interleave_by_deck(cards)][:10]
    assert new_keys(cards, rules, DaySoFar(DAY)) == expected
    assert all(key.split("/")[1].startswith("q") for key in expected)  # no kata within reach


def test_a_kata_introduced_earlier_today_meets_the_kata_minimum(
    cards: list[StudyCard],
) -> None:
    today = DaySoFar(DAY, introduced=1, introduced_by_type={CardType.KATA: 1})
    keys = new_keys(cards, QueueSettings(new_per_day=10), today, seen=("a/k13",))
    assert len(keys) == 9
    assert "a/k14" not in keys
    assert [key for key in keys if "/p" in key] == ["a/p11", "a/p12"]


def test_slots_a_narrower_session_has_passed_come_at_once(cards: list[StudyCard]) -> None:
    # Five Q&A cards introduced elsewhere: the slots at 1 and 5 are overdue.
    today = DaySoFar(DAY, introduced=5, introduced_by_type={CardType.QA: 5})
    assert new_keys(cards, QueueSettings(new_per_day=10), today) == [
        "a/k13", "a/p11", "a/q1", "a/p12", "b/q1",
    ]  # fmt: skip


def test_fewer_cards_of_a_kind_than_the_minimum_give_as_many_as_there_are(
    tmp_path: Path,
) -> None:
    cards = library_cards(tmp_path, {"c": "qqqqqp"})
    rules = QueueSettings(new_per_day=20, min_new_katas=3, min_new_predict=4)
    # No kata, and the one predict card spread over the six new cards there are.
    assert new_keys(cards, rules, DaySoFar(DAY)) == ["c/q1", "c/q2", "c/q3", "c/p6", "c/q4", "c/q5"]


def test_minimums_of_zero_are_the_deck_order(cards: list[StudyCard]) -> None:
    none = QueueSettings(new_per_day=10, min_new_katas=0, min_new_predict=0)
    deck = QueueSettings(new_per_day=10, new_order=NewOrder.DECK)
    assert new_keys(cards, none, DaySoFar(DAY)) == new_keys(cards, deck, DaySoFar(DAY))


@pytest.mark.parametrize("order", list(NewOrder))
def test_a_limit_of_zero_brings_no_new_card(cards: list[StudyCard], order: NewOrder) -> None:
    assert new_keys(cards, QueueSettings(new_per_day=0, new_order=order), DaySoFar(DAY)) == []


def test_minimums_stay_within_the_daily_limit(cards: list[StudyCard]) -> None:
    rules = QueueSettings(new_per_day=2, min_new_katas=1, min_new_predict=2)
    assert new_keys(cards, rules, DaySoFar(DAY)) == ["a/k13", "a/p11"]


def test_random_order_is_the_same_all_day_and_another_the_next(cards: list[StudyCard]) -> None:
    rules = QueueSettings(new_per_day=10, new_order=NewOrder.RANDOM)
    first = new_keys(cards, rules, DaySoFar(DAY))
    assert first == new_keys(list(reversed(cards)), rules, DaySoFar(DAY))
    later = new_keys(cards, rules, DaySoFar(DAY, introduced=1), seen=(first[0],))
    assert later == first[1:]  # studying a card leaves the others in place
    next_day = new_keys(cards, rules, DaySoFar(DAY + timedelta(days=1)))
    assert next_day != first
    assert first != [card.key for card in interleave_by_deck(cards)][:10]


def serve_the_day(cards: list[StudyCard], rules: QueueSettings, day: date) -> list[StudyCard]:
    """Study each day's first new card in turn, rebuilding the queue each time."""
    states: dict[str, CardState] = {}
    served: list[StudyCard] = []
    while True:
        today = DaySoFar(day, len(served), Counter(card.type for card in served))
        queue = StudyQueue.build(cards, states, NOW, today, rules)
        if not queue.new:
            return served
        served.append(queue.new[0])
        states[queue.new[0].key] = introduced(queue.new[0].key)


@pytest.fixture(scope="module")
def prototypes(tmp_path_factory: pytest.TempPathFactory) -> dict[str, StudyCard]:
    folder = tmp_path_factory.mktemp("prototypes")
    return {card.key[-2]: card for card in library_cards(folder, {"x": "qpk"})}


@settings(max_examples=60, deadline=None)
@given(
    decks=st.lists(st.text("qqqpk", min_size=1, max_size=12), min_size=1, max_size=3),
    limit=st.integers(min_value=0, max_value=14),
    katas=st.integers(min_value=0, max_value=3),
    predict=st.integers(min_value=0, max_value=3),
    order=st.sampled_from(list(NewOrder)),
)
def test_the_day_goes_as_its_first_queue_said_and_meets_the_minimums(
    prototypes: dict[str, StudyCard],
    decks: list[str],
    limit: int,
    katas: int,
    predict: int,
    order: NewOrder,
) -> None:
    cards = [
        replace(prototypes[kind], key=f"d{d}/{kind}{n}", deck=f"d{d}")
        for d, kinds in enumerate(decks)
        for n, kind in enumerate(kinds)
    ]
    rules = QueueSettings(limit, order, katas, predict)
    first = StudyQueue.build(cards, {}, NOW, DaySoFar(DAY), rules).new
    served = serve_the_day(cards, rules, DAY)
    assert served == list(first)
    assert len(served) == min(limit, len(cards))
    if order is NewOrder.MIXED and katas + predict <= limit:
        have = Counter(card.type for card in cards)
        got = Counter(card.type for card in served)
        assert got[CardType.KATA] >= min(katas, have[CardType.KATA])
        assert got[CardType.PREDICT] >= min(predict, have[CardType.PREDICT])


def test_order_new_cards_takes_cards_in_decks_in_turn_order(cards: list[StudyCard]) -> None:
    # Given the same cards, the order is a function of its arguments alone.
    unseen = interleave_by_deck(cards)
    rules = QueueSettings(new_per_day=6)
    assert order_new_cards(unseen, rules, DaySoFar(DAY)) == order_new_cards(
        unseen, rules, DaySoFar(DAY)
    )
    assert [card.type for card in order_new_cards(unseen, rules, DaySoFar(DAY))] == [
        KINDS[kind] for kind in "qkqpqp"
    ]


# -- the settings ------------------------------------------------------------------


def test_new_card_settings_default_to_mixed_with_a_kata_and_two_predict_cards() -> None:
    default = Settings()
    assert (default.new_order, default.min_new_katas, default.min_new_predict) == (
        NewOrder.MIXED,
        1,
        2,
    )
    assert QueueSettings.from_settings(default) == QueueSettings(20, NewOrder.MIXED, 1, 2)


def test_a_bad_order_is_refused_with_the_choices_and_a_guess() -> None:
    settings, problems = settings_from_mapping({"new_order": "mixd", "min_new_katas": 3})
    assert problems == [
        "new_order must be one of mixed, deck, random, not 'mixd' (did you mean 'mixed'?)"
    ]
    assert settings.new_order is NewOrder.MIXED and settings.min_new_katas == 3
    _, problems = settings_from_mapping({"new_order": 2})
    assert problems == ["new_order must be one of mixed, deck, random, not 2"]
    _, problems = settings_from_mapping({"min_new_predict": -1})
    assert problems == ["min_new_predict must be between 0 and 9,999, not -1"]


def test_the_order_is_saved_as_a_toml_string_and_read_back(tmp_path: Path) -> None:
    path = tmp_path / "settings.toml"
    chosen = Settings(new_order=NewOrder.RANDOM, min_new_katas=0, min_new_predict=5)
    save_settings(path, chosen)
    assert 'new_order = "random"' in path.read_text(encoding="utf-8")
    loaded, problems = load_settings(path)
    assert loaded == chosen and problems == []
    assert loaded.new_order is NewOrder.RANDOM
