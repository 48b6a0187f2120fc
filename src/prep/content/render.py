"""A kata as Markdown: the prompt a learner reads, on screen or in a file.

The kata screen shows it and ``prep start`` writes it into README.md, so both
say the same thing in the same words.
"""

from __future__ import annotations

from prep.content.models import Case, KataCard
from prep.wording import plural

SHOWN = 300  # characters of an expected value, at most


def expected_text(case: Case) -> str:
    """What a case expects, for the learner to read once it may be shown."""
    if case.expect_error is not None:
        return f"raises {case.expect_error}"
    shown = repr(case.expect)[:SHOWN]
    if case.compare.value != "exact":
        shown += f" (compared: {case.compare.value})"
    return shown


def case_markdown(case: Case) -> str:
    """A case as the prompt lists it: its name, its input, and what it gives."""
    source = case.call if case.call is not None else case.code or ""
    label = f"**{case.name}**: " if case.name else ""
    outcome = (
        f"raises `{case.expect_error}`"
        if case.expect_error is not None
        else f"`{expected_text(case)}`"
    )
    return f"{label}\n```python\n{source.rstrip()}\n```\n→ {outcome}\n"


def prompt_markdown(kata: KataCard) -> str:
    parts = [f"# {kata.title}", kata.prompt.rstrip()]
    if kata.preamble:
        parts.append(f"### Given\n```python\n{kata.preamble.rstrip()}\n```")
    if kata.examples:
        parts.append("### Examples")
        parts += [case_markdown(case) for case in kata.examples]
    parts.append(
        f"*{plural(len(kata.tests), 'hidden test')} · time limit {kata.limits.timeout_s:g} s · memory {kata.limits.memory_mb} MB*"
    )
    return "\n\n".join(parts)


def after_markdown(kata: KataCard, gave_up: bool) -> str:
    """What a kata shows once it is over: the reference (after a give-up), why, and its tests."""
    parts = []
    if gave_up:
        parts.append(f"### Reference solution\n```python\n{kata.solution.rstrip()}\n```")
    if kata.explanation:
        parts.append(f"### Explanation\n{kata.explanation.rstrip()}")
    if kata.complexity:
        parts.append(f"**Complexity:** {kata.complexity}")
    parts.append("### Hidden tests")
    parts += [case_markdown(case) for case in kata.tests]
    return "\n\n".join(parts)
