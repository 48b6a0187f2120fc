"""Settings: the study settings, validated, saved to the TOML file."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
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


class SettingsScreen(PrepScreen[None]):
    CSS_PATH = styles("settings.tcss")
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Save", priority=True),
        Binding("escape", "app.pop_screen", "Back"),
    ]

    def __init__(self, context: PrepContext) -> None:
        super().__init__(context)

    def compose(self) -> ComposeResult:
        yield Header(show_clock=False)
        with VerticalScroll(id="settings"):
            for field in FIELDS:
                with Horizontal(classes="setting"):
                    yield Label(field.label, classes="setting-label")
                    yield self._editor(field)
                yield Static(
                    field.help if field.choices else f"{field.help} ({field.low:g}–{field.high:g})",
                    classes="setting-help",
                    markup=False,
                )
                yield Static("", id=f"error-{field.name}", classes="setting-error", markup=False)
            path = self.context.settings_path
            yield Static(
                f"Saved to {path}" if path else "Not saved to a file (no settings file).",
                classes="muted",
                markup=False,
            )
            yield Button("Save (ctrl+s)", variant="primary", id="save")
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
            )
        return Input(
            str(value),
            type="integer" if field.kind is int else "number",
            id=f"setting-{field.name}",
            classes="setting-input",
        )

    def _entered(self, field: Field) -> object:
        if field.choices:
            return self.query_one(f"#setting-{field.name}", Select).value
        return self.query_one(f"#setting-{field.name}", Input).value.strip()

    def on_mount(self) -> None:
        self.sub_title = "Settings"

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "save":
            self.action_save()

    def action_save(self) -> None:
        changes: dict[str, float | int | str] = {}
        valid = True
        for field in FIELDS:
            value, problem = check_value(field, self._entered(field))
            self.query_one(f"#error-{field.name}", Static).update(problem)
            if problem or value is None:
                valid = False
            else:
                changes[field.name] = value
        if not valid:
            self.notify("Some values are out of range: nothing was saved.", severity="error")
            return
        settings, _ = settings_from_mapping(changes, self.context.settings)
        path = self.context.settings_path

        def save() -> Settings:
            if path is not None:
                save_settings(path, settings)
            return settings

        self.in_background(save, self._saved, what="saving the settings", group="save")

    def _saved(self, settings: Settings) -> None:
        self.context.settings = settings
        self.notify("Settings saved.")
