"""A kata run's results as the learner reads them, case by case, as on LeetCode:
the input, what their code gave, what was expected, and what it printed.

Hidden tests show their name and a short message only, until the kata is
over (solved or given up): then everything, so the learner can see why.
"""

from __future__ import annotations

from collections.abc import Sequence

from textual.widgets import Markdown

from prep.content.models import Case
from prep.content.render import expected_text
from prep.grading.verdict import CaseStatus, CaseVerdict, GradeReport
from prep.wording import noun

OUTPUT_SHOWN = 4000
MARKS = {
    CaseStatus.PASS: "✓",
    CaseStatus.FAIL: "✗",
    CaseStatus.ERROR: "✗",
    CaseStatus.TIMEOUT: "⧗",
    CaseStatus.MEMORY: "✗",
}


def code_block(text: str) -> str:
    return f"```python\n{text.rstrip()}\n```"


def inline_code(text: str) -> str:
    # A value's repr may hold backticks: a longer fence keeps it whole.
    fence = "``" if "`" in text else "`"
    return f"{fence} {text} {fence}" if fence == "``" else f"`{text}`"


def case_input(case: Case) -> str:
    return case.call if case.call is not None else case.code or ""


def case_markdown(verdict: CaseVerdict, case: Case | None, shown: bool) -> str:
    """One case: its mark, name and status; and when ``shown``, input, result and expectation."""
    status = verdict.status.value if verdict.passed else (verdict.message or verdict.status.value)
    lines = [f"**{MARKS[verdict.status]} {verdict.name}** · {status}"]
    if shown and case is not None:
        lines.append(code_block(case_input(case)))
        if verdict.got:
            lines.append(f"yours: {inline_code(verdict.got)}  ")
        lines.append(f"expected: {inline_code(expected_text(case))}")
    return "\n\n".join(lines)


def first_failing(report: GradeReport) -> CaseVerdict | None:
    return next((verdict for verdict in report.cases if not verdict.passed), None)


def summary_line(report: GradeReport) -> str:
    what = noun(len(report.cases), "example" if report.which == "examples" else "hidden test")
    line = f"{report.passed_count}/{len(report.cases)} {what} passed in {report.duration_ms:.0f} ms"
    failing = first_failing(report)
    if failing is not None:
        line += f" · first failing: {failing.name} ({failing.message or failing.status.value})"
    if report.problem:
        line += f" · {report.problem}"
    return line


def random_markdown(report: GradeReport) -> list[str]:
    """The random cases' line, the first failing one's input, and the growth measure.

    A random case's input is shown at once: it is new at every submission, so
    showing it gives nothing of the fixed tests away."""
    parts = []
    if report.random is not None:
        parts.append(f"**{report.random.summary()}**")
        failing = report.random.first_failing()
        if failing is not None:
            verdict, shown = failing
            why = verdict.message or verdict.status.value
            lines = [f"first failing: {verdict.name} · {why}", code_block(shown)]
            if verdict.got:
                lines.append(f"yours: {inline_code(verdict.got)}")
            if verdict.detail:  # drawn for this submission alone: its expectation is no secret
                lines.append(inline_code(verdict.detail))
            parts.append("\n\n".join(lines))
    if report.growth is not None:
        parts.append(f"Growth: {report.growth.describe()}")
    return parts


def report_markdown(report: GradeReport, cases: Sequence[Case], reveal: bool) -> str:
    """The whole report; hidden tests in full only when ``reveal``."""
    shown = reveal or report.which == "examples"
    title = "Examples" if report.which == "examples" else "Hidden tests"
    parts = [f"### {title}", summary_line(report), *random_markdown(report)]
    for index, verdict in enumerate(report.cases):
        case = cases[index] if index < len(cases) else None
        parts.append(case_markdown(verdict, case, shown))
    printed = (report.stdout + ("\n" + report.stderr if report.stderr.strip() else "")).strip()
    if printed:
        parts.append("### Printed output")
        parts.append(f"```text\n{printed[:OUTPUT_SHOWN]}\n```")
    return "\n\n".join(parts)


class GradeResults(Markdown):
    """The last run's results; empty until something ran."""

    def show(self, report: GradeReport, cases: Sequence[Case], reveal: bool) -> None:
        self.update(report_markdown(report, cases, reveal))
