"""``prep sync --auto``: the app merges on start, in a worker, and the CLI on quit."""

from __future__ import annotations

import uuid
from datetime import UTC
from pathlib import Path

import pytest

from prep.content import Library
from prep.paths import Locations
from prep.scheduling.memory import Rating
from prep.settings import Settings, load_settings, save_settings
from prep.store import Store
from prep.study.session import StudySession
from prep.transfer.sync.exchange import sync_home
from prep.transfer.sync.setup import SyncSetup, save_sync_setup
from prep.tui.app import PrepApp
from prep.tui.context import PrepContext
from tests.conftest import FakeClock
from tests.helpers import settle

OTHER_REVIEWS = 2


def _other_machine(tmp_path: Path, library: Library, clock: FakeClock, folder: Path) -> int:
    """Another home studies and syncs into ``folder``, with a setting of its own; returns
    how many reviews it made."""
    home = tmp_path / "other"
    store = Store.open(home / "prep.db")
    try:
        save_settings(home / "settings.toml", Settings(new_per_day=5))
        session = StudySession(library, store, Settings(), UTC, clock, lambda: str(uuid.uuid4()))
        for _ in range(OTHER_REVIEWS):
            prompt = session.next_prompt()
            assert prompt is not None
            session.answer(prompt, Rating.Good)
        sync_home(store, home / "settings.toml", folder, clock())
    finally:
        store.close()
    return OTHER_REVIEWS


@pytest.fixture
def sync_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "sync"
    folder.mkdir()
    return folder


async def test_the_app_syncs_on_start_in_a_worker(
    context: PrepContext, library: Library, clock: FakeClock, tmp_path: Path, sync_dir: Path
) -> None:
    made = _other_machine(tmp_path, library, clock, sync_dir)
    save_sync_setup(context.store, SyncSetup(sync_dir, auto=True))
    app = PrepApp(context)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert context.store.count_reviews() == made
        # The other machine's settings came with its reviews.
        assert context.settings.new_per_day == 5
        assert any("Synced" in str(n.message) for n in app._notifications)


async def test_a_sync_folder_out_of_reach_is_said_and_the_app_goes_on(
    context: PrepContext, tmp_path: Path
) -> None:
    save_sync_setup(context.store, SyncSetup(tmp_path / "unplugged", auto=True))
    app = PrepApp(context)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        messages = [str(n.message) for n in app._notifications]
        assert any("Syncing failed" in m and "does not exist" in m for m in messages)
        assert app.is_running


def test_the_cli_syncs_on_quit(
    locations: Locations,
    library: Library,
    clock: FakeClock,
    tmp_path: Path,
    sync_dir: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from prep.cli.commands import _sync_on_quit

    made = _other_machine(tmp_path, library, clock, sync_dir)
    store = Store.open(locations.database)
    try:
        _sync_on_quit(locations, store)  # not set up: nothing
        assert capsys.readouterr().err == ""
        save_sync_setup(store, SyncSetup(sync_dir, auto=True))
        _sync_on_quit(locations, store)
        assert "synced with" in capsys.readouterr().err
        assert store.count_reviews() == made
        assert load_settings(locations.settings_file)[0].new_per_day == 5
    finally:
        store.close()
