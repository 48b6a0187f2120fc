"""A mock interview: what will happen, then the items one by one against the clock,
then the report.

Q&A cards are asked here, as on the Study screen; katas and predict cards open
their own screens in interview mode. Every answer is a review, written in the
background before the next item shows.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import (
    Button,
    ContentSwitcher,
    DataTable,
    Footer,
    Header,
    LoadingIndicator,
    Markdown,
    Static,
)

from prep.content.kinds import CardType
from prep.content.models import QACard
from prep.scheduling.memory import RATING_NAMES, Rating
from prep.stats.interviews import ending_text, minutes_used
from prep.study.mock import (
    ItemAnswer,
    MockInterview,
    MockReport,
    MockSession,
    Result,
    plan_interview,
)
from prep.study.mock_plan import MockPlan
from prep.study.session import Prompt, StudySession
from prep.tui.context import PrepContext
from prep.tui.format import format_duration
from prep.tui.screens.base import PrepScreen, styles
from prep.tui.screens.exercise import ABANDON, ExerciseResult
from prep.tui.widgets.rating_bar import RatingBar
from prep.wording import plural

TYPE_NAMES = {CardType.QA: "Q&A", CardType.PREDICT: "Predict", CardType.KATA: "Kata"}
CARD_WIDTH = 26  # the report's table fits 80 columns


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def intro_text(plan: MockPlan) -> str:
    if not plan.items:
        return (
            "### Nothing to ask\n\nThere are no cards for an interview with these settings: "
            "set its katas or questions above 0 on the Settings screen (`,`)."
        )
    topics = ", ".join(mastery.name for mastery in plan.weakest[:8])
    return "\n\n".join(
        [
            f"### Mock interview: {plural(plan.minutes, 'minute')}",
            f"{plural(plan.questions, 'question')} (Q&A and predict cards) and "
            f"{plural(plan.katas, 'kata')} of rising difficulty, from your weakest topics: "
            f"{topics}.",
            "One item at a time, in order, no going back. The clock in the header counts "
            "down: at 0:00 the item on screen is timed out and the rest are not reached. "
            "Hints are allowed, and counted. Every answer is a review: a kata or predict "
            "card passed is Good (Hard with a hint), a Q&A card takes your own rating, "
            "anything failed, given up or timed out is Again.",
            "**Enter** starts, **escape** goes back.",
        ]
    )


class MockScreen(PrepScreen[None]):
    CSS_PATH = styles("mock.tcss")
    IN_SESSION = True  # the palette offers no other session while an interview runs
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "start", "Start", show=False),
        Binding("space", "reveal", "Show answer"),
        Binding("1", "rate(1)", "Again"),
        Binding("2", "rate(2)", "Hard"),
        Binding("3", "rate(3)", "Good"),
        Binding("4", "rate(4)", "Easy"),
        Binding("h", "hint", "Hint"),
        Binding("escape", "back", "Back"),
    ]

    def __init__(self, context: PrepContext) -> None:
        super().__init__(context)
        self.plan: MockPlan | None = None
        self.session: MockSession | None = None
        self.prompt: Prompt | None = None  # the item on screen
        self.report: MockReport | None = None
        self.revealed = False
        self.hints = 0  # on the Q&A card on screen
        self.busy = False  # an answer is being written: keys wait for the next item

    @property
    def interview(self) -> MockInterview | None:
        return self.session.interview if self.session is not None else None

    def compose(self) -> ComposeResult:
        yield Header(show_clock=False)
        with ContentSwitcher(id="mock", initial="mock-intro"):
            with VerticalScroll(id="mock-intro"):
                yield LoadingIndicator(id="mock-planning")
                yield Markdown("", id="mock-plan")
                with Horizontal(id="mock-buttons", classes="hidden"):
                    yield Button("Start (enter)", variant="primary", id="mock-start")
                    yield Button("Back (esc)", id="mock-cancel")
            with Vertical(id="mock-qa"):
                with VerticalScroll(id="card-body"):
                    yield Static(id="card-meta", markup=False)
                    yield Markdown(id="question")
                    yield Static(id="hint", markup=False, classes="hidden")
                    yield Markdown(id="answer", classes="hidden")
                yield Static("press space to show the answer", id="reveal-prompt", markup=False)
                yield RatingBar(id="ratings", classes="hidden")
            yield Static("", id="mock-waiting", markup=False)
            with VerticalScroll(id="mock-report"):
                yield Static(id="report-title", markup=False)
                yield DataTable(id="report-items", cursor_type="none")
                yield Static(id="report-topics", markup=False)
                yield Static("Enter or escape goes back.", classes="muted", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "Mock interview"
        self.query_one("#report-items", DataTable).add_columns(
            "#", "Type", "Card", "Result", "Rating", "Time", "Hints"
        )
        context = self.context
        now = context.clock()
        # The moment seeds the draw: the same clock, the same interview.
        seed = int(now.timestamp())
        self.in_background(
            lambda: plan_interview(context.library, context.history, context.settings, now, seed),
            self._planned,
            what="planning the interview",
            group="plan",
        )

    def _planned(self, plan: MockPlan) -> None:
        self.plan = plan
        self.query_one("#mock-planning").display = False
        self.query_one("#mock-plan", Markdown).update(intro_text(plan))
        self.query_one("#mock-buttons").remove_class("hidden")
        self.query_one("#mock-start", Button).disabled = not plan.items
        self.refresh_bindings()

    # -- the interview ---------------------------------------------------------------

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "mock-start":
            self.action_start()
        elif event.button.id == "mock-cancel":
            self.dismiss()

    def action_start(self) -> None:
        if self.report is not None:
            self.dismiss()
            return
        if self.plan is None or not self.plan.items or self.session is not None:
            return
        context = self.context
        study = StudySession(
            context.library,
            lambda: context.store,
            context.settings,
            context.tz,
            context.clock,
            context.new_id,
            history=context.history_at_hand(),
        )
        interview = MockInterview(self.plan, context.clock(), id=context.new_id())
        self.session = MockSession(study, interview, lambda: context.store)
        self.set_interval(1.0, self._tick)
        self._tick()
        self._then(lambda: None)

    def _then(self, write: Callable[[], object]) -> None:
        """Write what was answered (``write`` is called in the worker), then bring the next
        item; at the end, keep the report."""
        session = self.session
        assert session is not None
        self.busy = True
        self.prompt = None
        self.query_one("#mock", ContentSwitcher).current = "mock-waiting"
        self.query_one("#mock-waiting", Static).update("…")
        self.refresh_bindings()

        def job() -> Prompt | MockReport:
            write()
            prompt = session.next_prompt()
            return prompt if prompt is not None else session.keep()

        self.in_background(job, self._arrived, what="saving the answer", group="item")

    def _arrived(self, next_item: Prompt | MockReport) -> None:
        self.busy = False
        if isinstance(next_item, MockReport):
            self.show_report(next_item)
        else:
            self.show_item(next_item)
        self.refresh_bindings()

    def show_item(self, prompt: Prompt) -> None:
        self.prompt = prompt
        self.revealed = False
        self.hints = 0
        self._tick()
        if prompt.card.type is not CardType.QA:
            self._open_exercise(prompt)
            return
        card = prompt.card.card
        assert isinstance(card, QACard)
        self.query_one("#mock", ContentSwitcher).current = "mock-qa"
        for selector in ("#answer", "#hint", "#ratings"):
            self.query_one(selector).add_class("hidden")
        self.query_one("#reveal-prompt").remove_class("hidden")
        tags = " ".join(f"#{tag}" for tag in prompt.card.tags)
        self.query_one("#card-meta", Static).update(f"{card.difficulty.value}  ·  {tags}")
        self.query_one("#question", Markdown).update(card.question)
        self.query_one("#answer", Markdown).update(card.answer)
        self.query_one("#hint", Static).update(f"Hint: {card.hint}" if card.hint else "")
        self.query_one("#card-body", VerticalScroll).scroll_home(animate=False)

    def _open_exercise(self, prompt: Prompt) -> None:
        from prep.tui.screens.kata import KataScreen
        from prep.tui.screens.predict import PredictScreen

        screen: Screen[ExerciseResult]
        if prompt.card.type is CardType.KATA:
            screen = KataScreen(self.context, prompt, interview=self.interview)
        else:
            screen = PredictScreen(self.context, prompt, interview=self.interview)
        self.app.push_screen(screen, callback=self._exercise_over)

    def _exercise_over(self, result: ExerciseResult) -> None:
        if result == ABANDON:
            self._abandon()
        elif isinstance(result, ItemAnswer):
            self._answer(result)

    def _answer(self, answer: ItemAnswer) -> None:
        session, prompt = self.session, self.prompt
        if session is None or prompt is None or self.busy or session.interview.is_over:
            return
        self._then(lambda: session.answer(prompt, answer))

    def _abandon(self) -> None:
        session = self.session
        if session is None or self.busy or session.interview.is_over:
            return
        self._then(session.abandon)

    def _tick(self) -> None:
        interview = self.interview
        if interview is None or self.report is not None:
            return
        now = self.context.clock()
        items = len(interview.plan.items)
        self.sub_title = (
            f"Mock interview · {min(interview.position, items)} of {items} · Q&A · "
            f"{format_duration(interview.remaining(now))} left"
        )
        # A kata or predict card on top counts its own time down and answers when it is up.
        if interview.time_is_up(now) and self.is_active and not self.busy:
            session, prompt, hints = self.session, self.prompt, self.hints
            assert session is not None
            self._then(lambda: session.time_up(prompt, hints))

    # -- a Q&A card --------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        asking = self.prompt is not None and self.prompt.card.type is CardType.QA
        if action in ("reveal", "rate", "hint"):
            if self.busy or not asking or self.report is not None:
                return False
            if action == "reveal":
                return not self.revealed
            if action == "hint":
                return not self.revealed and self._has_hint()
            return self.revealed
        if action == "start":
            return self.report is not None or (self.session is None and self.plan is not None)
        return True

    def _has_hint(self) -> bool:
        return self.prompt is not None and bool(getattr(self.prompt.card.card, "hint", None))

    def action_reveal(self) -> None:
        if self.prompt is None or self.revealed:
            return
        self.revealed = True
        self.query_one("#answer").remove_class("hidden")
        self.query_one("#reveal-prompt").add_class("hidden")
        self.query_one("#ratings").remove_class("hidden")
        self.refresh_bindings()

    def action_hint(self) -> None:
        if self._has_hint() and self.query_one("#hint").has_class("hidden"):
            self.hints += 1
            self.query_one("#hint").remove_class("hidden")

    def action_rate(self, value: int) -> None:
        if not self.revealed or self.busy:
            return
        rating = Rating(value)
        result = Result.FAILED if rating is Rating.Again else Result.PASSED
        self.notify(RATING_NAMES[rating], timeout=1.5)
        self._answer(ItemAnswer(result, self.hints, own_rating=rating))

    def on_rating_bar_rated(self, message: RatingBar.Rated) -> None:
        self.action_rate(int(message.rating))

    # -- leaving, and the report ---------------------------------------------------------

    def action_back(self) -> None:
        if self.session is None or self.report is not None:
            self.dismiss()
            return
        if self.busy:
            return
        from prep.tui.screens.confirm import ConfirmScreen

        def answered(abandon: bool | None) -> None:
            if abandon:
                self._abandon()

        self.app.push_screen(
            ConfirmScreen("Abandon the interview? The items answered keep their reviews."),
            callback=answered,
        )

    def show_report(self, report: MockReport) -> None:
        self.report = report
        self.prompt = None
        self.sub_title = "Mock interview · report"
        self.query_one("#mock", ContentSwitcher).current = "mock-report"
        self.query_one("#report-title", Static).update(
            f"{ending_text(report).capitalize()}: {report.passed} of "
            f"{plural(len(report.items), 'item')} passed ({report.score * 100:.0f} %) in "
            f"{minutes_used(report)}, {plural(report.hints, 'hint')}."
        )
        table = self.query_one("#report-items", DataTable)
        table.clear()
        cards = self.context.library.cards
        for n, item in enumerate(report.items, 1):
            card = cards.get(item.card_key)
            # A predict card's one line is its program's first, often an import: its id says more.
            if card is None or item.type is CardType.PREDICT:
                label = item.card_key.rsplit("/", 1)[-1]
            else:
                label = card.prompt_text
            table.add_row(
                n,
                TYPE_NAMES[item.type],
                _cut(label, CARD_WIDTH),
                item.result.value,
                RATING_NAMES[item.rating] if item.rating is not None else "–",
                format_duration(item.spent) if item.result is not Result.NOT_REACHED else "–",
                item.hints,
            )
        topics = report.topics_to_review
        self.query_one("#report-topics", Static).update(
            f"Topics to review: {', '.join(topics)}."
            if topics
            else "Nothing failed: no topic to review."
        )
        self.refresh_bindings()
