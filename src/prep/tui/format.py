"""Short human texts for times and intervals (as on Anki's rating buttons), and text cut to
fit a column."""

from __future__ import annotations

from datetime import datetime, timedelta, tzinfo


def format_interval(interval: timedelta) -> str:
    seconds = interval.total_seconds()
    if seconds < 60:
        return "<1m"
    minutes = seconds / 60
    if minutes < 60:
        return f"{round(minutes)}m"
    hours = minutes / 60
    if hours < 24:
        return f"{round(hours)}h"
    days = hours / 24
    if days < 30:
        return f"{round(days)}d"
    if days < 365:
        months = days / 30.4375
        return f"{months:.1f}mo".replace(".0mo", "mo")
    years = days / 365.25
    return f"{years:.1f}y".replace(".0y", "y")


def format_duration(span: timedelta) -> str:
    """'3:07': minutes and seconds, as a stopwatch shows them."""
    seconds = max(0, int(span.total_seconds()))
    return f"{seconds // 60}:{seconds % 60:02d}"


def format_when(moment: datetime, now: datetime, tz: tzinfo) -> str:
    """'in 3h (at 14:05)', 'tomorrow at 04:00', 'on Mon 30 Nov'."""
    local = moment.astimezone(tz)
    local_now = now.astimezone(tz)
    delta = moment - now
    if delta <= timedelta(0):
        return "now"
    if local.date() == local_now.date():
        return f"in {format_interval(delta)} (at {local:%H:%M})"
    if local.date() == local_now.date() + timedelta(days=1):
        return f"tomorrow at {local:%H:%M}"
    return f"in {format_interval(delta)} (on {local:%a %d %b})"


def shorten(text: str, width: int) -> str:
    """``text`` in at most ``width`` cells, ending in "…" when it had to be cut."""
    if len(text) <= width:
        return text
    return text[: max(0, width - 1)] + "…"
