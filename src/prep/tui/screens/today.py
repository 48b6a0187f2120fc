"""Today: what is due, what is new, the streak, and counts per deck."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar, cast

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import DataTable, Footer, Header, Static

from prep.tui.context import PrepContext
from prep.tui.format import format_when
from prep.tui.screens.base import PrepScreen
from prep.tui.widgets.stat_tile import StatTile
from prep.wording import plural

if TYPE_CHECKING:
    # Statistics (numpy), the scheduler (fsrs) and the sandbox load in the workers
    # that need them, after the first frame.
    from prep.grading.sandbox import Isolation
    from prep.scheduling.fitting import FitReport
    from prep.stats.summary import TodaySummary
    from prep.study.scope import StudyScope
    from prep.tui.app import PrepApp
    from prep.tui.screens.study import WarmStudy

MAX_ERRORS_SHOWN = 8


@dataclass(frozen=True)
class TodayNumbers:
    """What Today shows, read in one go off the UI thread."""

    summary: TodaySummary
    reviews_since_fit: int  # non-zero when a refit is worth offering


def read_today(context: PrepContext) -> TodayNumbers:
    store = context.history
    from prep.scheduling.fitting import reviews_worth_a_refit
    from prep.stats.summary import today_summary

    summary = today_summary(context.library, store, context.settings, context.clock(), context.tz)
    fitted = int((store.fit_record() or {}).get("reviews", 0))
    offer = reviews_worth_a_refit(summary.reviews_total, fitted, context.settings.refit_every)
    return TodayNumbers(summary, offer)


def import_study_screens() -> None:
    """What the first card needs, imported ahead of time (in a worker)."""
    import markdown_it  # noqa: F401  (the first Markdown drawn parses with it)

    import prep.tui.screens.kata
    import prep.tui.screens.predict
    import prep.tui.screens.study  # noqa: F401


def sandbox_warning(isolation: Isolation | None) -> str:
    """Shown on Today for as long as grading has no real sandbox ('' when it has one)."""
    from prep.grading.sandbox import IsolationMode

    if isolation is None or isolation.mode is not IsolationMode.PLAIN:
        return ""
    return (
        "⚠ No real sandbox here: code you run in katas and predict cards can read and change "
        f"your files ({isolation.reason}). Install bubblewrap, or allow user namespaces or "
        "Landlock; 'prep doctor' says more."
    )


def sandbox_notice(context: PrepContext) -> str:
    """What Today says of the sandbox ('' when all is well): a PREP_SANDBOX that names no
    mode, which no grader can start with, or else ``sandbox_warning`` of the grader's."""
    from prep.grading.sandbox import UnknownSandboxError, sandbox_choice

    try:
        sandbox_choice()
    except UnknownSandboxError as exc:
        return (
            f"⚠ {exc}: katas and predict cards cannot run until it is corrected "
            "(quit, then set it or leave it unset for auto)."
        )
    return sandbox_warning(context.grader().isolation)


class TodayScreen(PrepScreen[None]):
    # The deck table, so that `enter` on a deck studies it from the start.
    AUTO_FOCUS = "#decks"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("s", "study", "Study"),
        Binding("k", "practice", "Katas"),
        Binding("c", "custom_study", "Custom study"),
        Binding("p", "progress", "Progress"),
        Binding("b", "browse", "Browse"),
        Binding("comma", "settings", "Settings"),
        Binding("o", "refit", "Refit scheduler"),
        Binding("q", "app.quit", "Quit"),
    ]

    def __init__(self, context: PrepContext) -> None:
        super().__init__(context)
        self.summary: TodaySummary | None = None
        self.fitting = False
        self.reviews_since_fit = 0  # refreshed with the summary, read by every binding check
        self._sandbox_checked = False
        self._study_prepared = False
        self._warm: WarmStudy | None = None
        self._warming = False

    def compose(self) -> ComposeResult:
        yield Header(show_clock=False)
        with VerticalScroll(id="today"):
            with Horizontal(id="tiles"):
                yield StatTile("due now", id="tile-due")
                yield StatTile("new available", id="tile-new")
                yield StatTile("reviewed today", id="tile-today")
                yield StatTile("day streak", id="tile-streak")
            yield Static(id="sandbox-warning", markup=False, classes="hidden")
            yield Static(id="today-message", markup=False)
            yield Static(id="refit-offer", markup=False, classes="hidden")
            yield DataTable(id="decks", cursor_type="row", zebra_stripes=True)
            yield Static(id="content-errors", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "Today"
        table = self.query_one("#decks", DataTable)
        table.add_columns("Deck", "Cards", "Seen", "Due", "New")
        self.refresh_summary()

    def _prepare_study(self) -> None:
        """Once, after the first numbers: the study screens' modules (the scheduler, the
        card models, Markdown) are imported in a worker, so that `s` does not import them
        on the UI thread."""
        if self._study_prepared:
            return
        self._study_prepared = True
        self.in_background(
            import_study_screens, lambda _: None, what="preparing the study screens",
            group="prepare-study",
        )  # fmt: skip

    def _check_sandbox(self) -> None:
        """Once, after the first numbers: starting the grader finds the sandbox (and warms
        it for the first kata), which the counts need not wait for."""
        if self._sandbox_checked or self.context.grader_factory is None:
            return
        self._sandbox_checked = True
        context = self.context
        self.in_background(
            lambda: sandbox_notice(context),
            self._show_sandbox_warning,
            what="checking the sandbox",
            group="sandbox",
        )

    def on_screen_resume(self) -> None:
        self.refresh_summary()

    def refresh_summary(self) -> None:
        context = self.context
        message = self.query_one("#today-message", Static)
        if context.library_loader is not None:
            message.update("Loading decks…")
            for tile in self.query(StatTile):
                tile.set_value("…")
            return
        self.in_background(
            lambda: read_today(context), self._show, what="reading today's numbers", group="summary"
        )

    def _show(self, numbers: TodayNumbers) -> None:
        context = self.context
        summary = self.summary = numbers.summary
        now = context.clock()
        self.query_one("#tile-due", StatTile).set_value(str(summary.due_now))
        self.query_one("#tile-new", StatTile).set_value(str(summary.new_available))
        self.query_one("#tile-today", StatTile).set_value(str(summary.reviewed_today))
        self.query_one("#tile-streak", StatTile).set_value(str(summary.streak_days))

        message = self.query_one("#today-message", Static)
        message.set_class(context.library_error is not None, "error")
        if context.library_error is not None:
            message.update(
                f"The decks could not be read: {context.library_error}. "
                "Run 'prep check' to see what is wrong."
            )
        elif not context.library.cards:
            message.update(
                "No cards loaded. Add a deck folder with --content DIR (see prep --help)."
            )
        elif summary.due_now or summary.new_available:
            message.update(
                f"{plural(summary.due_now + summary.new_available, 'card')} to study: press s to start."
            )
        elif summary.next_due is not None:
            message.update(
                f"All done for now. Next card {format_when(summary.next_due, now, context.tz)}."
            )
        else:
            message.update("All done for today. New cards arrive when the day rolls over.")

        table = self.query_one("#decks", DataTable)
        table.clear()
        for deck in summary.decks:
            table.add_row(
                deck.title, deck.cards, deck.seen, deck.due_now, deck.new_available, key=deck.slug
            )

        errors = context.library.errors
        panel = self.query_one("#content-errors", Static)
        panel.display = bool(errors)
        if errors:
            files = len({error.path for error in errors})
            lines = [f"{plural(files, 'deck file')} could not be loaded:"]
            lines += [f"  {error}" for error in errors[:MAX_ERRORS_SHOWN]]
            if len(errors) > MAX_ERRORS_SHOWN:
                lines.append(f"  … and {len(errors) - MAX_ERRORS_SHOWN} more (run 'prep check')")
            panel.update("\n".join(lines))
        self._show_refit_offer(numbers.reviews_since_fit)
        cast("PrepApp", self.app).open_store()
        self._check_sandbox()
        self._prepare_study()
        self._warm_study()

    def _show_sandbox_warning(self, warning: str) -> None:
        panel = self.query_one("#sandbox-warning", Static)
        panel.update(warning)
        panel.set_class(not warning, "hidden")

    def _show_refit_offer(self, new: int) -> None:
        self.reviews_since_fit = new
        offer = self.query_one("#refit-offer", Static)
        offer.set_class(not new, "hidden")
        if new:
            offer.update(
                f"{plural(new, 'review')} since the scheduler was last fitted to your history: "
                "press o to refit it."
            )
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("study", "practice", "custom_study", "progress", "browse"):
            return self.context.library_loader is None
        if action == "refit":
            return self.reviews_since_fit > 0 and not self.fitting
        return True

    def action_refit(self) -> None:
        if self.fitting:
            return
        self.fitting = True
        self.query_one("#refit-offer", Static).update("Fitting FSRS to your reviews…")
        self.refresh_bindings()
        self.in_background(
            self._refit, self._refitted, what="fitting the scheduler", group="refit",
            failed=lambda _: self._refit_over(),
        )  # fmt: skip

    def _refit(self) -> FitReport:
        from prep.scheduling.fitting import fit_parameters

        store = self.context.store
        report = fit_parameters(
            store.reviews(), self.context.tz, self.context.settings.rollover_hour
        )
        store.save_fit(report.parameters, report.to_dict())
        return report

    def _refitted(self, report: FitReport) -> None:
        self.notify(
            f"Scheduler fitted to {plural(report.reviews, 'review')}: log loss {report.log_loss_default:.4f} → "
            f"{report.log_loss_fitted:.4f}, RMSE {report.rmse_bins_default:.3f} → {report.rmse_bins_fitted:.3f}",
            timeout=8,
        )
        self._refit_over()

    def _refit_over(self) -> None:
        self.fitting = False
        self.refresh_summary()

    def action_progress(self) -> None:
        from prep.tui.screens.progress import ProgressScreen

        self.app.push_screen(ProgressScreen(self.context))

    def action_browse(self) -> None:
        from prep.tui.screens.browser import BrowserScreen

        self.app.push_screen(BrowserScreen(self.context))

    def action_settings(self) -> None:
        from prep.tui.screens.settings import SettingsScreen

        self.app.push_screen(SettingsScreen(self.context))

    def action_practice(self) -> None:
        from prep.tui.screens.practice import PracticeScreen

        self.app.push_screen(PracticeScreen(self.context))

    def action_study(self) -> None:
        from prep.study.scope import StudyScope

        self.study(StudyScope())

    def study(self, scope: StudyScope | None) -> None:
        from prep.tui.screens.study import StudyScreen

        if scope is None:
            return
        warm, self._warm = self._warm, None
        if warm is not None and not (scope.is_everything and warm.fits(self.context)):
            warm.watch.close()
            warm = None
        self.app.push_screen(StudyScreen(self.context, scope, warm))

    def _warm_study(self) -> None:
        """After the numbers, a study session reads its cards and their states in the
        background, so that `s` shows the first card without waiting for them."""
        if self._warm is not None or self._warming:
            return
        self._warming = True
        context = self.context

        def warm() -> WarmStudy | None:
            from prep.tui.screens.study import warm_study

            return warm_study(context)

        def warmed(ready: WarmStudy | None) -> None:
            self._warming = False
            self._warm = ready

        def not_warmed(_: BaseException) -> None:
            self._warming = False  # `s` reads for itself, and says what is wrong

        self.in_background(
            warm, warmed, what="preparing your first card", group="warm-study", failed=not_warmed
        )

    def action_custom_study(self) -> None:
        from prep.tui.screens.custom_study import CustomStudyScreen

        self.app.push_screen(CustomStudyScreen(self.context.library), callback=self.study)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        """`enter` on a deck studies that deck alone."""
        slug = event.row_key.value
        if self.context.library_loader is not None or slug is None:
            return
        if self.context.library.deck(slug) is None:
            self.notify("These cards are known only from your history: there is nothing to show.")
            return
        from prep.study.scope import StudyScope

        self.study(StudyScope(deck=slug))
