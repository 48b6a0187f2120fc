from __future__ import annotations

import itertools
import textwrap
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine

from prep.cli.factory import make_context
from prep.content import Library, load_library
from prep.paths import Locations
from prep.settings import Settings
from prep.store import Store
from prep.tui.context import PrepContext

PINNED_NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)


class FakeClock:
    """A clock tests move by hand."""

    def __init__(self, now: datetime = PINNED_NOW) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kwargs: float) -> None:
        self.now += timedelta(**kwargs)


def qa_deck_yaml(slug: str, count: int, title: str | None = None) -> str:
    cards = "\n".join(
        f"""  - id: card-{i}
    type: qa
    question: |
      Question {i} of {slug}?
    answer: |
      Answer {i} of {slug}.
    hint: Think about {i}."""
        for i in range(1, count + 1)
    )
    return f"deck: {slug}\ntitle: {title or slug.title()}\ncards:\n{cards}\n"


TYPED_CARDS = {
    "q": "    type: qa\n    question: Question {n}?\n    answer: Answer {n}.\n",
    "p": "    type: predict\n    code: print({n})\n    expect_output: '{n}'\n",
    "k": (
        "    type: kata\n    title: Kata {n}\n    prompt: Write `f()`.\n"
        "    tests:\n      - call: f()\n        expect: {n}\n"
        "    solution: |\n      def f():\n          return {n}\n"
    ),
}


def typed_deck_yaml(slug: str, kinds: str, tags: dict[int, str] | None = None) -> str:
    """A deck whose cards have the types spelled by ``kinds`` in order ("qqpk": two Q&A
    cards, a predict card, a kata), with ids q1, q2, p3, k4; ``tags`` tags card n."""
    cards = []
    for n, kind in enumerate(kinds, 1):
        card = f"  - id: {kind}{n}\n" + TYPED_CARDS[kind].format(n=n)
        if tags and n in tags:
            card += f"    tags: [{tags[n]}]\n"
        cards.append(card)
    return f"deck: {slug}\ntitle: {slug.title()}\ncards:\n{''.join(cards)}"


@pytest.fixture(autouse=True)
def _no_real_user_data(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No test reads or writes the user's own history or settings."""
    private = tmp_path_factory.mktemp("user")
    monkeypatch.setenv("PREP_HOME", str(private / "home"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(private / "config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(private / "data"))
    monkeypatch.delenv("PREP_CONTENT", raising=False)
    monkeypatch.delenv("PREP_NO_BUILTIN", raising=False)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def write_deck(tmp_path: Path) -> Callable[[str, str], Path]:
    folder = tmp_path / "decks"
    folder.mkdir(exist_ok=True)

    def write(name: str, text: str) -> Path:
        path = folder / name
        path.write_text(textwrap.dedent(text) if text.startswith("\n") else text, encoding="utf-8")
        return path

    return write


@pytest.fixture
def deck_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "decks"
    folder.mkdir(exist_ok=True)
    (folder / "alpha.yaml").write_text(qa_deck_yaml("alpha", 3), encoding="utf-8")
    (folder / "beta.yaml").write_text(qa_deck_yaml("beta", 2), encoding="utf-8")
    return folder


@pytest.fixture
def library(deck_dir: Path) -> Library:
    lib = load_library([deck_dir])
    assert not lib.errors
    return lib


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened = Store.open(tmp_path / "home" / "prep.db")
    yield opened
    opened.close()


def counting_ids() -> Callable[[], str]:
    counter = itertools.count(1)
    return lambda: f"00000000-0000-4000-8000-{next(counter):012d}"


@pytest.fixture
def locations(tmp_path: Path, deck_dir: Path) -> Locations:
    return Locations(
        home=tmp_path / "home",
        content_dirs=(deck_dir,),
        include_builtin=False,
        home_is_explicit=True,
    )


@pytest.fixture
def context(library: Library, store: Store, clock: FakeClock, locations: Locations) -> PrepContext:
    """The app's dependencies as the CLI builds them, on a temporary home and pinned time."""
    return make_context(
        locations,
        store=store,
        settings=Settings(),
        library=library,
        clock=clock,
        tz=UTC,
        new_id=counting_ids(),
    )


def database_at_revision(path: Path, revision: str) -> Engine:
    """A database whose schema an older prep made: migrated up to ``revision`` only."""
    from alembic import command
    from alembic.config import Config

    from prep.store.database import MIGRATIONS_DIR, create_database_engine

    engine = create_database_engine(path)
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)
    return engine
