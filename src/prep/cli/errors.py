"""The two kinds of failure a command reports in one line, without a traceback."""

from __future__ import annotations


class UserFacingError(Exception):
    """Exit code 1: an error whose message is all the user needs."""


class UsageError(Exception):
    """Exit code 2: the command line or the environment names something that does not
    exist or cannot be used. With ``command``, the line names the command as well
    (``prep check: PATH: ...``), as a tool reporting on the files it was given does."""

    def __init__(self, message: str, command: str | None = None) -> None:
        super().__init__(message)
        self.command = command

    @property
    def line(self) -> str:
        return f"prep {self.command}: {self}" if self.command else f"prep: {self}"
