"""The parsed-deck cache: a warm start parses nothing, and nothing stale or damaged is used."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import prep.content.loader as loader
from prep.content import load_library
from tests.conftest import qa_deck_yaml


@pytest.fixture
def parses(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """The files the loader really parsed, in order."""
    parsed: list[Path] = []
    real = loader.load_deck_file

    def counting(path: Path) -> loader.FileResult:
        parsed.append(path)
        return real(path)

    monkeypatch.setattr(loader, "load_deck_file", counting)
    return parsed


def decks(tmp_path: Path) -> Path:
    folder = tmp_path / "decks"
    folder.mkdir()
    (folder / "alpha.yaml").write_text(qa_deck_yaml("alpha", 3), encoding="utf-8")
    (folder / "broken.yaml").write_text("deck: broken\ncards: [", encoding="utf-8")
    return folder


def test_a_warm_load_parses_nothing_and_gives_the_same_library(
    tmp_path: Path, parses: list[Path]
) -> None:
    folder, cache = decks(tmp_path), tmp_path / "cache"
    cold = load_library([folder], cache)
    assert len(parses) == 2
    warm = load_library([folder], cache)
    assert len(parses) == 2  # nothing parsed again
    assert warm.cards == cold.cards
    assert warm.decks == cold.decks
    assert [str(e) for e in warm.errors] == [str(e) for e in cold.errors]  # errors are kept too
    assert warm.errors


def test_a_changed_file_is_parsed_again(tmp_path: Path, parses: list[Path]) -> None:
    folder, cache = decks(tmp_path), tmp_path / "cache"
    load_library([folder], cache)
    alpha = folder / "alpha.yaml"
    alpha.write_text(qa_deck_yaml("alpha", 4), encoding="utf-8")
    stat = alpha.stat()
    os.utime(alpha, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
    library = load_library([folder], cache)
    assert parses[2:] == [alpha]
    assert "alpha/card-4" in library.cards


@pytest.mark.parametrize("damage", [b"", b"not a pickle", b"\x80\x05garbage"])
def test_a_damaged_entry_is_ignored_and_replaced(
    tmp_path: Path, parses: list[Path], damage: bytes
) -> None:
    folder, cache = decks(tmp_path), tmp_path / "cache"
    expected = load_library([folder], cache).cards
    for entry in cache.glob("*.pickle"):
        entry.write_bytes(damage)
    assert load_library([folder], cache).cards == expected
    assert len(parses) == 4
    load_library([folder], cache)
    assert len(parses) == 4  # the entries were written again


def test_a_cache_that_cannot_be_written_only_costs_a_parse(
    tmp_path: Path, parses: list[Path]
) -> None:
    folder = decks(tmp_path)
    in_the_way = tmp_path / "file"
    in_the_way.write_text("not a folder", encoding="utf-8")
    first = load_library([folder], in_the_way / "cache")
    second = load_library([folder], in_the_way / "cache")
    assert first.cards == second.cards and len(parses) == 4


def test_without_a_cache_folder_nothing_is_written(tmp_path: Path) -> None:
    folder = decks(tmp_path)
    load_library([folder])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["decks"]
