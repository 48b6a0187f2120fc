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

from prep.content import KataCard, StudyCard, load_library
from prep.content.models import QACard

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

# Every topic of the interview syllabus beyond the seeds: the deck that teaches it,
# and a term its cards must use.
SYLLABUS_TOPICS = {
    "bias-variance": ("bias-variance", "variance"),
    "regularisation": ("regularisation", "elastic net"),
    "validation and leakage": ("validation-and-leakage", "leakage"),
    "metrics": ("evaluation-metrics", "PR AUC"),
    "class imbalance": ("class-imbalance", "focal"),
    "linear and logistic regression": ("linear-models", "odds"),
    "SVM": ("support-vector-machines", "kernel trick"),
    "kNN and naive Bayes": ("knn-naive-bayes", "curse of dimensionality"),
    "decision trees": ("decision-trees", "Gini"),
    "clustering, GMM, EM": ("clustering", "k-means"),
    "PCA, SVD, t-SNE": ("dimensionality-reduction", "t-SNE"),
    "recommenders": ("recommender-systems", "cold start"),
    "feature engineering": ("feature-engineering", "hashing"),
    "A/B tests": ("ab-testing-statistics", "sequential"),
    "optimisers": ("training-optimizers", "AdamW"),
    "learning-rate schedules": ("training-lr-schedules", "warmup"),
    "initialisation and activations": ("training-init-activations", "GELU"),
    "normalisation": ("training-normalization", "RMSNorm"),
    "dropout, weight decay, label smoothing": ("training-regularization", "label smoothing"),
    "vanishing gradients, clipping": ("training-gradient-flow", "clipping"),
    "mixed precision, accumulation": ("training-memory-precision", "loss scaling"),
    "distillation, pruning, quantisation": ("training-compression", "quantis"),
    "a model that does not learn": ("training-debugging", "overfit"),
    "CNN basics": ("cnn-building-blocks", "depthwise"),
    "tokenisation": ("subword-tokenisation", "WordPiece"),
    "word2vec, TF-IDF": ("word-vectors-tfidf", "negative sampling"),
    "n-grams, perplexity, BLEU": ("ngram-lm-and-metrics", "BLEU"),
    "LLM training, RLHF, DPO, LoRA": ("llm-training-and-alignment", "DPO"),
    "KV cache, sampling, beam search": ("llm-decoding", "beam"),
    "arrays and hashing": ("arrays-hashing", "hash"),
    "two pointers": ("two-pointers", "pointer"),
    "sliding window": ("sliding-window", "window"),
    "stacks": ("stacks-monotonic", "monotonic"),
    "binary search": ("binary-search", "on the answer"),
    "linked lists": ("linked-lists", "cycle"),
    "trees": ("binary-tree-recursion", "ancestor"),
    "tries": ("tries", "prefix"),
    "heaps": ("heap-patterns", "k closest"),
    "backtracking": ("backtracking", "N-queens"),
    "graphs": ("graph-search", "topological"),
    "shortest paths": ("shortest-paths", "Bellman"),
    "MST critical edges": ("mst-critical-edges", "virtual"),
    "intervals": ("intervals", "meeting"),
    "greedy": ("greedy", "greedy"),
    "dynamic programming": ("dynamic-programming", "edit distance"),
    "bit manipulation": ("bit-manipulation", "XOR"),
    "GIL, threads, processes": ("concurrency-models", "GIL"),
    "asyncio": ("asyncio-basics", "gather"),
    "decorators": ("decorators", "functools.wraps"),
    "descriptors": ("descriptors", "__get__"),
    "metaclasses": ("metaclasses", "__init_subclass__"),
    "context managers": ("context-managers", "__exit__"),
    "dataclasses": ("dataclasses-deep", "__hash__"),
    "gotchas": ("python-gotchas", "interning"),
    "imports": ("imports-modules", "circular"),
    "MRO": ("classes-attributes", "MRO"),
    "typing": ("typing-basics", "Protocol"),
    "tf.function": ("tf-function-gradient-tape", "retrac"),
    "tf.data": ("tf-data-performance", "prefetch"),
    "PyTorch autograd": ("pytorch-autograd", "requires_grad"),
    "PyTorch training loop": ("pytorch-training-loop", "eval()"),
    "zero_grad and accumulation": ("pytorch-autograd", "zero_grad"),
    "drift": ("drift-detection", "concept drift"),
    "training/serving skew": ("training-serving-skew", "feature store"),
    "serving": ("inference-serving", "latency"),
    "rollouts": ("online-evaluation-rollouts", "canary"),
    "lifecycle": ("ml-lifecycle", "retrain"),
}

# Minimum cards per area (folder) and type.
AREA_MINIMUMS = {
    "deep-learning": (340, 30, 35),
    "training": (110, 10, 15),
    "classic-ml": (200, 15, 25),
    "algorithms": (120, 20, 55),
    "python": (200, 170, 20),
    "frameworks": (50, 5, 3),
    "ml-systems": (50, 0, 0),
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


def card_text(card: StudyCard) -> str:
    body = card.card
    name = body.id.replace("-", " ")
    if isinstance(body, KataCard):
        return " ".join([name, body.title, body.prompt, body.explanation or "", *body.hints])
    parts = [name, body.question, body.explanation or "", body.hint or ""]
    parts.append(body.answer if isinstance(body, QACard) else body.code)
    return " ".join(parts)


def test_every_syllabus_topic_is_taught() -> None:
    library = load_library([QUESTIONS])
    by_deck: dict[str, list[str]] = {}
    for card in library.cards.values():
        by_deck.setdefault(card.deck, []).append(card_text(card).lower())
    for topic, (deck, term) in SYLLABUS_TOPICS.items():
        assert deck in by_deck, f"syllabus topic {topic!r} has no deck {deck!r}"
        assert any(term.lower() in text for text in by_deck[deck]), (topic, deck, term)


def test_every_area_meets_its_counts() -> None:
    library = load_library([QUESTIONS])
    counts: dict[tuple[str, str], int] = {}
    for card in library.cards.values():
        key = (card.path.parent.name, card.card.type)
        counts[key] = counts.get(key, 0) + 1
    for area, minimums in AREA_MINIMUMS.items():
        for kind, minimum in zip(("qa", "predict", "kata"), minimums, strict=True):
            assert counts.get((area, kind), 0) >= minimum, (area, kind, counts.get((area, kind)))
    assert len(library.cards) >= 1500


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
        [sys.executable, "-m", "prep", "check", "--strict", str(QUESTIONS), "--json"],
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
    assert report["strict"] is True and report["warnings"] == []
    assert report["by_type"]["qa"] >= 1000
    assert report["by_type"]["predict"] >= 250
    assert report["by_type"]["kata"] >= 150
