"""A few snapshots of the main screens (pinned clock, ids and time zone)."""

from __future__ import annotations

from typing import Any

from prep.tui.app import PrepApp
from prep.tui.context import PrepContext


def test_study_screen_with_answer(snap_compare: Any, context: PrepContext) -> None:
    assert snap_compare(PrepApp(context), press=["s", "space"], terminal_size=(100, 30))


def test_today_screen(snap_compare: Any, context: PrepContext) -> None:
    assert snap_compare(PrepApp(context), terminal_size=(100, 30))
