"""The real clock, the learner's time zone (tests pass their own), and the
millisecond grain every stored time has."""

from __future__ import annotations

import os
from datetime import UTC, datetime, tzinfo
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


def utc_now() -> datetime:
    return datetime.now(UTC)


def local_timezone() -> tzinfo:
    """The system zone with its DST rules; a fixed offset only as a last resort."""
    name = os.environ.get("TZ", "").strip().lstrip(":")
    if name:
        try:
            return ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            pass
    localtime = Path("/etc/localtime")
    if localtime.exists():
        try:
            with localtime.open("rb") as handle:
                return ZoneInfo.from_file(handle, key="localtime")
        except (OSError, ValueError):
            pass
    fallback = datetime.now().astimezone().tzinfo
    return fallback if fallback is not None else UTC


def to_ms(moment: datetime) -> int:
    return round(moment.timestamp() * 1000)


def from_ms(ms: int) -> datetime:
    return datetime.fromtimestamp(ms / 1000, tz=UTC)


def truncate_to_ms(moment: datetime) -> datetime:
    """Times are stored to the millisecond; domain code works at that grain
    too, so that states rebuilt from the log equal the stored ones."""
    return from_ms(to_ms(moment)).astimezone(UTC)
