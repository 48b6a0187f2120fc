"""The content schema: decks of ``qa``, ``predict`` and ``kata`` cards.

These models are the domain objects for content: frozen, validated once at
load time, and free of any notion of files or lines (the loader keeps those).
"""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)

from prep.content.kinds import Difficulty
from prep.content.pyversion import VersionSpec

SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
Slug = Annotated[str, StringConstraints(pattern=SLUG_PATTERN, max_length=80)]
Text = Annotated[str, StringConstraints(min_length=1)]


class Compare(StrEnum):
    EXACT = "exact"
    UNORDERED = "unordered"
    SET = "set"
    CLOSE = "close"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=False)


def _check_compiles(source: str, mode: Literal["eval", "exec"], what: str) -> str:
    try:
        compile(source, f"<{what}>", mode)
    except SyntaxError as exc:
        detail = exc.msg
        if exc.lineno is not None:
            detail = f"{detail} (line {exc.lineno} of the {what})"
        raise ValueError(f"{what} is not valid Python: {detail}") from None
    except (MemoryError, RecursionError):
        # CPython's parser gives up on a few thousand nested operators this way.
        raise ValueError(f"{what} is not valid Python: nested too deeply to compile") from None
    return source


class CardBase(_Strict):
    id: Slug
    tags: tuple[Slug, ...] = ()
    difficulty: Difficulty = Difficulty.MEDIUM
    source: str | None = None
    # A public book, paper or documentation page for the facts: what a learner can read next.
    reference: str | None = None
    python: str | None = None

    @field_validator("python")
    @classmethod
    def _python_spec_parses(cls, value: str | None) -> str | None:
        if value is not None:
            VersionSpec.parse(value)
        return value

    def applies_to(self, version: tuple[int, int]) -> bool:
        """Whether the card makes sense on this Python (``python:`` spec)."""
        return self.python is None or VersionSpec.parse(self.python).contains(version)


class QACard(CardBase):
    type: Literal["qa"]
    question: Text
    answer: Text
    hint: str | None = None
    explanation: str | None = None


class PredictCard(CardBase):
    type: Literal["predict"]
    code: Text
    expect_output: str
    question: Text = "What does this print?"
    hint: str | None = None
    explanation: str | None = None

    @field_validator("code")
    @classmethod
    def _code_compiles(cls, value: str) -> str:
        return _check_compiles(value, "exec", "code")


def tolerance_means_close(data: Any) -> Any:
    """A tolerance given without ``compare`` can only mean a close comparison."""
    if isinstance(data, dict) and data.get("tolerance") is not None and "compare" not in data:
        return {**data, "compare": Compare.CLOSE.value}
    return data


def check_input(
    call: str | None, code: str | None, compare: Compare, tolerance: float | None, what: str
) -> None:
    """A fixed case's or a random block's input: one of a call or code that sets
    ``result``, compiling, and a tolerance only for a close comparison."""
    if (call is None) == (code is None):
        raise ValueError(f"a {what} needs exactly one of 'call' or 'code'")
    if tolerance is not None and compare is not Compare.CLOSE:
        raise ValueError("'tolerance' only applies with 'compare: close'")
    if call is not None:
        _check_compiles(call, "eval", "call")
    if code is not None:
        _check_compiles(code, "exec", "code")
        if not re.search(r"\bresult\b", code):
            raise ValueError(f"a 'code' {what} must assign 'result'")


class Case(_Strict):
    """One check of a kata: an input (``call`` or ``code``) and what it must give."""

    name: str | None = None
    call: str | None = None
    code: str | None = None
    expect: Any = None
    expect_error: str | None = None
    compare: Compare = Compare.EXACT
    tolerance: float | None = Field(default=None, ge=0)

    @model_validator(mode="before")
    @classmethod
    def _tolerance_means_close(cls, data: Any) -> Any:
        return tolerance_means_close(data)

    @model_validator(mode="after")
    def _one_input_one_expectation(self) -> Case:
        given = self.model_fields_set
        check_input(self.call, self.code, self.compare, self.tolerance, "case")
        if ("expect" in given) == ("expect_error" in given):
            raise ValueError("a case needs exactly one of 'expect' or 'expect_error'")
        if self.expect_error is not None and not self.expect_error.isidentifier():
            raise ValueError(
                f"expect_error must be an exception class name, not {self.expect_error!r}"
            )
        return self


class WrongSolution(_Strict):
    name: Text
    code: Text
    # The mistake in the learner's words, told to a learner whose submission fails as this does.
    mistake: Text | None = None

    @field_validator("mistake")
    @classmethod
    def _one_line(cls, value: str | None) -> str | None:
        if value is not None and "\n" in value.strip():
            raise ValueError("a wrong solution's mistake is one line")
        return value.strip() if value is not None else None

    @field_validator("code")
    @classmethod
    def _code_compiles(cls, value: str) -> str:
        return _check_compiles(value, "exec", "wrong solution")


class RandomCases(_Strict):
    """Fresh hidden cases drawn at every submission, their expected values given
    by the reference solution: a submission that memorises the fixed tests fails them."""

    count: int = Field(default=20, ge=1, le=200)
    size: int = Field(default=20, ge=1)
    # Defines generate(rng, np_rng, size) -> {argument name: value}.
    generate: Text
    call: str | None = None
    code: str | None = None
    compare: Compare = Compare.EXACT
    tolerance: float | None = Field(default=None, ge=0)
    # Three or more increasing sizes: the submission's growth is measured at each.
    sizes: tuple[Annotated[int, Field(ge=1)], ...] | None = None

    @model_validator(mode="before")
    @classmethod
    def _tolerance_means_close(cls, data: Any) -> Any:
        return tolerance_means_close(data)

    @model_validator(mode="after")
    def _one_input(self) -> RandomCases:
        check_input(self.call, self.code, self.compare, self.tolerance, "random block")
        _check_compiles(self.generate, "exec", "generate")
        if self.sizes is not None:
            if len(self.sizes) < 3:
                raise ValueError("'sizes' needs at least 3 sizes to measure a growth")
            if any(b <= a for a, b in zip(self.sizes, self.sizes[1:], strict=False)):
                raise ValueError("'sizes' must increase")
        return self


class Limits(_Strict):
    timeout_s: float = Field(default=5.0, gt=0, le=120)
    memory_mb: int = Field(default=256, ge=32, le=8192)


class KataCard(CardBase):
    type: Literal["kata"]
    title: Text
    prompt: Text
    preamble: str | None = None
    starter: str = ""
    # A user's own kata may leave out examples and wrong solutions (`prep check`
    # warns); the shipped deck's rules (`prep check --strict`) ask for both.
    examples: tuple[Case, ...] = Field(default=(), max_length=3)
    tests: tuple[Case, ...] = Field(min_length=1)
    solution: Text
    wrong_solutions: tuple[WrongSolution, ...] = ()
    limits: Limits = Limits()
    random: RandomCases | None = None
    hints: tuple[Text, ...] = ()
    explanation: str | None = None
    complexity: str | None = None

    @field_validator("solution")
    @classmethod
    def _solution_compiles(cls, value: str) -> str:
        return _check_compiles(value, "exec", "solution")

    @field_validator("preamble")
    @classmethod
    def _preamble_compiles(cls, value: str | None) -> str | None:
        if value is not None:
            _check_compiles(value, "exec", "preamble")
        return value


Card = Annotated[QACard | PredictCard | KataCard, Field(discriminator="type")]


class Deck(_Strict):
    deck: Slug
    title: Text
    description: str | None = None
    tags: tuple[Slug, ...] = ()
    cards: tuple[Card, ...] = Field(min_length=1)
