"""The table of test results under the kata editor."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import DataTable

from prep.grading.verdict import CaseStatus, GradeReport

STYLES = {
    CaseStatus.PASS: "bold green",
    CaseStatus.FAIL: "bold red",
    CaseStatus.ERROR: "bold magenta",
    CaseStatus.TIMEOUT: "bold yellow",
    CaseStatus.MEMORY: "bold yellow",
}


class GradeResults(DataTable[Text]):
    def on_mount(self) -> None:
        self.cursor_type = "row"
        self.zebra_stripes = True
        self.add_columns("Test", "Status", "Message")

    def show(self, report: GradeReport, reveal: bool) -> None:
        """Hidden tests show only a short message until the kata is over."""
        self.clear()
        for case in report.cases:
            message = (
                case.detail
                if (reveal or report.which == "examples") and case.detail
                else case.message
            )
            self.add_row(
                Text(case.name),
                Text(case.status.value, style=STYLES[case.status]),
                Text(message.replace("\n", " ")),
            )
