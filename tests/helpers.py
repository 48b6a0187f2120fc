"""Small helpers shared by the end-to-end tests."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from collections.abc import Callable
from typing import cast

from textual.pilot import Pilot

from prep.tui.app import PrepApp


async def wait_for(
    pilot: Pilot[None], condition: Callable[[], bool], timeout: float = 30.0
) -> None:
    """Work runs in threads (grading, statistics): poll until the screen shows its result."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        if loop.time() > deadline:
            raise AssertionError("condition never became true")
        await pilot.pause(0.05)


async def settle(pilot: Pilot[None], timeout: float = 30.0) -> None:
    """Wait until every background job has answered and the screen shows it."""
    app = cast(PrepApp, pilot.app)
    await wait_for(pilot, lambda: app.jobs.in_flight == 0, timeout)
    await pilot.pause()


async def press(pilot: Pilot[None], *keys: str) -> None:
    """Press keys one at a time, letting the work each one starts answer first."""
    for key in keys:
        await pilot.press(key)
        await settle(pilot)


def prep_env(**overrides: str) -> dict[str, str]:
    """The environment without any PREP_* setting of the caller's, plus ``overrides``."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("PREP_")}
    env.update(overrides)
    return env


def run_prep(*args: str, timeout: float = 300, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "prep", *args],
        capture_output=True,
        text=True,
        env=prep_env(**env),
        timeout=timeout,
    )
