"""bench/large.py writes decks prep loads and a backup prep restores, in export's format."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType

import pytest

from prep.content import load_library
from prep.scheduling.memory import memory_model
from prep.scheduling.replay import replay
from prep.settings import Settings
from prep.store import Store
from prep.transfer.backup import export_backup, restore_backup

LARGE = Path(__file__).resolve().parents[1] / "bench" / "large.py"
CARDS, DECKS, REVIEWS = 30, 3, 500


@pytest.fixture(scope="module")
def large() -> ModuleType:
    """bench/ is not a package: the generator is loaded from its file."""
    spec = importlib.util.spec_from_file_location("bench_large", LARGE)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is made
    spec.loader.exec_module(module)
    return module


def test_the_decks_load_and_the_backup_restores(large: ModuleType, tmp_path: Path) -> None:
    written = large.generate(tmp_path, cards=CARDS, decks=DECKS, reviews=REVIEWS, seed=3)
    library = load_library([tmp_path / "decks"])
    assert library.errors == ()
    assert len(library.decks) == DECKS
    assert len(library.cards) == CARDS
    assert written.by_type == library.count_by_type()
    assert all(count > 0 for count in written.by_type.values())

    text = (tmp_path / "backup.json").read_text(encoding="utf-8")
    data = json.loads(text)
    # Written as json.dumps(indent=1) writes it; the value is what `prep export` gives (below).
    assert json.dumps(data, indent=1, ensure_ascii=False) == text
    store = Store.open(tmp_path / "restored.db")
    try:
        restore_backup(store, data)
        assert store.count_reviews() == REVIEWS
        assert len(store.card_states()) == CARDS
        assert set(store.card_states()) == set(library.cards)
        assert len(store.attempts()) == written.attempts
        # The states are the replay of the log, as prep would rebuild them.
        assert replay(store.reviews(), memory_model(Settings(), None)) == store.card_states()
        exported = export_backup(store, Settings().to_dict(), large.END)
    finally:
        store.close()
    assert exported == data


def test_the_same_arguments_write_the_same_bytes(large: ModuleType, tmp_path: Path) -> None:
    for name in ("one", "two"):
        large.generate(tmp_path / name, cards=12, decks=2, reviews=60, seed=5)
    for path in ("backup.json", "decks/bench-01.yaml", "decks/bench-02.yaml"):
        assert (tmp_path / "one" / path).read_bytes() == (tmp_path / "two" / path).read_bytes()
