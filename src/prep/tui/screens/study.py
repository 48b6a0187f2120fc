"""Study: a question, its answer on `space`, and a rating on `1`–`4`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Header, Markdown, Static

from prep.content.models import KataCard, QACard
from prep.scheduling.memory import RATING_NAMES, Rating
from prep.scheduling.queue import QueueCounts, StudyQueue
from prep.store.history import ChangeWatch
from prep.study.scope import StudyScope
from prep.study.session import EVERYTHING, Prompt, StudySession
from prep.tui.context import PrepContext
from prep.tui.format import format_when
from prep.tui.screens.base import PrepScreen
from prep.tui.screens.exercise import UNDO, ExerciseResult
from prep.tui.widgets.rating_bar import RatingBar
from prep.wording import plural


def study_session(context: PrepContext, scope: StudyScope) -> StudySession:
    return StudySession(
        context.library,
        lambda: context.store,  # opened in the background since Today's numbers
        context.settings,
        context.tz,
        context.clock,
        context.new_id,
        scope=scope,
        history=context.history_at_hand(),
    )


@dataclass(frozen=True)
class WarmStudy:
    """A session of everything, prepared in the background while Today is on screen,
    so that `s` shows the first card at once; and the watch that tells, at that card,
    whether anything was written since the session read the history."""

    session: StudySession
    watch: ChangeWatch

    def fits(self, context: PrepContext) -> bool:
        """Made with the settings and decks of now (either may have changed since)."""
        return self.session.settings is context.settings and self.session.library is context.library


def warm_study(context: PrepContext) -> WarmStudy | None:
    """In a worker: a session of everything that has read what its first card needs.
    None for a home without a database yet (the first rating makes it)."""
    if context.locations is None or not context.locations.database.is_file():
        return None
    # Begun before the read: a commit while it reads counts as a change.
    watch = ChangeWatch(context.locations.database)
    session = study_session(context, EVERYTHING)
    try:
        session.prepare()
    except BaseException:
        watch.close()
        raise
    return WarmStudy(session, watch)


@dataclass(frozen=True)
class NextCard:
    """The card to show and the queue it came from, read off the UI thread."""

    prompt: Prompt | None
    queue: StudyQueue


class StudyScreen(PrepScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("space", "reveal", "Show answer"),
        Binding("1", "rate(1)", "Again"),
        Binding("2", "rate(2)", "Hard"),
        Binding("3", "rate(3)", "Good"),
        Binding("4", "rate(4)", "Easy"),
        Binding("h", "hint", "Hint"),
        Binding("e", "explain", "Explanation"),
        Binding("u", "undo", "Undo"),
        Binding("escape", "back", "Back"),
    ]

    def __init__(
        self, context: PrepContext, scope: StudyScope = EVERYTHING, warm: WarmStudy | None = None
    ) -> None:
        super().__init__(context)
        self.session = warm.session if warm is not None else study_session(context, scope)
        self._watch = warm.watch if warm is not None else None
        self.scope = scope
        # '' when studying everything: the screen then reads as it always has.
        self.scope_name = "" if scope.is_everything else scope.describe(context.library)
        self.prompt: Prompt | None = None
        self._answer_of: Prompt | None = None  # the prompt whose answer is in its widget
        self.revealed = False
        self.reviewed_here = 0
        self.busy = False  # a rating or undo is being written: keys wait for the next card

    def compose(self) -> ComposeResult:
        yield Header(show_clock=False)
        yield Static(id="study-status", markup=False)
        with VerticalScroll(id="card-body"):
            yield Static(id="card-meta", markup=False)
            yield Markdown(id="question")
            yield Static(id="hint", markup=False, classes="hidden")
            yield Markdown(id="answer", classes="hidden")
            yield Markdown(id="explanation", classes="hidden")
        with Vertical(id="done", classes="hidden"):
            yield Static("Done for today", id="done-title", markup=False)
            yield Static(id="done-detail", markup=False)
        yield Static("press space to show the answer", id="reveal-prompt", markup=False)
        yield RatingBar(id="ratings", classes="hidden")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = f"Study · {self.scope_name}" if self.scope_name else "Study"
        self.advance()

    # -- what is on screen --------------------------------------------------

    def advance(self) -> None:
        """Show the next card; the queue is built once and also feeds the status line."""
        self._then_show(self._next_card, "finding the next card")

    def _next_card(self) -> NextCard:
        watch, self._watch = self._watch, None
        if watch is not None:
            # A session prepared while Today was on screen: read again if anything was
            # written since it read the history (a sync, a change in another window).
            if watch.changed():
                self.session.forget()
            watch.close()
        queue = self.session.queue()
        card = queue.next_card()
        return NextCard(self.session.prompt_for(card) if card is not None else None, queue)

    def _then_show(self, job: Callable[[], NextCard], what: str) -> None:
        self.busy = True
        self.refresh_bindings()
        self.in_background(
            job, self._arrived, what=what, group="next-card", failed=self._not_arrived
        )

    def _arrived(self, next_card: NextCard) -> None:
        self.busy = False
        self.show_prompt(next_card.prompt, next_card.queue)

    def _not_arrived(self, _error: BaseException) -> None:
        # The card on screen stays; the learner can try the key again.
        self.busy = False
        self.refresh_bindings()

    def show_prompt(self, prompt: Prompt | None, queue: StudyQueue) -> None:
        self.prompt = prompt
        self.revealed = False
        self._set_hidden("#answer", True)
        self._set_hidden("#explanation", True)
        self._set_hidden("#hint", True)
        self._set_hidden("#ratings", True)
        if prompt is None:
            self._show_done(queue)
        elif not isinstance(prompt.card.card, QACard):
            self._open_exercise(prompt)
        else:
            self._set_hidden("#done", True)
            self._set_hidden("#card-body", False)
            self._set_hidden("#reveal-prompt", False)
            card = prompt.card.card
            deck = self.context.library.deck(prompt.card.deck)
            meta = [deck.title if deck else prompt.card.deck, card.difficulty.value]
            if prompt.card.tags:
                meta.append(" ".join(f"#{tag}" for tag in prompt.card.tags))
            self.query_one("#card-meta", Static).update("  ·  ".join(meta))
            self.query_one("#question", Markdown).update(card.question)
            # The answer and the explanation stay hidden for now: drawn once the question is.
            self.call_after_refresh(self._fill_answer, prompt)
            self.query_one("#hint", Static).update(f"Hint: {card.hint}" if card.hint else "")
            self.query_one(RatingBar).show_intervals(prompt.intervals)
            self.query_one("#card-body", VerticalScroll).scroll_home(animate=False)
        self._update_status(queue.counts())
        self.refresh_bindings()

    def _open_exercise(self, prompt: Prompt) -> None:
        """Katas and predict cards have screens of their own; they answer with a rating."""
        from prep.tui.screens.kata import KataScreen
        from prep.tui.screens.predict import PredictScreen

        self._set_hidden("#done", True)
        self._set_hidden("#card-body", True)
        self._set_hidden("#reveal-prompt", True)
        screen: Screen[ExerciseResult]
        can_undo = self.session.can_undo
        if isinstance(prompt.card.card, KataCard):
            screen = KataScreen(self.context, prompt, can_undo=can_undo)
        else:
            screen = PredictScreen(self.context, prompt, can_undo=can_undo)
        self.app.push_screen(screen, callback=self._exercise_rated)

    def _exercise_rated(self, result: ExerciseResult) -> None:
        if result is None:  # the learner left the card unrated
            self.dismiss()
        elif result == UNDO:
            self.action_undo()
        else:
            self.action_rate(int(result), revealed=True)

    def _show_done(self, queue: StudyQueue) -> None:
        self._set_hidden("#card-body", True)
        self._set_hidden("#reveal-prompt", True)
        self._set_hidden("#done", False)
        now = self.session.now()
        title = f"Done with {self.scope_name}" if self.scope_name else "Done for today"
        self.query_one("#done-title", Static).update(title)
        lines = [f"You reviewed {plural(self.reviewed_here, 'card')} in this session."]
        if self.scope_name:
            lines.append(
                f"Nothing more to study in {self.scope_name} for now; other cards may be waiting."
            )
        if queue.next_due is not None:
            lines.append(f"Next review: {format_when(queue.next_due, now, self.context.tz)}.")
        if not self.scope.reviews_ahead:
            lines.append(
                f"New cards: up to {self.context.settings.new_per_day} more "
                f"{format_when(self.session.next_day_starts(), now, self.context.tz)}."
            )
        lines.append("")
        lines.append("Press escape to go back, u to undo the last rating.")
        self.query_one("#done-detail", Static).update("\n".join(lines))

    def _update_status(self, counts: QueueCounts) -> None:
        parts = [f"due {counts.due_now}", f"new {counts.new_available}"]
        if counts.learning_soon:
            parts.append(f"learning {counts.learning_soon}")
        status = "   ".join(parts)
        self.query_one("#study-status", Static).update(
            f"{self.scope_name} · {status}" if self.scope_name else status
        )

    def _set_hidden(self, selector: str, hidden: bool) -> None:
        self.query_one(selector).set_class(hidden, "hidden")

    # -- actions ------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if self.busy and action in ("reveal", "rate", "hint", "explain", "undo"):
            return False
        if action == "reveal":
            return self._showing_qa() and not self.revealed
        if action in ("rate", "explain"):
            if action == "explain" and not self._card_has("explanation"):
                return False
            return self._showing_qa() and self.revealed
        if action == "hint":
            return self._showing_qa() and not self.revealed and self._card_has("hint")
        if action == "undo":
            return self.session.can_undo
        return True

    def _showing_qa(self) -> bool:
        return self.prompt is not None and isinstance(self.prompt.card.card, QACard)

    def _card_has(self, field: str) -> bool:
        return self.prompt is not None and bool(getattr(self.prompt.card.card, field, None))

    def _fill_answer(self, prompt: Prompt) -> None:
        """The answer and explanation of ``prompt``, if it is still the card shown."""
        if self.prompt is not prompt or self._answer_of is prompt:
            return
        self._answer_of = prompt
        card = prompt.card.card
        assert isinstance(card, QACard)
        self.query_one("#answer", Markdown).update(card.answer)
        self.query_one("#explanation", Markdown).update(card.explanation or "")

    def action_reveal(self) -> None:
        if self.prompt is None or self.revealed:
            return
        self._fill_answer(self.prompt)
        self.revealed = True
        self._set_hidden("#answer", False)
        self._set_hidden("#reveal-prompt", True)
        self._set_hidden("#ratings", False)
        self.refresh_bindings()

    def action_hint(self) -> None:
        self._set_hidden("#hint", False)

    def action_explain(self) -> None:
        if self.prompt is not None:
            self._fill_answer(self.prompt)
        self._set_hidden("#explanation", False)

    def action_rate(self, value: int, revealed: bool = False) -> None:
        prompt = self.prompt
        if prompt is None or self.busy or not (self.revealed or revealed):
            return
        rating = Rating(value)

        def answer_then_next() -> NextCard:
            self.session.answer(prompt, rating)  # committed before the next card is read
            return self._next_card()

        self.reviewed_here += 1
        self.notify(RATING_NAMES[rating], timeout=1.5)
        self._then_show(answer_then_next, "saving the rating")

    def on_rating_bar_rated(self, message: RatingBar.Rated) -> None:
        self.action_rate(int(message.rating))

    def action_undo(self) -> None:
        if self.busy or not self.session.can_undo:
            return

        def undo_then_show() -> NextCard:
            card = self.session.undo()
            if card is None:
                return self._next_card()
            return NextCard(self.session.prompt_for(card), self.session.queue())

        self.reviewed_here = max(0, self.reviewed_here - 1)
        self.notify("Rating undone", timeout=1.5)
        self._then_show(undo_then_show, "undoing the rating")

    def action_back(self) -> None:
        self.dismiss()
