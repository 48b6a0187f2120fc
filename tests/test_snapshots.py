"""A few snapshots of the main screens (pinned clock, ids and time zone)."""

from __future__ import annotations

from typing import Any

from textual.pilot import Pilot
from textual.widgets import Input

from prep.tui.app import PrepApp
from prep.tui.context import PrepContext
from tests.helpers import press, settle


def test_study_screen_with_answer(snap_compare: Any, context: PrepContext) -> None:
    async def open_card(pilot: Pilot[None]) -> None:
        await press(pilot, "s", "space")

    assert snap_compare(PrepApp(context), run_before=open_card, terminal_size=(100, 30))


def test_today_screen(snap_compare: Any, context: PrepContext) -> None:
    assert snap_compare(PrepApp(context), run_before=settle, terminal_size=(100, 30))


def test_settings_screen_at_80_by_24(snap_compare: Any, context: PrepContext) -> None:
    async def open_settings(pilot: Pilot[None]) -> None:
        await press(pilot, "comma")
        # The focused field's cursor would blink: on or off as the moment of the picture falls.
        for field in pilot.app.screen.query(Input):
            field.cursor_blink = False
        await pilot.pause()

    context.settings_path = None  # a temporary folder's name would change every run

    assert snap_compare(PrepApp(context), run_before=open_settings, terminal_size=(80, 24))
