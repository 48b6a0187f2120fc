"""The README's screenshots: Today, Study, a kata, Progress and Browse, drawn from a demo
home with six weeks of made-up study on the shipped deck.

Everything is pinned (the clock, the ids, the time zone, the ratings' random seed), so a run
draws the same pictures as the last one unless the screens changed.

    .venv/bin/python docs/screenshots.py        (or: make screenshots)
    .venv/bin/python docs/screenshots.py --home DIR   only build the demo home in DIR, to
                                                      open it with prep --home DIR
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import random
import tempfile
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import Input, TextArea

from prep.cli.factory import make_context
from prep.content import Library, load_library
from prep.content.kinds import CardType
from prep.paths import Locations
from prep.scheduling.memory import Rating
from prep.settings import Settings
from prep.store import Store
from prep.study.scope import StudyScope
from prep.study.session import StudySession
from prep.tui.app import PrepApp
from prep.tui.screens.kata import KataScreen
from prep.tui.screens.progress import ProgressScreen
from prep.tui.screens.study import StudyScreen

ROOT = Path(__file__).resolve().parents[1]
QUESTIONS = ROOT / "questions"
OUT = ROOT / "docs" / "screenshots"
TODAY = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)
STUDY_DAYS = 42
SIZE = (100, 30)
# Mostly Good, as a learner's ratings are; some days skipped.
RATINGS = (Rating.Again, Rating.Hard, Rating.Good, Rating.Good, Rating.Good, Rating.Easy)


class PinnedClock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def counting_ids() -> Callable[[], str]:
    counter = itertools.count(1)
    return lambda: f"00000000-0000-4000-8000-{next(counter):012d}"


def study_the_weeks_before(library: Library, store: Store, new_id: Callable[[], str]) -> None:
    """Six weeks of study before TODAY: a handful of cards most days."""
    choose = random.Random(2026)
    for days_ago in range(STUDY_DAYS, 0, -1):
        if choose.random() < 0.2:
            continue
        clock = PinnedClock(TODAY - timedelta(days=days_ago))
        session = StudySession(library, store, Settings(), UTC, clock, new_id)
        for _ in range(choose.randint(8, 25)):
            prompt = session.next_prompt()
            if prompt is None:
                break
            session.answer(prompt, choose.choice(RATINGS))
            clock.now += timedelta(seconds=choose.randint(15, 90))


async def wait_for(pilot: Pilot[None], condition: Callable[[], bool]) -> None:
    for _ in range(600):
        if condition():
            return
        await pilot.pause(0.05)
    raise RuntimeError("the screen never showed what the screenshot needs")


async def settle(pilot: Pilot[None]) -> None:
    app = pilot.app
    assert isinstance(app, PrepApp)
    await wait_for(pilot, lambda: app.jobs.in_flight == 0)
    await pilot.pause(0.2)


async def take(pilot: Pilot[None], name: str) -> None:
    await settle(pilot)
    app = pilot.app
    app.clear_notifications()  # the demo has no grader: its warm-up fails, which is no news
    for field in app.screen.query(Input):
        field.cursor_blink = False  # a blinking cursor would differ from one run to the next
    for editor in app.screen.query(TextArea):
        editor.cursor_blink = False
    await pilot.pause(0.1)
    app.save_screenshot(f"{name}.svg", str(OUT))
    print(f"wrote {OUT.relative_to(ROOT) / name}.svg")


async def shoot(app: PrepApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await take(pilot, "today")

        app.push_screen(StudyScreen(app.context, StudyScope(card_type=CardType.QA)))
        await wait_for(
            pilot,
            lambda: (
                isinstance(app.screen, StudyScreen)
                and app.screen.prompt is not None
                and not app.screen.busy
            ),
        )
        await pilot.press("space")
        await take(pilot, "study")
        await pilot.press("escape")

        await settle(pilot)
        await pilot.press("k")
        await settle(pilot)
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, KataScreen) and app.screen.loaded)
        # The editor takes the focus once the sitting is read back: the picture waits for it.
        await wait_for(pilot, lambda: isinstance(app.focused, TextArea))
        await take(pilot, "kata")
        await pilot.press("escape")

        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("p")
        await wait_for(pilot, lambda: isinstance(app.screen, ProgressScreen))
        await take(pilot, "progress")
        await pilot.press("escape")

        await settle(pilot)
        await pilot.press("b")
        await take(pilot, "browse")


def build_demo_home(home: Path) -> None:
    library = load_library([QUESTIONS])
    store = Store.open(home / "prep.db")
    try:
        study_the_weeks_before(library, store, counting_ids())
    finally:
        store.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", type=Path, help="build the demo home here and stop")
    arguments = parser.parse_args()
    if arguments.home is not None:
        if arguments.home.exists():
            parser.error(f"{arguments.home} exists already")
        build_demo_home(arguments.home)
        print(f"demo home in {arguments.home} (its study ends on {TODAY:%Y-%m-%d})")
        return
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="prep-demo-") as folder:
        home = Path(folder) / "home"
        library = load_library([QUESTIONS])
        store = Store.open(home / "prep.db")
        new_id = counting_ids()
        try:
            study_the_weeks_before(library, store, new_id)
            locations = Locations(home, (), include_builtin=True, home_is_explicit=True)
            context = make_context(
                locations, store=store, settings=Settings(), library=library,
                clock=PinnedClock(TODAY), tz=UTC, new_id=new_id,
            )  # fmt: skip
            context.settings_path = None
            asyncio.run(shoot(PrepApp(context)))
        finally:
            store.close()


if __name__ == "__main__":
    main()
