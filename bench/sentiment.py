"""Sentiment benchmark: accuracy per dataset on the fixed held-out folds, and throughput.

Usage: .venv/bin/python bench/sentiment.py
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from analysis import sentiment  # noqa: E402
from bench._common import SENTIMENT_SETS, accuracy, load_sentiment, split, timed  # noqa: E402


def throughput(texts: list[str], rounds: int = 3) -> float:
    """Best docs/s over a few rounds of scoring one text at a time and in one batch."""
    sentiment.score("预热")
    best_single = best_batch = 0.0
    for _ in range(rounds):
        _, secs = timed(lambda: [sentiment.score(t) for t in texts])
        best_single = max(best_single, len(texts) / secs)
        _, secs = timed(lambda: sentiment.score_many(texts))
        best_batch = max(best_batch, len(texts) / secs)
    return best_single, best_batch


def main() -> None:
    """Print accuracy per held-out dataset and docs/s on 100-300-character texts."""
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core
    _, held_out = split(load_sentiment())
    print("held-out accuracy (threshold 0.5)")
    for name in SENTIMENT_SETS:
        rows = [r for r in held_out if r.dataset == name]
        scores = sentiment.score_many([r.text for r in rows])
        pred = ["1" if s >= 0.5 else "0" for s in scores]
        pos = sum(r.label == "1" for r in rows) / len(rows)
        acc = accuracy([r.label for r in rows], pred)
        print(f"  {name:26s} n={len(rows):6d} positive={pos:.2f} accuracy={acc:.4f}")
    texts = [r.text for r in held_out if 100 <= len(r.text) <= 300][:3000]
    single, batch = throughput(texts)
    mean_len = sum(map(len, texts)) / len(texts)
    print(f"throughput on one core, {len(texts)} texts of 100-300 chars (mean {mean_len:.0f}):")
    print(f"  score(text) one by one: {single:,.0f} docs/s; score_many(texts): {batch:,.0f} docs/s")


if __name__ == "__main__":
    main()
