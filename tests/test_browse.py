from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest

from prep.scheduling.marks import CardMarks
from prep.scheduling.memory import CardState, Stage
from prep.study.search import BrowserRow, QueryError, parse_query, search

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)


def row(
    key: str,
    kind: str = "qa",
    text: str = "",
    tags: tuple[str, ...] = (),
    state: CardState | None = None,
    marks: CardMarks | None = None,
) -> BrowserRow:
    return BrowserRow(
        key,
        key.split("/")[0],
        kind,
        text,
        (text + " " + key).lower(),
        tags,
        state,
        marks or CardMarks(),
        True,
    )


def state(key: str, due: datetime, stage: Stage = Stage.REVIEW, lapses: int = 0) -> CardState:
    return CardState(key, stage, None, 3.0, 5.0, due, due - timedelta(days=3), 2, lapses)


ROWS = [
    row("attention/why-sqrt", text="Why scale by sqrt d_k?", tags=("transformers",), state=state("attention/why-sqrt", NOW - timedelta(days=1))),
    row("attention/kv-cache", text="What is a KV cache?", tags=("transformers", "inference"), state=state("attention/kv-cache", NOW + timedelta(days=3))),
    row("vae-gan/mode-collapse", text="What is mode collapse in a GAN?", tags=("gan",)),
    row("vae-gan/wgan", kind="kata", text="Wasserstein critic", tags=("gan",), marks=CardMarks(suspended=True, leech=True)),
    row("heaps/top-k", kind="kata", text="Top K", tags=("heaps",), state=state("heaps/top-k", NOW - timedelta(hours=1), Stage.RELEARNING),
        marks=CardMarks(buried_until=NOW + timedelta(hours=5))),
]  # fmt: skip


def keys(query: str) -> list[str]:
    return [r.key for r in search(ROWS, query, NOW)]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", [r.key for r in ROWS]),
        ("deck:attention", ["attention/why-sqrt", "attention/kv-cache"]),
        ("deck:vae*", ["vae-gan/mode-collapse", "vae-gan/wgan"]),
        ("tag:gan", ["vae-gan/mode-collapse", "vae-gan/wgan"]),
        ("tag:trans*", ["attention/why-sqrt", "attention/kv-cache"]),
        ("type:kata", ["vae-gan/wgan", "heaps/top-k"]),
        ("is:due", ["attention/why-sqrt"]),
        ("is:new", ["vae-gan/mode-collapse", "vae-gan/wgan"]),
        ("is:suspended", ["vae-gan/wgan"]),
        ("is:leech", ["vae-gan/wgan"]),
        ("is:buried", ["heaps/top-k"]),
        ("is:learning", ["heaps/top-k"]),
        ("is:review", ["attention/why-sqrt", "attention/kv-cache"]),
        ("type:kata -is:suspended", ["heaps/top-k"]),
        ("tag:gan is:new type:qa", ["vae-gan/mode-collapse"]),
        ("CACHE", ["attention/kv-cache"]),
        ('"mode collapse"', ["vae-gan/mode-collapse"]),
        ("-deck:attention -tag:gan", ["heaps/top-k"]),
        ("id:top-k", ["heaps/top-k"]),
    ],
)
def test_query_syntax(query: str, expected: list[str]) -> None:
    assert keys(query) == expected


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("dek:attention", "unknown search field 'dek:' (did you mean 'deck'?)"),
        ("is:suspend", "unknown 'is:suspend' (did you mean 'suspended'?)"),
        ("type:card", "unknown 'type:card'"),
        ("deck:", "'deck:' needs a value"),
        ('"unclosed', "unbalanced quotes"),
    ],
)
def test_query_errors_say_what_is_wrong(query: str, message: str) -> None:
    with pytest.raises(QueryError, match=re.escape(message)):
        parse_query(query)
