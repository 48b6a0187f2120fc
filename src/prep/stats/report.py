"""``prep stats`` as text: labelled sections and small tables a person reads at a
glance, times in the learner's zone. ``--json`` prints the same figures as data."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta, tzinfo

from prep.stats.progress import Progress
from prep.stats.summary import DeckCounts, TodaySummary
from prep.wording import plural

FORECAST_SHOWN = 7
NO_VALUE = "-"
# A deck's title is cut to this in the deck table: the shipped deck has titles of
# ninety characters, which would push the numbers off an ordinary terminal.
TITLE_WIDTH = 40


def local_minute(moment: datetime, tz: tzinfo) -> str:
    """'2026-12-01 14:03': the moment on the learner's clock, to the minute."""
    return moment.astimezone(tz).strftime("%Y-%m-%d %H:%M")


def table(header: Sequence[str], rows: Sequence[Sequence[str]], indent: str = "  ") -> list[str]:
    """Columns as wide as their widest cell: the first left-aligned (a name), the
    others right-aligned (numbers), so that the digits line up under their label."""
    lines = [header, *rows]
    widths = [max(len(line[column]) for line in lines) for column in range(len(header))]
    return [
        indent
        + "  ".join(
            cell.ljust(width) if column == 0 else cell.rjust(width)
            for column, (cell, width) in enumerate(zip(line, widths, strict=True))
        ).rstrip()
        for line in lines
    ]


def _labelled(pairs: Sequence[tuple[str, str]]) -> list[str]:
    width = max(len(label) for label, _ in pairs)
    return [f"  {label:<{width}}  {value}" for label, value in pairs]


def _cut(title: str) -> str:
    return title if len(title) <= TITLE_WIDTH else title[: TITLE_WIDTH - 1] + "…"


def _deck_row(deck: DeckCounts) -> list[str]:
    counts = (
        deck.cards, deck.seen, deck.in_review, deck.due_now, deck.new_available, deck.reviews,
    )  # fmt: skip
    return [_cut(deck.title), *(f"{n:,}" for n in counts)]


def _percent(share: float | None) -> str:
    return f"{share * 100:.0f}%" if share is not None else NO_VALUE


def under_labels(labels: Sequence[str], cells: Sequence[str]) -> list[str]:
    """Two lines: the labels, and under each its value, right-aligned."""
    widths = [max(len(label), len(cell)) for label, cell in zip(labels, cells, strict=True)]
    return [
        "  " + "  ".join(text.rjust(width) for text, width in zip(line, widths, strict=True))
        for line in (labels, cells)
    ]


def stats_report(summary: TodaySummary, progress: Progress, tz: tzinfo) -> list[str]:
    """The lines of ``prep stats``."""
    today = progress.today
    next_due = local_minute(summary.next_due, tz) if summary.next_due else NO_VALUE
    lines = [f"Today ({today:%a %Y-%m-%d})"]
    lines += _labelled(
        [
            ("due now", f"{summary.due_now:,}"),
            ("new available", f"{summary.new_available:,}"),
            ("reviewed today", f"{summary.reviewed_today:,}"),
            ("next due", next_due),
        ]
    )
    lines += ["", "In all"]
    lines += _labelled(
        [
            ("cards", f"{summary.cards_total:,} ({summary.cards_seen:,} seen)"),
            ("reviews", f"{summary.reviews_total:,}"),
            (
                "streak",
                f"{plural(summary.streak_days, 'day')} (longest {summary.streak_longest:,})",
            ),
        ]
    )

    lines += ["", "Retention (reviews of cards in review, passed with Hard or better)"]
    lines += under_labels(
        list(progress.retention), [_percent(r.rate) for r in progress.retention.values()]
    )

    # Overdue cards count as due today; the other days by the learner's weekday names.
    later = [f"{today + timedelta(days=n):%a}" for n in range(1, FORECAST_SHOWN)]
    lines += ["", f"Due in the next {FORECAST_SHOWN} days"]
    lines += under_labels(
        ["today", *later],
        [f"{n:,}" for n in progress.forecast[:FORECAST_SHOWN]],
    )

    lines += ["", "Cards by stage"]
    lines += under_labels(list(progress.states), [f"{n:,}" for n in progress.states.values()])

    lines += ["", "Decks"]
    if summary.decks:
        lines += table(
            ["deck", "cards", "seen", "in review", "due now", "new today", "reviews"],
            [_deck_row(deck) for deck in summary.decks],
        )
    else:
        lines.append("  no decks loaded")

    katas = progress.katas
    lines += ["", "Katas"]
    if not katas.submissions:
        lines.append("  none tried yet")
    else:
        seconds = katas.median_seconds_to_solve
        lines += _labelled(
            [
                ("tried", f"{plural(katas.katas_tried, 'kata', grouped=True)}, "
                 f"{plural(katas.submissions, 'submission', grouped=True)}"),
                ("pass rate", _percent(katas.pass_rate)),
                ("first-try rate", _percent(katas.first_try_rate)),
                ("median solve", f"{seconds / 60:.1f} min" if seconds is not None else NO_VALUE),
            ]
        )  # fmt: skip
    return lines
