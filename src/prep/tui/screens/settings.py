"""Settings: the study settings, validated, saved to the TOML file."""

from __future__ import annotations

from typing import ClassVar, Literal

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Footer, Header, Input, Label, Select, Static

from prep.settings import (
    FIELDS,
    Field,
    Settings,
    check_value,
    save_settings,
    settings_from_mapping,
)
from prep.tui.context import PrepContext
from prep.tui.screens.base import PrepScreen, styles

LeaveChoice = Literal["save", "discard", "keep"]


class UnsavedChanges(ModalScreen[LeaveChoice]):
    """Leaving with changes not saved: save them, drop them, or go on editing."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("s", "choose('save')", "Save"),
        Binding("d", "choose('discard')", "Discard"),
        Binding("escape,k", "choose('keep')", "Keep editing"),
    ]

    def compose(self) -> ComposeResult:
        with Vertical(id="unsaved"):
            yield Static("Your changes are not saved.", id="unsaved-title", markup=False)
            with Horizontal(id="unsaved-buttons"):
                yield Button("Save (s)", variant="primary", id="save")
                yield Button("Discard (d)", variant="error", id="discard")
                yield Button("Keep editing (esc)", id="keep")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        choices: dict[str | None, LeaveChoice] = {
            "save": "save",
            "discard": "discard",
            "keep": "keep",
        }
        if event.button.id in choices:
            self.action_choose(choices[event.button.id])

    def action_choose(self, choice: LeaveChoice) -> None:
        self.dismiss(choice)


class SettingsScreen(PrepScreen[None]):
    CSS_PATH = styles("settings.tcss")
    AUTO_FOCUS = f"#setting-{FIELDS[0].name}"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Save", priority=True),
        Binding("escape", "back", "Back"),
    ]

    def __init__(self, context: PrepContext) -> None:
        super().__init__(context)
        self.leaving = False  # saving on the way out: leave once the file is written

    def compose(self) -> ComposeResult:
        yield Header(show_clock=False)
        with VerticalScroll(id="settings"):
            for field in FIELDS:
                with Horizontal(classes="setting"):
                    yield Label(field.label, classes="setting-label")
                    yield self._editor(field)
                    if not field.choices:
                        yield Static(field.range_text, classes="setting-range", markup=False)
                yield Static(
                    "", id=f"error-{field.name}", classes="setting-error hidden", markup=False
                )
            yield Button("Save (ctrl+s)", variant="primary", id="save")
        # What the focused setting means: one place, so every setting fits on one line.
        yield Static("", id="setting-help", markup=False)
        yield Static("", id="settings-file", markup=False)
        yield Footer()

    def _editor(self, field: Field) -> Input | Select[str]:
        value = getattr(self.context.settings, field.name)
        if field.choices:
            return Select(
                [(choice, choice) for choice in field.choices],
                value=str(value),
                allow_blank=False,
                id=f"setting-{field.name}",
                classes="setting-input",
                compact=True,
            )
        return Input(
            str(value),
            type="integer" if field.kind is int else "number",
            id=f"setting-{field.name}",
            classes="setting-input",
            compact=True,
        )

    def _entered(self, field: Field) -> object:
        if field.choices:
            return self.query_one(f"#setting-{field.name}", Select).value
        return self.query_one(f"#setting-{field.name}", Input).value.strip()

    def on_mount(self) -> None:
        self.sub_title = "Settings"
        self._show_file_state()
        self._show_help(FIELDS[0])

    # -- what is on screen ----------------------------------------------------

    def _show_help(self, field: Field) -> None:
        allowed = f"One of {', '.join(field.choices)}." if field.choices else field.range_text
        self.query_one("#setting-help", Static).update(f"{field.help} ({allowed})")

    def _show_file_state(self, saved: bool = False) -> None:
        path = self.context.settings_path
        if path is None:
            text = "Not saved to a file (no settings file)."
        elif saved:
            text = f"Saved to {path}"
        elif self.unsaved():
            text = f"Unsaved changes · ctrl+s saves them to {path}"
        else:
            text = f"Settings file: {path}"
        self.query_one("#settings-file", Static).update(text)

    def _show_error(self, field: Field, problem: str) -> None:
        error = self.query_one(f"#error-{field.name}", Static)
        error.update(problem)
        error.set_class(not problem, "hidden")

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        for field in FIELDS:
            if event.widget.id == f"setting-{field.name}":
                self._show_help(field)

    @on(Input.Changed)
    @on(Select.Changed)
    def _value_changed(self, event: Input.Changed | Select.Changed) -> None:
        """A shown error goes as soon as the value is right again."""
        for field in FIELDS:
            shown = not self.query_one(f"#error-{field.name}").has_class("hidden")
            if shown and event.control.id == f"setting-{field.name}":
                self._show_error(field, check_value(field, self._entered(field))[1])
        self._show_file_state()

    def unsaved(self) -> bool:
        """Whether any value on screen differs from the settings in use."""
        for field in FIELDS:
            value, problem = check_value(field, self._entered(field))
            if problem or value != getattr(self.context.settings, field.name):
                return True
        return False

    # -- saving and leaving ---------------------------------------------------

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "save":
            self.action_save()

    def action_back(self) -> None:
        if not self.unsaved():
            self.dismiss()
            return

        def chosen(choice: LeaveChoice | None) -> None:
            if choice == "save":
                self.leaving = True
                if not self.action_save():
                    self.leaving = False
            elif choice == "discard":
                self.dismiss()

        self.app.push_screen(UnsavedChanges(), callback=chosen)

    def action_save(self) -> bool:
        """Check every value and save them in the background; False when one is wrong."""
        changes: dict[str, float | int | str] = {}
        valid = True
        for field in FIELDS:
            value, problem = check_value(field, self._entered(field))
            self._show_error(field, problem)
            if problem or value is None:
                valid = False
            else:
                changes[field.name] = value
        if not valid:
            self.notify("Some values are out of range: nothing was saved.", severity="error")
            return False
        settings, _ = settings_from_mapping(changes, self.context.settings)
        path = self.context.settings_path

        def save() -> Settings:
            if path is not None:
                save_settings(path, settings)
            return settings

        self.in_background(
            save, self._saved, what="saving the settings", group="save",
            failed=lambda _: setattr(self, "leaving", False),
        )  # fmt: skip
        return True

    def _saved(self, settings: Settings) -> None:
        self.context.settings = settings
        self._show_file_state(saved=True)
        self.notify("Settings saved.")
        if self.leaving:
            self.dismiss()
