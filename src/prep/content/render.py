"""A kata as Markdown: the prompt a learner reads, on screen or in a file.

The kata screen shows it and ``prep start`` writes it into README.md, so both
say the same thing in the same words.
"""

from __future__ import annotations

from prep.content.models import Case, KataCard


def _case_markdown(case: Case) -> str:
    source = case.call if case.call is not None else case.code or ""
    if case.expect_error is not None:
        outcome = f"raises `{case.expect_error}`"
    else:
        outcome = f"`{case.expect!r}`" + (
            f" (compared: {case.compare.value})" if case.compare.value != "exact" else ""
        )
    label = f"**{case.name}**: " if case.name else ""
    return f"{label}\n```python\n{source.rstrip()}\n```\n→ {outcome}\n"


def prompt_markdown(kata: KataCard) -> str:
    parts = [f"# {kata.title}", kata.prompt.rstrip()]
    if kata.preamble:
        parts.append(f"### Given\n```python\n{kata.preamble.rstrip()}\n```")
    if kata.examples:
        parts.append("### Examples")
        parts += [_case_markdown(case) for case in kata.examples]
    parts.append(
        f"*{len(kata.tests)} hidden tests · time limit {kata.limits.timeout_s:g} s · memory {kata.limits.memory_mb} MB*"
    )
    return "\n\n".join(parts)
