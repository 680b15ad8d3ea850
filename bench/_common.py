"""Shared data loading and fixed held-out splits for benchmarks and training scripts.

The held-out fold of every dataset is decided by a hash of the normalised text, so the split is
the same on every machine and run, exact duplicates always land on the same side, and nothing in
a held-out fold is ever used for training.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from analysis.datasets import (  # noqa: E402,F401  (the loaders live in the analysis layer)
    HOLDOUT_MODULO,
    SENTIMENT_SETS,
    SPLIT_SALT,
    Labelled,
    is_held_out,
    load_routing_sample,
    load_routing_segmented,
    load_sentiment,
    match_sample_to_segmented,
    read_csv,
    routing_split,
    split,
)
from demo.site.data import DEFAULT_DATA_DIR as DATA_DIR  # noqa: E402


def load_fj3() -> list[dict[str, str]]:
    """Load the 4,326 附件3 messages with likes and dislikes."""
    return read_csv(DATA_DIR / "tipdm2020c_fj3_hot" / "fujian3_messages_likes.csv")


def load_weibo_topics() -> list[dict[str, str]]:
    """Load the 600 weibo2018 posts labelled with six broad topics."""
    return read_csv(DATA_DIR / "weibo2018" / "weibo2018_topics.csv")


def timed(func: Callable[[], object]) -> tuple[object, float]:
    """Run func() and return (result, seconds)."""
    start = time.perf_counter()
    result = func()
    return result, time.perf_counter() - start


def accuracy(truth: list[str], pred: list[str]) -> float:
    """Share of equal labels."""
    return sum(t == p for t, p in zip(truth, pred, strict=True)) / max(len(truth), 1)
