"""The two kinds of failure a command reports in one line, without a traceback."""

from __future__ import annotations


class UserFacingError(Exception):
    """Exit code 1: an error whose message is all the user needs."""


class UsageError(Exception):
    """Exit code 2: the command line names something that does not exist."""
