"""`prep mock`: the interview's settings, changed with options, and the past interviews."""

from __future__ import annotations

import io
import json
from datetime import UTC, timedelta
from pathlib import Path

import pytest

from prep.cli import main
from prep.cli.commands import run_mock
from prep.content.kinds import CardType
from prep.paths import Locations
from prep.scheduling.memory import Rating
from prep.settings import load_settings
from prep.store import Store
from prep.study.mock import Ending, ItemResult, MockReport, Result, report_attempt
from tests.conftest import PINNED_NOW

NO_CHANGE: dict[str, int | None] = {"minutes": None, "katas": None, "questions": None}


def report(n: int, passed: int, ending: Ending = Ending.FINISHED) -> MockReport:
    items = tuple(
        ItemResult(
            f"d/c{i}", CardType.QA, "heaps" if i else "graphs",
            Result.PASSED if i < passed else Result.FAILED,
            Rating.Good if i < passed else Rating.Again, timedelta(minutes=3), 0,
        )
        for i in range(4)
    )  # fmt: skip
    started = PINNED_NOW + timedelta(days=n)
    return MockReport(f"mock-{n}", started, started + timedelta(minutes=38), 45, ending, items)


def kept(locations: Locations, *reports: MockReport) -> None:
    store = Store.open(locations.database)
    try:
        for one in reports:
            store.record_attempt(report_attempt(one, store.installation_id))
    finally:
        store.close()


def mock(locations: Locations, list_only: bool = False, as_json: bool = False) -> str:
    out = io.StringIO()
    assert run_mock(locations, NO_CHANGE, list_only, as_json, out, tz=UTC) == 0
    return out.getvalue()


def test_the_settings_and_no_interview_yet(locations: Locations) -> None:
    text = mock(locations)
    assert text.splitlines() == [
        "mock interview: 45 minutes, 2 katas and 8 questions; 'm' on Today starts one",
        "no mock interviews yet",
    ]


def test_options_change_the_settings(
    locations: Locations, capsys: pytest.CaptureFixture[str]
) -> None:
    home = str(locations.home)
    assert main(["--home", home, "mock", "--minutes", "30", "--katas", "1"]) == 0
    printed = capsys.readouterr().out
    assert printed.startswith("mock interview: 30 minutes, 1 kata and 8 questions (saved to")
    settings, problems = load_settings(Path(home) / "settings.toml")
    assert (settings.mock_minutes, settings.mock_katas, settings.mock_questions) == (30, 1, 8)
    assert problems == []


def test_a_setting_out_of_range_is_refused(
    locations: Locations, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--home", str(locations.home), "mock", "--questions", "99"]) == 2
    assert capsys.readouterr().err == "prep: --questions must be between 0 and 30, not 99\n"
    assert not (locations.home / "settings.toml").exists()


def test_past_interviews_newest_first_with_their_trend(locations: Locations) -> None:
    kept(locations, report(0, 1), report(1, 3, Ending.TIME_UP), report(2, 4, Ending.ABANDONED))
    lines = mock(locations, list_only=True).splitlines()
    assert lines == [
        "mock interviews: 3 · scores ▃▇█",
        "  2026-03-12 12:00  4/4 (100 %)  38 of 45 min  abandoned",
        "  2026-03-11 12:00  3/4 (75 %)   38 of 45 min  time ran out",
        "  2026-03-10 12:00  1/4 (25 %)   38 of 45 min  finished",
    ]


def test_the_last_interviews_topics_to_review(locations: Locations) -> None:
    kept(locations, report(0, 1))
    assert mock(locations).splitlines()[-1] == "topics to review from the last one: heaps"


def test_json_carries_the_settings_and_every_report(locations: Locations) -> None:
    kept(locations, report(0, 2))
    data = json.loads(mock(locations, as_json=True))
    assert data["settings"] == {"minutes": 45, "katas": 2, "questions": 8}
    (only,) = data["interviews"]
    assert MockReport.from_dict(only) == report(0, 2)
    assert (only["passed"], only["score"], only["topics_to_review"]) == (2, 0.5, ["heaps"])
    assert list(json.loads(mock(locations, list_only=True, as_json=True))) == ["interviews"]
