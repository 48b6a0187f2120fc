"""The shipped deck stays honest: `prep check questions` runs every kata's
solution and wrong solutions and every predict snippet, and the deck keeps
covering every seed topic."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from prep.content import KataCard, load_library

QUESTIONS = Path(__file__).resolve().parents[1] / "questions"

# Every topic of the seed documents, and the deck(s) that teach it.
TOPIC_DECKS = {
    "ViT": ["vit"],
    "generative models": ["generative-models"],
    "VQ-VAE / VQGAN": ["vq-vae"],
    "VAE vs GAN": ["vae-gan"],
    "GAN": ["vae-gan"],
    "Wasserstein / WGAN": ["wasserstein"],
    "reparameterization, Gumbel-softmax": ["reparameterization"],
    "non-differentiable metrics": ["training-signals"],
    "bias": ["training-signals"],
    "self-supervised, BERT": ["self-supervised"],
    "MAE": ["self-supervised"],
    "CPC, contrastive, NCE": ["contrastive"],
    "online action detection (OadTR)": ["detection-transformers"],
    "Transformer vs RNN": ["attention"],
    "linear attention": ["linear-attention"],
    "Stable Diffusion": ["diffusion"],
    "DETR": ["detection-transformers"],
    "A-Softmax": ["a-softmax"],
    "receptive field": ["receptive-field"],
    "dilated convolution": ["dilated-conv"],
    "PA / MPA / MIoU": ["segmentation-metrics"],
    "SPP": ["spp"],
    "upsampling": ["upsampling"],
    "TF feature columns, TFRecord": ["tf-feature-columns", "tfrecord"],
    "random forest": ["random-forest"],
    "AdaBoost": ["adaboost"],
    "GBDT": ["gbdt"],
    "list vs tuple": ["list-tuple"],
    "generators": ["generators"],
    "mutable vs immutable": ["mutability"],
    "garbage collection": ["garbage-collection"],
    "pdb": ["pdb"],
    "minimum spanning tree": ["minimum-spanning-tree"],
    "median of a data stream": ["streaming-median"],
    "heaps, top-K": ["heaps-top-k"],
    "binary-tree traversal": ["tree-traversal"],
}

# The five katas of the product's design.
NAMED_KATAS = [
    "streaming-median/median-finder",
    "tree-traversal/inorder-iterative",
    "tree-traversal/preorder-postorder-iterative",
    "tree-traversal/level-order",
    "mutability/fix-aliasing-bugs",
    "garbage-collection/weak-parent-tree",
    "generators/averager-coroutine-and-delegation",
]


def test_every_topic_is_covered_and_named_katas_exist() -> None:
    library = load_library([QUESTIONS])
    assert not library.errors
    slugs = {deck.slug: deck for deck in library.decks}
    for topic, decks in TOPIC_DECKS.items():
        for slug in decks:
            assert slug in slugs, f"topic {topic!r} has no deck {slug!r}"
            qa = [k for k in slugs[slug].card_keys if library.cards[k].card.type == "qa"]
            assert len(qa) >= 5, f"deck {slug!r} ({topic}) has only {len(qa)} qa cards"
    for key in NAMED_KATAS:
        assert isinstance(library.cards[key].card, KataCard), key


def test_katas_have_teeth_by_construction() -> None:
    library = load_library([QUESTIONS])
    for key, study_card in library.cards.items():
        card = study_card.card
        if isinstance(card, KataCard):
            assert 1 <= len(card.examples) <= 3, key
            assert len(card.tests) >= 8, f"{key}: {len(card.tests)} hidden tests"
            assert len(card.wrong_solutions) >= 3, key
            assert card.hints and card.explanation and card.complexity, key


def test_cards_name_their_source_seed() -> None:
    library = load_library([QUESTIONS])
    seeds = {"000_4a3af60c67021475.txt", "001_cef2441f0819eb2f.txt", "002_c21f9cc02f9dac8d.txt",
             "003_ecd390cb0d4fc936.txt", "004_9287852a6ee962b1.txt"}  # fmt: skip
    sources = {card.card.source for card in library.cards.values() if card.card.source}
    assert sources <= seeds, sources - seeds
    seed_decks = {slug for decks in TOPIC_DECKS.values() for slug in decks}
    unsourced = [
        key
        for key, card in library.cards.items()
        if card.deck in seed_decks and not card.card.source
    ]
    assert not unsourced, unsourced[:10]


@pytest.mark.slow
def test_prep_check_runs_the_whole_deck_clean() -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREP_")}
    result = subprocess.run(
        [sys.executable, "-m", "prep", "check", str(QUESTIONS), "--json"],
        capture_output=True,
        text=True,
        env=env,
        timeout=1800,
    )
    report = json.loads(result.stdout)
    assert report["errors"] == [], "\n".join(
        f"{e['path']}:{e['line']}: {e['message']}" for e in report["errors"]
    )
    assert result.returncode == 0
    assert report["by_type"]["qa"] >= 300
    assert report["by_type"]["predict"] >= 80
    assert report["by_type"]["kata"] >= 40
