"""A large study history for the scale benchmark: decks and a backup to restore.

Writes N cards in D decks as deck YAML files (mostly Q&A cards, some predict
cards, a few simple katas), and M reviews of them over three years ending at a
fixed date as a backup in exactly the format `prep export FILE.json` writes.
One seeded generator decides everything: the same arguments write the same bytes.

The history follows a learner's habits: about a dozen new cards a day over the
first two and a half years, every card reviewed on several days with the gaps
growing, a morning and an evening session on most days, a few days off, a second
installation for some of the reviews, lapses on the harder cards, leeches
suspended. The card states are prep's own replay of that log (its memory model,
fuzz seeded by each review's id), so they are the states prep would hold.

Every question, answer, predict question and kata title starts with a marker
(Q000123, A000123, P000124, K000125) that tells the cards apart on screen, and
the cards most overdue at the end of the history are Q&A cards, so that a
benchmark can rate several in a row.

    .venv/bin/python bench/large.py OUT_DIR [--cards N] [--decks D] [--reviews M] [--seed S]

writes OUT_DIR/decks/*.yaml and OUT_DIR/backup.json.
"""

from __future__ import annotations

import argparse
import array
import hashlib
import json
import math
import random
import textwrap
import time
import uuid
from collections import Counter
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from prep.clock import from_ms, to_ms
from prep.scheduling.memory import CardState, Rating, memory_model
from prep.scheduling.replay import Review, replay_with_stages
from prep.settings import Settings
from prep.transfer.backup import BACKUP_FORMAT, BACKUP_VERSION, state_json

# The history ends here; nothing in the output depends on when it is generated.
END = datetime(2026, 11, 1, tzinfo=UTC)
DAYS = 3 * 365
START = END - timedelta(days=DAYS)
DAY_MS = 86_400_000
# New cards arrive over this share of the three years; the rest is reviews only.
INTRODUCTION_SHARE = 0.8
MIN_REVIEWS_PER_CARD = 5
# How many of the most overdue cards are Q&A: a benchmark rates these in a row.
QA_FIRST = 64
KATA_SHARE = 0.01
PREDICT_SHARE = 0.07
SECOND_INSTALLATION_SHARE = 0.15

WORDS = (
    "gradient", "attention", "tensor", "batch", "kernel", "cache", "heap", "graph", "tree",
    "hash", "queue", "stack", "vector", "matrix", "softmax", "dropout", "optimizer",
    "momentum", "embedding", "token", "layer", "shard", "replica", "latency", "throughput",
    "variance", "bias", "entropy", "sample", "window", "pointer", "buffer", "thread", "lock",
    "iterator", "generator", "closure", "decorator", "descriptor", "slot", "frame", "scope",
)  # fmt: skip
TAGS = (
    "arrays", "hashing", "graphs", "trees", "heaps", "sorting", "strings", "dp", "greedy",
    "recursion", "probability", "linear-algebra", "optimisation", "transformers", "vision",
    "language", "systems", "memory", "concurrency", "python", "numpy", "pytorch", "evaluation",
    "regularisation",
)  # fmt: skip


@dataclass(frozen=True)
class Written:
    """What ``generate`` wrote, for the caller to print or check."""

    decks_dir: Path
    backup: Path
    decks: int
    cards: int
    by_type: dict[str, int]
    reviews: int
    states: int
    attempts: int
    marks: int
    first_review: datetime
    last_review: datetime


def deck_slug(deck: int) -> str:
    return f"bench-{deck + 1:02d}"


def deck_title(deck: int) -> str:
    return f"Bench deck {deck + 1:02d}"


def card_id(kind: str, number: int) -> str:
    return f"{kind[0]}{number:06d}"


def marker(letter: str, number: int) -> str:
    """What starts a card's text on screen: Q000123 (question), A000123 (answer), …"""
    return f"{letter}{number:06d}"


def _uuid(seed: int, *parts: object) -> str:
    """A version-4 UUID drawn from the seed and ``parts``: the same every run."""
    digest = hashlib.blake2b(f"{seed}/{'/'.join(map(str, parts))}".encode(), digest_size=16)
    return str(uuid.UUID(bytes=digest.digest(), version=4))


# -- the decks --------------------------------------------------------------------


def _sentence(rng: random.Random, low: int, high: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(rng.randint(low, high)))


def _block(text: str, indent: int) -> str:
    """A YAML literal block scalar of ``text`` at ``indent`` spaces."""
    return "|\n" + textwrap.indent(text.rstrip("\n") + "\n", " " * indent)


def _qa_yaml(rng: random.Random, number: int) -> str:
    lines = [
        f"  - id: {card_id('qa', number)}",
        "    type: qa",
        f"    difficulty: {rng.choices(('easy', 'medium', 'hard'), (3, 5, 2))[0]}",
        f"    tags: [{', '.join(sorted(set(rng.sample(TAGS, rng.randint(1, 2)))))}]",
        "    question: "
        + _block(f"{marker('Q', number)}: why does the {_sentence(rng, 6, 12)} matter?", 6),
        "    answer: "
        + _block(
            f"{marker('A', number)}: the {_sentence(rng, 8, 16)}.\n\n"
            f"Then the {_sentence(rng, 6, 14)}.",
            6,
        ),
    ]
    if rng.random() < 0.3:
        lines.append("    hint: " + _block(f"Think of the {_sentence(rng, 3, 6)}.", 6))
    if rng.random() < 0.2:
        lines.append("    explanation: " + _block(f"The {_sentence(rng, 20, 40)}.", 6))
    return "\n".join(line.rstrip("\n") for line in lines)


def _predict_yaml(rng: random.Random, number: int) -> str:
    a, b = rng.randint(2, 9), rng.randint(3, 12)
    shape = rng.randrange(3)
    if shape == 0:
        code = f"values = [x * {a} for x in range({b})]\nprint(sum(values))\n"
        output = f"{a * sum(range(b))}\n"
    elif shape == 1:
        word = "".join(rng.choice("abcdefgh") for _ in range(b))
        code = f'word = "{word}"\nprint(word[::-1].upper(), len(word))\n'
        output = f"{word[::-1].upper()} {len(word)}\n"
    else:
        code = (
            f'items = {{"a": {a}, "b": {b}}}\nitems["c"] = items["a"] * items["b"]\n'
            "print(sorted(items.items()))\n"
        )
        output = f"{sorted({'a': a, 'b': b, 'c': a * b}.items())}\n"
    return "\n".join(
        [
            f"  - id: {card_id('predict', number)}",
            "    type: predict",
            f"    tags: [{', '.join(sorted({rng.choice(TAGS), 'python'}))}]",
            f"    question: {marker('P', number)} - what does this print?",
            "    code: " + _block(code, 6),
            "    expect_output: " + _block(output, 6),
        ]
    )


def _case(name: str, call: str, expect: object) -> str:
    return (
        f"      - name: {name}\n        call: {json.dumps(call)}\n"
        f"        expect: {json.dumps(expect)}"
    )


def _kata_yaml(rng: random.Random, number: int) -> str:
    if number % 2:
        k = 1 + number % 9
        title, name = f"sum plus {k}", "total"
        prompt = f"Write `total(nums: list[int]) -> int` returning the sum of `nums` plus {k}."
        solution = f"def total(nums):\n    return sum(nums) + {k}\n"
        example = _case("two", "total([1, 2])", 3 + k)
        cases = [
            ("empty", "total([])", k),
            ("one", "total([5])", 5 + k),
            ("negatives", "total([-4, -6, 1])", -9 + k),
            ("many", "total(list(range(100)))", 4950 + k),
        ]
        wrong = {
            "no-offset": "def total(nums):\n    return sum(nums)\n",
            "skips-first": f"def total(nums):\n    return sum(nums[1:]) + {k}\n",
            "offset-only": f"def total(nums):\n    return {k}\n",
        }
    else:
        title, name = "second largest", "second_largest"
        prompt = (
            "Write `second_largest(nums: list[int]) -> int | None` returning the second "
            "largest distinct value, or `None` when there is none."
        )
        solution = (
            "def second_largest(nums):\n    values = sorted(set(nums))\n"
            "    return values[-2] if len(values) > 1 else None\n"
        )
        example = _case("three", "second_largest([1, 2, 3])", 2)
        cases = [
            ("empty", "second_largest([])", None),
            ("ties", "second_largest([5, 5])", None),
            ("repeats", "second_largest([3, 1, 3, 2])", 2),
            ("negatives", "second_largest([-1, -7, -3])", -3),
        ]
        wrong = {
            "not-distinct": "def second_largest(nums):\n    return sorted(nums)[-2] if len(nums) > 1 else None\n",
            "largest": "def second_largest(nums):\n    return max(nums) if nums else None\n",
            "no-guard": "def second_largest(nums):\n    return sorted(set(nums))[-2]\n",
        }
    lines = [
        f"  - id: {card_id('kata', number)}",
        "    type: kata",
        f"    difficulty: {rng.choice(('easy', 'medium'))}",
        f"    tags: [{rng.choice(TAGS)}]",
        f"    title: {marker('K', number)} {title}",
        "    prompt: " + _block(prompt, 6),
        "    starter: " + _block(f"def {name}(nums):\n    ...\n", 6),
        "    examples:",
        example,
        "    tests:",
        *(_case(*case) for case in cases),
        "    solution: " + _block(solution, 6),
        "    wrong_solutions:",
    ]
    for wrong_name, code in wrong.items():
        lines += [f"      - name: {wrong_name}", "        code: " + _block(code, 10)]
    lines.append("    complexity: O(n) time")
    return "\n".join(line.rstrip("\n") for line in lines)


def write_decks(folder: Path, kinds: list[str], decks: int, seed: int) -> None:
    """One file per deck; card ``i`` (0-based) is number ``i + 1`` in deck ``i * decks // N``."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(f"{seed}/decks")
    writers = {"qa": _qa_yaml, "predict": _predict_yaml, "kata": _kata_yaml}
    cards = len(kinds)
    for deck in range(decks):
        first, last = deck * cards // decks, (deck + 1) * cards // decks
        header = (
            f"deck: {deck_slug(deck)}\ntitle: {deck_title(deck)}\n"
            "description: Generated cards for the scale benchmark.\ntags: [bench]\ncards:\n"
        )
        body = "\n".join(writers[kinds[i]](rng, i + 1) for i in range(first, last))
        (folder / f"{deck_slug(deck)}.yaml").write_text(header + body + "\n", encoding="utf-8")


# -- the history --------------------------------------------------------------------


def _active_days(rng: random.Random) -> list[int]:
    """For each day, the first day from it on that has reviews (days off are skipped)."""
    active = [rng.random() >= 0.03 for _ in range(DAYS)]
    for year in range(DAYS // 365):
        holiday = year * 365 + rng.randrange(30, 330)
        for day in range(holiday, min(DAYS, holiday + rng.randint(5, 12))):
            active[day] = False
    active[0] = active[DAYS - 2] = True
    following = [DAYS - 2] * DAYS
    upcoming = DAYS - 2
    for day in range(DAYS - 2, -1, -1):
        if active[day]:
            upcoming = day
        following[day] = upcoming
    return following


def _introduction_order(cards: int, decks: int) -> list[int]:
    """Cards in the order they were first studied: the decks in turn, as prep serves them."""
    lanes = [list(range(d * cards // decks, (d + 1) * cards // decks)) for d in range(decks)]
    order = []
    for position in range(max(map(len, lanes))):
        order += [lane[position] for lane in lanes if position < len(lane)]
    return order


def _review_counts(rng: random.Random, spans: list[int], total: int) -> list[int]:
    """How many reviews each card gets: a few each, the rest by span and by chance."""
    cards = len(spans)
    base = min(MIN_REVIEWS_PER_CARD, total // cards)
    weights = [span * rng.lognormvariate(0, 0.5) + 1 for span in spans]
    rest = total - base * cards
    scale = rest / sum(weights)
    shares = [w * scale for w in weights]
    counts = [base + int(share) for share in shares]
    leftover = total - sum(counts)
    by_remainder = sorted(range(cards), key=lambda i: (int(shares[i]) - shares[i], i))
    for i in by_remainder[:leftover]:
        counts[i] += 1
    return counts


def _rating(rng: random.Random, first: bool, same_day: bool, hardness: float) -> Rating:
    draw = rng.random()
    if first:
        again, hard, easy = 0.15, 0.25, 0.1
    elif same_day:
        again, hard, easy = 0.08, 0.15, 0.05
    else:
        again, hard, easy = 0.01 + 0.05 * hardness, 0.1, 0.1 * (1 - hardness)
    if draw < again:
        return Rating.Again
    if draw < again + hard:
        return Rating.Hard
    if draw < again + hard + easy:
        return Rating.Easy
    return Rating.Good


@dataclass
class _Log:
    """The whole review log as columns: a million reviews in a few tens of MB."""

    ms: array.array[int]
    card: array.array[int]
    nth: array.array[int]
    rating: array.array[int]
    duration: array.array[int]
    stage_before: array.array[int]
    second_installation: array.array[int]


def _review_days(rng: random.Random, start_day: int, count: int, following: list[int]) -> list[int]:
    """The days of a card's reviews, closer together at first, each moved to a day studied."""
    span = (DAYS - 2 - start_day) * rng.uniform(0.8, 1.0)
    return [following[start_day + int(span * (k / count) ** 1.6)] for k in range(count)]


def simulate(cards: int, decks: int, reviews: int, seed: int) -> tuple[_Log, list[CardState]]:
    """Every card's reviews, replayed through prep's memory model card by card: the log
    in generation order, and each card's state (keyed by its index for now)."""
    rng = random.Random(f"{seed}/history")
    following = _active_days(rng)
    order = _introduction_order(cards, decks)
    start_days = [0] * cards
    for rank, card in enumerate(order):
        start_days[card] = following[int(rank * INTRODUCTION_SHARE * (DAYS - 2) / cards)]
    counts = _review_counts(rng, [DAYS - 2 - s for s in start_days], reviews)
    model = memory_model(Settings(), None)
    log = _Log(*(array.array(code) for code in "qllbibb"))
    states: list[CardState] = []
    start_ms = to_ms(START)
    for card in range(cards):
        hardness = rng.betavariate(2, 5)
        days = _review_days(rng, start_days[card], counts[card], following)
        card_reviews = []
        previous_day, previous_ms, forced = -1, 0, False
        for nth, day in enumerate(days):
            if forced:
                day = previous_day
            day = max(day, previous_day)
            same_day = day == previous_day
            if same_day:
                at = previous_ms + rng.randint(8, 20) * 60_000
            else:
                evening = rng.random() < 0.65
                low, high = (17.0, 22.5) if evening else (6.0, 9.0)
                at = start_ms + day * DAY_MS + int(rng.uniform(low, high) * 3_600_000)
            at = max(at, previous_ms + 60_000)
            rating = _rating(rng, nth == 0, same_day, hardness)
            forced = rating is Rating.Again
            seconds = rng.lognormvariate(math.log(6.0), 0.55) * (1.6 if forced else 1.0)
            duration = min(90_000, max(700, int(seconds * 1000)))
            card_reviews.append(
                Review(
                    id=_uuid(seed, "review", card, nth),
                    card_key=str(card),
                    rating=rating,
                    reviewed_at=from_ms(at),
                    duration_ms=duration,
                    installation_id="",
                )
            )
            log.ms.append(at)
            log.card.append(card)
            log.nth.append(nth)
            log.rating.append(int(rating))
            log.duration.append(duration)
            log.second_installation.append(rng.random() < SECOND_INSTALLATION_SHARE)
            previous_day, previous_ms = day, at
        replayed, annotated = replay_with_stages(card_reviews, model)
        for review in annotated:
            assert review.stage_before is not None
            log.stage_before.append(int(review.stage_before))
        states.append(replayed[str(card)])
    return log, states


def choose_kinds(cards: int, seed: int) -> list[str]:
    """Mostly Q&A, some predict cards, a few katas (at least one of each when there is room)."""
    rng = random.Random(f"{seed}/kinds")
    kinds = []
    for _ in range(cards):
        draw = rng.random()
        if draw < KATA_SHARE:
            kinds.append("kata")
        elif draw < KATA_SHARE + PREDICT_SHARE:
            kinds.append("predict")
        else:
            kinds.append("qa")
    if cards >= 3 and "kata" not in kinds:
        kinds[cards - 1] = "kata"
    if cards >= 3 and "predict" not in kinds:
        kinds[cards - 2] = "predict"
    return kinds


def keep_qa_first(kinds: list[str], states: list[CardState], blocked: set[int]) -> list[str]:
    """Swap types so that the most overdue cards (the first the queue serves) are Q&A."""
    kinds = list(kinds)
    by_due = sorted(
        (i for i in range(len(kinds)) if i not in blocked), key=lambda i: (states[i].due, i)
    )
    spare = (i for i in by_due[QA_FIRST:] if kinds[i] == "qa")
    for i in by_due[:QA_FIRST]:
        if kinds[i] != "qa":
            other = next(spare, None)
            if other is None:
                break
            kinds[i], kinds[other] = kinds[other], kinds[i]
    return kinds


# -- the backup ----------------------------------------------------------------------

REVIEW_ITEM = (
    '  {{\n   "id": "{}",\n   "card_key": "{}",\n   "rating": {},\n   "reviewed_at": "{}",\n'
    '   "duration_ms": {},\n   "installation_id": "{}",\n   "kind": "review",\n'
    '   "stage_before": {},\n   "seq": {}\n  }}'
)


def _nested(item: object) -> str:
    """``item`` as ``json.dumps(backup, indent=1)`` writes an entry of a top-level list."""
    return textwrap.indent(json.dumps(item, indent=1, ensure_ascii=False), "  ")


def write_backup(
    path: Path,
    log: _Log,
    keys: list[str],
    states: list[CardState],
    kinds: list[str],
    blocked: set[int],
    seed: int,
) -> int:
    """The backup, streamed: the text ``json.dumps(export_backup(...), indent=1)`` would be.
    Returns how many attempts it holds."""
    installations = (_uuid(seed, "installation", 0), _uuid(seed, "installation", 1))
    chronological = sorted(range(len(log.ms)), key=log.ms.__getitem__)
    attempts = []
    for index in chronological:
        card = log.card[index]
        if kinds[card] != "kata":
            continue
        passed = log.rating[index] != Rating.Again
        total = 5
        at = log.ms[index] - 2_000
        attempts.append(
            {
                "id": _uuid(seed, "attempt", card, log.nth[index]),
                "card_key": keys[card],
                "kind": "submit",
                "submitted_at": from_ms(at).isoformat(),
                "code": "# submitted in the kata screen\n",
                "passed": passed,
                "summary": {
                    "passed": total if passed else total - 1,
                    "total": total,
                    "statuses": ["pass"] * (total - 1) + ["pass" if passed else "fail"],
                    "problem": None,
                    "elapsed_ms": log.duration[index] * 20,
                },
                "duration_ms": 150 + log.nth[index] % 200,
                "installation_id": installations[log.second_installation[index]],
            }
        )
    marks = [
        {
            "card_key": keys[card],
            "suspended": True,
            "buried_until": None,
            "leech": True,
            "changed_at": None,
        }
        for card in sorted(blocked, key=keys.__getitem__)
    ]
    sentinel = "@@ {} @@"
    skeleton = {
        "format": BACKUP_FORMAT,
        "version": BACKUP_VERSION,
        "exported_at": END.isoformat(),
        "installation_id": installations[0],
        "reviews": [sentinel.format("reviews")] if chronological else [],
        # As the store keeps them: times at its millisecond grain.
        "card_states": [
            state_json(
                replace(
                    s,
                    key=keys[i],
                    due=from_ms(to_ms(s.due)),
                    last_review=from_ms(to_ms(s.last_review)) if s.last_review else None,
                )
            )
            for i, s in enumerate(states)
        ],
        "marks": marks,
        "drafts": [],
        "attempts": [sentinel.format("attempts")] if attempts else [],
        "settings": Settings().to_dict(),
        "fitted_parameters": None,
        "fit": None,
    }
    text = json.dumps(skeleton, indent=1, ensure_ascii=False)
    before_reviews, _, rest = text.partition(f'  "{sentinel.format("reviews")}"')
    before_attempts, _, after = rest.partition(f'  "{sentinel.format("attempts")}"')
    # Each installation numbers its own reviews in the order it made them.
    made: Counter[int] = Counter()
    seq = array.array("q", bytes(8 * len(log.ms)))
    for i in chronological:
        made[log.second_installation[i]] += 1
        seq[i] = made[log.second_installation[i]]
    with path.open("w", encoding="utf-8") as out:
        out.write(before_reviews)
        for start in range(0, len(chronological), 20_000):
            chunk = chronological[start : start + 20_000]
            if start:
                out.write(",\n")
            out.write(
                ",\n".join(
                    REVIEW_ITEM.format(
                        _uuid(seed, "review", log.card[i], log.nth[i]),
                        keys[log.card[i]],
                        log.rating[i],
                        from_ms(log.ms[i]).isoformat(),
                        log.duration[i],
                        installations[log.second_installation[i]],
                        log.stage_before[i],
                        seq[i],
                    )
                    for i in chunk
                )
            )
        out.write(before_attempts)
        out.write(",\n".join(_nested(attempt) for attempt in attempts))
        out.write(after)
    return len(attempts)


def generate(
    out: Path, cards: int = 10_000, decks: int = 50, reviews: int = 1_000_000, seed: int = 0
) -> Written:
    """Write ``out/decks/`` and ``out/backup.json``."""
    if not 1 <= decks <= cards:
        raise ValueError("need at least one deck and no more decks than cards")
    if reviews < 2 * cards:
        raise ValueError("need at least two reviews a card: every card is reviewed on several days")
    log, states = simulate(cards, decks, reviews, seed)
    threshold = Settings().leech_threshold
    blocked = {i for i, state in enumerate(states) if state.lapses >= threshold}
    kinds = keep_qa_first(choose_kinds(cards, seed), states, blocked)
    keys = [
        f"{deck_slug(i * decks // cards)}/{card_id(kind, i + 1)}" for i, kind in enumerate(kinds)
    ]
    out.mkdir(parents=True, exist_ok=True)
    write_decks(out / "decks", kinds, decks, seed)
    backup = out / "backup.json"
    attempts = write_backup(backup, log, keys, states, kinds, blocked, seed)
    return Written(
        decks_dir=out / "decks",
        backup=backup,
        decks=decks,
        cards=cards,
        by_type={kind: kinds.count(kind) for kind in ("qa", "predict", "kata")},
        reviews=len(log.ms),
        states=len(states),
        attempts=attempts,
        marks=len(blocked),
        first_review=from_ms(min(log.ms)),
        last_review=from_ms(max(log.ms)),
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("out", type=Path, metavar="OUT_DIR")
    parser.add_argument("--cards", type=int, default=10_000)
    parser.add_argument("--decks", type=int, default=50)
    parser.add_argument("--reviews", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    started = time.perf_counter()
    try:
        written = generate(args.out, args.cards, args.decks, args.reviews, args.seed)
    except ValueError as exc:
        parser.error(str(exc))
    types = ", ".join(f"{count:,} {kind}" for kind, count in written.by_type.items())
    print(f"wrote {written.decks} decks, {written.cards:,} cards ({types}) to {written.decks_dir}")
    print(
        f"wrote {written.reviews:,} reviews ({written.first_review:%Y-%m-%d} to "
        f"{written.last_review:%Y-%m-%d}), {written.states:,} card states, "
        f"{written.attempts:,} kata attempts and {written.marks:,} leeches to {written.backup} "
        f"({written.backup.stat().st_size / 1e6:.0f} MB) in {time.perf_counter() - started:.0f} s"
    )


if __name__ == "__main__":
    main()
