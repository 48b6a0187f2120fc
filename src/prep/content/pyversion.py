"""A small ``python:`` version spec (``">=3.11,<3.12"``) for version-bound cards.

Only major.minor matters for content; a dependency on ``packaging`` would buy
nothing here.
"""

from __future__ import annotations

import operator
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass

_CLAUSE = re.compile(r"^\s*(>=|<=|==|!=|>|<)\s*(\d+)\.(\d+)\s*$")
_OPERATORS: dict[str, Callable[[tuple[int, int], tuple[int, int]], bool]] = {
    ">=": operator.ge,
    "<=": operator.le,
    "==": operator.eq,
    "!=": operator.ne,
    ">": operator.gt,
    "<": operator.lt,
}


@dataclass(frozen=True)
class VersionSpec:
    clauses: tuple[tuple[str, tuple[int, int]], ...]

    @classmethod
    def parse(cls, text: str) -> VersionSpec:
        clauses = []
        for part in text.split(","):
            match = _CLAUSE.match(part)
            if match is None:
                raise ValueError(
                    f"python must look like '>=3.11,<3.13' (operators >= <= == != > <), got {text!r}"
                )
            op, major, minor = match.groups()
            clauses.append((op, (int(major), int(minor))))
        return cls(tuple(clauses))

    def contains(self, version: tuple[int, int]) -> bool:
        return all(_OPERATORS[op](version, bound) for op, bound in self.clauses)


def running_python() -> tuple[int, int]:
    return sys.version_info[0], sys.version_info[1]
